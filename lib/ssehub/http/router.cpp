#include "ssehub/http/router.hpp"

#include "ssehub/http/bearer_auth.hpp"
#include "ssehub/http/subscriber_auth.hpp"
#include "ssehub/http/url.hpp"
#include "ssehub/hub/publish_request.hpp"
#include "ssehub/sse/sse_encoder.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <chrono>

namespace ssehub {
namespace {

response json_response(request const& req, http::status status, std::string body)
{
    response res{status, req.version()};
    res.set(http::field::content_type, "application/json");
    res.set(http::field::cache_control, "no-store");
    res.keep_alive(req.keep_alive());
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

response method_not_allowed(request const& req, std::string_view allow)
{
    auto res = error_response(req, http::status::method_not_allowed,
                              "method " + std::string(req.method_string()) + " not allowed; use " + std::string(allow));
    res.set(http::field::allow, allow);
    return res;
}

bool is_get_or_head(request const& req)
{
    return req.method() == http::verb::get || req.method() == http::verb::head;
}

} // namespace

response error_response(unsigned version, bool keep_alive, http::status status, std::string_view message)
{
    response res{status, version};
    res.set(http::field::content_type, "application/json");
    res.set(http::field::cache_control, "no-store");
    res.keep_alive(keep_alive);
    res.body() = boost::json::serialize(boost::json::object{{"error", message}});
    res.prepare_payload();
    return res;
}

response error_response(request const& req, http::status status, std::string_view message)
{
    return error_response(req.version(), req.keep_alive(), status, message);
}

std::string stream_preamble(std::string_view opening_comment, std::uint64_t retry_ms, std::string_view extra_headers)
{
    // Close-delimited body (no Content-Length, no chunking): the stream ends when the
    // connection does, which every HTTP/1.x client and proxy understands.
    std::string out = "HTTP/1.1 200 OK\r\n"
                      "Content-Type: text/event-stream; charset=utf-8\r\n"
                      "Cache-Control: no-cache\r\n"
                      "X-Accel-Buffering: no\r\n"
                      "Connection: close\r\n";
    out += extra_headers;
    out += "\r\n";
    // The first bytes go out at once so proxies forward the headers and clients see "open".
    out += sse::encode_comment(opening_comment);
    out += sse::encode_retry(retry_ms);
    return out;
}

router::router(router_context ctx)
    : ctx_(std::move(ctx))
{
    std::string_view list = ctx_.cfg.cors_origins;
    while (!list.empty()) {
        auto const comma = list.find(',');
        auto item = list.substr(0, comma);
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
        while (!item.empty() && item.front() == ' ')
            item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ')
            item.remove_suffix(1);
        if (!item.empty())
            cors_origins_.emplace_back(item);
    }
}

std::optional<std::string_view> router::allowed_origin(request const& req) const
{
    auto const origin = req[http::field::origin];
    if (origin.empty())
        return std::nullopt;
    for (auto const& o : cors_origins_)
        if (o == "*" || o == origin)
            return origin;
    return std::nullopt;
}

void router::add_cors(request const& req, response& res) const
{
    if (auto const origin = allowed_origin(req)) {
        res.set(http::field::access_control_allow_origin, *origin);
        res.set(http::field::access_control_allow_credentials, "true");
        res.set(http::field::vary, "Origin");
    }
}

response router::preflight(request const& req, std::string_view path)
{
    if (!allowed_origin(req))
        return error_response(req, http::status::forbidden, "origin not allowed (cors_origins)");
    response res{http::status::no_content, req.version()};
    add_cors(req, res);
    bool const events = path == "/events";
    res.set(http::field::access_control_allow_methods, events ? "GET" : "POST");
    res.set(http::field::access_control_allow_headers,
            events ? "Last-Event-ID, Cache-Control" : "Authorization, Content-Type");
    res.set(http::field::access_control_max_age, "600");
    res.keep_alive(req.keep_alive());
    return res;
}

std::variant<response, events_route> router::route(request const& req)
{
    auto const [path, query] = split_target(req.target());
    if (req.method() == http::verb::options && (path == "/events" || path == "/publish"))
        return preflight(req, path);
    if (path == "/events")
        return open_stream(req, query);
    if (path == "/publish")
        return publish(req);
    if (path == "/healthz") {
        if (!is_get_or_head(req))
            return method_not_allowed(req, "GET, HEAD");
        auto res = json_response(req, http::status::ok, R"({"status":"ok"})");
        if (req.method() == http::verb::head)
            res.body().clear();
        return res;
    }
    if (path == "/metrics") {
        if (!is_get_or_head(req))
            return method_not_allowed(req, "GET, HEAD");
        response res{http::status::ok, req.version()};
        res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
        res.set(http::field::cache_control, "no-store");
        res.keep_alive(req.keep_alive());
        res.body() = ctx_.metrics_text ? ctx_.metrics_text() : std::string{};
        res.prepare_payload();
        return res;
    }
    return serve_static(req, path);
}

namespace {

bool is_api_path(std::string_view path)
{
    return path == "/events" || path == "/publish" || path == "/healthz" || path == "/metrics";
}

bool matches_etag(request const& req, static_file const& file)
{
    auto const inm = req[http::field::if_none_match];
    return !inm.empty() && (inm == "*" || inm.find(file.etag) != std::string_view::npos);
}

} // namespace

std::optional<static_reply> router::route_static(request const& req)
{
    auto const path = split_target(req.target()).path;
    if (req.version() != 11 || !is_get_or_head(req) || is_api_path(path))
        return std::nullopt;
    auto file = ctx_.files.find(path);
    if (!file)
        return std::nullopt;
    bool const not_modified = matches_etag(req, *file);
    return static_reply{std::move(file), not_modified, !not_modified && req.method() == http::verb::get, req.keep_alive()};
}

response router::serve_static(request const& req, std::string_view path)
{
    if (!is_get_or_head(req))
        return method_not_allowed(req, "GET, HEAD");
    auto const file = ctx_.files.find(path);
    if (!file)
        return error_response(req, http::status::not_found, "no such file: " + std::string(path.substr(0, 200)));

    bool const not_modified = matches_etag(req, *file);
    response res{not_modified ? http::status::not_modified : http::status::ok, req.version()};
    for (auto const& [name, value] : static_headers(*file))
        res.set(name, value);
    res.keep_alive(req.keep_alive());
    if (not_modified)
        return res;
    if (req.method() == http::verb::head) {
        res.content_length(file->content.size());
        return res;
    }
    res.body() = file->content;
    res.prepare_payload();
    return res;
}

std::variant<response, events_route> router::open_stream(request const& req, std::string_view query)
{
    if (req.method() != http::verb::get)
        return method_not_allowed(req, "GET");
    auto params = parse_query(query);
    if (!params)
        return error_response(req, http::status::bad_request, "badly encoded query string");
    std::vector<std::string> topics;
    std::optional<std::string> last_id;
    std::optional<std::string> access_token;
    for (auto& [name, value] : *params) {
        if (name == "topic") {
            if (!is_valid_topic(value))
                return error_response(req, http::status::bad_request,
                                      "invalid topic: use 1-128 characters of A-Z a-z 0-9 _ . : / -");
            topics.push_back(std::move(value));
        } else if (name == "lastEventId" || name == "last_event_id") {
            last_id = std::move(value);
        } else if (name == "access_token") {
            access_token = std::move(value);
        }
    }
    if (topics.size() > 64)
        return error_response(req, http::status::bad_request, "too many topics (at most 64)");
    if (!ctx_.cfg.subscriber_secret.empty()) {
        // A refused stream gets a non-200 status on purpose: EventSource then stops retrying.
        auto const token = find_subscriber_token(access_token, req[http::field::cookie]);
        if (!token) {
            auto res = error_response(req, http::status::unauthorized, "subscriber token required (access_token or ssehub_token cookie)");
            add_cors(req, res);
            return res;
        }
        auto const verdict = verify_subscriber_token(*token, ctx_.cfg.subscriber_secret,
                                                     std::chrono::duration_cast<std::chrono::seconds>(
                                                         std::chrono::system_clock::now().time_since_epoch()).count());
        if (auto const* why = std::get_if<std::string>(&verdict)) {
            auto res = error_response(req, http::status::unauthorized, "subscriber token refused: " + *why);
            add_cors(req, res);
            return res;
        }
        auto const& grant = std::get<topic_grant>(verdict);
        for (auto const& t : topics)
            if (!grant.allows(t)) {
                auto res = error_response(req, http::status::forbidden, "the token does not allow topic " + t);
                add_cors(req, res);
                return res;
            }
        if (topics.empty() && !grant.all_topics) {
            if (grant.topics.empty())
                return error_response(req, http::status::forbidden, "the token allows no topic");
            topics = grant.topics; // "every topic" means every topic the token allows
        }
    }
    // The header wins: it is what the browser sends on its own reconnects, and it is newer
    // than the query parameter that the page put on its first URL.
    if (auto const header = req["Last-Event-ID"]; !header.empty())
        last_id = std::string(header);
    std::string cors;
    if (auto const origin = allowed_origin(req))
        cors = "Access-Control-Allow-Origin: " + std::string(*origin)
            + "\r\nAccess-Control-Allow-Credentials: true\r\nVary: Origin\r\n";
    return events_route{topic_filter(std::move(topics)), std::move(last_id),
                        stream_preamble("ssehub stream open", static_cast<std::uint64_t>(ctx_.cfg.retry_ms), cors)};
}

response router::publish(request const& req)
{
    auto res = publish_unwrapped(req);
    add_cors(req, res);
    return res;
}

response router::publish_unwrapped(request const& req)
{
    if (req.method() != http::verb::post)
        return method_not_allowed(req, "POST");
    if (!bearer_matches(req[http::field::authorization], ctx_.cfg.publish_token)) {
        auto res = error_response(req, http::status::unauthorized, "missing or wrong bearer token");
        res.set(http::field::www_authenticate, "Bearer");
        return res;
    }
    auto const type = req[http::field::content_type];
    auto const media = type.substr(0, type.find(';'));
    if (!boost::beast::iequals(media, "application/json"))
        return error_response(req, http::status::unsupported_media_type, "Content-Type must be application/json");

    publish_limits limits;
    limits.default_topic = ctx_.cfg.default_topic;
    auto parsed = parse_publish_body(req.body(), limits);
    if (auto const* err = std::get_if<std::string>(&parsed))
        return error_response(req, http::status::bad_request, *err);
    auto const ids = ctx_.events.publish(std::get<std::vector<event_draft>>(parsed));
    boost::json::array arr;
    for (auto id : ids)
        arr.emplace_back(std::to_string(id));
    return json_response(req, http::status::accepted, boost::json::serialize(boost::json::object{{"ids", std::move(arr)}}));
}

} // namespace ssehub
