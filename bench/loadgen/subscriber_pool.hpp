// One thread's share of the subscribers: an epoll loop that connects them with a bounded ramp
// (at most `in_flight` connects pending, at most `rate` started per second), then reads every
// stream with one read per readiness into one buffer shared by all of them. Its streams go to
// the targets round-robin, the pool's first one to spread(targets, first).
#pragma once

#include "delivery_stats.hpp"
#include "run_control.hpp"
#include "subscriber_stream.hpp"
#include "target.hpp"

#include <string>
#include <vector>

namespace loadgen {

struct ramp_options {
    std::size_t count = 0;     // subscribers of this pool
    std::size_t in_flight = 0; // connects started but not yet answered with a head
    double rate = 0;           // connects started per second; 0: no limit
};

// What the pool's streams saw, summed once the run is over.
struct stream_summary {
    std::uint64_t received = 0;
    std::uint64_t missed = 0;
    std::uint64_t max_missed = 0;
    std::uint64_t streams_with_missed = 0;
    std::uint64_t out_of_order = 0;
    std::uint64_t streams_out_of_order = 0;
};

class subscriber_pool {
public:
    subscriber_pool(std::vector<target> targets, std::size_t first, ramp_options ramp);
    ~subscriber_pool();
    subscriber_pool(subscriber_pool const&) = delete;
    subscriber_pool& operator=(subscriber_pool const&) = delete;

    void run(run_control const& control); // the thread's body; returns at run_phase::stop

    pool_progress const& progress() const { return progress_; }
    delivery_stats const& stats() const { return stats_; } // after run() returned
    stream_summary summarize(std::uint64_t expected_per_stream) const;

private:
    void start_connects(std::int64_t now_us, std::int64_t ramp_start_us);
    void on_ready(subscriber_stream& s, std::uint32_t events);
    void on_readable(subscriber_stream& s);
    void end(subscriber_stream& s, subscriber_stream::phase why);
    void fail_pending();
    void publish_progress();

    std::size_t target_of(subscriber_stream const& s) const;

    std::vector<target> targets_;
    std::size_t first_;
    ramp_options ramp_;
    std::vector<std::string> requests_; // one per target
    int epoll_fd_ = -1;
    std::vector<subscriber_stream> streams_;
    std::size_t started_ = 0;
    std::size_t pending_ = 0; // connects started, head not yet complete
    std::vector<char> read_buffer_;
    delivery_stats stats_;
    std::uint64_t connected_ = 0, failed_ = 0, dropped_ = 0;
    std::int64_t last_connected_us_ = 0;
    pool_progress progress_;
};

} // namespace loadgen
