// One thread's share of the subscribers, each connecting to its server in turn
// (round_robin.hpp): an epoll loop that connects them with a bounded ramp
// (at most `in_flight` connects pending, at most `rate` started per second), then reads every
// stream with one read per readiness into one buffer shared by all of them. Storm clients send
// extra request headers (Last-Event-ID) and count the replayed seed events.
#pragma once

#include "delivery_stats.hpp"
#include "run_control.hpp"
#include "subscriber_stream.hpp"
#include "target.hpp"

#include <atomic>
#include <optional>
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
    // first: the number of this pool's first subscriber among all pools, which picks its server.
    // extra_headers: whole "Name: value\r\n" lines added to every subscribe request.
    subscriber_pool(std::vector<target> const& servers, std::size_t first, ramp_options ramp, replay_seed seed = {},
                    std::string const& extra_headers = {});
    ~subscriber_pool();
    subscriber_pool(subscriber_pool const&) = delete;
    subscriber_pool& operator=(subscriber_pool const&) = delete;

    void run(run_control const& control); // the thread's body; returns at run_phase::stop

    pool_progress const& progress() const { return progress_; }
    delivery_stats const& stats() const { return stats_; } // after run() returned
    stream_summary summarize(std::uint64_t expected_per_stream) const;
    // The SSE id of seed event 1 once a stream of this pool has seen it (any thread).
    std::optional<std::string> first_seed_id() const;

private:
    void start_connects(std::int64_t now_us, std::int64_t ramp_start_us);
    void on_ready(subscriber_stream& s, std::uint32_t events);
    void on_readable(subscriber_stream& s);
    void end(subscriber_stream& s, subscriber_stream::phase why);
    void fail_pending();
    void publish_progress();

    std::vector<target> servers_;
    std::vector<std::string> requests_; // the subscribe request for each server
    ramp_options ramp_;
    int epoll_fd_ = -1;
    std::vector<subscriber_stream> streams_;
    std::size_t started_ = 0;
    std::size_t pending_ = 0; // connects started, head not yet complete
    std::vector<char> read_buffer_;
    delivery_stats stats_;
    std::uint64_t connected_ = 0, failed_ = 0, dropped_ = 0;
    std::int64_t last_connected_us_ = 0;
    pool_progress progress_;
    fixed_text<64> seed_id_;             // written once by the pool's thread, then published:
    std::atomic<bool> seed_id_ready_{false};
};

} // namespace loadgen
