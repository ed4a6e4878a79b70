// One HTTP/1.1 connection: reads requests, answers them through the router, and hands the
// socket to its hub shard when a request opens an event stream.
#pragma once

#include "ssehub/delivery/connection_limit.hpp"
#include "ssehub/net.hpp"

#include <boost/asio/awaitable.hpp>

#include <optional>

namespace ssehub {

struct http_options;
class router;
class hub_shard;
class request_counters;
class event_log;
class publish_throttle;
struct hub_counters;

struct session_env {
    http_options const& options;
    router& routes;
    hub_shard& shard;
    request_counters& requests;
    connection_limit& streams; // max_streams: a stream holds a place here besides its connection's
    event_log& log;                  // where POST /publish appends
    publish_throttle& throttle;      // what an accepted publish's answer waits for
    hub_counters& publish_counters;  // publish_waits
};

// Runs until the peer closes, a timeout, an error, shutdown or the hand-off to a stream. Run it
// as a member of its thread's task_group: the group's stop closes it while it waits for a
// request; a request already begun is read and answered (with Connection: close) first.
// Without a slot the server is at max_connections: one request is answered with "retry later"
// (an SSE retry: hint for /events, 503 otherwise) and the connection closes. A stream over
// max_streams gets the same retry: hint; other requests are still served.
net::awaitable<void> run_http_session(tcp_socket socket, session_env env, std::optional<connection_slot> slot);

} // namespace ssehub
