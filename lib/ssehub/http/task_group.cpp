#include "ssehub/http/task_group.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>

namespace ssehub {
namespace {

// Marks the member finished the moment its task ends (returned or threw): the completion
// handler may run a turn later (co_spawn posts it when the task never waited), and a signal
// emitted meanwhile would reach filters and handlers in the task's gone frame.
net::awaitable<void> tracked(net::awaitable<void> task, bool& active)
{
    struct finished {
        bool& active;
        ~finished() { active = false; }
    } mark{active};
    co_await std::move(task);
}

} // namespace

void task_group::spawn(net::awaitable<void> task, std::function<void(std::exception_ptr)> on_exit)
{
    auto it = members_.end();
    if (free_.empty()) {
        it = members_.emplace(members_.end());
    } else {
        it = free_.back();
        free_.pop_back();
    }
    it->active = true;
    net::co_spawn(ctx_, tracked(std::move(task), it->active),
                  net::bind_cancellation_slot(it->signal.slot(), [this, it, on_exit = std::move(on_exit)](std::exception_ptr e) {
                      free_.push_back(it);
                      if (on_exit)
                          on_exit(e);
                  }));
    // A member that joins after the signal (a connection accepted just before the listener
    // closed) gets it too; one that ended already inside co_spawn is not there to get it.
    if (stopping_ && it->active)
        it->signal.emit(net::cancellation_type::terminal);
}

net::cancellation_slot task_group::slot()
{
    auto& m = members_.emplace_back();
    m.active = true;
    return m.signal.slot();
}

void task_group::stop()
{
    if (std::exchange(stopping_, true))
        return;
    // Emitting completes nothing in place (a cancelled operation's handler is posted; the
    // shard's stop posts), so the list does not change under this loop.
    for (auto& m : members_)
        if (m.active)
            m.signal.emit(net::cancellation_type::terminal);
}

net::awaitable<void> shutdown_gate::install()
{
    co_await net::this_coro::throw_if_cancelled(false);
    co_await net::this_coro::reset_cancellation_state(net::enable_terminal_cancellation(), [this](net::cancellation_type t) {
        if (t != net::cancellation_type::none)
            stopping_ = true;
        return open_ ? t : net::cancellation_type::none;
    });
}

} // namespace ssehub
