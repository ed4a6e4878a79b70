// Replays from Redis: one thread with its own connection that reads the history behind the
// ring (XRANGE) for subscribers resuming from an id the ring no longer holds, and the
// stream's top for ids this instance has not read. Bounded: a few reads queued at most, each
// at most history_events long; beyond that the subscriber gets the history-lost event.
#pragma once

#include "ssehub/backplane/backplane_options.hpp"
#include "ssehub/backplane/backplane_state.hpp"
#include "ssehub/backplane/stream_entry.hpp"
#include "ssehub/hub/event_log.hpp"

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace ssehub {

class redis_connection;

// The part of an XRANGE's entries that answers `request`: every id of [from, to) present and
// contiguous (else !ok), the frames of its topics. Pure: unit-tested without Redis.
history_result history_of(history_request const& request, std::vector<stream_entry> const& entries);

// Thread-safe: read() from any thread; `done` runs on the reader's thread.
class redis_history {
public:
    redis_history(backplane_options const& options, backplane_state& state);
    ~redis_history(); // stops and joins; queued reads are answered !ok

    void start();
    void read(history_request request, std::function<void(history_result)> done);

private:
    struct job {
        history_request request;
        std::function<void(history_result)> done;
    };
    void run();
    history_result serve(redis_connection& conn, history_request const& request);

    backplane_options const& options_;
    backplane_state& state_;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<job> queue_;
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace ssehub
