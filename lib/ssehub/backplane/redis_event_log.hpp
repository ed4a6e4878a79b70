// The event log of a cluster: Redis Streams. append() goes to the appender thread, which
// numbers the batch in Redis (append_script); the tailer thread reads the stream back and
// feeds every instance's ring in the same order; the history thread serves replays older
// than the ring. No io thread ever waits for Redis: handlers run on the backplane's threads.
#pragma once

#include "ssehub/backplane/backplane_options.hpp"
#include "ssehub/backplane/backplane_state.hpp"
#include "ssehub/backplane/redis_appender.hpp"
#include "ssehub/backplane/redis_history.hpp"
#include "ssehub/backplane/redis_tailer.hpp"
#include "ssehub/hub/event_log.hpp"
#include "ssehub/hub/hub.hpp"

#include <atomic>
#include <string>

namespace ssehub {

// Thread-safe (event_log's contract). Construct, then start(); destroy it before the hub and
// after the io threads have stopped (its history replies post to them).
class redis_event_log final : public event_log {
public:
    redis_event_log(hub& h, backplane_options options);

    void start(); // the threads: Redis down at start is fine, they keep trying

    // Refuses a batch over ring_events or ring_bytes (as the memory log does) before Redis.
    void append(std::vector<event_draft> drafts, std::shared_ptr<append_handler> done) override;
    // Remembered in Redis for an hour (append_script): a repeat gets the same ids.
    void append_once(std::vector<event_draft> drafts, std::string key, std::shared_ptr<append_handler> done) override;
    void close() override;
    std::string unready_reason() const override;
    void read_history(history_request request, std::function<void(history_result)> done) override;

    std::string metrics_text() const { return state_.render_metrics(); }
    backplane_state const& state() const { return state_; }

private:
    bool fits(std::vector<event_draft> const& drafts, append_handler& done) const; // else refused

    hub& hub_;
    backplane_options options_;
    backplane_state state_;
    std::atomic<bool> closed_{false};
    // Destroyed in reverse: the history reader and the tailer stop before the appender.
    redis_appender appender_;
    redis_tailer tailer_;
    redis_history history_;
};

} // namespace ssehub
