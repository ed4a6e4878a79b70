// The small responses every route builds: JSON bodies, errors, 405 with Allow.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <string>
#include <string_view>

namespace ssehub {

namespace http = boost::beast::http;
using request = http::request<http::string_body>;
using response = http::response<http::string_body>;

// A JSON body {"error": message} with the given status.
response error_response(request const& req, http::status status, std::string_view message);
response error_response(unsigned version, bool keep_alive, http::status status, std::string_view message);

// `body` (JSON text) with the given status, not cached.
response json_response(request const& req, http::status status, std::string body);

// 405 naming the method refused and the ones allowed (also in the Allow header).
response method_not_allowed(request const& req, std::string_view allow);

// For a HEAD request: the answer keeps every header of the GET answer, Content-Length too, and
// loses its body (RFC 9110 9.3.2); a body would be read as the next response on the connection.
void drop_body_for_head(http::verb method, response& res);

// Appends res as it goes on the wire (status line, fields in order, blank line, body), the bytes
// Beast's serializer writes for a string body of known length (every answer here), for a
// fraction of its cost: the serializer walks a concatenated buffer view per piece.
void append_wire_form(response const& res, std::string& out);

inline bool is_get_or_head(request const& req)
{
    return req.method() == http::verb::get || req.method() == http::verb::head;
}

} // namespace ssehub
