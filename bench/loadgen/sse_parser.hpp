// An incremental reader of a text/event-stream body following the WHATWG "interpret an event
// stream" rules: lines end in CR, LF or CRLF (also across reads), a leading BOM is ignored,
// ':' lines are comments, `data` lines join with LF, `id` is an opaque string (nchan's
// "1700000000:0" as well as ssehub's numbers), a blank line dispatches.
//
// Not thread-safe; one per stream. Allocation-free: every buffer is inline and bounded, so
// an over-long line or event is truncated and counted instead of growing memory.
#pragma once

#include "fixed_text.hpp"

#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace loadgen {

struct sse_event {
    std::string_view type;
    std::string_view data;
    std::string_view last_event_id;
    bool truncated; // the data or a line did not fit: `data` is a prefix
};

class sse_parser {
public:
    // on_event(sse_event const&) for every dispatched event, in stream order.
    template <class OnEvent>
    void feed(std::string_view bytes, OnEvent&& on_event)
    {
        if (at_start_ && !bytes.empty()) {
            at_start_ = false;
            if (bytes.starts_with("\xEF\xBB\xBF"))
                bytes.remove_prefix(3);
        }
        if (skip_lf_ && !bytes.empty()) {
            skip_lf_ = false;
            if (bytes.front() == '\n')
                bytes.remove_prefix(1);
        }
        while (!bytes.empty()) {
            auto const end = line_end(bytes);
            if (end == std::string_view::npos) {
                partial_.append(bytes); // an unfinished line waits for the next read
                return;
            }
            if (partial_.empty()) {
                line(bytes.substr(0, end), on_event);
            } else {
                partial_.append(bytes.substr(0, end));
                line_truncated_ = partial_.overflowed();
                line(partial_.view(), on_event);
                partial_.clear();
            }
            auto next = end + 1;
            if (bytes[end] == '\r') {
                if (next == bytes.size())
                    skip_lf_ = true; // a CRLF split across reads is still one line break
                else if (bytes[next] == '\n')
                    ++next;
            }
            bytes.remove_prefix(next);
        }
    }

    std::uint64_t comments() const { return comments_; }

private:
    // Index of the first CR or LF, or npos. One pass, 16 bytes at a time: lines are short (an
    // id, an event name, a data line of about 100 bytes), so two memchr calls per line (one
    // for each character) cost more in calls than in scanning; in a replay storm of 10M frames
    // they were the load generator's largest cost, on the cores the server shares.
    static std::size_t line_end(std::string_view b)
    {
        std::size_t i = 0;
#if defined(__SSE2__)
        auto const lf = _mm_set1_epi8('\n');
        auto const cr = _mm_set1_epi8('\r');
        for (; i + 16 <= b.size(); i += 16) {
            auto const chunk = _mm_loadu_si128(reinterpret_cast<__m128i const*>(b.data() + i));
            auto const hits = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(chunk, lf), _mm_cmpeq_epi8(chunk, cr)));
            if (hits != 0)
                return i + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(hits)));
        }
#endif
        for (; i < b.size(); ++i)
            if (b[i] == '\n' || b[i] == '\r')
                return i;
        return std::string_view::npos;
    }

    template <class OnEvent>
    void line(std::string_view l, OnEvent& on_event)
    {
        if (l.empty()) {
            dispatch(on_event);
            return;
        }
        truncated_ = truncated_ || line_truncated_;
        line_truncated_ = false;
        if (l.front() == ':') {
            ++comments_;
            return;
        }
        auto const colon = l.find(':');
        auto const field = l.substr(0, colon);
        std::string_view value;
        if (colon != std::string_view::npos) {
            value = l.substr(colon + 1);
            if (!value.empty() && value.front() == ' ')
                value.remove_prefix(1);
        }
        if (field == "data") {
            data_.append(value);
            data_.push_back('\n');
        } else if (field == "event") {
            type_.assign(value);
        } else if (field == "id") {
            if (value.find('\0') == std::string_view::npos)
                last_event_id_.assign(value);
        } // retry and unknown fields change nothing this tool measures
    }

    template <class OnEvent>
    void dispatch(OnEvent& on_event)
    {
        if (!data_.empty()) {
            bool const truncated = truncated_ || data_.overflowed();
            if (!data_.overflowed())
                data_.pop_back(); // the LF after the last data line is not part of the data
            auto const type = type_.empty() ? std::string_view("message") : type_.view();
            on_event(sse_event{type, data_.view(), last_event_id_.view(), truncated});
        }
        data_.clear();
        type_.clear();
        truncated_ = false;
    }

    fixed_text<384> partial_;       // an unfinished line carried to the next read
    fixed_text<512> data_;          // the event being assembled
    fixed_text<48> type_;
    fixed_text<48> last_event_id_;
    std::uint64_t comments_ = 0;
    bool at_start_ = true;
    bool skip_lf_ = false;          // the last read ended in CR
    bool line_truncated_ = false;
    bool truncated_ = false;
};

} // namespace loadgen
