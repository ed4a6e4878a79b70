// Fuzz target: Last-Event-ID, query strings and static paths. Checks the invariants the server
// relies on: a parsed id prints back to the same digits, a safe path never climbs out.
#include "ssehub/http/static_files.hpp"
#include "ssehub/http/url.hpp"
#include "ssehub/sse/last_event_id.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    std::string_view const text(reinterpret_cast<char const*>(data), size);

    if (auto id = ssehub::sse::parse_last_event_id(text)) {
        auto const back = std::to_string(*id);
        // Leading zeros are allowed in, so compare without them.
        auto const digits = text.substr(std::min(text.find_first_not_of('0'), text.size()));
        if (back != (digits.empty() ? "0" : std::string(digits)))
            std::abort();
    }

    if (auto params = ssehub::parse_query(text))
        for (auto const& [name, value] : *params)
            if (name.size() > text.size() || value.size() > text.size())
                std::abort();

    auto const relative = ssehub::safe_relative_path(text);
    if (!relative.empty()) {
        if (relative.front() == '/' || relative.find('\0') != std::string::npos)
            std::abort();
        std::string_view rest = relative;
        while (!rest.empty()) {
            auto const slash = rest.find('/');
            if (rest.substr(0, slash) == "..")
                std::abort();
            rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
        }
    }
    return 0;
}
