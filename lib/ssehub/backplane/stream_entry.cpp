#include "ssehub/backplane/stream_entry.hpp"

#include "ssehub/backplane/append_script.hpp"
#include "ssehub/sse/sse_encoder.hpp"

#include <hiredis/hiredis.h>

#include <string_view>

namespace ssehub {
namespace {

std::string_view text_of(redisReply const* r)
{
    return std::string_view(r->str, r->len);
}

bool is_text(redisReply const* r)
{
    return r && (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS);
}

} // namespace

std::optional<std::vector<stream_entry>> parse_entries(redisReply const* r)
{
    if (!r || r->type != REDIS_REPLY_ARRAY)
        return std::nullopt;
    std::vector<stream_entry> out;
    out.reserve(r->elements);
    for (std::size_t i = 0; i < r->elements; ++i) {
        auto const* e = r->element[i];
        if (e->type != REDIS_REPLY_ARRAY || e->elements != 2 || !is_text(e->element[0]) || e->element[1]->type != REDIS_REPLY_ARRAY)
            return std::nullopt;
        stream_entry entry;
        auto const id = parse_entry_id(text_of(e->element[0]));
        if (!id)
            return std::nullopt;
        entry.id = *id;
        auto const* fields = e->element[1];
        for (std::size_t f = 0; f + 1 < fields->elements; f += 2) {
            if (!is_text(fields->element[f]) || !is_text(fields->element[f + 1]))
                return std::nullopt;
            auto const name = text_of(fields->element[f]);
            auto const value = text_of(fields->element[f + 1]);
            if (name == "topic")
                entry.topic = value;
            else if (name == "event")
                entry.event = value;
            else if (name == "data")
                entry.data = value;
            else if (name == "epoch")
                entry.epoch = parse_entry_id(value);
        }
        out.push_back(std::move(entry));
    }
    return out;
}

std::optional<std::vector<stream_entry>> parse_xread(redisReply const* r)
{
    if (r && r->type == REDIS_REPLY_NIL)
        return std::vector<stream_entry>{};
    // [[stream name, entries]]: one stream asked, one answered.
    if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 1 || r->element[0]->type != REDIS_REPLY_ARRAY
        || r->element[0]->elements != 2)
        return std::nullopt;
    return parse_entries(r->element[0]->element[1]);
}

frame_ptr make_frame(stream_entry const& e)
{
    return std::make_shared<frame const>(frame{e.id, e.topic, sse::encode_frame(e.id, sse::encode_body(e.event, e.data))});
}

} // namespace ssehub
