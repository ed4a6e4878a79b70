// Loopback helpers for the integration tests: raw HTTP requests, an SSE client that parses
// exactly as a browser does, the server run in-process or as a child process.
#pragma once

#include "ssehub/server/config.hpp"
#include "support/event_parser.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace ssehub { class server; }

namespace ssehub::test {

using namespace std::chrono_literals;

struct http_reply {
    int status = 0;
    std::map<std::string, std::string> headers; // names lower-cased
    std::string body;
    std::string header(std::string const& name) const
    {
        auto it = headers.find(name);
        return it == headers.end() ? std::string{} : it->second;
    }
};

int connect_loopback(std::uint16_t port); // throws on failure
void send_all(int fd, std::string_view bytes);
std::string read_until_close(int fd); // everything the peer sends until it closes; closes fd

// Sends `raw` as is and reads one response (Content-Length, chunked or until close).
http_reply http_exchange(std::uint16_t port, std::string const& raw, std::chrono::milliseconds timeout = 5s);
http_reply http_get(std::uint16_t port, std::string const& target, std::string const& extra_headers = {});
http_reply http_publish(std::uint16_t port, std::string const& body, std::string const& token,
                        std::string const& content_type = "application/json");

// A streaming client: GET target, then events as the browser would see them.
class sse_client {
public:
    sse_client(std::uint16_t port, std::string const& target, std::string const& extra_headers = {});
    ~sse_client();
    sse_client(sse_client const&) = delete;
    sse_client& operator=(sse_client const&) = delete;

    http_reply const& head() const { return head_; }
    std::optional<parsed_event> next_event(std::chrono::milliseconds timeout = 5s);
    std::vector<parsed_event> events(std::size_t n, std::chrono::milliseconds timeout = 10s);
    int comments() const { return comments_; }
    std::optional<std::uint64_t> retry() const { return parser_.retry(); }
    std::string const& last_event_id() const { return parser_.last_event_id(); } // what a browser would resume from
    bool wait_closed(std::chrono::milliseconds timeout); // true when the server closed
    void close();
    int fd() const { return fd_; }

private:
    bool read_some(std::chrono::milliseconds timeout); // false on timeout or EOF
    int fd_ = -1;
    bool eof_ = false;
    http_reply head_;
    std::deque<parsed_event> queue_;
    int comments_ = 0;
    event_parser parser_;
};

// ssehub::server on its own threads, port 0, loopback; stopped and joined on destruction.
class running_server {
public:
    explicit running_server(config cfg);
    ~running_server();
    std::uint16_t port() const { return port_; }
    ssehub::server& get() { return *server_; }
    std::string const& token() const { return token_; }
    void stop();

private:
    std::unique_ptr<ssehub::server> server_;
    std::thread thread_;
    std::uint16_t port_ = 0;
    std::string token_;
};

// A test configuration: loopback, ephemeral port, the repo's static/, quiet, no ticker.
config test_config();

// The ssehub binary as a child process with stdout/stderr captured. `env` entries are added to
// the test's environment. A non-empty `shell_prefix` runs first in bash, which then execs the
// binary (e.g. "ulimit -S -n 1024").
class child_process {
public:
    explicit child_process(std::vector<std::string> args, std::vector<std::string> env = {}, std::string shell_prefix = {});
    ~child_process();
    std::uint16_t wait_for_port(std::chrono::milliseconds timeout = 10s); // from the "listening on" line
    void signal(int signo);
    std::optional<int> wait_exit(std::chrono::milliseconds timeout); // exit status, nullopt on timeout
    std::string output(); // everything printed so far
    int pid() const { return pid_; }

private:
    int pid_ = -1;
    int out_fd_ = -1;
    std::mutex mutex_;
    std::string output_; // filled by reader_, so a chatty child never blocks on a full pipe
    std::thread reader_;
    std::optional<int> status_;
};

} // namespace ssehub::test
