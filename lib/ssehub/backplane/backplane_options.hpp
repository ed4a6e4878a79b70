// What the Redis backplane needs of the configuration (built in server/layer_options.cpp).
#pragma once

#include "ssehub/backplane/redis_url.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace ssehub {

struct backplane_options {
    redis_url url;
    std::string key_prefix = "ssehub";
    std::uint64_t history_events = 100000; // XADD MAXLEN ~
    std::chrono::milliseconds timeout{2000};
    std::size_t ring_events = 10000;        // what a batch may hold, and what the ring warms with
    std::size_t ring_bytes = 64 << 20;
    std::size_t append_queue = 1024;        // batches waiting for the appender, at most
    std::size_t append_pipeline = 64;       // batches sent per round trip, at most
    std::size_t history_queue = 64;         // history reads queued or running, at most
    std::size_t tail_count = 1000;          // entries per XREAD
};

} // namespace ssehub
