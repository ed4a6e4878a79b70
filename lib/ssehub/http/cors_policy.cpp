#include "ssehub/http/cors_policy.hpp"

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
        if (!item.empty())
            origins_.emplace_back(item);
    }
}

std::optional<std::string_view> cors_policy::allowed_origin(request const& req) const
{
    auto const origin = req[http::field::origin];
    if (origin.empty())
        return std::nullopt;
    for (auto const& o : origins_)
        if (o == "*" || o == origin)
            return origin;
    return std::nullopt;
}

void cors_policy::add_headers(request const& req, response& res) const
{
    if (auto const origin = allowed_origin(req)) {
        res.set(http::field::access_control_allow_origin, *origin);
        res.set(http::field::access_control_allow_credentials, "true");
        res.set(http::field::vary, "Origin");
    }
}

response cors_policy::preflight(request const& req, std::string_view path) const
{
    if (!allowed_origin(req))
        return error_response(req, http::status::forbidden, "origin not allowed (cors_origins)");
    response res{http::status::no_content, req.version()};
    add_headers(req, res);
    bool const events = path == "/events";
    res.set(http::field::access_control_allow_methods, events ? "GET" : "POST");
    res.set(http::field::access_control_allow_headers,
            events ? "Last-Event-ID, Cache-Control" : "Authorization, Content-Type");
    res.set(http::field::access_control_max_age, "600");
    res.keep_alive(req.keep_alive());
    return res;
}

std::string cors_policy::header_lines(request const& req) const
{
    auto const origin = allowed_origin(req);
    if (!origin)
        return {};
    return "Access-Control-Allow-Origin: " + std::string(*origin) + "\r\nAccess-Control-Allow-Credentials: true\r\nVary: Origin\r\n";
}

} // namespace ssehub
