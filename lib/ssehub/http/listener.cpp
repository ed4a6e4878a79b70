#include "ssehub/http/listener.hpp"

#include "ssehub/delivery/connection_limit.hpp"
#include "ssehub/http/task_group.hpp"
#include "ssehub/http/use_tuple.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <spdlog/spdlog.h>

#include <cerrno>

namespace ssehub {

void log_task_exception(std::exception_ptr e)
{
    if (!e)
        return;
    try {
        std::rethrow_exception(e);
    } catch (boost::system::system_error const& ex) {
        if (ex.code() != net::error::operation_aborted)
            spdlog::error("task ended by exception: {}", ex.what());
    } catch (std::exception const& ex) {
        spdlog::error("task ended by exception: {}", ex.what());
    }
}

bool accept_error_is_transient(boost::system::error_code ec)
{
    if (ec.category() != boost::system::system_category())
        return false;
    switch (ec.value()) {
    case EMFILE: case ENFILE: case ENOBUFS: case ENOMEM: // resources: wait for some to come back
    // accept(2): "Linux accept() passes already-pending network errors on the new socket as an
    // error code from accept()"; treat them like EAGAIN. And a firewall may refuse one (EPERM).
    case ECONNABORTED: case EPROTO: case ENETDOWN: case ENOPROTOOPT: case EHOSTDOWN: case ENONET:
    case EHOSTUNREACH: case EOPNOTSUPP: case ENETUNREACH: case EPERM: case EINTR:
        return true;
    default:
        return false;
    }
}

net::awaitable<void> accept_loop(tcp::acceptor& acceptor, std::vector<task_group*> groups,
                                 std::function<session_env(std::size_t)> env_for, connection_limit& limit)
{
    struct closer {
        tcp::acceptor& a;
        ~closer()
        {
            boost::system::error_code ignored;
            a.close(ignored); // new connections are refused from here, also after a fatal error
        }
    } closing{acceptor};
    std::size_t next = 0;
    acceptor.non_blocking(true); // for the burst accepts below; async_accept is unaffected
    auto last_warning = std::chrono::steady_clock::time_point{};
    // Each session starts on its own thread, in that thread's group (a group is used on its
    // thread only).
    auto start = [&](tcp_socket s, std::size_t i) {
        // Events go out as soon as they are written: Nagle would hold a small write back until
        // the previous one is acknowledged. On Linux the socket has it already: the server sets
        // TCP_NODELAY on the listener before listen(), and each connection inherits it when its
        // handshake completes (a system call per connection saved).
#ifndef __linux__
        boost::system::error_code ignored;
        s.set_option(tcp::no_delay(true), ignored);
#endif
        auto& group = *groups[i];
        net::post(group.context(), [&group, s = std::move(s), env = env_for(i), slot = limit.try_acquire()]() mutable {
            group.spawn(run_http_session(std::move(s), env, std::move(slot)), log_task_exception);
        });
    };
    // A connection accepted as the group stops ends this loop at the next turn, not by an
    // exception at the next co_await.
    co_await net::this_coro::throw_if_cancelled(false);
    while ((co_await net::this_coro::cancellation_state).cancelled() == net::cancellation_type::none) {
        auto const index = next++ % groups.size();
        auto [ec, socket] = co_await acceptor.async_accept(groups[index]->context(), use_tuple);
        if (ec == net::error::operation_aborted || !acceptor.is_open())
            co_return; // the group stopped: shutdown
        if (ec && !accept_error_is_transient(ec))
            throw boost::system::system_error(ec, "accept failed, the server cannot take connections");
        if (ec) {
            // Out of file descriptors (or another transient failure): wait a moment instead of
            // spinning, and say so at most once a second.
            auto const now = std::chrono::steady_clock::now();
            if (now - last_warning > std::chrono::seconds(1)) {
                spdlog::warn("accept failed: {}", ec.message());
                last_warning = now;
            }
            net::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(20));
            if (auto [pec] = co_await pause.async_wait(use_tuple); pec)
                co_return; // cancelled by the group: shutdown
            continue;
        }
        start(std::move(socket), index);
        // A burst of connections is taken in one wake-up: accept without waiting until the
        // queue is empty (bounded, so other work on this thread still gets its turn).
        for (int burst = 0; burst < 64; ++burst) {
            auto const i = next % groups.size();
            boost::system::error_code aec;
            auto more = acceptor.accept(groups[i]->context(), aec);
            if (aec)
                break; // would_block: the queue is empty (other errors: async_accept sees them)
            ++next;
            start(std::move(more), i);
        }
    }
}

} // namespace ssehub
