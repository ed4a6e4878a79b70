// The load generator's allocation-free SSE parser must read a stream exactly as ssehub's
// reference parser (the WHATWG rules) does, however the bytes are split across reads.
#include "sse_parser.hpp"

#include "support/event_parser.hpp"

#include <boost/test/unit_test.hpp>

#include <random>
#include <string>
#include <vector>

namespace {

struct seen {
    std::string type, data, id;
    bool operator==(seen const&) const = default;
};

std::vector<seen> with_loadgen(std::string_view stream, std::size_t max_chunk, std::minstd_rand& rng)
{
    loadgen::sse_parser p;
    std::vector<seen> out;
    std::uniform_int_distribution<std::size_t> chunk(1, max_chunk);
    while (!stream.empty()) {
        auto const n = std::min(chunk(rng), stream.size());
        p.feed(stream.substr(0, n), [&](loadgen::sse_event const& e) {
            out.push_back({std::string(e.type), std::string(e.data), std::string(e.last_event_id)});
        });
        stream.remove_prefix(n);
    }
    return out;
}

std::vector<seen> with_reference(std::string_view stream)
{
    std::vector<seen> out;
    ssehub::test::event_parser p([&](ssehub::test::parsed_event const& e) { out.push_back({e.type, e.data, e.last_event_id}); });
    p.feed(stream);
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(sse_parser_test)

BOOST_AUTO_TEST_CASE(matches_the_reference_parser_for_any_split)
{
    std::string const stream = "\xEF\xBB\xBF: ssehub stream open\n\nretry: 3000\n\n"
                               "id: 17\nevent: bench\ndata: {\"p\":0,\"seq\":1}\n\n"
                               "id: 1700000000:0\r\ndata: first\r\ndata: second\r\n\r\n"
                               "data:no space\rid\r\r"
                               "event: x\n: comment\ndata\n\n"
                               "data: ends without blank line";
    auto const expected = with_reference(stream);
    BOOST_TEST(expected.size() == 4u);
    std::minstd_rand rng(42);
    for (std::size_t max_chunk : {1u, 2u, 3u, 7u, 64u, 4096u})
        for (int round = 0; round < 50; ++round)
            BOOST_TEST((with_loadgen(stream, max_chunk, rng) == expected));
}

// Lines of every length around the 16-byte steps of the line scan, ended by LF, CR or CRLF.
BOOST_AUTO_TEST_CASE(line_ends_at_any_offset_of_a_long_line)
{
    std::string stream;
    char const* const ends[] = {"\n", "\r", "\r\n"};
    for (std::size_t n = 0; n < 70; ++n) {
        auto const end = ends[n % 3];
        stream += "id: " + std::to_string(n) + end + "data: " + std::string(n, static_cast<char>('a' + n % 26)) + end + end;
    }
    auto const expected = with_reference(stream);
    BOOST_TEST(expected.size() == 70u); // the first with empty data, a "data:" line all the same
    std::minstd_rand rng(7);
    for (std::size_t max_chunk : {1u, 5u, 17u, 64u, 4096u})
        for (int round = 0; round < 20; ++round)
            BOOST_TEST((with_loadgen(stream, max_chunk, rng) == expected));
}

BOOST_AUTO_TEST_CASE(over_long_data_is_truncated_not_grown)
{
    loadgen::sse_parser p;
    std::string const big = "data: " + std::string(5000, 'x') + "\n\n";
    int events = 0;
    p.feed(big, [&](loadgen::sse_event const& e) {
        ++events;
        BOOST_TEST(e.truncated);
        BOOST_TEST(e.data.size() <= 512u);
    });
    BOOST_TEST(events == 1);
}

BOOST_AUTO_TEST_SUITE_END()
