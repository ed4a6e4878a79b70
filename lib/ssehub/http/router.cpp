#include "ssehub/http/router.hpp"

#include "ssehub/http/bearer_auth.hpp"
#include "ssehub/http/route_table.hpp"
#include "ssehub/http/url.hpp"
#include "ssehub/http/publish_request.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>

namespace ssehub {

router::router(router_context ctx)
    : ctx_(std::move(ctx))
    , cors_(ctx_.options.cors_origins)
{
}

route_result router::route(request const& req)
{
    auto routed = dispatch(req);
    if (auto* res = std::get_if<response>(&routed))
        drop_body_for_head(req.method(), *res); // every route and every error alike
    return routed;
}

route_result router::dispatch(request const& req)
{
    auto const [path, query] = split_target(req.target());
    auto const route = route_of(path);
    if (req.method() == http::verb::options && (route == route_id::events || route == route_id::publish))
        return cors_.preflight(req, path);
    switch (route) {
    case route_id::events:
        return open_stream(req, query);
    case route_id::publish:
        return publish(req);
    case route_id::healthz:
        if (!is_get_or_head(req))
            return method_not_allowed(req, "GET, HEAD");
        return json_response(req, http::status::ok, R"({"status":"ok"})");
    case route_id::readyz:
        return readiness(req);
    case route_id::metrics:
        return metrics(req);
    case route_id::static_file:
    case route_id::invalid:
        break;
    }
    return serve_static(req, path);
}

response router::metrics(request const& req)
{
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

response router::readiness(request const& req) const
{
    if (!is_get_or_head(req))
        return method_not_allowed(req, "GET, HEAD");
    auto const why = ctx_.unready_reason ? ctx_.unready_reason() : std::string{};
    if (!why.empty()) {
        auto res = error_response(req, http::status::service_unavailable, why);
        res.set(http::field::cache_control, "no-store");
        return res;
    }
    auto res = json_response(req, http::status::ok, R"({"status":"ready"})");
    res.set(http::field::cache_control, "no-store");
    return res;
}

namespace {

bool matches_validators(request const& req, static_file const& file)
{
    return is_not_modified(file, req[http::field::if_none_match], req[http::field::if_modified_since]);
}

} // namespace

std::optional<static_reply> router::route_static(request const& req)
{
    auto const path = split_target(req.target()).path;
    if (req.version() != 11 || !is_get_or_head(req) || route_of(path) != route_id::static_file)
        return std::nullopt;
    auto file = ctx_.files.find(path);
    if (!file)
        return std::nullopt;
    bool const not_modified = matches_validators(req, *file);
    return static_reply{std::move(file), not_modified, !not_modified && req.method() == http::verb::get, req.keep_alive()};
}

response router::serve_static(request const& req, std::string_view path)
{
    if (!is_get_or_head(req))
        return method_not_allowed(req, "GET, HEAD");
    auto const file = ctx_.files.find(path);
    if (!file)
        return error_response(req, http::status::not_found, "no such file: " + std::string(path.substr(0, 200)));

    bool const not_modified = matches_validators(req, *file);
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

route_result router::publish(request const& req)
{
    auto routed = publish_unwrapped(req);
    if (auto* res = std::get_if<response>(&routed)) {
        cors_.add_headers(req, *res);
        return std::move(*res);
    }
    return std::get<publish_route>(std::move(routed));
}

std::variant<response, publish_route> router::publish_unwrapped(request const& req)
{
    if (req.method() != http::verb::post)
        return method_not_allowed(req, "POST");
    if (!bearer_matches(req[http::field::authorization], ctx_.options.publish_token)) {
        auto res = error_response(req, http::status::unauthorized, "missing or wrong bearer token");
        res.set(http::field::www_authenticate, "Bearer");
        return res;
    }
    auto const type = req[http::field::content_type];
    auto const media = type.substr(0, type.find(';'));
    if (!boost::beast::iequals(media, "application/json"))
        return error_response(req, http::status::unsupported_media_type, "Content-Type must be application/json");

    publish_limits limits;
    limits.default_topic = ctx_.options.default_topic;
    auto parsed = parse_publish_body(req.body(), limits);
    if (auto const* err = std::get_if<std::string>(&parsed))
        return error_response(req, http::status::bad_request, *err);
    // 1-128 visible ASCII characters: it becomes part of a Redis key name.
    auto const key = req["Idempotency-Key"];
    if (req.find("Idempotency-Key") != req.end()
        && (key.empty() || key.size() > 128 || std::any_of(key.begin(), key.end(), [](char c) { return c <= ' ' || c >= 127; })))
        return error_response(req, http::status::bad_request, "Idempotency-Key must be 1-128 visible ASCII characters");
    return publish_route{std::get<std::vector<event_draft>>(std::move(parsed)), std::string(key)};
}

std::variant<response, accepted_publish> router::answer_publish(request const& req, publish_result const& result) const
{
    if (auto const* refused = std::get_if<publish_refusal>(&result)) {
        auto res = refused_publish(req, *refused);
        cors_.add_headers(req, res);
        return res;
    }
    auto const& ids = std::get<std::vector<std::uint64_t>>(result);
    boost::json::array arr;
    for (auto id : ids)
        arr.emplace_back(std::to_string(id));
    auto res = json_response(req, http::status::accepted, boost::json::serialize(boost::json::object{{"ids", std::move(arr)}}));
    cors_.add_headers(req, res);
    return accepted_publish{std::move(res), ids.empty() ? 0 : ids.back()};
}

response router::refused_publish(request const& req, publish_refusal const& refused) const
{
    if (refused.why == publish_refusal::cause::too_large)
        return error_response(req, http::status::payload_too_large, refused.message);
    // Shutting down or the event log unreachable: nothing was published. The publisher retries
    // (against the next instance, or this one later) instead of taking a dropped connection
    // for a maybe. Only shutdown closes the connection.
    auto res = error_response(req, http::status::service_unavailable, refused.message);
    res.set(http::field::retry_after, std::to_string(std::max<std::int64_t>(1, std::chrono::duration_cast<std::chrono::seconds>(ctx_.options.retry).count())));
    if (refused.why == publish_refusal::cause::closed)
        res.keep_alive(false);
    return res;
}

} // namespace ssehub
