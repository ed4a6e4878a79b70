// A real redis-server for the backplane tests: its own temporary directory, a free loopback
// port, appendonly yes, no RDB snapshots. Stopped on destruction. redis-server missing is an
// error (it is installed wherever the tests run: scripts/install-deps.sh --test), not a skip.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace ssehub::test {

class redis_server {
public:
    redis_server();  // starts it and waits until it answers PING (throws otherwise)
    ~redis_server(); // kills it, removes its directory

    std::uint16_t port() const { return port_; }
    std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

    // One inline command ("FLUSHALL", "SET k v"), its reply's first line ("+OK", ":3", "$5"...).
    std::string command(std::string const& line);

    void stop();  // SIGKILL and wait: what the AOF holds survives
    void start(); // again, on the same port and directory (the AOF is loaded)
    void pause(); // SIGSTOP: a Redis that accepts connections but answers nothing (slow)
    void resume();

private:
    void wait_ready(std::chrono::milliseconds timeout);

    std::string dir_;
    std::uint16_t port_ = 0;
    int pid_ = -1;
};

} // namespace ssehub::test
