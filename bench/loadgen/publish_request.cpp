#include "publish_request.hpp"

#include <charconv>
#include <cstring>

namespace loadgen {

publish_request::publish_request(std::string const& path, std::string const& host,
                                 std::vector<std::string> const& headers, std::string const& body_template,
                                 std::size_t payload_bytes)
    : payload_bytes_(payload_bytes)
{
    head_ = "POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\n";
    for (auto const& h : headers)
        head_ += h + "\r\n";
    head_ += "Content-Length: ";
    auto const at = body_template.find("%P");
    body_prefix_ = body_template.substr(0, at);
    if (at != std::string::npos)
        body_suffix_ = body_template.substr(at + 2);
}

std::size_t publish_request::build(std::span<char> out, payload_fields const& f) const
{
    char payload[1024];
    auto const payload_size = format_payload(payload, f, payload_bytes_);
    if (payload_size == 0)
        return 0;
    auto const body_size = body_prefix_.size() + payload_size + body_suffix_.size();
    char digits[24];
    auto const digits_end = std::to_chars(digits, digits + sizeof digits, body_size).ptr;
    auto const digits_size = static_cast<std::size_t>(digits_end - digits);
    auto const total = head_.size() + digits_size + 4 + body_size;
    if (total > out.size())
        return 0;
    char* p = out.data();
    auto put = [&](char const* s, std::size_t n) {
        std::memcpy(p, s, n);
        p += n;
    };
    put(head_.data(), head_.size());
    put(digits, digits_size);
    put("\r\n\r\n", 4);
    put(body_prefix_.data(), body_prefix_.size());
    put(payload, payload_size);
    put(body_suffix_.data(), body_suffix_.size());
    return total;
}

std::vector<publish_endpoint> make_publish_endpoints(std::vector<target> const& servers,
                                                     std::vector<std::string> const& headers,
                                                     std::string const& body_template, std::size_t payload_bytes)
{
    std::vector<publish_endpoint> out;
    for (auto const& t : servers)
        out.push_back({t, publish_request(t.path, t.host_header, headers, body_template, payload_bytes)});
    return out;
}

} // namespace loadgen
