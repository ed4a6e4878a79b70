// The in-memory event log: ids come from the ring itself, under the hub's mutex, so an append
// is numbered and in the ring in one step and completes before append() returns.
#pragma once

#include "ssehub/hub/event_log.hpp"
#include "ssehub/hub/hub.hpp"

#include <atomic>

namespace ssehub {

// Thread-safe (the hub's mutex covers its state, through hub::feed).
class memory_event_log final : public event_log {
public:
    explicit memory_event_log(hub& h);

    // Refuses a batch over ring_events, or whose frames exceed ring_bytes, before it takes an id.
    void append(std::vector<event_draft> drafts, std::shared_ptr<append_handler> done) override;
    void close() override;
    std::string unready_reason() const override; // ready until closed

private:
    publish_result append_now(std::vector<event_draft> const& drafts);

    hub& hub_;
    bool closed_ = false; // under the hub's mutex (set and read inside hub::feed)
    std::atomic<bool> closing_{false}; // the same, for readiness checks outside the lock
};

} // namespace ssehub
