// Fuzz target: a POST /publish body through validation, then the hub; every accepted event must
// come back out of the wire format exactly (what a browser would parse), and a rejected body
// must publish nothing. A JSON `data` must reach the client as JSON that parses to the value sent.
#include "ssehub/hub/hub.hpp"
#include "ssehub/hub/memory_event_log.hpp"
#include "ssehub/http/publish_request.hpp"
#include "ssehub/sse/sse_encoder.hpp"
#include "support/event_parser.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

namespace {

// Every data: line a client receives for a non-string value must parse as JSON (JSON.parse:
// no "Infinity") and mean what was published: read again, it is the same value, so it
// serializes to the same text.
void check_json_data_round_trips(std::string_view body, std::vector<ssehub::test::parsed_event> const& seen)
{
    boost::system::error_code ec;
    auto const doc = boost::json::parse(body, ec);
    if (ec)
        std::abort(); // accepted by parse_publish_body, so it is JSON
    std::vector<boost::json::value const*> items;
    if (doc.is_array())
        for (auto const& item : doc.as_array())
            items.push_back(&item);
    else
        items.push_back(&doc);
    if (items.size() != seen.size())
        std::abort();
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (items[i]->as_object().at("data").is_string())
            continue;
        // Our own parser reads exactly (Boost.JSON's parse is off by one ulp for some doubles).
        auto again = ssehub::parse_publish_body(R"({"data":)" + seen[i].data + "}", ssehub::publish_limits{});
        auto const* drafts = std::get_if<std::vector<ssehub::event_draft>>(&again);
        if (drafts == nullptr || drafts->size() != 1 || (*drafts)[0].payload != seen[i].data)
            std::abort();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    std::string_view const body(reinterpret_cast<char const*>(data), size);
    ssehub::publish_limits limits;
    limits.max_events = 64;
    auto parsed = ssehub::parse_publish_body(body, limits);
    ssehub::hub events(ssehub::hub_options{128, 1 << 22, 1});
    ssehub::memory_event_log log(events);
    if (std::holds_alternative<std::string>(parsed)) {
        if (std::get<std::string>(parsed).empty())
            std::abort(); // a refusal always says why
        return 0;
    }
    auto const& drafts = std::get<std::vector<ssehub::event_draft>>(parsed);
    std::optional<ssehub::publish_result> appended;
    log.append(drafts, ssehub::on_appended([&](ssehub::publish_result r) { appended = std::move(r); }));
    if (!appended)
        std::abort(); // the memory log completes before append() returns
    auto const& published = *appended;
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
    std::vector<ssehub::test::parsed_event> seen;
    ssehub::test::event_parser parser([&](ssehub::test::parsed_event const& e) { seen.push_back(e); });
    for (auto const& f : frames)
        parser.feed(f->bytes);
    if (seen.size() != drafts.size())
        std::abort();
    for (std::size_t i = 0; i < drafts.size(); ++i) {
        if (seen[i].type != drafts[i].event || seen[i].data != ssehub::test::normalize_line_breaks(drafts[i].payload)
            || seen[i].last_event_id != std::to_string(ids[i]))
            std::abort();
    }
    check_json_data_round_trips(body, seen);
    return 0;
}
