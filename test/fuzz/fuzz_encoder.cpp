// Fuzz target: encoder round trip. Any event name and payload: either the name is refused, or
// a client parsing the encoded frame (fed in two arbitrary slices) gets exactly the same
// event: same type, same id, same payload with line breaks normalized to LF.
#include "ssehub/sse/sse_encoder.hpp"
#include "support/event_parser.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    if (size < 2)
        return 0;
    // First byte: length of the event name; second: where to split the stream when feeding.
    std::size_t const name_len = std::min<std::size_t>(data[0], size - 2);
    std::string_view const rest(reinterpret_cast<char const*>(data + 2), size - 2);
    std::string const name(rest.substr(0, name_len));
    std::string const payload(rest.substr(name_len));
    if (!ssehub::sse::is_valid_event_name(name))
        return 0;

    auto const frame = ssehub::sse::encode_frame(42, ssehub::sse::encode_body(name, payload));
    std::vector<ssehub::test::parsed_event> seen;
    ssehub::test::event_parser parser([&](ssehub::test::parsed_event const& e) { seen.push_back(e); });
    auto const split = std::min<std::size_t>(data[1], frame.size());
    parser.feed(std::string_view(frame).substr(0, split));
    parser.feed(std::string_view(frame).substr(split));

    auto const expected = ssehub::test::normalize_line_breaks(payload);
    if (seen.size() != 1 || seen[0].type != name || seen[0].data != expected || seen[0].last_event_id != "42")
        std::abort();
    return 0;
}
