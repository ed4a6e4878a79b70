// delivery/handler_memory: one block inline, anything else from the heap; and an idle stream's
// watch (a peeking receive whose handler holds a shared_ptr, as subscriber::watch_peer's) fits.
#include "ssehub/delivery/handler_memory.hpp"
#include "ssehub/delivery/subscriber.hpp"
#include "support/loopback_pair.hpp"

#include <boost/asio/bind_allocator.hpp>
#include <boost/test/unit_test.hpp>

#include <memory>

using namespace ssehub;

BOOST_AUTO_TEST_SUITE(handler_memory_test)

BOOST_AUTO_TEST_CASE(one_block_inline_a_second_or_a_larger_one_from_the_heap)
{
    handler_memory<64> memory;
    auto* a = memory.allocate(64);
    BOOST_TEST(memory.in_use());
    auto* b = memory.allocate(8);  // the room is taken
    auto* c = memory.allocate(65);  // too large for the room
    BOOST_TEST(b != a);
    BOOST_TEST(c != a);
    memory.deallocate(b);
    memory.deallocate(c);
    BOOST_TEST(memory.in_use());
    memory.deallocate(a);
    BOOST_TEST(!memory.in_use());
    BOOST_TEST(memory.allocate(1) == a); // free again: the same room
}

BOOST_AUTO_TEST_CASE(a_pending_peeking_receive_lives_inline_and_gives_its_room_back_before_its_handler)
{
    net::io_context io;
    auto pair = test::make_loopback_pair(io);
    constexpr std::size_t room = subscriber::watch_bytes;
    handler_memory<room> memory;
    // The handler holds one shared_ptr and nothing else, as subscriber::watch_peer's does.
    struct probe {
        handler_memory<room>* memory;
        bool room_free_in_handler = false;
    };
    auto p = std::make_shared<probe>(probe{&memory});
    char byte = 0;
    pair.server.async_receive(net::buffer(&byte, 1), tcp_socket::message_peek,
                              net::bind_allocator(handler_memory_allocator<void, room>(memory),
                                                  [p](boost::system::error_code, std::size_t) {
                                                      p->room_free_in_handler = !p->memory->in_use();
                                                  }));
    BOOST_TEST(memory.in_use()); // the operation took the room: no allocation of its own
    test::reset(pair.client);   // the peer goes away: the receive completes
    io.run();
    BOOST_TEST(p->room_free_in_handler); // so the handler can start another in the same room
    BOOST_TEST(!memory.in_use());
}

BOOST_AUTO_TEST_SUITE_END()
