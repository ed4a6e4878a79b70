#include "ssehub/http/cors_policy.hpp"

#include "ssehub/http/route_table.hpp"

#include <algorithm>

namespace ssehub {

cors_policy::cors_policy(std::string_view list)
{
    while (!list.empty()) {
        auto const comma = list.find(',');
        auto item = list.substr(0, comma);
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
        while (!item.empty() && item.front() == ' ')
            item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ')
            item.remove_suffix(1);
        if (item == "*")
            any_ = true;
        else if (!item.empty())
            named_.emplace_back(item);
    }
}

cors_grant cors_policy::grant(request const& req) const
{
    cors_grant g;
    // With origins listed by name, whether (and what) we answer depends on the Origin, so a
    // cache must not hand one origin's answer to another.
    g.vary_origin = !named_.empty();
    auto const origin = req[http::field::origin];
    if (!origin.empty() && std::find(named_.begin(), named_.end(), origin) != named_.end()) {
        g.allow_origin = origin;
        g.credentials = true;
    } else if (any_) {
        // "*" literally: browsers refuse it for a credentialed request, so a cookie never
        // authorizes a foreign page (the Fetch standard's CORS check).
        g.allow_origin = "*";
    }
    return g;
}

void cors_policy::add_headers(request const& req, response& res) const
{
    auto const g = grant(req);
    if (!g.allow_origin.empty())
        res.set(http::field::access_control_allow_origin, g.allow_origin);
    if (g.credentials)
        res.set(http::field::access_control_allow_credentials, "true");
    if (g.vary_origin)
        res.set(http::field::vary, "Origin");
}

response cors_policy::preflight(request const& req, std::string_view path) const
{
    if (grant(req).allow_origin.empty()) {
        auto res = error_response(req, http::status::forbidden, "origin not allowed (cors_origins)");
        add_headers(req, res);
        return res;
    }
    response res{http::status::no_content, req.version()};
    add_headers(req, res);
    bool const events = route_of(path) == route_id::events;
    res.set(http::field::access_control_allow_methods, events ? "GET" : "POST");
    res.set(http::field::access_control_allow_headers,
            events ? "Last-Event-ID, Cache-Control" : "Authorization, Content-Type");
    res.set(http::field::access_control_max_age, "600");
    res.keep_alive(req.keep_alive());
    return res;
}

std::string cors_policy::header_lines(request const& req) const
{
    auto const g = grant(req);
    std::string out;
    if (!g.allow_origin.empty())
        out += "Access-Control-Allow-Origin: " + std::string(g.allow_origin) + "\r\n";
    if (g.credentials)
        out += "Access-Control-Allow-Credentials: true\r\n";
    if (g.vary_origin)
        out += "Vary: Origin\r\n";
    return out;
}

} // namespace ssehub
