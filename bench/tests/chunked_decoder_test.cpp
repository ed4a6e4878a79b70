#include "chunked_decoder.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

BOOST_AUTO_TEST_SUITE(chunked_decoder_test)

BOOST_AUTO_TEST_CASE(decodes_any_split)
{
    std::string const wire = "5\r\nhello\r\n1a;ext=1\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nTrailer: x\r\n\r\n";
    for (std::size_t step = 1; step <= wire.size(); ++step) {
        loadgen::chunked_decoder d;
        std::string body;
        for (std::size_t i = 0; i < wire.size(); i += step)
            BOOST_TEST(d.feed(std::string_view(wire).substr(i, step), [&](std::string_view b) { body += b; }));
        BOOST_TEST(body == "helloabcdefghijklmnopqrstuvwxyz");
        BOOST_TEST(d.done());
    }
}

BOOST_AUTO_TEST_CASE(rejects_a_bad_size_line)
{
    loadgen::chunked_decoder d;
    BOOST_TEST(!d.feed("zz\r\n", [](std::string_view) {}));
}

BOOST_AUTO_TEST_SUITE_END()
