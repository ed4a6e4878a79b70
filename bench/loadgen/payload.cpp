#include "payload.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace loadgen {
namespace {

template <class T>
std::optional<T> number_after(std::string_view data, std::string_view key)
{
    auto const at = data.find(key);
    if (at == std::string_view::npos)
        return std::nullopt;
    auto const* first = data.data() + at + key.size();
    T value{};
    auto const [end, ec] = std::from_chars(first, data.data() + data.size(), value);
    if (ec != std::errc{} || end == first)
        return std::nullopt;
    return value;
}

// {"p":P,"seq":S,"ts":T... exactly: the fields in format_payload's order, no spaces.
std::optional<payload_fields> parse_in_order(std::string_view data)
{
    char const* at = data.data();
    char const* const end = at + data.size();
    auto expect = [&](std::string_view s) {
        if (static_cast<std::size_t>(end - at) < s.size() || std::memcmp(at, s.data(), s.size()) != 0)
            return false;
        at += s.size();
        return true;
    };
    auto number = [&](auto& v) {
        auto const [next, ec] = std::from_chars(at, end, v);
        if (ec != std::errc{} || next == at)
            return false;
        at = next;
        return true;
    };
    payload_fields f{};
    if (expect(R"({"p":)") && number(f.publisher) && expect(R"(,"seq":)") && number(f.seq) && expect(R"(,"ts":)")
        && number(f.sent_us))
        return f;
    return std::nullopt;
}

} // namespace

std::size_t format_payload(std::span<char> out, payload_fields const& f, std::size_t size)
{
    // The fixed part first, into a local buffer: its length decides the padding.
    char head[128];
    char* p = head;
    char* const end = head + sizeof head;
    auto put = [&](std::string_view s) {
        auto const n = std::min(s.size(), static_cast<std::size_t>(end - p));
        std::memcpy(p, s.data(), n);
        p += n;
    };
    auto number = [&](auto v) { p = std::to_chars(p, end, v).ptr; };
    put(R"({"p":)");
    number(f.publisher);
    put(R"(,"seq":)");
    number(f.seq);
    put(R"(,"ts":)");
    number(f.sent_us);
    put(R"(,"pad":")");
    auto const head_size = static_cast<std::size_t>(p - head);
    constexpr std::size_t tail_size = 2; // "}
    auto const pad = size > head_size + tail_size ? size - head_size - tail_size : 0;
    auto const total = head_size + pad + tail_size;
    if (total > out.size())
        return 0;
    std::memcpy(out.data(), head, head_size);
    std::memset(out.data() + head_size, 'x', pad);
    std::memcpy(out.data() + head_size + pad, "\"}", tail_size);
    return total;
}

std::optional<payload_fields> parse_payload(std::string_view data)
{
    // The form format_payload writes (and every server here passes through unchanged) is read
    // in one pass; anything else (keys reordered, spaces) by searching for each key.
    if (auto const f = parse_in_order(data))
        return f;
    auto const p = number_after<std::uint32_t>(data, R"("p":)");
    auto const seq = number_after<std::uint64_t>(data, R"("seq":)");
    auto const ts = number_after<std::int64_t>(data, R"("ts":)");
    if (!p || !seq || !ts)
        return std::nullopt;
    return payload_fields{*p, *seq, *ts};
}

} // namespace loadgen
