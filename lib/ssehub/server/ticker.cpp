#include "ssehub/server/ticker.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <ctime>

namespace ssehub {

std::string iso8601_utc(std::chrono::system_clock::time_point t)
{
    using namespace std::chrono;
    auto const ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
    std::time_t const secs = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[40];
    auto n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    n += static_cast<std::size_t>(std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(ms % 1000)));
    return std::string(buf, n);
}

event_draft make_tick(std::string const& topic, std::uint64_t n, std::chrono::system_clock::time_point now,
                      std::string const& instance)
{
    boost::json::object data{{"n", n}, {"time", iso8601_utc(now)}};
    if (!instance.empty())
        data["instance"] = instance;
    return event_draft{topic, "tick", boost::json::serialize(data)};
}

event_draft make_stats(std::string const& topic, stats_snapshot const& s, std::chrono::system_clock::time_point now)
{
    boost::json::object data{
        {"subscribers", s.subscribers},
        {"connections", s.connections},
        {"published", s.published},
        {"delivered", s.delivered},
        {"slowDisconnects", s.slow_disconnects},
        {"time", iso8601_utc(now)},
        {"instance", s.instance},
    };
    return event_draft{topic, "stats", boost::json::serialize(data)};
}

} // namespace ssehub
