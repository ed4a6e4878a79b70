// Sets TZ for one scope: a UTC formatter must not notice the local time zone.
#pragma once

#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>

namespace ssehub::test {

struct local_time_zone {
    std::optional<std::string> saved;
    explicit local_time_zone(char const* tz)
    {
        if (char const* old = std::getenv("TZ"))
            saved = old;
        ::setenv("TZ", tz, 1);
        ::tzset();
    }
    ~local_time_zone()
    {
        if (saved)
            ::setenv("TZ", saved->c_str(), 1);
        else
            ::unsetenv("TZ");
        ::tzset();
    }
    local_time_zone(local_time_zone const&) = delete;
    local_time_zone& operator=(local_time_zone const&) = delete;
};

} // namespace ssehub::test
