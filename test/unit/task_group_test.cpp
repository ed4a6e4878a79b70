// task_group: one stop() reaches every member of an io thread, coroutine or callback, once; and
// shutdown_gate lets it cut short only the waits inside a window.
#include "ssehub/http/task_group.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>

using namespace ssehub;

namespace {

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);
constexpr auto forever = std::chrono::hours(24);

// Waits "forever" on a timer; records how the wait ended.
net::awaitable<void> wait_forever(boost::system::error_code& out)
{
    net::steady_timer t(co_await net::this_coro::executor, forever);
    auto [ec] = co_await t.async_wait(use_tuple);
    out = ec;
}

// A session's shape: a wait outside any window (a request being read and answered), then, as
// the session does, a check of stopping() before it would wait idle.
net::awaitable<void> gated(bool& stopping_after_busy, boost::system::error_code& busy)
{
    shutdown_gate gate;
    co_await gate.install();
    net::steady_timer t(co_await net::this_coro::executor, std::chrono::milliseconds(0));
    auto [ec] = co_await t.async_wait(use_tuple); // the posted stop() runs before this completes
    busy = ec;
    stopping_after_busy = gate.stopping();
    if (gate.stopping())
        co_return;
    shutdown_gate::window const open(gate);
    t.expires_after(forever);
    co_await t.async_wait(use_tuple);
}

} // namespace

BOOST_AUTO_TEST_SUITE(task_group_test)

BOOST_AUTO_TEST_CASE(stop_cancels_every_member_and_frees_their_places)
{
    net::io_context ctx;
    task_group group(ctx);
    boost::system::error_code a, b;
    int exits = 0;
    group.spawn(wait_forever(a), [&](std::exception_ptr e) { exits += e ? 100 : 1; });
    group.spawn(wait_forever(b), [&](std::exception_ptr e) { exits += e ? 100 : 1; });
    int callback_stops = 0;
    group.slot().assign([&](net::cancellation_type t) {
        BOOST_TEST((t == net::cancellation_type::terminal));
        ++callback_stops;
    });
    net::post(ctx, [&] {
        BOOST_TEST(group.members() == 3u);
        group.stop();
        group.stop(); // idempotent: no second signal
    });
    ctx.run(); // returns only when both waits have ended
    BOOST_TEST(a == net::error::operation_aborted);
    BOOST_TEST(b == net::error::operation_aborted);
    BOOST_TEST(exits == 2);
    BOOST_TEST(callback_stops == 1);
    BOOST_TEST(group.members() == 1u); // the callback member lives as long as the group
    BOOST_TEST(group.stopping());
}

BOOST_AUTO_TEST_CASE(a_member_spawned_after_stop_is_cancelled_at_once)
{
    net::io_context ctx;
    task_group group(ctx);
    boost::system::error_code late;
    net::post(ctx, [&] {
        group.stop();
        group.spawn(wait_forever(late), nullptr);
    });
    ctx.run();
    BOOST_TEST(late == net::error::operation_aborted);
}

BOOST_AUTO_TEST_CASE(a_finished_members_place_is_reused_and_not_signalled)
{
    net::io_context ctx;
    task_group group(ctx);
    boost::system::error_code first, second;
    group.spawn(
        [](boost::system::error_code& out) -> net::awaitable<void> {
            out = {};
            co_return;
        }(first),
        nullptr);
    ctx.run();
    ctx.restart();
    BOOST_TEST(group.members() == 0u);
    group.spawn(wait_forever(second), nullptr);
    net::post(ctx, [&] { group.stop(); });
    ctx.run();
    BOOST_TEST(second == net::error::operation_aborted);
    BOOST_TEST(group.members() == 0u);
}

// Was a bug (TSan, heap-use-after-free in shutdown_test): a session that ended without ever
// waiting had its completion handler posted by co_spawn, and a stop() in between reached the
// cancellation filter in its freed frame.
BOOST_AUTO_TEST_CASE(a_member_that_ended_is_not_signalled_before_its_exit_handler_runs)
{
    net::io_context ctx;
    task_group group(ctx);
    int filter_calls = 0;
    bool exited = false;
    net::post(ctx, [&] {
        group.spawn(
            [](int& calls) -> net::awaitable<void> {
                co_await net::this_coro::reset_cancellation_state([&calls](net::cancellation_type t) {
                    ++calls;
                    return t;
                });
            }(filter_calls),
            [&](std::exception_ptr) { exited = true; });
        BOOST_TEST(!exited); // ended, but its exit handler comes a turn later
        group.stop();
    });
    ctx.run();
    BOOST_TEST(exited);
    BOOST_TEST(filter_calls == 0);
}

BOOST_AUTO_TEST_CASE(the_gate_records_a_stop_outside_its_window_without_cutting_the_wait_short)
{
    net::io_context ctx;
    task_group group(ctx);
    bool stopping_after_busy = false;
    boost::system::error_code busy;
    std::exception_ptr error;
    group.spawn(gated(stopping_after_busy, busy), [&](std::exception_ptr e) { error = e; });
    net::post(ctx, [&] { group.stop(); }); // queued behind the member's start, ahead of its wait
    ctx.run();
    BOOST_TEST(!error); // the next co_await after a stop does not throw
    BOOST_TEST(!busy);  // the wait outside the window ran to its end
    BOOST_TEST(stopping_after_busy);
}

BOOST_AUTO_TEST_CASE(the_gate_passes_a_stop_on_to_a_wait_in_its_window)
{
    net::io_context ctx;
    task_group group(ctx);
    boost::system::error_code waited;
    bool stopped = false;
    group.spawn(
        [](boost::system::error_code& out, bool& stopped) -> net::awaitable<void> {
            shutdown_gate gate;
            co_await gate.install();
            shutdown_gate::window const open(gate);
            net::steady_timer t(co_await net::this_coro::executor, forever);
            auto [ec] = co_await t.async_wait(use_tuple);
            out = ec;
            stopped = gate.stopping();
        }(waited, stopped),
        nullptr);
    net::post(ctx, [&] { group.stop(); });
    ctx.run();
    BOOST_TEST(waited == net::error::operation_aborted);
    BOOST_TEST(stopped);
}

BOOST_AUTO_TEST_SUITE_END()
