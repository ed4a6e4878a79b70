#include "ssehub/backplane/redis_tailer.hpp"

#include "ssehub/backplane/append_script.hpp"
#include "ssehub/backplane/backoff.hpp"
#include "ssehub/backplane/redis_connection.hpp"

#include <hiredis/hiredis.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>

namespace ssehub {

void feed_entries(event_ring& ring, std::vector<stream_entry> const& entries, std::vector<frame_ptr> const& frames,
                  tail_step& step)
{
    for (std::size_t i = 0; i < entries.size(); ++i) {
        auto const& e = entries[i];
        if (e.id < ring.next_id())
            continue; // already fed (never expected: XREAD reads after the last id)
        if (e.id != ring.next_id() || (e.epoch && step.last != 0)) {
            bool const first_ever = step.last == 0;
            if (!first_ever) {
                // Redis lost data (a new epoch) or ids are missing: nobody below e.id can be
                // served what it missed from here on.
                if (e.epoch)
                    ++step.epochs;
                else
                    ++step.gaps;
                step.floor = e.id;
            }
            ring.restart_at(e.id, !first_ever);
        }
        if (e.epoch)
            step.floor = e.id;
        ring.push(frames[i]);
        step.last = e.id;
    }
}

redis_tailer::redis_tailer(backplane_options const& options, backplane_state& state, hub& h)
    : options_(options)
    , state_(state)
    , hub_(h)
{
}

redis_tailer::~redis_tailer()
{
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable())
        thread_.join();
}

void redis_tailer::start()
{
    thread_ = std::thread([this] { run(); });
}

void redis_tailer::sleep_for(std::chrono::milliseconds d)
{
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, d, [&] { return stopping_; });
}

void redis_tailer::run()
{
    redis_connection conn(options_.url, options_.timeout);
    backoff delay;
    bool ever_connected = false;
    for (;;) {
        {
            std::lock_guard lock(mutex_);
            if (stopping_)
                return;
        }
        if (!conn.connected()) {
            if (!conn.connect()) {
                state_.report(backplane_state::part::tailer, false, conn.error());
                sleep_for(delay.next());
                continue;
            }
            if (ever_connected)
                bump(state_.reconnects);
            ever_connected = true;
            delay.reset();
        }
        if (!warmed_) {
            if (!warm(conn)) {
                state_.report(backplane_state::part::tailer, false, conn.connected() ? "cannot read the stream" : conn.error());
                conn.disconnect();
                sleep_for(delay.next());
                continue;
            }
            // Up from here, not only after the first XREAD's BLOCK: the ticker would log a skip.
            state_.report(backplane_state::part::tailer, true);
        }
        if (!read(conn)) {
            state_.report(backplane_state::part::tailer, false, conn.connected() ? "unexpected reply to XREAD" : conn.error());
            conn.disconnect();
            sleep_for(delay.next());
            continue;
        }
        state_.report(backplane_state::part::tailer, true);
    }
}

bool redis_tailer::warm(redis_connection& conn)
{
    stream_keys const keys(options_.key_prefix);
    auto r = conn.command({"XREVRANGE", keys.stream, "+", "-", "COUNT", std::to_string(options_.ring_events)});
    if (!r || is_error(r.get()))
        return false;
    auto entries = parse_entries(r.get());
    if (!entries)
        return false;
    // Newest first: keep the contiguous run down from the top, ending at an epoch's first entry.
    std::size_t run = 0;
    std::uint64_t floor = 0;
    for (; run < entries->size(); ++run) {
        if (run > 0 && (*entries)[run].id + 1 != (*entries)[run - 1].id) {
            floor = (*entries)[run - 1].id;
            break;
        }
        if ((*entries)[run].epoch) {
            floor = (*entries)[run].id;
            ++run;
            break;
        }
    }
    entries->resize(run);
    std::reverse(entries->begin(), entries->end());
    std::vector<frame_ptr> frames;
    frames.reserve(entries->size());
    for (auto const& e : *entries)
        frames.push_back(make_frame(e));
    hub_.feed([&](event_ring& ring) {
        if (entries->empty() || entries->front().id < ring.next_id())
            return 0; // ids below the ring's own: never expected, and never pushed
        ring.restart_at(entries->front().id, false);
        for (auto const& f : frames)
            ring.push(f);
        return 0;
    });
    if (!entries->empty()) {
        step_.last = entries->back().id;
        raise_to(state_.highest_seen, step_.last);
    }
    step_.floor = floor;
    top_ = step_.last;
    warmed_ = true;
    spdlog::info("backplane: ring warmed with {} events from {} (up to id {})", entries->size(), keys.stream, step_.last);
    publish_position();
    return true;
}

bool redis_tailer::read(redis_connection& conn)
{
    stream_keys const keys(options_.key_prefix);
    // BLOCK shorter than the socket timeout, so an idle stream is an empty reply, not an error;
    // and finite, so a wedged connection shows up as a failed read (the delivery path's probe).
    auto const block = std::clamp<long>(options_.timeout.count() / 2, 1, 1000);
    auto replies = conn.pipeline({{"GET", keys.last_id},
                                  {"XREAD", "COUNT", std::to_string(options_.tail_count), "BLOCK", std::to_string(block),
                                   "STREAMS", keys.stream, std::to_string(step_.last) + "-0"}});
    if (replies.size() != 2 || is_error(replies[1].get()))
        return false;
    if (auto const text = reply_text(replies[0].get()); !text.empty())
        if (auto const top = parse_entry_id(text))
            top_ = *top;
    auto entries = parse_xread(replies[1].get());
    if (!entries)
        return false;
    if (!entries->empty()) {
        std::vector<frame_ptr> frames;
        frames.reserve(entries->size());
        for (auto const& e : *entries)
            frames.push_back(make_frame(e)); // encoded once per instance, outside the hub's lock
        auto const before = step_;
        hub_.feed([&](event_ring& ring) {
            feed_entries(ring, *entries, frames, step_);
            return 0;
        });
        if (step_.epochs > before.epochs) {
            bump(state_.epochs, step_.epochs - before.epochs);
            spdlog::warn("backplane: new epoch in {} from id {}: Redis lost data; streams below it get history-lost", keys.stream, step_.floor);
        }
        if (step_.gaps > before.gaps)
            spdlog::warn("backplane: ids missing in {} before id {}: streams below it get history-lost", keys.stream, step_.floor);
        raise_to(state_.highest_seen, step_.last);
    }
    // The counter can be below what was read (Redis lost data and no publish came since).
    state_.tailer_lag.store(top_ > step_.last ? top_ - step_.last : 0, std::memory_order_relaxed);
    publish_position();
    return true;
}

void redis_tailer::publish_position()
{
    hub_.set_log_position(log_position{warmed_, step_.floor, std::max(top_, step_.last)});
}

} // namespace ssehub
