#include "response_head.hpp"

#include <charconv>
#include <cstring>

namespace loadgen {
namespace {

bool iequals(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        auto const x = a[i] >= 'A' && a[i] <= 'Z' ? a[i] + 32 : a[i];
        if (x != b[i])
            return false;
    }
    return true;
}

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

} // namespace

std::optional<std::size_t> response_head::feed(std::string_view bytes)
{
    std::size_t used = 0;
    while (!complete_ && used < bytes.size()) {
        auto const rest = bytes.substr(used);
        auto const* lf = static_cast<char const*>(std::memchr(rest.data(), '\n', rest.size()));
        if (!lf) {
            partial_.append(rest);
            return bytes.size();
        }
        auto const n = static_cast<std::size_t>(lf - rest.data());
        std::string_view l = rest.substr(0, n);
        if (!partial_.empty()) {
            partial_.append(l);
            l = partial_.view();
        }
        if (!line(trim(l)))
            return std::nullopt;
        partial_.clear();
        used += n + 1;
    }
    return used;
}

bool response_head::line(std::string_view l)
{
    if (status_ == 0) {
        // "HTTP/1.1 200 OK"
        if (!l.starts_with("HTTP/1.") || l.size() < 12)
            return false;
        auto const digits = l.substr(9, 3);
        auto const [end, ec] = std::from_chars(digits.data(), digits.data() + 3, status_);
        keep_alive_ = l[7] == '1';
        return ec == std::errc{} && end == digits.data() + 3 && status_ > 0;
    }
    if (l.empty()) {
        complete_ = true;
        return true;
    }
    auto const colon = l.find(':');
    if (colon == std::string_view::npos)
        return true;
    auto const name = l.substr(0, colon);
    auto const value = trim(l.substr(colon + 1));
    if (iequals(name, "content-length")) {
        std::uint64_t n = 0;
        auto const [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
        if (ec != std::errc{} || end != value.data() + value.size())
            return false;
        content_length_ = n;
    } else if (iequals(name, "transfer-encoding")) {
        chunked_ = value.size() >= 7 && iequals(value.substr(value.size() - 7), "chunked");
    } else if (iequals(name, "connection")) {
        if (iequals(value, "close"))
            keep_alive_ = false;
        else if (iequals(value, "keep-alive"))
            keep_alive_ = true;
    }
    return true;
}

} // namespace loadgen
