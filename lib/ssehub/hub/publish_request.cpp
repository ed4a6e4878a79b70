#include "ssehub/hub/publish_request.hpp"

#include "ssehub/hub/topic_filter.hpp"
#include "ssehub/sse/sse_encoder.hpp"

#include <boost/json/parser.hpp>
#include <boost/json/serialize.hpp>

namespace ssehub {
namespace {

using result = std::variant<std::vector<event_draft>, std::string>;

// Returns an error message, or empty when `item` became a draft.
std::string parse_item(boost::json::value const& item, publish_limits const& limits, event_draft& out)
{
    if (!item.is_object())
        return "each event must be a JSON object";
    auto const& obj = item.as_object();
    out.topic = limits.default_topic;
    bool has_data = false;
    for (auto const& [key, value] : obj) {
        if (key == "topic") {
            if (!value.is_string())
                return "\"topic\" must be a string";
            out.topic = std::string(value.as_string());
            if (!is_valid_topic(out.topic))
                return "\"topic\" must be 1-128 characters of A-Z a-z 0-9 _ . : / -";
        } else if (key == "event") {
            if (!value.is_string())
                return "\"event\" must be a string";
            out.event = std::string(value.as_string());
            if (!sse::is_valid_event_name(out.event))
                return "\"event\" must be 1-128 bytes with no control characters (CR, LF, NUL)";
            if (out.event.starts_with("ssehub."))
                return "\"event\" names starting with \"ssehub.\" are reserved for the server";
        } else if (key == "data") {
            has_data = true;
            out.payload = value.is_string() ? std::string(value.as_string()) : boost::json::serialize(value);
        } else {
            return "unknown field \"" + std::string(key) + "\" (expected topic, event, data)";
        }
    }
    if (!has_data)
        return "\"data\" is required";
    return {};
}

} // namespace

result parse_publish_body(std::string_view body, publish_limits const& limits)
{
    boost::json::parse_options opts;
    opts.max_depth = limits.max_depth;
    boost::json::parser parser({}, opts);
    boost::system::error_code ec;
    parser.write(body.data(), body.size(), ec); // the whole text: incomplete JSON is an error
    if (ec)
        return "invalid JSON: " + ec.message();
    auto const doc = parser.release();

    std::vector<event_draft> drafts;
    auto add = [&](boost::json::value const& item, std::size_t index) -> std::string {
        event_draft d;
        auto err = parse_item(item, limits, d);
        if (!err.empty())
            return doc.is_array() ? "event " + std::to_string(index) + ": " + err : err;
        drafts.push_back(std::move(d));
        return {};
    };
    if (doc.is_array()) {
        auto const& arr = doc.as_array();
        if (arr.empty())
            return "the array of events is empty";
        if (arr.size() > limits.max_events)
            return "too many events in one request (at most " + std::to_string(limits.max_events) + ")";
        drafts.reserve(arr.size());
        for (std::size_t i = 0; i < arr.size(); ++i)
            if (auto err = add(arr[i], i); !err.empty())
                return err;
    } else if (auto err = add(doc, 0); !err.empty()) {
        return err;
    }
    return drafts;
}

} // namespace ssehub
