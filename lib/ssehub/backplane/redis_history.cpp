#include "ssehub/backplane/redis_history.hpp"

#include "ssehub/backplane/append_script.hpp"
#include "ssehub/backplane/redis_connection.hpp"

namespace ssehub {

history_result history_of(history_request const& request, std::vector<stream_entry> const& entries)
{
    history_result out;
    auto const want = request.to - request.from;
    // By contiguity, not by count: MAXLEN ~ trims whole nodes, and an older epoch's entries
    // may sit just below a newer one's.
    if (entries.size() != want) {
        out.why = "the log holds " + std::to_string(entries.size()) + " of the " + std::to_string(want) + " events asked for";
        return out;
    }
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if (entries[i].id != request.from + i) {
            out.why = "the log's ids are not contiguous at " + std::to_string(entries[i].id);
            return out;
        }
        if (request.topics.matches(entries[i].topic))
            out.frames.push_back(make_frame(entries[i]));
    }
    out.ok = true;
    return out;
}

redis_history::redis_history(backplane_options const& options, backplane_state& state)
    : options_(options)
    , state_(state)
{
}

redis_history::~redis_history()
{
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable())
        thread_.join();
}

void redis_history::start()
{
    thread_ = std::thread([this] { run(); });
}

void redis_history::read(history_request request, std::function<void(history_result)> done)
{
    std::unique_lock lock(mutex_);
    if (stopping_ || queue_.size() >= options_.history_queue) {
        lock.unlock();
        done(history_result{false, {}, 0, "too many replays from Redis at once", true});
        return;
    }
    queue_.push_back(job{std::move(request), std::move(done)});
    lock.unlock();
    cv_.notify_one();
}

void redis_history::run()
{
    redis_connection conn(options_.url, options_.timeout);
    std::unique_lock lock(mutex_);
    for (;;) {
        cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (stopping_)
            break;
        auto j = std::move(queue_.front());
        queue_.pop_front();
        lock.unlock();
        // One attempt to connect per read: a subscriber does not wait out a backoff.
        auto result = (conn.connected() || conn.connect()) ? serve(conn, j.request)
                                                           : history_result{false, {}, 0, conn.error(), true};
        j.done(std::move(result));
        lock.lock();
    }
    auto left = std::move(queue_);
    lock.unlock();
    for (auto& j : left)
        j.done(history_result{false, {}, 0, "shutting down", true});
}

history_result redis_history::serve(redis_connection& conn, history_request const& request)
{
    stream_keys const keys(options_.key_prefix);
    if (request.to == 0) { // the stream's top only
        auto r = conn.command({"XREVRANGE", keys.stream, "+", "-", "COUNT", "1"});
        auto entries = parse_entries(r.get());
        if (!entries)
            return history_result{false, {}, 0, r ? "unexpected reply to XREVRANGE" : conn.error(), !r};
        return history_result{true, {}, entries->empty() ? 0 : entries->front().id, {}, false};
    }
    if (request.to <= request.from || request.to - request.from > options_.history_events)
        return history_result{false, {}, 0, "older than the history Redis keeps", false};
    auto r = conn.command({"XRANGE", keys.stream, std::to_string(request.from) + "-0", std::to_string(request.to - 1) + "-0",
                           "COUNT", std::to_string(request.to - request.from)});
    auto entries = parse_entries(r.get());
    if (!entries)
        return history_result{false, {}, 0, r ? "unexpected reply to XRANGE" : conn.error(), !r};
    auto out = history_of(request, *entries);
    if (out.ok)
        bump(state_.replays);
    return out;
}

} // namespace ssehub
