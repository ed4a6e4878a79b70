#include "ssehub/server/config.hpp"

#include "ssehub/backplane/redis_url.hpp"
#include "ssehub/hub/topic_filter.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <filesystem>

namespace ssehub {
namespace {

constexpr std::int64_t kMaxMs = 24LL * 3600 * 1000;

constexpr std::array keys{
    config_key{"bind", "address to listen on (IPv4 or IPv6)", &config::bind},
    config_key{"port", "TCP port (0 picks a free one)", &config::port, 0, 65535},
    config_key{"io_threads", "io threads, each with its own event loop (0: one per core)", &config::io_threads, 0, 256},
    config_key{"static_root", "directory served at / (index.html is the page)", &config::static_root},
    config_key{"heartbeat_ms", "comment line sent on a stream idle this long", &config::heartbeat_ms, 100, kMaxMs},
    config_key{"retry_ms", "reconnection delay hinted to clients (retry:)", &config::retry_ms, 100, kMaxMs},
    config_key{"ring_events", "events kept for Last-Event-ID replay", &config::ring_events, 1, 100'000'000},
    config_key{"ring_bytes", "bytes of encoded events kept for replay", &config::ring_bytes, 1024, INT64_MAX},
    config_key{"client_queue_bytes", "bytes waiting for one client before it is cut", &config::client_queue_bytes, 1024, INT64_MAX},
    config_key{"client_queue_frames", "events waiting for one client before it is cut", &config::client_queue_frames, 1, 100'000'000},
    config_key{"client_sndbuf_bytes", "kernel send buffer of each stream, SO_SNDBUF (Linux doubles it; 0: kernel default, autotuned)", &config::client_sndbuf_bytes, 0, 1 << 30},
    config_key{"delivery_interval_us", "fan-out passes start at least this far apart (and twice the last pass apart), so a busy stream gets many events per write", &config::delivery_interval_us, 0, 1'000'000},
    config_key{"publish_backlog", "events published but not yet taken by every io thread's fan-out beyond which POST /publish holds its answer (0: never)", &config::publish_backlog, 0, 100'000'000},
    config_key{"publish_wait_ms", "longest a publish answer is held for publish_backlog; then it is sent anyway", &config::publish_wait_ms, 0, kMaxMs},
    config_key{"max_streams", "open event streams at most; more are told to retry later (0: from the open-file limit)", &config::max_streams, 0, 10'000'000},
    config_key{"max_connections", "open connections at most, streams included; more are told to retry later (0: max_streams plus room for health checks, metrics and publishers)", &config::max_connections, 0, 10'000'000},
    config_key{"max_header_bytes", "request line and headers, bytes (431 beyond)", &config::max_header_bytes, 256, 1 << 20},
    config_key{"max_body_bytes", "request body, bytes (413 beyond)", &config::max_body_bytes, 64, 1LL << 32},
    config_key{"max_url_bytes", "request target, bytes (414 beyond)", &config::max_url_bytes, 16, 1 << 20},
    config_key{"request_timeout_ms", "time to receive a whole request", &config::request_timeout_ms, 100, kMaxMs},
    config_key{"idle_timeout_ms", "keep-alive connection idle between requests", &config::idle_timeout_ms, 100, kMaxMs},
    config_key{"write_timeout_ms", "a stream whose write stalls this long is cut", &config::write_timeout_ms, 100, kMaxMs},
    config_key{"shutdown_timeout_ms", "graceful shutdown deadline", &config::shutdown_timeout_ms, 0, kMaxMs},
    config_key{"overload_retry_ms", "base retry: hint to subscribers over max_connections (jittered up to 2x)", &config::overload_retry_ms, 1000, kMaxMs},
    config_key{"publish_token", "Bearer token for POST /publish (empty: random, printed once)", &config::publish_token},
    config_key{"subscriber_secret", "HS256 secret of subscriber tokens (empty: /events is open)", &config::subscriber_secret},
    config_key{"cors_origins", "origins allowed to use /events and /publish cross-origin, comma-separated (* for any)", &config::cors_origins},
    config_key{"default_topic", "topic of published events that name none", &config::default_topic},
    config_key{"ticker_interval_ms", "built-in tick event period (0: off)", &config::ticker_interval_ms, 0, kMaxMs},
    config_key{"ticker_topic", "topic of the built-in tick events", &config::ticker_topic},
    config_key{"stats_interval_ms", "server stats event period (0: off)", &config::stats_interval_ms, 0, kMaxMs},
    config_key{"stats_topic", "topic of the server stats events", &config::stats_topic},
    config_key{"backplane", "memory (one process) or redis (several instances share one ordered stream on Redis)", &config::backplane},
    config_key{"redis_url", "Redis of the redis backplane: redis://[user:password@]host:port[/db] or unix:///path", &config::redis_url},
    config_key{"redis_key", "prefix of the backplane's Redis keys (several hubs can share one Redis)", &config::redis_key},
    config_key{"redis_history_events", "events Redis keeps for replay (XADD MAXLEN ~)", &config::redis_history_events, 1, 1'000'000'000},
    config_key{"redis_timeout_ms", "longest wait for Redis: a publish not acknowledged by then gets 503", &config::redis_timeout_ms, 10, kMaxMs},
    config_key{"instance_name", "this instance's name in the stats events (empty: the hostname)", &config::instance_name},
    config_key{"log_level", "trace, debug, info, warn, error or off", &config::log_level},
    config_key{"log_format", "text (time level message) or json (one object per line)", &config::log_format},
};

config_key const* find_key(std::string_view name)
{
    auto it = std::find_if(keys.begin(), keys.end(), [&](auto const& k) { return k.name == name; });
    return it == keys.end() ? nullptr : &*it;
}

[[noreturn]] void fail(config_key const& key, std::string_view origin, std::string const& what)
{
    throw config_error(std::string(key.name) + ": " + what + " (from " + std::string(origin) + ")");
}

void set_integer(config& cfg, config_key const& key, std::int64_t value, std::string_view origin)
{
    if (value < key.min || value > key.max)
        fail(key, origin, std::to_string(value) + " is out of range " + std::to_string(key.min) + ".." + std::to_string(key.max));
    cfg.*std::get<std::int64_t config::*>(key.field) = value;
}

// "tcp://10.0.0.1:8080": the value Kubernetes and Docker links give <NAME>_PORT.
bool is_service_link(std::string_view value)
{
    for (std::string_view scheme : {"tcp://", "udp://", "sctp://"})
        if (value.starts_with(scheme)) {
            auto const rest = value.substr(scheme.size());
            auto const colon = rest.rfind(':');
            return colon != std::string_view::npos && colon > 0 && colon + 1 < rest.size()
                && std::all_of(rest.begin() + static_cast<std::ptrdiff_t>(colon) + 1, rest.end(),
                               [](char c) { return c >= '0' && c <= '9'; });
        }
    return false;
}

} // namespace

std::span<config_key const> config_keys() { return keys; }

std::string flag_name(config_key const& key)
{
    std::string out(key.name);
    std::replace(out.begin(), out.end(), '_', '-');
    return out;
}

std::string env_name(config_key const& key)
{
    std::string out = "SSEHUB_";
    for (char c : key.name)
        out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

void apply_json(config& cfg, std::string_view json_text, std::string_view origin)
{
    boost::system::error_code ec;
    auto const doc = boost::json::parse(json_text, ec);
    if (ec)
        throw config_error(std::string(origin) + ": invalid JSON: " + ec.message());
    if (!doc.is_object())
        throw config_error(std::string(origin) + ": the configuration must be a JSON object");
    for (auto const& [name, value] : doc.as_object()) {
        // Keys starting with '_' are comments, so the shipped file can document itself.
        if (!name.empty() && name.front() == '_')
            continue;
        auto const* key = find_key(name);
        if (!key)
            throw config_error(std::string(name) + ": unknown configuration key (from " + std::string(origin) + ")");
        if (std::holds_alternative<std::string config::*>(key->field)) {
            if (!value.is_string())
                fail(*key, origin, "expected a string");
            cfg.*std::get<std::string config::*>(key->field) = std::string(value.as_string());
        } else {
            if (value.is_int64())
                set_integer(cfg, *key, value.as_int64(), origin);
            else if (value.is_uint64())
                fail(*key, origin, std::to_string(value.as_uint64()) + " is out of range");
            else
                fail(*key, origin, "expected an integer");
        }
    }
}

void apply_text(config& cfg, config_key const& key, std::string_view text, std::string_view origin)
{
    if (std::holds_alternative<std::string config::*>(key.field)) {
        cfg.*std::get<std::string config::*>(key.field) = std::string(text);
        return;
    }
    std::int64_t value = 0;
    auto const [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size())
        fail(key, origin, "'" + std::string(text) + "' is not an integer");
    set_integer(cfg, key, value, origin);
}

std::vector<std::string> apply_env(config& cfg, std::map<std::string, std::string> const& env)
{
    std::vector<std::string> unknown;
    for (auto const& entry : env) {
        auto const& name = entry.first; // a plain reference: lambdas cannot capture bindings in C++20
        auto const& value = entry.second;
        if (!name.starts_with("SSEHUB_") || name == "SSEHUB_CONFIG")
            continue;
        auto it = std::find_if(keys.begin(), keys.end(), [&](auto const& k) { return env_name(k) == name; });
        if (it == keys.end()) {
            unknown.push_back(name);
            continue;
        }
        if (is_service_link(value))
            throw config_error(std::string(it->name) + ": '" + value + "' (from environment " + name
                               + ") is a service link, not a value: Kubernetes sets " + name
                               + " in every pod of a namespace with a Service named ssehub (Docker links do the same). Set "
                               + name + " explicitly in the container's environment, or set enableServiceLinks: false in the pod spec");
        apply_text(cfg, *it, value, "environment " + name);
    }
    return unknown;
}

void validate(config const& cfg)
{
    std::error_code ec;
    if (!std::filesystem::is_directory(cfg.static_root, ec))
        throw config_error("static_root: '" + cfg.static_root + "' is not a directory");
    static constexpr std::array levels{"trace", "debug", "info", "warn", "error", "off"};
    if (std::find(levels.begin(), levels.end(), cfg.log_level) == levels.end())
        throw config_error("log_level: '" + cfg.log_level + "' is not one of trace, debug, info, warn, error, off");
    if (cfg.log_format != "text" && cfg.log_format != "json")
        throw config_error("log_format: '" + cfg.log_format + "' is not one of text, json");
    if (cfg.backplane != "memory" && cfg.backplane != "redis")
        throw config_error("backplane: '" + cfg.backplane + "' is not one of memory, redis");
    // Checked in memory mode too: a typo shows up before the day it is switched on. The
    // message never repeats the URL, which may hold a password.
    if (auto const url = parse_redis_url(cfg.redis_url); std::holds_alternative<std::string>(url))
        throw config_error("redis_url: " + std::get<std::string>(url));
    if (cfg.redis_key.empty() || cfg.redis_key.size() > 128
        || std::any_of(cfg.redis_key.begin(), cfg.redis_key.end(), [](unsigned char c) { return c <= ' ' || c >= 127; }))
        throw config_error("redis_key: '" + cfg.redis_key.substr(0, 128) + "' must be 1-128 printable characters without spaces");
    if (cfg.bind.empty())
        throw config_error("bind: must not be empty");
    for (auto const& [name, topic] : {std::pair{"default_topic", &cfg.default_topic},
                                      std::pair{"ticker_topic", &cfg.ticker_topic}, std::pair{"stats_topic", &cfg.stats_topic}})
        if (!is_valid_topic(*topic))
            throw config_error(std::string(name) + ": '" + *topic + "' is not a topic (1-128 of A-Z a-z 0-9 _ . : / -)");
}

} // namespace ssehub
