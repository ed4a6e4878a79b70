// The whole server: io threads, listener, hub and its shards, ticker, signals, shutdown.
#pragma once

#include "ssehub/server/config.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace ssehub {

class hub;
class event_log;

// Construction binds and listens (so port() is known before run()); run() blocks until a
// signal or stop(), then refuses publishes, delivers every acknowledged event to each stream
// that can take it, ends every stream and connection, and returns within shutdown_timeout.
class server {
public:
    // Throws config_error for a bad configuration (invalid bind address, port in use...).
    explicit server(config cfg);
    ~server();

    // Runs the io threads; with handle_signals, SIGINT and SIGTERM call stop() and SIGHUP
    // reloads the static files (streams and connections stay open).
    void run(bool handle_signals = true);

    // Thread-safe and idempotent.
    void stop();

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
