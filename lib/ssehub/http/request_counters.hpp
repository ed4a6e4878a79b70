// HTTP requests answered, by route and status, for /metrics.
#pragma once

#include "ssehub/http/route_table.hpp"

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace ssehub {

// Thread-safe: a fixed table of relaxed atomic counters, no allocation per request.
class request_counters {
public:
    static constexpr std::array<unsigned, 16> statuses{200, 202, 304, 400, 401, 404, 405, 408, 413, 414, 415, 431, 500, 503, 0, 0};

    void count(route_id route, unsigned status)
    {
        std::size_t s = 0;
        while (s + 1 < statuses.size() && statuses[s] != 0 && statuses[s] != status)
            ++s;
        // Unknown statuses share the last slot, labelled "other".
        counts_[index_of(route)][statuses[s] == status ? s : statuses.size() - 1].fetch_add(1, std::memory_order_relaxed);
    }

    // Prometheus lines for every non-zero counter.
    std::string render() const
    {
        std::string out = "# HELP ssehub_http_requests_total HTTP requests answered, by route and status.\n"
                          "# TYPE ssehub_http_requests_total counter\n";
        for (std::size_t r = 0; r < route_count; ++r)
            for (std::size_t s = 0; s < statuses.size(); ++s)
                if (auto const n = counts_[r][s].load(std::memory_order_relaxed); n > 0) {
                    auto const status = statuses[s] != 0 ? std::to_string(statuses[s]) : std::string("other");
                    out += "ssehub_http_requests_total{route=\"" + std::string(route_table[r].label) + "\",status=\"" + status
                        + "\"} " + std::to_string(n) + "\n";
                }
        return out;
    }

private:
    std::array<std::array<std::atomic<std::uint64_t>, statuses.size()>, route_count> counts_{};
};

} // namespace ssehub
