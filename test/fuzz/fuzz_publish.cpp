// Fuzz target: a POST /publish body through validation, then the hub; every accepted event must
// come back out of the wire format exactly (what a browser would parse), and a rejected body
// must publish nothing.
#include "ssehub/hub/hub.hpp"
#include "ssehub/hub/publish_request.hpp"
#include "ssehub/sse/event_parser.hpp"
#include "ssehub/sse/sse_encoder.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    std::string_view const body(reinterpret_cast<char const*>(data), size);
    ssehub::publish_limits limits;
    limits.max_events = 64;
    auto parsed = ssehub::parse_publish_body(body, limits);
    ssehub::hub events(ssehub::hub_options{128, 1 << 22, 1});
    if (std::holds_alternative<std::string>(parsed)) {
        if (std::get<std::string>(parsed).empty())
            std::abort(); // a refusal always says why
        return 0;
    }
    auto const& drafts = std::get<std::vector<ssehub::event_draft>>(parsed);
    auto const published = events.publish(drafts);
    if (auto const* refused = std::get_if<ssehub::publish_refusal>(&published)) {
        if (refused->message.empty() || events.next_id() != 1)
            std::abort(); // a refusal says why and publishes nothing
        return 0;
    }
    auto const& ids = std::get<std::vector<std::uint64_t>>(published);
    if (ids.size() != drafts.size())
        std::abort();
    std::vector<ssehub::frame_ptr> frames;
    events.pull(1, frames);
    std::vector<ssehub::sse::parsed_event> seen;
    ssehub::sse::event_parser parser([&](ssehub::sse::parsed_event const& e) { seen.push_back(e); });
    for (auto const& f : frames)
        parser.feed(f->bytes);
    if (seen.size() != drafts.size())
        std::abort();
    for (std::size_t i = 0; i < drafts.size(); ++i) {
        if (seen[i].type != drafts[i].event || seen[i].data != ssehub::sse::normalize_line_breaks(drafts[i].payload)
            || seen[i].last_event_id != std::to_string(ids[i]))
            std::abort();
    }
    return 0;
}
