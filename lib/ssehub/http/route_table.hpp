// The routes ssehub answers, in one table: the router dispatches by it, the static fast path
// steps aside for its API paths, request_counters and the access log label requests by it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ssehub {

// `invalid`: a request that could not be parsed (it has no path). Values index the table.
enum class route_id : std::uint8_t { static_file, events, publish, healthz, readyz, metrics, invalid };

struct route_entry {
    route_id id;
    std::string_view path;  // the API path ("" for static files and invalid requests)
    std::string_view label; // in metrics and logs
};

inline constexpr std::array<route_entry, 7> route_table{{
    {route_id::static_file, "", "static"},
    {route_id::events, "/events", "events"},
    {route_id::publish, "/publish", "publish"},
    {route_id::healthz, "/healthz", "healthz"},
    {route_id::readyz, "/readyz", "readyz"},
    {route_id::metrics, "/metrics", "metrics"},
    {route_id::invalid, "", "invalid"},
}};

inline constexpr std::size_t route_count = route_table.size();

constexpr bool table_in_enum_order()
{
    for (std::size_t i = 0; i < route_count; ++i)
        if (static_cast<std::size_t>(route_table[i].id) != i)
            return false;
    return true;
}
static_assert(table_in_enum_order(), "route_table is indexed by route_id");

constexpr std::size_t index_of(route_id r) { return static_cast<std::size_t>(r); }
constexpr std::string_view label_of(route_id r) { return route_table[index_of(r)].label; }

// The route a request path belongs to: an API path exactly, else a static file; no path at
// all is an invalid request.
constexpr route_id route_of(std::string_view path)
{
    if (path.empty())
        return route_id::invalid;
    for (auto const& r : route_table)
        if (!r.path.empty() && r.path == path)
            return r.id;
    return route_id::static_file;
}

} // namespace ssehub
