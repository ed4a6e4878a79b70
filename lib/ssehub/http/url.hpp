// Request-target parsing: path and query split, percent-decoding. Pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ssehub {

struct target_parts {
    std::string_view path;
    std::string_view query; // without the '?'
};

target_parts split_target(std::string_view target);

// %XX decoding ('+' as space when plus_is_space, as in a query). nullopt on a bad escape.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

// name=value pairs, decoded, in order; nullopt when any part is badly encoded.
std::optional<std::vector<std::pair<std::string, std::string>>> parse_query(std::string_view query);

} // namespace ssehub
