// The one seam every publish goes through (HTTP, ticker, stats): append drafts, get their ids;
// the log alone numbers events and feeds their frames, in id order, into the hub's ring
// (hub::feed). memory_event_log numbers them in the ring itself; an external log (Redis
// Streams) numbers them in its store and feeds what it reads back. Nothing above this seam
// knows which one runs.
#pragma once

#include "ssehub/hub/event_draft.hpp"
#include "ssehub/hub/frame.hpp"
#include "ssehub/hub/topic_filter.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace ssehub {

// Why an append was refused: the batch cannot fit the ring (accepting it would drop its own
// first events before any subscriber could take or replay them), the log is closed, or an
// external log is unreachable or did not answer in time.
struct publish_refusal {
    // closed: shutdown began (event_log::close); unavailable: try again later (503).
    enum class cause { too_large, closed, unavailable };
    cause why = cause::too_large;
    std::string message;
};

// The ids of the appended events, in order, or why none was appended.
using publish_result = std::variant<std::vector<std::uint64_t>, publish_refusal>;

// Receives one append's outcome. An interface, not a std::function: the session's handler is
// its own shared state (one allocation it makes anyway), not another allocation per publish.
class append_handler {
public:
    virtual void appended(publish_result result) = 0;

protected:
    ~append_handler() = default;
};

// A read of the history behind the ring, from an external log: the frames of `topics` with ids
// in [from, to), which must all still be there (contiguous), or only the log's top (to == 0).
struct history_request {
    std::uint64_t from = 0;
    std::uint64_t to = 0;
    topic_filter topics;
};

struct history_result {
    bool ok = false;               // false: the range is not (all) there, or the log failed
    std::vector<frame_ptr> frames; // the range's frames of the requested topics, in id order
    std::uint64_t top = 0;         // the log's highest id when read
    std::string why;               // when !ok
    // when !ok: the log could not be asked (unreachable, busy, stopping), so the history may
    // well be there: the stream is told to come back (retry:), not that it lost events
    bool unavailable = false;
};

// Thread-safe: every member may be called from any thread.
class event_log {
public:
    virtual ~event_log() = default;

    // Appends the drafts (valid, as publish_request makes them) in order, with consecutive ids,
    // or none of them. Calls done->appended() exactly once: with the ids once the events are
    // held (the memory log: in the ring, so a shard's pull after that call takes them), or with
    // the refusal. It may run before append() returns or later on another thread.
    virtual void append(std::vector<event_draft> drafts, std::shared_ptr<append_handler> done) = 0;

    // The same, for a publisher that may send the batch again after a 503 that came too late
    // to tell (Idempotency-Key): a log that can answer "maybe" remembers `key` for a while and
    // answers a repeat with the first one's ids, appending nothing. The memory log never
    // answers maybe (it refuses before taking ids): a plain append.
    virtual void append_once(std::vector<event_draft> drafts, std::string key, std::shared_ptr<append_handler> done)
    {
        (void)key;
        append(std::move(drafts), std::move(done));
    }

    // Shutdown: every later append is refused (cause closed). An append whose ids were
    // reported before stays held, so a shard that pulls after this call has it.
    virtual void close() = 0;

    // Empty when appends can succeed now; else why not (GET /readyz answers 503 with it).
    virtual std::string unready_reason() const = 0;

    // Reads history behind the ring (see history_request) and calls done exactly once, on a
    // thread of the log's own. The memory log has none: the ring is all its history.
    virtual void read_history(history_request request, std::function<void(history_result)> done)
    {
        (void)request;
        done(history_result{false, {}, 0, "this event log keeps no history beyond the ring", false});
    }
};

// An append_handler calling f(publish_result) (for the server's own events and tests).
template <class F>
std::shared_ptr<append_handler> on_appended(F f)
{
    struct handler final : append_handler {
        explicit handler(F fn) : f(std::move(fn)) {}
        void appended(publish_result result) override { f(std::move(result)); }
        F f;
    };
    return std::make_shared<handler>(std::move(f));
}

} // namespace ssehub
