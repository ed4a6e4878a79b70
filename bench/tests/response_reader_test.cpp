#include "response_reader.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

namespace {

using response = loadgen::response_reader::response;

// Feeds wire in pieces of `step` bytes; returns the statuses reported, in order (empty and a
// failure when the reader refused the bytes).
std::vector<int> statuses(std::string const& wire, std::size_t step, bool* keep_alive_after = nullptr)
{
    loadgen::response_reader reader;
    std::vector<int> out;
    for (std::size_t i = 0; i < wire.size(); i += step) {
        bool const ok = reader.feed(std::string_view(wire).substr(i, step), [&](response const& r) {
            out.push_back(r.status);
            if (keep_alive_after)
                *keep_alive_after = r.keep_alive;
        });
        BOOST_TEST_REQUIRE(ok);
    }
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(response_reader_test)

// The publisher's window rests on this: one read may hold several answers, and each request
// must be matched with its own (publish_connection used to keep the first and drop the rest).
BOOST_AUTO_TEST_CASE(reports_every_pipelined_response_in_order_however_the_bytes_are_split)
{
    std::string const wire = "HTTP/1.1 202 Accepted\r\nContent-Length: 9\r\n\r\n{\"ids\":1}"
                             "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
                             "HTTP/1.1 202 Accepted\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
                             "HTTP/1.1 201 Created\r\n\r\n";
    for (std::size_t step = 1; step <= wire.size(); ++step) {
        BOOST_TEST_CONTEXT("pieces of " << step)
        {
            auto const got = statuses(wire, step);
            BOOST_TEST(got == (std::vector<int>{202, 400, 202, 201}), boost::test_tools::per_element());
        }
    }
}

BOOST_AUTO_TEST_CASE(a_response_is_reported_only_once_its_body_is_in)
{
    loadgen::response_reader reader;
    int seen = 0;
    auto const count = [&](response const&) { ++seen; };
    BOOST_TEST(reader.feed("HTTP/1.1 202 Accepted\r\nContent-Length: 4\r\n\r\nab", count));
    BOOST_TEST(seen == 0);
    BOOST_TEST(!reader.between_responses());
    BOOST_TEST(reader.feed("cd", count));
    BOOST_TEST(seen == 1);
    BOOST_TEST(reader.between_responses());
}

BOOST_AUTO_TEST_CASE(tells_when_the_server_closes_after_an_answer)
{
    bool keep_alive = true;
    auto const got = statuses("HTTP/1.1 202 Accepted\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", 7, &keep_alive);
    BOOST_TEST(got.size() == 1u);
    BOOST_TEST(!keep_alive);
}

BOOST_AUTO_TEST_CASE(refuses_what_is_not_a_response)
{
    loadgen::response_reader reader;
    BOOST_TEST(!reader.feed("GET / HTTP/1.1\r\n\r\n", [](response const&) {}));
    loadgen::response_reader chunked;
    BOOST_TEST(!chunked.feed("HTTP/1.1 202 Accepted\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", [](response const&) {}));
}

BOOST_AUTO_TEST_SUITE_END()
