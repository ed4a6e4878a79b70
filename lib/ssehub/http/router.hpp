// Request routing: a request in, a response (or the decision to open a stream) out.
// Pure code: no sockets, so every route is tested directly.
#pragma once

#include "ssehub/http/cors_policy.hpp"
#include "ssehub/http/http_options.hpp"
#include "ssehub/http/responses.hpp"
#include "ssehub/hub/hub.hpp"
#include "ssehub/hub/topic_filter.hpp"
#include "ssehub/http/static_files.hpp"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <variant>

namespace ssehub {

// GET /events accepted: who subscribes to what, and the response head to write.
struct events_route {
    topic_filter topics;
    std::optional<std::string> last_event_id;
    std::string preamble; // status line, headers and the stream's opening bytes
    // The token's exp on the clock the shard sweeps by: the stream ends then (max(): never).
    std::chrono::steady_clock::time_point expires = std::chrono::steady_clock::time_point::max();
};

// GET/HEAD of a static file over HTTP/1.1, answered from the file's prebuilt heads.
struct static_reply {
    std::shared_ptr<static_file const> file;
    bool not_modified = false;
    bool send_body = true;
    bool keep_alive = true;
    std::string_view head() const { return not_modified ? file->head_not_modified : file->head_ok; }
};

struct router_context {
    http_options const& options;
    static_files& files;
    hub& events;
    std::function<std::string()> metrics_text; // Prometheus exposition of /metrics
};

// Thread-safe when its context is (the hub and static_files are).
class router {
public:
    explicit router(router_context ctx);

    std::variant<response, events_route> route(request const& req);

    // The fast path for the page and its files: the same answer as route() gives for them,
    // without building a message. nullopt for anything else (route() then answers).
    std::optional<static_reply> route_static(request const& req);

    // For answers written outside route() (the over-capacity stream head).
    cors_policy const& cors() const { return cors_; }

private:
    std::variant<response, events_route> dispatch(request const& req);
    response serve_static(request const& req, std::string_view path);
    response metrics(request const& req);
    std::variant<response, events_route> open_stream(request const& req, std::string_view query);
    response publish(request const& req);
    response publish_unwrapped(request const& req);

    router_context ctx_;
    cors_policy cors_;
};

// The head and opening bytes of an SSE response (shared with the overload answer).
// `extra_headers`: complete header lines ("Name: value\r\n"), e.g. CORS.
std::string stream_preamble(std::string_view opening_comment, std::uint64_t retry_ms, std::string_view extra_headers = {});

} // namespace ssehub
