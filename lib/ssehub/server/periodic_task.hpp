// Runs a callback every period on one io thread until its task group stops (the ticker, the
// stats event).
#pragma once

#include "ssehub/http/task_group.hpp"
#include "ssehub/net.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>

namespace ssehub {

// A member of `group`: its wait is bound to the group's slot, so the group's stop cancels it.
// Thread-safety: start() posts to the group's io thread; the callback runs there.
class periodic_task {
public:
    periodic_task(task_group& group, std::chrono::milliseconds period, std::function<void()> task)
        : group_(group), timer_(group.context()), period_(period), task_(std::move(task))
    {
    }

    void start()
    {
        net::post(timer_.get_executor(), [this] {
            slot_ = group_.slot();
            next_ = std::chrono::steady_clock::now() + period_;
            arm();
        });
    }

private:
    void arm()
    {
        if (group_.stopping())
            return;
        // Scheduled from the previous deadline, not from now, so the period does not drift.
        timer_.expires_at(next_);
        timer_.async_wait(net::bind_cancellation_slot(slot_, [this](boost::system::error_code ec) {
            // A wait that had completed when the group stopped is not cancelled: stopping()
            // ends it.
            if (ec || group_.stopping())
                return;
            next_ += period_;
            task_();
            arm();
        }));
    }

    task_group& group_;
    net::steady_timer timer_;
    std::chrono::milliseconds period_;
    std::function<void()> task_;
    net::cancellation_slot slot_;
    std::chrono::steady_clock::time_point next_;
};

} // namespace ssehub
