// delivery/write_now: in place, past Asio's 64 buffers per writev (gathered into one block, or
// sendmsg lists beyond it), and stopping (no error) at a full send buffer. Loopback sockets
// made in place; no timing involved.
#include "ssehub/delivery/write_now.hpp"
#include "support/loopback_pair.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace ssehub;
using namespace ssehub::test;

namespace {

std::vector<std::string> numbered_frames(int n)
{
    std::vector<std::string> frames;
    for (int i = 0; i < n; ++i)
        frames.push_back("id: " + std::to_string(i) + "\ndata: x\n\n");
    return frames;
}

std::vector<net::const_buffer> buffers_of(std::vector<std::string> const& frames)
{
    std::vector<net::const_buffer> out;
    out.push_back(net::const_buffer{}); // empty buffers are harmless anywhere
    for (auto const& f : frames)
        out.push_back(net::buffer(f));
    return out;
}

std::string joined(std::vector<std::string> const& frames)
{
    std::string out;
    for (auto const& f : frames)
        out += f;
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(write_now_test)

// Was slow: Asio's write_some takes at most 64 buffers, so a 1 000-frame replay went out 64
// frames per round through the reactor, then 64 per writev. 3 000: more than one sendmsg takes
// (IOV_MAX, 1 024 on Linux); both are gathered into one block.
BOOST_DATA_TEST_CASE(long_lists_go_out_whole_and_in_order_when_the_socket_takes_them,
                     boost::unit_test::data::make({1000, 3000}), count)
{
    net::io_context io;
    auto pair = make_loopback_pair(io);
    pair.server.non_blocking(true);
    auto const frames = numbered_frames(count);
    auto const buffers = buffers_of(frames);
    auto const expected = joined(frames);
    boost::system::error_code ec;
    auto const n = write_now(pair.server, buffers, ec);
    BOOST_TEST(!ec);
    BOOST_TEST(n == expected.size());
    BOOST_TEST(read_available(pair.client) == expected);
}

// Past the block: sendmsg lists of IOV_MAX, one after another while the socket takes them, and
// a later call goes on where the last stopped. Drained between calls, so everything arrives.
BOOST_AUTO_TEST_CASE(past_the_block_several_lists_go_out_and_the_rest_resumes_in_order)
{
    net::io_context io;
    auto pair = make_loopback_pair(io);
    pair.server.set_option(net::socket_base::send_buffer_size(1 << 20)); // room for several lists
    pair.server.non_blocking(true);
    auto const frames = numbered_frames(60000);
    auto const all = joined(frames);
    BOOST_TEST_REQUIRE(all.size() > detail::flat_bytes);
    std::vector<net::const_buffer> left = buffers_of(frames);
    std::size_t first_list = 0; // the bytes of one sendmsg: the first IOV_MAX buffers
    for (std::size_t i = 0; i < IOV_MAX; ++i)
        first_list += left[i].size();
    std::string got;
    bool first_call = true;
    for (int round = 0; round < 100000 && !left.empty(); ++round) {
        boost::system::error_code ec;
        auto const n = write_now(pair.server, left, ec);
        BOOST_TEST_REQUIRE(!ec);
        if (first_call) // more than one list went out in one call
            BOOST_TEST(n > first_list);
        first_call = false;
        std::vector<net::const_buffer> rest;
        unwritten_part(left, n, rest);
        left = std::move(rest);
        got += read_available(pair.client);
    }
    got += read_available(pair.client);
    BOOST_TEST(left.empty());
    BOOST_TEST((got == all));
}

// A peer that is gone is an error, not a short write: the caller closes the stream.
BOOST_AUTO_TEST_CASE(a_reset_peer_is_an_error)
{
    net::io_context io;
    auto pair = make_loopback_pair(io);
    pair.server.non_blocking(true);
    pair.client.set_option(net::socket_base::linger(true, 0));
    pair.client.close(); // a reset
    auto const frames = numbered_frames(200);
    auto const buffers = buffers_of(frames);
    boost::system::error_code ec;
    for (int i = 0; i < 3 && !ec; ++i) // the reset may land after the first write
        write_now(pair.server, buffers, ec);
    BOOST_TEST(ec.failed());
}

// Both ways past 64 buffers: gathered into one block (up to detail::flat_bytes), and as
// sendmsg lists beyond it.
BOOST_DATA_TEST_CASE(a_full_send_buffer_stops_it_with_no_error_and_what_was_written_is_a_prefix,
                     boost::unit_test::data::make({3000, 200000}), count)
{
    net::io_context io;
    auto pair = make_loopback_pair(io, 4096);
    pair.server.set_option(net::socket_base::send_buffer_size(4096));
    pair.server.non_blocking(true);
    auto const frames = numbered_frames(count); // more than both buffers hold
    auto const buffers = buffers_of(frames);
    auto const all = joined(frames);
    BOOST_TEST((all.size() <= detail::flat_bytes) == (count == 3000));
    boost::system::error_code ec;
    auto const n = write_now(pair.server, buffers, ec);
    BOOST_TEST(!ec);
    BOOST_TEST(n > 0u);
    BOOST_TEST(n < all.size());
    // What was taken arrives (some of it may still wait in the sender's queue for the window).
    std::string got(n, '\0');
    net::read(pair.client, net::buffer(got));
    BOOST_TEST((got == all.substr(0, n)));
}

BOOST_AUTO_TEST_SUITE_END()
