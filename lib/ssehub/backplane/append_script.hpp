// The one Lua script that appends a batch: it takes the next consecutive ids from P:last-id
// and XADDs every event as "<id>-0" in the same atomic step, or starts a new epoch when Redis
// has lost data (P:last-id missing, or below the stream's top or below the highest id this
// instance has seen): the epoch's first id is above the wall clock in microseconds, the
// highest id seen and the stream's top, so no id is ever reused for another event.
#pragma once

#include "ssehub/hub/event_draft.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct redisReply;

namespace ssehub {

// The Redis keys of one hub (prefix P = redis_key).
struct stream_keys {
    std::string stream;  // P:stream
    std::string last_id; // P:last-id
    std::string epoch;   // P:epoch
    std::string idempotency; // P:idempotency: (+ the Idempotency-Key)
    explicit stream_keys(std::string_view prefix);
};

std::string_view append_script_text();
std::string const& append_script_sha(); // SHA-1 of the text, hex: what EVALSHA names

// How long Redis remembers an Idempotency-Key: a repeat within this answers the same ids.
inline constexpr std::uint64_t idempotency_seconds = 3600;

// EVALSHA (or with eval, EVAL with the text) of one batch. `seen`: the highest id this instance
// has read or been given; `key`: the publisher's Idempotency-Key (empty: none).
std::vector<std::string> append_command(stream_keys const& keys, std::vector<event_draft> const& drafts,
                                        std::uint64_t max_len, std::uint64_t seen, bool eval, std::string const& key = {});

// The script's reply: the batch's first id, and the epoch it started (0: none).
struct append_reply {
    std::uint64_t first_id = 0;
    std::uint64_t epoch = 0;
};
std::optional<append_reply> parse_append_reply(redisReply const* r);

// A stream entry id "<n>-0" (or "<n>-<seq>"): n, or nullopt.
std::optional<std::uint64_t> parse_entry_id(std::string_view id);

} // namespace ssehub
