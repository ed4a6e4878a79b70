#include "ssehub/server/log_format.hpp"

#include <spdlog/formatter.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <ctime>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace ssehub {
namespace {

struct field {
    std::string_view key;
    std::string_view value;
    bool quoted; // key="..." is a string even when it reads as a number
};

bool is_key(std::string_view k)
{
    if (k.empty() || !(k[0] == '_' || (k[0] >= 'a' && k[0] <= 'z')))
        return false;
    for (char c : k)
        if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
            return false;
    return true;
}

// A word that starts a field: "key=...".
bool starts_field(std::string_view word)
{
    auto const eq = word.find('=');
    return eq != std::string_view::npos && is_key(word.substr(0, eq));
}

// Splits "kind k=v k=\"v w\" ..." into the kind and its fields; nullopt when the message is not
// of that form (then it is logged whole as "msg").
std::optional<std::pair<std::string_view, std::vector<field>>> split_fields(std::string_view m)
{
    std::size_t pos = 0;
    std::size_t kind_end = std::string_view::npos;
    while (pos < m.size()) { // the kind: the words before the first "key="
        auto const end = std::min(m.find(' ', pos), m.size());
        if (starts_field(m.substr(pos, end - pos))) {
            kind_end = pos;
            break;
        }
        pos = end + 1;
    }
    if (kind_end == std::string_view::npos || kind_end == 0)
        return std::nullopt;
    std::vector<field> fields;
    pos = kind_end;
    while (pos < m.size()) {
        if (m[pos] == ' ') {
            ++pos;
            continue;
        }
        auto const eq = m.find('=', pos);
        if (eq == std::string_view::npos || !is_key(m.substr(pos, eq - pos)))
            return std::nullopt;
        auto const key = m.substr(pos, eq - pos);
        if (key == "time" || key == "level" || key == "msg")
            return std::nullopt;
        for (auto const& f : fields)
            if (f.key == key)
                return std::nullopt;
        std::size_t const v = eq + 1;
        if (v < m.size() && m[v] == '"') {
            // A quoted value ends at a quote followed by a space or the end of the message.
            std::size_t close = v + 1;
            while (close < m.size() && !(m[close] == '"' && (close + 1 == m.size() || m[close + 1] == ' ')))
                ++close;
            if (close >= m.size())
                return std::nullopt;
            fields.push_back({key, m.substr(v + 1, close - v - 1), true});
            pos = close + 1;
        } else {
            auto const end = std::min(m.find(' ', v), m.size());
            fields.push_back({key, m.substr(v, end - v), false});
            pos = end;
        }
    }
    auto kind = m.substr(0, kind_end);
    while (!kind.empty() && kind.back() == ' ')
        kind.remove_suffix(1);
    return std::pair{kind, std::move(fields)};
}

// -?(0|[1-9][0-9]*)(\.[0-9]+)? : a value JSON can carry as a number, spelled as it was logged.
bool is_json_number(std::string_view s)
{
    std::size_t i = (!s.empty() && s[0] == '-') ? 1 : 0;
    auto digits = [&] {
        std::size_t const from = i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9')
            ++i;
        return i - from;
    };
    std::size_t const start = i;
    auto const whole = digits();
    if (whole == 0 || (whole > 1 && s[start] == '0'))
        return false;
    if (i < s.size() && s[i] == '.') {
        ++i;
        if (digits() == 0)
            return false;
    }
    return i == s.size();
}

// Length of the valid UTF-8 sequence at the start of `s`, or 0 (overlong, surrogate, cut).
std::size_t utf8_length(std::string_view s)
{
    auto const b = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
    auto const c0 = b(0);
    std::size_t n = c0 < 0xC2 ? 0 : c0 < 0xE0 ? 2 : c0 < 0xF0 ? 3 : c0 < 0xF5 ? 4 : 0;
    if (n == 0 || s.size() < n)
        return 0;
    for (std::size_t i = 1; i < n; ++i)
        if ((b(i) & 0xC0) != 0x80)
            return 0;
    if ((c0 == 0xE0 && b(1) < 0xA0) || (c0 == 0xED && b(1) > 0x9F) || (c0 == 0xF0 && b(1) < 0x90) ||
        (c0 == 0xF4 && b(1) > 0x8F))
        return 0;
    return n;
}

void append_string(std::string& out, std::string_view s)
{
    out += '"';
    for (std::size_t i = 0; i < s.size();) {
        auto const c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            auto const n = utf8_length(s.substr(i));
            if (n == 0) {
                out += "\\ufffd"; // a strict JSON reader refuses invalid UTF-8
                ++i;
            } else {
                out.append(s.substr(i, n));
                i += n;
            }
            continue;
        }
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (c < 0x20 || c == 0x7F) {
                char esc[8];
                std::snprintf(esc, sizeof esc, "\\u%04x", c);
                out += esc;
            } else {
                out += static_cast<char>(c);
            }
        }
        ++i;
    }
    out += '"';
}

// 2026-11-21T20:53:14.868Z, as the text lines spell it.
std::string utc_time(std::chrono::system_clock::time_point t)
{
    auto const secs = std::chrono::system_clock::to_time_t(t);
    auto const ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[32];
    auto const n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(ms < 0 ? ms + 1000 : ms) % 1000);
    return buf;
}

class json_formatter final : public spdlog::formatter {
public:
    void format(spdlog::details::log_msg const& msg, spdlog::memory_buf_t& dest) override
    {
        auto const level = spdlog::level::to_string_view(msg.level);
        auto const line = json_log_line(msg.time, std::string_view(level.data(), level.size()),
                                        std::string_view(msg.payload.data(), msg.payload.size()));
        dest.append(line.data(), line.data() + line.size());
        dest.push_back('\n');
    }

    std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<json_formatter>(); }
};

} // namespace

std::string json_log_line(std::chrono::system_clock::time_point time, std::string_view level, std::string_view message)
{
    std::string out = "{\"time\":";
    append_string(out, utc_time(time));
    out += ",\"level\":";
    append_string(out, level);
    out += ",\"msg\":";
    auto const parts = split_fields(message);
    if (!parts) {
        append_string(out, message);
    } else {
        append_string(out, parts->first);
        for (auto const& f : parts->second) {
            out += ',';
            append_string(out, f.key);
            out += ':';
            if (!f.quoted && is_json_number(f.value))
                out.append(f.value);
            else
                append_string(out, f.value);
        }
    }
    out += '}';
    return out;
}

void configure_logging(std::string const& level, std::string const& format)
{
    spdlog::set_level(spdlog::level::from_str(level));
    if (format == "json")
        spdlog::set_formatter(std::make_unique<json_formatter>());
    else
        spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
}

} // namespace ssehub
