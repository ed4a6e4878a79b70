// Publishing from a test through an event log that completes inline (memory_event_log), with
// the check that it called its completion exactly once.
#pragma once

#include "ssehub/hub/event_log.hpp"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <utility>
#include <variant>
#include <vector>

namespace ssehub::test {

inline publish_result publish(event_log& log, std::vector<event_draft> drafts)
{
    std::optional<publish_result> out;
    int calls = 0;
    log.append(std::move(drafts), on_appended([&](publish_result r) {
        ++calls;
        out = std::move(r);
    }));
    if (calls != 1)
        throw std::logic_error("the completion ran " + std::to_string(calls) + " times before append() returned");
    return std::move(*out);
}

// One event: its id, or 0 when it was refused.
inline std::uint64_t publish(event_log& log, event_draft draft)
{
    std::vector<event_draft> drafts;
    drafts.push_back(std::move(draft));
    auto const r = publish(log, std::move(drafts));
    auto const* ids = std::get_if<std::vector<std::uint64_t>>(&r);
    return ids ? ids->front() : 0;
}

} // namespace ssehub::test
