#include "support/event_parser.hpp"

#include <algorithm>

namespace ssehub::test {

event_parser::event_parser(event_handler on_event, comment_handler on_comment)
    : on_event_(std::move(on_event))
    , on_comment_(std::move(on_comment))
{
}

void event_parser::feed(std::string_view bytes)
{
    if (first_ && !bytes.empty()) {
        pending_ += bytes;
        if (pending_.size() < 3 && std::string_view("\xEF\xBB\xBF").starts_with(pending_))
            return;
        first_ = false;
        if (std::string_view(pending_).starts_with("\xEF\xBB\xBF"))
            pending_.erase(0, 3);
        bytes = {};
        std::string copy = std::move(pending_);
        pending_.clear();
        feed(copy);
        return;
    }
    std::size_t start = 0;
    if (skip_lf_ && !bytes.empty()) {
        skip_lf_ = false;
        if (bytes[0] == '\n')
            start = 1;
    }
    for (std::size_t i = start; i < bytes.size(); ++i) {
        char const c = bytes[i];
        if (c != '\r' && c != '\n')
            continue;
        if (pending_.empty()) {
            line(bytes.substr(start, i - start));
        } else {
            pending_.append(bytes.substr(start, i - start));
            line(pending_);
            pending_.clear();
        }
        if (c == '\r') {
            if (i + 1 < bytes.size()) {
                if (bytes[i + 1] == '\n')
                    ++i;
            } else {
                skip_lf_ = true;
            }
        }
        start = i + 1;
    }
    pending_.append(bytes.substr(std::min(start, bytes.size())));
}

void event_parser::line(std::string_view l)
{
    if (l.empty()) {
        dispatch();
        return;
    }
    if (l.front() == ':') {
        if (on_comment_)
            on_comment_(l.substr(1));
        return;
    }
    auto const colon = l.find(':');
    std::string_view field = l.substr(0, colon);
    std::string_view value;
    if (colon != std::string_view::npos) {
        value = l.substr(colon + 1);
        if (!value.empty() && value.front() == ' ')
            value.remove_prefix(1);
    }
    if (field == "event") {
        type_ = value;
    } else if (field == "data") {
        data_.append(value);
        data_ += '\n';
    } else if (field == "id") {
        if (value.find('\0') == std::string_view::npos)
            id_buffer_ = value;
    } else if (field == "retry") {
        if (!value.empty() && std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })
            && value.size() < 19)
            retry_ = std::stoull(std::string(value));
    }
}

void event_parser::dispatch()
{
    last_event_id_ = id_buffer_;
    if (data_.empty()) {
        type_.clear();
        return;
    }
    if (data_.back() == '\n')
        data_.pop_back();
    parsed_event ev;
    ev.type = type_.empty() ? "message" : type_;
    ev.data = std::move(data_);
    ev.last_event_id = last_event_id_;
    data_.clear();
    type_.clear();
    if (on_event_)
        on_event_(ev);
}

std::string normalize_line_breaks(std::string_view payload)
{
    std::string out;
    out.reserve(payload.size());
    for (std::size_t i = 0; i < payload.size(); ++i) {
        if (payload[i] != '\r') {
            out += payload[i];
            continue;
        }
        out += '\n';
        if (i + 1 < payload.size() && payload[i + 1] == '\n')
            ++i;
    }
    return out;
}

} // namespace ssehub::test
