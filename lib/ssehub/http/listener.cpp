#include "ssehub/http/listener.hpp"

#include "ssehub/delivery/connection_limit.hpp"
#include "ssehub/http/use_tuple.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

namespace ssehub {

void log_task_exception(std::exception_ptr e)
{
    if (!e)
        return;
    try {
        std::rethrow_exception(e);
    } catch (std::exception const& ex) {
        spdlog::error("task ended by exception: {}", ex.what());
    }
}

net::awaitable<void> accept_loop(tcp::acceptor& acceptor, std::vector<net::io_context*> contexts,
                                 std::function<session_env(std::size_t)> env_for, connection_limit& limit)
{
    std::size_t next = 0;
    acceptor.non_blocking(true); // for the burst accepts below; async_accept is unaffected
    auto last_warning = std::chrono::steady_clock::time_point{};
    for (;;) {
        auto const index = next++ % contexts.size();
        auto [ec, socket] = co_await acceptor.async_accept(*contexts[index], use_tuple);
        if (ec == net::error::operation_aborted || !acceptor.is_open())
            co_return;
        if (ec) {
            // Out of file descriptors (or another transient failure): wait a moment instead of
            // spinning, and say so at most once a second.
            auto const now = std::chrono::steady_clock::now();
            if (now - last_warning > std::chrono::seconds(1)) {
                spdlog::warn("accept failed: {}", ec.message());
                last_warning = now;
            }
            net::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(20));
            co_await pause.async_wait(use_tuple);
            continue;
        }
        auto start = [&](tcp::socket s, std::size_t i) {
            boost::system::error_code ignored;
            s.set_option(tcp::no_delay(true), ignored);
            auto slot = limit.try_acquire();
            net::co_spawn(*contexts[i], run_http_session(std::move(s), env_for(i), std::move(slot)), log_task_exception);
        };
        start(std::move(socket), index);
        // A burst of connections is taken in one wake-up: accept without waiting until the
        // queue is empty (bounded, so other work on this thread still gets its turn).
        for (int burst = 0; burst < 64; ++burst) {
            auto const i = next % contexts.size();
            boost::system::error_code aec;
            auto more = acceptor.accept(*contexts[i], aec);
            if (aec)
                break; // would_block: the queue is empty (other errors: async_accept sees them)
            ++next;
            start(std::move(more), i);
        }
    }
}

} // namespace ssehub
