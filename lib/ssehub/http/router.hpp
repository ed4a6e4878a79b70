// Request routing: a request in, a response (or the decision to open a stream) out.
// Pure code: no sockets, so every route is tested directly.
#pragma once

#include "ssehub/http/cors_policy.hpp"
#include "ssehub/http/http_options.hpp"
#include "ssehub/http/responses.hpp"
#include "ssehub/hub/event_draft.hpp"
#include "ssehub/hub/event_log.hpp"
#include "ssehub/hub/topic_filter.hpp"
#include "ssehub/http/static_files.hpp"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace ssehub {

// GET /events accepted: who subscribes to what, and the response head to write.
struct events_route {
    topic_filter topics;
    std::optional<std::string> last_event_id;
    std::string preamble; // status line, headers and the stream's opening bytes
    // The token's exp on the clock the shard sweeps by: the stream ends then (max(): never).
    std::chrono::steady_clock::time_point expires = std::chrono::steady_clock::time_point::max();
};

// POST /publish authorized and its body valid: the events to append. The session appends them
// through the event log, then asks answer_publish() what to answer.
struct publish_route {
    std::vector<event_draft> drafts;
    std::string idempotency_key; // the Idempotency-Key header (empty: none)
};

// A publish the log accepted: its 202, and the id of its own last event, whose fan-out the
// publisher's answer waits for (publish_throttle).
struct accepted_publish {
    response res;
    std::uint64_t last_id = 0;
};

// GET/HEAD of a static file over HTTP/1.1, answered from the file's prebuilt heads.
struct static_reply {
    std::shared_ptr<static_file const> file;
    bool not_modified = false;
    bool send_body = true;
    bool keep_alive = true;
    std::string_view head() const { return not_modified ? file->head_not_modified : file->head_ok; }
};

// What a request leads to: an answer, a stream to open, or events to publish.
using route_result = std::variant<response, events_route, publish_route>;

struct router_context {
    http_options const& options;
    static_files& files;
    std::function<std::string()> metrics_text; // Prometheus exposition of /metrics
    // GET /readyz: empty when the event log can take publishes, else why not (empty function:
    // always ready).
    std::function<std::string()> unready_reason = {};
};

// Thread-safe when its context is (static_files is).
class router {
public:
    explicit router(router_context ctx);

    route_result route(request const& req);

    // The answer to a publish_route once the event log has spoken: accepted (202 with the ids)
    // or refused (413, or 503 with Retry-After during shutdown or while the log is unreachable).
    std::variant<response, accepted_publish> answer_publish(request const& req, publish_result const& result) const;

    // The fast path for the page and its files: the same answer as route() gives for them,
    // without building a message. nullopt for anything else (route() then answers).
    std::optional<static_reply> route_static(request const& req);

    // For answers written outside route() (the over-capacity stream head).
    cors_policy const& cors() const { return cors_; }

private:
    route_result dispatch(request const& req);
    response serve_static(request const& req, std::string_view path);
    response metrics(request const& req);
    response readiness(request const& req) const;
    route_result open_stream(request const& req, std::string_view query);
    route_result publish(request const& req);
    std::variant<response, publish_route> publish_unwrapped(request const& req);
    response refused_publish(request const& req, publish_refusal const& refused) const;

    router_context ctx_;
    cors_policy cors_;
};

// The head and opening bytes of an SSE response (shared with the overload answer).
// `extra_headers`: complete header lines ("Name: value\r\n"), e.g. CORS.
std::string stream_preamble(std::string_view opening_comment, std::uint64_t retry_ms, std::string_view extra_headers = {});

} // namespace ssehub
