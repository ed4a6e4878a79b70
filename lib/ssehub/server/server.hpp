// The whole server: io threads, listener, hub and its shards, ticker, signals, shutdown.
#pragma once

#include "ssehub/server/config.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

namespace ssehub {

class hub;
class event_log;

// The server stopped by itself (an exception escaped a handler, or the listener failed); the
// message says why. Thrown by run() after the graceful shutdown.
class server_failure : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Construction binds and listens (so port() is known before run()); run() blocks until a
// signal, stop() or a failure, then refuses publishes, delivers every acknowledged event to
// each stream that can take it, ends every stream and connection, and returns within
// shutdown_timeout (throwing server_failure after a failure).
class server {
public:
    // Throws config_error for a bad configuration (invalid bind address, port in use...).
    explicit server(config cfg);
    ~server();

    // Runs the io threads; with handle_signals, SIGINT and SIGTERM call stop() and SIGHUP
    // reloads the static files (streams and connections stay open). `ready` runs on the calling
    // thread once the signals are handled, before the io threads start: announce the server
    // there, so that a signal sent on seeing the announcement always gets the graceful end.
    void run(bool handle_signals = true, std::function<void()> const& ready = {});

    // Thread-safe and idempotent.
    void stop();

    // For tests only: runs `f` on io thread `i` as a plain handler (e.g. one that throws, to
    // see the server stop instead of losing the thread).
    void post_to_io_thread(std::size_t i, std::function<void()> f);

    std::uint16_t port() const;
    config const& effective_config() const;
    bool token_was_generated() const;
    hub& events();
    event_log& log(); // where every publish goes (for tests: as POST /publish does)
    std::string metrics_text() const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

inline constexpr std::string_view version = "0.1.0";

} // namespace ssehub
