// The append side of the Redis backplane: one thread with its own connection and a bounded
// queue of batches; each round trip carries every batch queued meanwhile (a pipeline of
// EVALSHA calls of the append script), and each batch's handler is called from this thread.
#pragma once

#include "ssehub/backplane/append_script.hpp"
#include "ssehub/backplane/backplane_options.hpp"
#include "ssehub/backplane/backplane_state.hpp"
#include "ssehub/hub/event_log.hpp"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace ssehub {

class redis_connection;

// Thread-safe: submit() and close() from any thread.
class redis_appender {
public:
    redis_appender(backplane_options const& options, backplane_state& state);
    ~redis_appender(); // stops and joins the thread; what is still queued is refused (closed)

    void start();

    // Queues a batch; refused at once (unavailable) when the queue is full or Redis is known
    // down. A batch not sent within the timeout is refused unsent; one sent and not
    // acknowledged within it is refused too, though Redis may still have appended it.
    // `key`: an Idempotency-Key (empty: none), see append_script.
    void submit(std::vector<event_draft> drafts, std::shared_ptr<append_handler> done, std::string key = {});

    // From now on every batch is refused (closed). Batches already sent still get their answer.
    void close();

private:
    struct job {
        std::vector<event_draft> drafts;
        std::shared_ptr<append_handler> done;
        std::chrono::steady_clock::time_point queued;
        std::string key;
    };

    void run();
    bool ensure_connected(redis_connection& conn);
    void send(redis_connection& conn, std::vector<job>& jobs);
    publish_result answer_of(redis_connection& conn, job const& j, struct redisReply* reply);
    static void refuse(job& j, publish_refusal::cause why, std::string message);

    backplane_options const& options_;
    backplane_state& state_;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<job> queue_;
    bool closed_ = false;
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace ssehub
