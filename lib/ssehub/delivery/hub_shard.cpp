#include "ssehub/delivery/hub_shard.hpp"

#include "ssehub/delivery/subscriber.hpp"
#include "ssehub/hub/event_log.hpp"
#include "ssehub/sse/sse_encoder.hpp"

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>
#include <random>
#include <utility>

namespace ssehub {
namespace {

// Reads of the event log one resuming stream may need (the first, then one more each time the
// ring moved past what was read).
constexpr int max_log_reads = 4;

} // namespace

struct hub_shard::pending_stream {
    tcp_socket socket;
    topic_filter topics;
    std::optional<std::string> last_event_id;
    std::string preamble;
    connection_slot slot;
    std::chrono::steady_clock::time_point expires;
    std::vector<frame_ptr> history; // read from the log so far, in id order
    int reads = 0;                  // of the log, for this stream
};

hub_shard::hub_shard(net::io_context& ctx, hub& h, delivery_options options, event_log* history)
    : ctx_(ctx)
    , hub_(h)
    , options_(std::move(options))
    , history_(history)
    , context_(options_, counters_, h.next_id(), [this](subscriber& s) { remove(s); })
    , drain_timer_(ctx)
    , sweep_timer_(ctx)
{
    hub_.add_waker([this] { wake(); });
    throttle_index_ = hub_.throttle().add_shard(context_.window.first());
    arm_sweep();
}

hub_shard::~hub_shard() = default;

void hub_shard::wake()
{
    if (!wake_pending_.exchange(true, std::memory_order_acq_rel))
        net::post(ctx_, [this] {
            if (wake_pending_.load(std::memory_order_acquire)) // else a drain since took it (catch_up)
                schedule_drain();
        });
}

void hub_shard::stop()
{
    net::post(ctx_, [this] {
        stopping_ = true;
        sweep_timer_.cancel();
        drain_timer_.cancel();
        // The hub refuses publishes by now (the server closes it first), so this pull takes
        // every event ever acknowledged; each stream writes its share before its last words.
        pull();
        hub_.throttle().close(); // publishers still waiting for the fan-out get their answer now
        // Jitter spreads the reconnects of thousands of browsers over a window instead of one
        // instant when the server comes back.
        std::minstd_rand rng(std::random_device{}());
        auto const base = static_cast<std::uint64_t>(options_.retry.count());
        std::uniform_int_distribution<std::uint64_t> jitter(base, 3 * base + 1000);
        auto const subs = subscribers_; // finish() may remove entries
        for (auto const& s : subs) {
            s->on_window_grew(); // counts what it still has to write against its bounds
            s->finish(sse::encode_comment("server shutting down") + sse::encode_retry(jitter(rng)));
        }
    });
}

bool hub_shard::subscribe(tcp_socket socket, topic_filter topics, std::optional<std::string_view> last_event_id,
                          std::string preamble, connection_slot slot, std::chrono::steady_clock::time_point expires)
{
    if (stopping_) {
        boost::system::error_code ec;
        socket.close(ec);
        return false;
    }
    // Before the stream's start is computed: the pass it may finish trims the window below the
    // streams it knows, and this one's start must not fall in what it trimmed.
    catch_up();
    auto p = std::make_shared<pending_stream>(pending_stream{std::move(socket), topic_lists_.intern(std::move(topics)),
        last_event_id ? std::optional<std::string>(*last_event_id) : std::nullopt, std::move(preamble), std::move(slot), expires, {}, 0});
    auto start = hub_.subscribe(p->last_event_id, p->topics);
    if (start.next == subscription_start::step::read_log || start.next == subscription_start::step::check_top)
        ask_log(std::move(p), start);
    else
        start_stream(std::move(p), std::move(start));
    return true;
}

void hub_shard::ask_log(std::shared_ptr<pending_stream> p, subscription_start const& start)
{
    bool const check_top = start.next == subscription_start::step::check_top;
    auto const from = start.history_from != 0 ? start.history_from : start.requested + 1;
    history_request req{from, check_top ? 0 : start.history_to, p->topics};
    ++p->reads;
    auto done = [this, p, requested = start.requested, to = start.history_to, check_top](history_result r) mutable {
        // The log's thread: everything else happens on the shard's own.
        net::post(ctx_, [this, p = std::move(p), r = std::move(r), requested, to, check_top]() mutable {
            if (stopping_) {
                boost::system::error_code ec;
                p->socket.close(ec);
                return;
            }
            if (!r.ok && r.unavailable) {
                // Redis is away for a moment (reconnecting after an outage): the history is
                // probably there, so the client comes back to it rather than losing it.
                spdlog::debug("replay after Last-Event-ID {}: the event log cannot be read now: {}", requested, r.why);
                subscription_start later;
                later.next = subscription_start::step::not_ready;
                start_stream(p, std::move(later));
                return;
            }
            if (check_top) {
                if (r.ok)
                    hub_.note_log_top(r.top);
                // Asked again with the top as read: now "wait", the ring, or lost.
                start_stream(p, hub_.subscribe(p->last_event_id, p->topics, true));
                return;
            }
            if (r.ok) {
                auto history = std::move(p->history);
                history.insert(history.end(), std::make_move_iterator(r.frames.begin()), std::make_move_iterator(r.frames.end()));
                auto next = hub_.subscribe_after_history(requested, to, std::move(history), p->topics);
                // Publishing outran the read (the ring moved on meanwhile): read the ids between
                // too, a few times at most; a stream that still cannot catch up is told so.
                if (next.next == subscription_start::step::read_log && p->reads < max_log_reads) {
                    p->history = std::move(next.replay);
                    ask_log(std::move(p), next);
                    return;
                }
                start_stream(p, std::move(next));
            } else {
                spdlog::debug("replay after Last-Event-ID {} from the event log: {}", requested, r.why);
                start_stream(p, hub_.history_lost(requested));
            }
        });
    };
    if (!history_) {
        done(history_result{false, {}, 0, "no event log to read history from", false});
        return;
    }
    history_->read_history(std::move(req), std::move(done));
}

void hub_shard::start_stream(std::shared_ptr<pending_stream> p, subscription_start start)
{
    if (start.next == subscription_start::step::read_log || start.next == subscription_start::step::check_top)
        start = hub_.history_lost(start.requested); // asked again after a top check: never a loop
    bool const not_ready = start.next == subscription_start::step::not_ready;
    if (not_ready)
        start.live_from = context_.window.next();
    else if (start.replay.empty() && start.live_from > 0)
        // The stream's position from its first bytes: a client cut before its first event
        // then still reconnects with a Last-Event-ID, to a replay or a history-lost event,
        // never to a fresh stream that silently skips what came in between.
        p->preamble += sse::encode_position(start.live_from - 1);
    auto s = std::make_shared<subscriber>(std::move(p->socket), context_, std::move(p->topics), std::move(start),
                                          std::move(p->preamble), std::move(p->slot), p->expires);
    s->slot = subscribers_.size();
    subscribers_.push_back(s);
    if (pass_active_) // not visited by this pass: its cursor must still hold the window
        pass_min_cursor_ = std::min(pass_min_cursor_, s->cursor());
    counters_.subscribers.fetch_add(1, std::memory_order_relaxed);
    hub_counters::add(counters_.subscribers_total);
    s->start();
    if (not_ready) // the event log has not been read yet: come back in a moment
        s->finish(sse::encode_comment("event log not ready") + sse::encode_retry(static_cast<std::uint64_t>(options_.retry.count())));
}

void hub_shard::remove(subscriber& s)
{
    auto const slot = s.slot;
    if (slot >= subscribers_.size() || subscribers_[slot].get() != &s)
        return;
    // Swap-and-pop keeps removal O(1); drain() walks the list backwards so this is safe there.
    if (slot + 1 != subscribers_.size()) {
        subscribers_[slot] = std::move(subscribers_.back());
        subscribers_[slot]->slot = slot;
    }
    subscribers_.pop_back();
    counters_.subscribers.fetch_sub(1, std::memory_order_relaxed);
}

void hub_shard::schedule_drain()
{
    // wake_pending_ stays set while waiting, so publishes meanwhile add no posts.
    if (pass_active_) {
        pass_again_ = true;
        return;
    }
    // Under load the gap grows with the pass itself, so a thread spends at most about half
    // its time in passes and every write carries more frames: the busier the shard, the
    // cheaper each delivery, instead of the slower.
    auto const due = last_drain_ + std::max<std::chrono::steady_clock::duration>(options_.delivery_interval, 2 * last_pass_);
    if (stopping_ || options_.clock() >= due) {
        drain();
        return;
    }
    drain_armed_ = true;
    drain_due_ = due;
    drain_timer_.expires_at(due);
    drain_timer_.async_wait([this](boost::system::error_code ec) {
        if (!ec && drain_armed_)
            drain();
    });
}

void hub_shard::catch_up()
{
    // A storm of new streams, each with a replay to write, queues ahead of the drain's timer and
    // of the pass's next turn: the streams already open would wait behind all of them (issue 17:
    // live events during a replay storm). Each new stream first runs what is overdue, so live
    // delivery advances with every stream that starts.
    if (stopping_)
        return;
    if (pass_active_) {
        if (turn_posted_)
            continue_pass();
        return;
    }
    if (drain_armed_) {
        if (options_.clock() >= drain_due_)
            drain();
        return;
    }
    if (wake_pending_.load(std::memory_order_acquire)) // the wake's post is still queued
        schedule_drain();
}

void hub_shard::drain()
{
    drain_armed_ = false;
    last_drain_ = options_.clock();
    // Cleared before pulling: a publish that lands after the pull posts again, and the pass
    // that is then in progress is followed by another.
    wake_pending_.store(false, std::memory_order_release);
    pass_active_ = true;
    pass_left_ = subscribers_.size();
    pass_min_cursor_ = std::numeric_limits<std::uint64_t>::max();
    continue_pass();
}

void hub_shard::continue_pass()
{
    turn_posted_ = false;
    context_.now = options_.clock();
    // Every turn takes what was published meanwhile: the rest of the pass writes it too.
    pull();
    for (auto turn = options_.subscribers_per_turn; pass_left_ > 0 && turn > 0; --turn) {
        auto const i = --pass_left_;
        if (i >= subscribers_.size())
            continue;
        auto s = subscribers_[i]; // keeps it alive if it removes itself
        s->on_window_grew();
        pass_min_cursor_ = std::min(pass_min_cursor_, s->cursor());
    }
    if (pass_left_ > 0) {
        turn_posted_ = true;
        net::post(ctx_, [this] {
            if (turn_posted_) // else catch_up ran it
                continue_pass();
        }); // behind the work that queued meanwhile
        return;
    }
    pass_active_ = false;
    last_pass_ = options_.clock() - last_drain_;
    trim_window();
    if (std::exchange(pass_again_, false))
        schedule_drain();
}

void hub_shard::pull()
{
    pulled_.clear();
    auto const from = context_.window.next();
    auto const first = hub_.pull(from, pulled_, &lost_);
    if (first > from)
        leap_over_gap(first);
    for (auto& f : pulled_)
        context_.window.push_back(std::move(f));
    hub_.throttle().taken(throttle_index_, context_.window.next());
}

void hub_shard::leap_over_gap(std::uint64_t first)
{
    // The ring dropped ids [window_next(), first) before this shard took them (its thread was
    // starved while the ring turned over). Only a subscriber that needed one of them is cut:
    // it reconnects from its last id to a replay or a history-lost event. The others keep
    // their place; what they still need of the old window moves to their replay first.
    auto const from = context_.window.next();
    for (auto i = subscribers_.size(); i-- > 0;) {
        if (i >= subscribers_.size())
            continue;
        auto s = subscribers_[i];
        if (s->cursor() >= first) // joined after the gap
            continue;
        if (lost_.lost_any(s->topics(), std::max(s->cursor(), from))) {
            hub_counters::add(counters_.lag_disconnects);
            // Closed now: its write in flight may point into the old window.
            s->close("lagged behind the ring: events of its topics were dropped before its io thread took them");
        } else {
            s->leap_to(first);
        }
    }
    context_.window.restart_at(first);
    lost_ = eviction_record{};
    pass_min_cursor_ = std::max(pass_min_cursor_, first); // every cursor left is at first or later
}

void hub_shard::trim_window()
{
    // Frames below every cursor are written or skipped by all: release them. Everyone was
    // visited by the pass or joined during it, so pass_min_cursor_ covers them all.
    context_.window.drop_below(std::min(pass_min_cursor_, context_.window.next()));
}

void hub_shard::arm_sweep()
{
    auto const period = std::clamp(options_.heartbeat / 2, std::chrono::milliseconds(10), std::chrono::milliseconds(1000));
    sweep_timer_.expires_after(period);
    sweep_timer_.async_wait([this](boost::system::error_code ec) {
        if (ec || stopping_)
            return;
        sweep();
        arm_sweep();
    });
}

void hub_shard::sweep()
{
    auto const now = context_.now = options_.clock();
    for (auto i = subscribers_.size(); i-- > 0;) {
        if (i >= subscribers_.size())
            continue;
        auto s = subscribers_[i];
        s->on_sweep(now);
    }
}

} // namespace ssehub
