// Server configuration: built-in defaults < JSON file < SSEHUB_* environment < flags.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace ssehub {

struct config {
    std::string bind = "0.0.0.0";
    std::int64_t port = 8080;
    std::int64_t io_threads = 0; // 0: one per core
    std::string static_root = "static";
    std::int64_t heartbeat_ms = 15000;
    std::int64_t retry_ms = 3000;
    std::int64_t ring_events = 10000;
    std::int64_t ring_bytes = 64 << 20;
    std::int64_t client_queue_bytes = 1 << 20;
    std::int64_t client_queue_frames = 10000;
    std::int64_t client_sndbuf_bytes = 256 << 10; // 0: the kernel's default (autotuned)
    std::int64_t delivery_interval_us = 1000;
    std::int64_t publish_backlog = 32;
    std::int64_t publish_wait_ms = 1000;
    std::int64_t max_streams = 0;     // 0: from the open-file limit
    std::int64_t max_connections = 0; // 0: max_streams plus room for everything else
    std::int64_t max_header_bytes = 8192;
    std::int64_t max_body_bytes = 1 << 20;
    std::int64_t max_url_bytes = 4096;
    std::int64_t request_timeout_ms = 10000;
    std::int64_t idle_timeout_ms = 30000;
    std::int64_t write_timeout_ms = 30000;
    std::int64_t shutdown_timeout_ms = 5000;
    std::int64_t overload_retry_ms = 30000;
    std::string publish_token; // empty: a random one is generated at startup
    std::string subscriber_secret; // empty: /events needs no token
    std::string cors_origins;      // comma-separated allowlist for /events and /publish; "*": any
    std::string default_topic = "default";
    std::int64_t ticker_interval_ms = 1000; // 0: no ticker
    std::string ticker_topic = "ticker";
    std::int64_t stats_interval_ms = 1000; // 0: no stats events
    std::string stats_topic = "stats";
    std::string backplane = "memory"; // or "redis": several instances share one stream
    std::string redis_url = "redis://127.0.0.1:6379";
    std::string redis_key = "ssehub"; // key prefix: P:stream, P:last-id, P:epoch
    std::int64_t redis_history_events = 100000; // XADD MAXLEN ~
    std::int64_t redis_timeout_ms = 2000;
    std::string instance_name; // empty: the hostname
    std::string log_level = "info";
    std::string log_format = "text"; // or "json": one object per line
};

// Startup refuses a bad configuration with this; the message names the key.
struct config_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// One configuration key: its JSON name (flag --name-with-dashes, env SSEHUB_NAME), its help
// text, the field it sets and, for integers, the accepted range.
struct config_key {
    std::string_view name;
    std::string_view help;
    std::variant<std::string config::*, std::int64_t config::*> field;
    std::int64_t min = 0;
    std::int64_t max = INT64_MAX;
};

std::span<config_key const> config_keys();

std::string flag_name(config_key const& key);  // "max-body-bytes"
std::string env_name(config_key const& key);   // "SSEHUB_MAX_BODY_BYTES"

// Applies a JSON object (the config file's text); throws config_error.
void apply_json(config& cfg, std::string_view json_text, std::string_view origin);

// Applies one textual value (from the environment or a flag); throws config_error.
void apply_text(config& cfg, config_key const& key, std::string_view text, std::string_view origin);

// Applies every SSEHUB_* variable of `env` that names a key and returns the SSEHUB_* names that
// name none, for one warning: orchestrators set such variables themselves (Kubernetes service
// links, Docker links). A known variable with a bad value is an error.
std::vector<std::string> apply_env(config& cfg, std::map<std::string, std::string> const& env);

// Checks what one value cannot: the static root exists, the log level is known.
void validate(config const& cfg);

} // namespace ssehub
