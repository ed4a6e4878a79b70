#include "ssehub/backplane/redis_appender.hpp"

#include "ssehub/backplane/backoff.hpp"
#include "ssehub/backplane/redis_connection.hpp"

#include <hiredis/hiredis.h>

namespace ssehub {
namespace {

using clock = std::chrono::steady_clock;

bool starts_with(redisReply const* r, std::string_view prefix)
{
    return r && r->type == REDIS_REPLY_ERROR && reply_text(r).starts_with(prefix);
}

} // namespace

redis_appender::redis_appender(backplane_options const& options, backplane_state& state)
    : options_(options)
    , state_(state)
{
}

redis_appender::~redis_appender()
{
    {
        std::lock_guard lock(mutex_);
        stopping_ = closed_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable())
        thread_.join();
}

void redis_appender::start()
{
    thread_ = std::thread([this] { run(); });
}

void redis_appender::refuse(job& j, publish_refusal::cause why, std::string message)
{
    j.done->appended(publish_refusal{why, std::move(message)});
}

void redis_appender::submit(std::vector<event_draft> drafts, std::shared_ptr<append_handler> done, std::string key)
{
    std::unique_lock lock(mutex_);
    if (closed_) {
        lock.unlock();
        done->appended(publish_refusal{publish_refusal::cause::closed, "server shutting down, nothing published"});
        return;
    }
    if (queue_.size() >= options_.append_queue) {
        lock.unlock();
        bump(state_.append_failures);
        done->appended(publish_refusal{publish_refusal::cause::unavailable,
                                       "too many publishes waiting for Redis, nothing published: retry later"});
        return;
    }
    queue_.push_back(job{std::move(drafts), std::move(done), clock::now(), std::move(key)});
    lock.unlock();
    cv_.notify_one();
}

void redis_appender::close()
{
    std::deque<job> refused;
    {
        std::lock_guard lock(mutex_);
        closed_ = true;
        refused.swap(queue_); // not sent yet: nothing of them is published
    }
    for (auto& j : refused)
        refuse(j, publish_refusal::cause::closed, "server shutting down, nothing published");
}

bool redis_appender::ensure_connected(redis_connection& conn)
{
    if (!conn.connect()) {
        state_.report(backplane_state::part::appender, false, conn.error());
        return false;
    }
    // Loaded now, so that the first publish is an EVALSHA; NOSCRIPT is still handled (a
    // SCRIPT FLUSH, a failover to a replica that never saw the script).
    auto r = conn.command({"SCRIPT", "LOAD", std::string(append_script_text())});
    if (!r || is_error(r.get())) {
        auto const why = r ? "Redis refused the append script: " + std::string(reply_text(r.get())) : conn.error();
        conn.disconnect();
        state_.report(backplane_state::part::appender, false, why);
        return false;
    }
    state_.report(backplane_state::part::appender, true);
    return true;
}

void redis_appender::run()
{
    redis_connection conn(options_.url, options_.timeout);
    backoff delay;
    auto next_attempt = clock::now();
    bool ever_connected = false;
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        if (!conn.connected() && clock::now() >= next_attempt) {
            lock.unlock();
            if (ensure_connected(conn)) {
                if (ever_connected)
                    bump(state_.reconnects);
                ever_connected = true;
                delay.reset();
            } else {
                next_attempt = clock::now() + delay.next();
            }
            lock.lock();
            continue;
        }
        // Idle and connected: a PING every second notices a dead connection before a publish does.
        auto const until = conn.connected() ? clock::now() + std::chrono::seconds(1) : next_attempt;
        cv_.wait_until(lock, until, [&] { return stopping_ || !queue_.empty(); });
        if (stopping_)
            break;
        if (queue_.empty()) {
            if (conn.connected() && clock::now() >= until) {
                lock.unlock();
                auto r = conn.command({"PING"});
                if (!r || is_error(r.get())) {
                    conn.disconnect();
                    state_.report(backplane_state::part::appender, false, r ? std::string(reply_text(r.get())) : conn.error());
                }
                lock.lock();
            }
            continue;
        }
        std::vector<job> jobs;
        while (!queue_.empty() && jobs.size() < options_.append_pipeline) {
            jobs.push_back(std::move(queue_.front()));
            queue_.pop_front();
        }
        lock.unlock();
        if (!conn.connected()) {
            for (auto& j : jobs) {
                bump(state_.append_failures);
                refuse(j, publish_refusal::cause::unavailable, "Redis unavailable, nothing published: " + conn.error());
            }
        } else {
            send(conn, jobs);
            if (!conn.connected())
                next_attempt = clock::now(); // one immediate attempt, then the backoff
        }
        lock.lock();
    }
    std::deque<job> left;
    left.swap(queue_);
    lock.unlock();
    for (auto& j : left)
        refuse(j, publish_refusal::cause::closed, "server shutting down, nothing published");
}

void redis_appender::send(redis_connection& conn, std::vector<job>& jobs)
{
    stream_keys const keys(options_.key_prefix);
    auto const seen = state_.highest_seen.load(std::memory_order_relaxed);
    std::vector<std::vector<std::string>> commands;
    std::vector<job*> sent;
    auto const now = clock::now();
    for (auto& j : jobs) {
        // Waited its whole timeout behind a slow Redis: refused unsent, not appended late.
        if (now - j.queued > options_.timeout) {
            bump(state_.append_failures);
            refuse(j, publish_refusal::cause::unavailable, "Redis too slow: not sent within redis_timeout_ms, nothing published");
            continue;
        }
        commands.push_back(append_command(keys, j.drafts, options_.history_events, seen, false, j.key));
        sent.push_back(&j);
    }
    if (sent.empty())
        return;
    auto replies = conn.pipeline(commands);
    if (replies.size() != sent.size()) {
        state_.report(backplane_state::part::appender, false, conn.error());
        for (auto* j : sent) {
            bump(state_.append_failures);
            refuse(*j, publish_refusal::cause::unavailable,
                   conn.error() + ": the events may or may not have been appended (send again with the same Idempotency-Key to avoid a duplicate)");
        }
        return;
    }
    for (std::size_t i = 0; i < sent.size(); ++i) {
        auto result = answer_of(conn, *sent[i], replies[i].get());
        if (std::holds_alternative<publish_refusal>(result))
            bump(state_.append_failures);
        sent[i]->done->appended(std::move(result));
    }
}

publish_result redis_appender::answer_of(redis_connection& conn, job const& j, redisReply* reply)
{
    stream_keys const keys(options_.key_prefix);
    reply_ptr again;
    auto const deadline = j.queued + options_.timeout;
    // NOSCRIPT: the script cache is empty (a restart, SCRIPT FLUSH): EVAL sends and caches it.
    // LOADING: Redis is loading its dataset; the script did not run, so trying again is safe.
    while (starts_with(reply, "NOSCRIPT") || starts_with(reply, "LOADING")) {
        bool const loading = starts_with(reply, "LOADING");
        if (loading) {
            if (clock::now() + std::chrono::milliseconds(50) > deadline)
                return publish_refusal{publish_refusal::cause::unavailable, "Redis is loading its dataset, nothing published: retry later"};
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        auto const seen = state_.highest_seen.load(std::memory_order_relaxed);
        again = conn.command(append_command(keys, j.drafts, options_.history_events, seen, !loading, j.key));
        if (!again) {
            state_.report(backplane_state::part::appender, false, conn.error());
            return publish_refusal{publish_refusal::cause::unavailable,
                                   conn.error() + ": the events may or may not have been appended (send again with the same Idempotency-Key to avoid a duplicate)"};
        }
        reply = again.get();
    }
    if (is_error(reply))
        return publish_refusal{publish_refusal::cause::unavailable, "Redis refused the append, nothing published: " + std::string(reply_text(reply))};
    auto const parsed = parse_append_reply(reply);
    if (!parsed)
        return publish_refusal{publish_refusal::cause::unavailable, "unexpected reply from the append script"};
    std::vector<std::uint64_t> ids;
    ids.reserve(j.drafts.size());
    for (std::size_t k = 0; k < j.drafts.size(); ++k)
        ids.push_back(parsed->first_id + k);
    if (!ids.empty())
        raise_to(state_.highest_seen, ids.back());
    bump(state_.appends);
    state_.observe_append(clock::now() - j.queued);
    return ids;
}

} // namespace ssehub
