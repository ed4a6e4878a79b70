// The read side of the Redis backplane: one thread with its own connection that warms the
// ring from the stream's last ring_events entries, then reads the stream from the last id it
// has (XREAD COUNT n BLOCK <finite> from an explicit id, never `$`), and feeds the frames in
// stream order through hub::feed. A jump in the ids is never passed on silently: a new epoch
// or a gap restarts the ring with every reader below it counted as having lost events, so
// their streams are cut and reconnect to a history-lost event.
#pragma once

#include "ssehub/backplane/backplane_options.hpp"
#include "ssehub/backplane/backplane_state.hpp"
#include "ssehub/backplane/stream_entry.hpp"
#include "ssehub/hub/hub.hpp"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace ssehub {

class redis_connection;

// What a tailer does with a batch of entries (pure: unit-tested without Redis). Under the hub's
// mutex (inside hub::feed); `last`: the id fed before, 0 when nothing was ever read.
struct tail_step {
    std::uint64_t last = 0;
    std::uint64_t floor = 0; // ids below are gone for sure (log_position::floor)
    std::uint64_t epochs = 0;
    std::uint64_t gaps = 0;
};
void feed_entries(event_ring& ring, std::vector<stream_entry> const& entries, std::vector<frame_ptr> const& frames,
                  tail_step& step);

// Thread-safe: constructed and destroyed by the server, runs on its own thread.
class redis_tailer {
public:
    redis_tailer(backplane_options const& options, backplane_state& state, hub& h);
    ~redis_tailer(); // stops and joins (the finite BLOCK bounds how long that takes)

    void start();

private:
    void run();
    bool warm(redis_connection& conn);
    bool read(redis_connection& conn);
    void publish_position();
    void sleep_for(std::chrono::milliseconds d); // interrupted by the destructor

    backplane_options const& options_;
    backplane_state& state_;
    hub& hub_;
    tail_step step_;
    std::uint64_t top_ = 0;
    bool warmed_ = false;
    std::mutex mutex_;
    std::condition_variable cv_;
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace ssehub
