// Reading the Prometheus text of /metrics in tests.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ssehub::test {

// The value of the sample `name` in `text` (one sample per line, "name value"; a labelled
// sample is named with its labels, exactly as rendered); nullopt when there is none.
inline std::optional<std::uint64_t> metric(std::string_view text, std::string_view name)
{
    auto const line = std::string(name) + " ";
    std::size_t at = 0;
    if (!text.starts_with(line)) {
        at = text.find("\n" + line);
        if (at == std::string_view::npos)
            return std::nullopt;
        ++at; // past the line break
    }
    return std::stoull(std::string(text.substr(at + line.size())));
}

} // namespace ssehub::test
