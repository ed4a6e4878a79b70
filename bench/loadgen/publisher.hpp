// The publishing side: `connections` keep-alive HTTP connections, up to `window` pipelined
// requests in flight on each, sending up to `events` events at `rate` per second (0: as fast as
// they are answered) for at most `duration`. Connection i is publisher `first_publisher + i` in
// the payload; it numbers its events 1, 2, 3... and stamps the send time just before writing.
// Connection i publishes to server i mod n of the endpoints (round_robin.hpp). The publish
// round trip is that send time -> the matched 2xx answer.
#pragma once

#include "latency_histogram.hpp"
#include "publish_connection.hpp"
#include "publish_request.hpp"
#include "run_control.hpp"
#include "target.hpp"

#include <atomic>
#include <cstdint>
#include <vector>

namespace loadgen {

struct publish_options {
    std::size_t connections = 1;
    std::uint64_t events = 0;
    double rate = 0;
    std::int64_t duration_us = 0;
    std::size_t window = 1;
    std::uint32_t first_publisher = 0;
};

struct alignas(64) publish_progress {
    std::atomic<std::uint64_t> sent{0};
    std::atomic<std::uint64_t> acked{0};  // answered 2xx
    std::atomic<std::uint64_t> failed{0}; // answered otherwise, or the connection broke
    std::atomic<std::int64_t> first_sent_us{0};
    std::atomic<std::int64_t> last_sent_us{0};
    std::atomic<bool> done{false};        // nothing more will be sent or answered
};

class publisher {
public:
    publisher(std::vector<publish_endpoint> endpoints, publish_options options);
    ~publisher();
    publisher(publisher const&) = delete;
    publisher& operator=(publisher const&) = delete;

    void run(run_control const& control); // the thread's body; returns at run_phase::stop
    publish_progress const& progress() const { return progress_; }
    latency_histogram const& round_trip() const { return round_trip_; } // after run() returned

private:
    using connection = publish_connection;

    void step(std::int64_t now_ns);
    bool may_send(std::int64_t now_ns) const;
    std::int64_t wait_ns(std::int64_t now_ns) const;
    void open(connection& c);
    void top_up(connection& c);
    void flush(connection& c);
    void want_out(connection& c, bool on);
    void on_ready(connection& c, std::uint32_t events);
    void on_readable(connection& c);
    void on_broken(connection& c);

    std::vector<publish_endpoint> endpoints_;
    publish_options options_;
    int epoll_fd_ = -1;
    std::vector<connection> conns_;
    std::vector<char> read_buffer_;
    std::uint64_t started_ = 0; // events handed to a connection
    std::uint64_t acked_ = 0, failed_ = 0;
    std::int64_t start_ns_ = 0;
    std::int64_t deadline_ns_ = 0;
    latency_histogram round_trip_;
    publish_progress progress_;
};

} // namespace loadgen
