// The process's log lines: text ("time level message", for people) or json (one object per
// line, for log aggregators). Our messages are "kind key=value key=\"quoted value\" ...".
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace ssehub {

// One log line as a JSON object, without the newline: {"time", "level", "msg": the kind, then
// each key=value field of the message as its own key (numbers as JSON numbers)}. A message that
// is not of that form keeps its whole text in "msg". Always valid JSON: quotes, control
// characters and invalid UTF-8 are escaped. Pure; safe from any thread.
std::string json_log_line(std::chrono::system_clock::time_point time, std::string_view level,
                          std::string_view message);

// Sets spdlog's level and line format ("text" or "json", as validated by the configuration)
// for the whole process. Call once at startup, before any thread logs.
void configure_logging(std::string const& level, std::string const& format);

} // namespace ssehub
