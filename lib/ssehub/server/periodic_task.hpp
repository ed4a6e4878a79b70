// Runs a callback every period on one io_context until stopped (the ticker, the stats event).
#pragma once

#include "ssehub/net.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>

namespace ssehub {

// Thread-safety: start() and stop() post to the io_context; the callback runs there.
class periodic_task {
public:
    periodic_task(net::io_context& ctx, std::chrono::milliseconds period, std::function<void()> task)
        : timer_(ctx), period_(period), task_(std::move(task))
    {
    }

    void start()
    {
        net::post(timer_.get_executor(), [this] {
            next_ = std::chrono::steady_clock::now() + period_;
            arm();
        });
    }

    void stop()
    {
        net::post(timer_.get_executor(), [this] {
            stopped_ = true;
            timer_.cancel();
        });
    }

private:
    void arm()
    {
        // Scheduled from the previous deadline, not from now, so the period does not drift.
        timer_.expires_at(next_);
        timer_.async_wait([this](boost::system::error_code ec) {
            if (ec || stopped_)
                return;
            next_ += period_;
            task_();
            arm();
        });
    }

    net::steady_timer timer_;
    std::chrono::milliseconds period_;
    std::function<void()> task_;
    std::chrono::steady_clock::time_point next_;
    bool stopped_ = false;
};

} // namespace ssehub
