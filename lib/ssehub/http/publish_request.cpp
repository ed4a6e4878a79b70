#include "ssehub/http/publish_request.hpp"

#include "ssehub/hub/topic_filter.hpp"
#include "ssehub/sse/sse_encoder.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_stack.hpp>

#include <charconv>
#include <cmath>

namespace ssehub {
namespace {

using result = std::variant<std::vector<event_draft>, std::string>;

// Boost.JSON's own parser handler (a value_stack), except for numbers: it would read an integer
// beyond 64 bits as a rounded double and 1e400 as infinity, which serializes as "Infinity", not
// JSON. Every number must come back out as the value that was sent, so those are refused.
struct checked_handler {
    static constexpr std::size_t max_object_size = boost::json::object::max_size();
    static constexpr std::size_t max_array_size = boost::json::array::max_size();
    static constexpr std::size_t max_key_size = boost::json::string::max_size();
    static constexpr std::size_t max_string_size = boost::json::string::max_size();

    boost::json::value_stack st;
    std::string number_text; // a number's literal, when it arrives in parts
    std::string refusal;     // why a number was refused

    using error_code = boost::system::error_code;
    using sv = boost::json::string_view;

    bool refuse(std::string why, error_code& ec)
    {
        refusal = std::move(why);
        ec = boost::json::error::exception; // any code: parse_publish_body reports `refusal`
        return false;
    }
    bool on_document_begin(error_code&) { return true; }
    bool on_document_end(error_code&) { return true; }
    bool on_object_begin(error_code&) { return true; }
    bool on_object_end(std::size_t n, error_code&) { st.push_object(n); return true; }
    bool on_array_begin(error_code&) { return true; }
    bool on_array_end(std::size_t n, error_code&) { st.push_array(n); return true; }
    bool on_key_part(sv s, std::size_t, error_code&) { st.push_chars(s); return true; }
    bool on_key(sv s, std::size_t, error_code&) { st.push_key(s); return true; }
    bool on_string_part(sv s, std::size_t, error_code&) { st.push_chars(s); return true; }
    bool on_string(sv s, std::size_t, error_code&) { st.push_string(s); return true; }
    bool on_number_part(sv s, error_code&) { number_text.append(s.data(), s.size()); return true; }
    bool on_int64(std::int64_t i, sv, error_code&) { number_text.clear(); st.push_int64(i); return true; }
    bool on_uint64(std::uint64_t u, sv, error_code&) { number_text.clear(); st.push_uint64(u); return true; }
    bool on_double(double d, sv s, error_code& ec)
    {
        number_text.append(s.data(), s.size());
        auto const literal = number_text.substr(0, 64);
        // The parser gives a double for an integer literal only when it does not fit 64 bits.
        if (number_text.find_first_of(".eE") == std::string::npos)
            return refuse("number out of range: " + literal + " (integers must fit in 64 bits: -9223372036854775808 to 18446744073709551615)", ec);
        // Boost.JSON 1.81 rounds some literals to a neighbouring double; from_chars rounds exactly.
        double value = d;
        auto const [end, err] = std::from_chars(number_text.data(), number_text.data() + number_text.size(), value);
        if (err == std::errc::result_out_of_range) {
            if (std::isinf(d))
                return refuse("number out of range: " + literal + " (beyond a double's range, about 1.8e308)", ec);
            value = number_text.front() == '-' ? -0.0 : 0.0; // an underflow is 0, as JSON.parse reads it
        }
        number_text.clear();
        st.push_double(value);
        return true;
    }
    bool on_bool(bool b, error_code&) { st.push_bool(b); return true; }
    bool on_null(error_code&) { st.push_null(); return true; }
    bool on_comment_part(sv, error_code&) { return true; }
    bool on_comment(sv, error_code&) { return true; }
};

// The whole body as one JSON value, or the reason it is refused.
std::variant<boost::json::value, std::string> parse_json(std::string_view body, std::size_t max_depth)
{
    boost::json::parse_options opts;
    opts.max_depth = max_depth;
    boost::json::basic_parser<checked_handler> parser(opts);
    parser.handler().st.reset();
    boost::system::error_code ec;
    auto const n = parser.write_some(false, body.data(), body.size(), ec); // the whole text: incomplete JSON is an error
    if (!parser.handler().refusal.empty())
        return std::move(parser.handler().refusal);
    if (!ec && n < body.size())
        ec = boost::json::error::extra_data;
    if (ec)
        return "invalid JSON: " + ec.message();
    return parser.handler().st.release();
}

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
                return "\"event\" must be 1-128 bytes with no control characters (U+0000-U+001F, U+007F-U+009F)";
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
    auto parsed = parse_json(body, limits.max_depth);
    if (auto* err = std::get_if<std::string>(&parsed))
        return std::move(*err);
    auto const doc = std::get<boost::json::value>(std::move(parsed));

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
