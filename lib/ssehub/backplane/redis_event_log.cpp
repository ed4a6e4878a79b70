#include "ssehub/backplane/redis_event_log.hpp"

#include "ssehub/sse/sse_encoder.hpp"

namespace ssehub {

redis_event_log::redis_event_log(hub& h, backplane_options options)
    : hub_(h)
    , options_(std::move(options))
    , appender_(options_, state_)
    , tailer_(options_, state_, h)
    , history_(options_, state_)
{
    // Until the tailer has warmed the ring, new streams are told to come back (not_ready).
    hub_.set_log_position(log_position{});
}

void redis_event_log::start()
{
    appender_.start();
    tailer_.start();
    history_.start();
}

void redis_event_log::append(std::vector<event_draft> drafts, std::shared_ptr<append_handler> done)
{
    if (fits(drafts, *done))
        appender_.submit(std::move(drafts), std::move(done));
}

void redis_event_log::append_once(std::vector<event_draft> drafts, std::string key, std::shared_ptr<append_handler> done)
{
    if (fits(drafts, *done))
        appender_.submit(std::move(drafts), std::move(done), std::move(key));
}

bool redis_event_log::fits(std::vector<event_draft> const& drafts, append_handler& done) const
{
    if (drafts.size() > options_.ring_events) {
        done.appended(publish_refusal{publish_refusal::cause::too_large, "a publish of " + std::to_string(drafts.size())
                                       + " events exceeds ring_events (" + std::to_string(options_.ring_events)
                                       + "): publish them in smaller batches"});
        return false;
    }
    // The frames as every instance will encode them; 26 bytes covers any "id: N\n" line.
    std::size_t bytes = 0;
    for (auto const& d : drafts)
        bytes += sse::encode_body(d.event, d.payload).size() + 26;
    if (bytes > options_.ring_bytes) {
        done.appended(publish_refusal{publish_refusal::cause::too_large, "a publish of " + std::to_string(bytes)
                                       + " encoded bytes exceeds ring_bytes (" + std::to_string(options_.ring_bytes)
                                       + "): publish it in smaller batches"});
        return false;
    }
    return true;
}

void redis_event_log::close()
{
    closed_.store(true, std::memory_order_relaxed);
    appender_.close();
}

std::string redis_event_log::unready_reason() const
{
    if (closed_.load(std::memory_order_relaxed))
        return "server shutting down";
    return state_.unready_reason();
}

void redis_event_log::read_history(history_request request, std::function<void(history_result)> done)
{
    history_.read(std::move(request), std::move(done));
}

} // namespace ssehub
