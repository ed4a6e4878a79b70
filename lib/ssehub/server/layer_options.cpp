#include "ssehub/server/layer_options.hpp"

namespace ssehub {

hub_options hub_options_of(config const& cfg, std::uint64_t first_id)
{
    hub_options o;
    o.ring_events = static_cast<std::size_t>(cfg.ring_events);
    o.ring_bytes = static_cast<std::size_t>(cfg.ring_bytes);
    o.first_id = first_id;
    o.publish_backlog = static_cast<std::uint64_t>(cfg.publish_backlog);
    return o;
}

delivery_options delivery_options_of(config const& cfg)
{
    delivery_options o;
    o.queue_bytes = static_cast<std::size_t>(cfg.client_queue_bytes);
    o.queue_frames = static_cast<std::size_t>(cfg.client_queue_frames);
    o.send_buffer_bytes = static_cast<std::size_t>(cfg.client_sndbuf_bytes);
    o.heartbeat = std::chrono::milliseconds(cfg.heartbeat_ms);
    o.write_timeout = std::chrono::milliseconds(cfg.write_timeout_ms);
    o.retry = std::chrono::milliseconds(cfg.retry_ms);
    o.delivery_interval = std::chrono::microseconds(cfg.delivery_interval_us);
    return o;
}

backplane_options backplane_options_of(config const& cfg)
{
    backplane_options o;
    o.url = std::get<redis_url>(parse_redis_url(cfg.redis_url));
    o.key_prefix = cfg.redis_key;
    o.history_events = static_cast<std::uint64_t>(cfg.redis_history_events);
    o.timeout = std::chrono::milliseconds(cfg.redis_timeout_ms);
    o.ring_events = static_cast<std::size_t>(cfg.ring_events);
    o.ring_bytes = static_cast<std::size_t>(cfg.ring_bytes);
    return o;
}

http_options http_options_of(config const& cfg)
{
    http_options o;
    o.max_header_bytes = static_cast<std::size_t>(cfg.max_header_bytes);
    o.max_url_bytes = static_cast<std::size_t>(cfg.max_url_bytes);
    o.max_body_bytes = static_cast<std::size_t>(cfg.max_body_bytes);
    o.request_timeout = std::chrono::milliseconds(cfg.request_timeout_ms);
    o.idle_timeout = std::chrono::milliseconds(cfg.idle_timeout_ms);
    o.publish_wait = std::chrono::milliseconds(cfg.publish_wait_ms);
    o.retry = std::chrono::milliseconds(cfg.retry_ms);
    o.overload_retry = std::chrono::milliseconds(cfg.overload_retry_ms);
    o.publish_token = cfg.publish_token;
    o.subscriber_secret = cfg.subscriber_secret;
    o.cors_origins = cfg.cors_origins;
    o.default_topic = cfg.default_topic;
    return o;
}

} // namespace ssehub
