// The long-lived work of one io thread (accept loop, sessions, periodic tasks, the shard's end of
// its streams), so one signal ends it all: shutdown is stop() on every thread's group.
#pragma once

#include "ssehub/net.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>

#include <exception>
#include <functional>
#include <list>
#include <vector>

namespace ssehub {

// As in Beast's server-flex-awaitable: each member holds a cancellation slot of the group, and
// stop() emits a terminal cancellation on every one. A coroutine member gets its slot from
// spawn(); a callback-driven member takes one from slot() and binds its waits to it, or assigns
// its own handler (the shard ends its streams).
// Thread-safety: none; spawn(), slot() and stop() run on the group's io thread (or before it
// starts).
class task_group {
public:
    explicit task_group(net::io_context& ctx) : ctx_(ctx) {}
    task_group(task_group const&) = delete;
    task_group& operator=(task_group const&) = delete;

    net::io_context& context() { return ctx_; }

    // Starts `task` on this thread as a member; when it ends, its slot is free for the next and
    // `on_exit` gets the exception that ended it (null when it returned).
    void spawn(net::awaitable<void> task, std::function<void(std::exception_ptr)> on_exit);

    // A slot for a member that lives as long as the group.
    net::cancellation_slot slot();

    // Idempotent. Members spawned later are cancelled at once.
    void stop();
    bool stopping() const { return stopping_; }

    std::size_t members() const { return members_.size() - free_.size(); }

private:
    struct member {
        net::cancellation_signal signal;
        bool active = false; // a finished member's handler may refer to its gone coroutine
    };

    net::io_context& ctx_;
    // std::list: a signal never moves while a member's handler lives in it. A finished member's
    // signal is reused by the next spawn (emplacing in its slot replaces the old handler).
    std::list<member> members_;
    std::vector<std::list<member>::iterator> free_;
    bool stopping_ = false;
};

// For a member coroutine that lets a shutdown cut short only some of its waits (a session: the
// wait for a request, not the reading and answering of one). Installed as the coroutine's
// cancellation filter by install(); it records the shutdown whenever it comes, and passes it on
// to the operation awaited only while a `window` is open.
class shutdown_gate {
public:
    // Call first in the coroutine: from here a cancellation no longer throws at the next
    // co_await either; the coroutine reads stopping() instead.
    net::awaitable<void> install();
    bool stopping() const { return stopping_; }

    // While one lives, a shutdown cancels the operation awaited.
    class window {
    public:
        explicit window(shutdown_gate& g) : gate_(g) { gate_.open_ = true; }
        ~window() { gate_.open_ = false; }
        window(window const&) = delete;
        window& operator=(window const&) = delete;

    private:
        shutdown_gate& gate_;
    };

private:
    bool open_ = false;
    bool stopping_ = false;
};

} // namespace ssehub
