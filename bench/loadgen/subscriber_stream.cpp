#include "subscriber_stream.hpp"

#include "payload.hpp"

namespace loadgen {

bool subscriber_stream::on_bytes(std::string_view bytes, std::int64_t now_us, delivery_stats& stats)
{
    if (phase_ == phase::reading_head) {
        auto const used = head_.feed(bytes);
        if (!used || (head_.complete() && head_.status() != 200)) {
            phase_ = phase::failed;
            return false;
        }
        if (!head_.complete())
            return true;
        phase_ = phase::streaming;
        bytes.remove_prefix(*used);
    }
    return on_body(bytes, now_us, stats);
}

bool subscriber_stream::on_body(std::string_view bytes, std::int64_t now_us, delivery_stats& stats)
{
    auto const on_event_ = [&](sse_event const& e) { on_event(e, now_us, stats); };
    if (!head_.chunked()) {
        parser_.feed(bytes, on_event_);
        return true;
    }
    if (!chunks_.feed(bytes, [&](std::string_view body) { parser_.feed(body, on_event_); })) {
        phase_ = phase::dropped;
        return false;
    }
    return true;
}

void subscriber_stream::on_event(sse_event const& e, std::int64_t now_us, delivery_stats& stats)
{
    auto const f = parse_payload(e.data);
    if (!f || f->publisher >= max_publishers) {
        ++(e.truncated ? stats.truncated_events : stats.foreign_events);
        return;
    }
    if (f->publisher == stats.seed.publisher) {
        ++stats.seed_events;
        if (f->seq == 1 && stats.first_seed_id.empty())
            stats.first_seed_id.assign(e.last_event_id);
        if (f->seq == stats.seed.last) {
            ++stats.replays_done;
            stats.last_replay_us = now_us;
        }
        return;
    }
    ++received_;
    ++stats.deliveries;
    stats.latency.record(now_us - f->sent_us);
    if (stats.storm && stats.storm->covers(f->sent_us))
        stats.storm_latency.record(now_us - f->sent_us);
    stats.last_delivery_us = now_us;
    auto& next = next_seq_[f->publisher];
    // Sequence numbers count from 1 per publisher connection; one below what this stream has
    // already seen arrived out of order (or twice).
    if (f->seq < next)
        ++out_of_order_;
    else
        next = static_cast<std::uint32_t>(f->seq + 1);
}

} // namespace loadgen
