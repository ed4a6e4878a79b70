#include "ssehub/sse/last_event_id.hpp"

#include <charconv>

namespace ssehub::sse {

std::optional<std::uint64_t> parse_last_event_id(std::string_view text)
{
    if (text.empty() || text.size() > 20)
        return std::nullopt;
    std::uint64_t value = 0;
    auto const [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    // from_chars accepts no sign or space for unsigned, so only digits pass this check.
    if (ec != std::errc{} || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

std::optional<std::string_view> requested_last_event_id(std::string_view header, std::optional<std::string_view> query)
{
    if (!header.empty())
        return header;
    if (query && !query->empty())
        return query;
    return std::nullopt;
}

} // namespace ssehub::sse
