#include "ssehub/http/responses.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace ssehub {

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

void drop_body_for_head(http::verb method, response& res)
{
    if (method != http::verb::head)
        return;
    if (!res.has_content_length() && !res.body().empty())
        res.content_length(res.body().size());
    res.body().clear();
}

void append_wire_form(response const& res, std::string& out)
{
    auto const version = res.version();
    char const status_line[] = {'H', 'T', 'T', 'P', '/', static_cast<char>('0' + version / 10), '.',
                                static_cast<char>('0' + version % 10), ' '};
    out.append(status_line, sizeof status_line);
    out += std::to_string(res.result_int());
    out += ' ';
    out += res.reason();
    out += "\r\n";
    for (auto const& field : res) {
        out += field.name_string();
        out += ": ";
        out += field.value();
        out += "\r\n";
    }
    out += "\r\n";
    out += res.body();
}

} // namespace ssehub
