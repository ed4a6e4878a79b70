// Loopback helpers for the integration tests: raw HTTP requests and connections, an SSE client
// that parses exactly as a browser does, /metrics samples, the server run in-process or as a
// child process.
#pragma once

#include "ssehub/server/config.hpp"
#include "support/event_parser.hpp"
#include "support/metric.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
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

// The unlabelled sample `name` of GET /metrics (see support/metric.hpp); nullopt when the answer
// is not 200 or lacks it.
std::optional<std::uint64_t> metric(std::uint16_t port, std::string const& name);

// Parses every complete response at the front of `bytes`, at most `at_most` (all of ssehub's
// non-stream answers carry a Content-Length); `rest` keeps what follows the last complete one.
std::vector<http_reply> parse_replies(std::string_view bytes, std::string* rest = nullptr,
                                      std::size_t at_most = SIZE_MAX);

// One raw client connection: send anything, read whatever comes back. Not thread-safe.
class connection {
public:
    explicit connection(std::uint16_t port);
    ~connection();
    connection(connection const&) = delete;
    connection& operator=(connection const&) = delete;

    // Sends what the server takes; false once it stopped taking (closed or reset).
    bool send(std::string_view bytes);
    // Reads until `done(received)`, the peer closes, or the deadline; returns done(received).
    bool read_until(std::chrono::steady_clock::time_point deadline, std::function<bool(std::string const&)> const& done);
    // The next complete response, or nullopt on timeout or close.
    std::optional<http_reply> read_reply(std::chrono::milliseconds timeout = 3s);
    // True when the server closes the connection within `timeout`.
    bool wait_closed(std::chrono::milliseconds timeout);

    std::string const& received() const { return received_; }
    bool closed() const { return closed_; }
    int fd() const { return fd_; }
    void close();

private:
    int fd_;
    std::string received_;
    bool closed_ = false;
};

// Sends `raw` on a fresh connection; everything the server sends until it closes (or `timeout`).
struct raw_result {
    std::vector<http_reply> replies;
    std::string unparsed;
    bool closed = false;
};
raw_result raw_exchange(std::uint16_t port, std::string_view raw, std::chrono::milliseconds timeout = 3s);

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
    void signal(int signo); // under ThreadSanitizer: sent again until the server logs it (see the .cpp)
    std::optional<int> wait_exit(std::chrono::milliseconds timeout); // exit status, nullopt on timeout
    std::string output(); // everything printed so far
    int pid() const { return pid_; }

private:
    bool exited(); // reaps the child if it has ended (status_)

    int pid_ = -1;
    int out_fd_ = -1;
    std::mutex mutex_;
    std::string output_; // filled by reader_, so a chatty child never blocks on a full pipe
    std::thread reader_;
    std::optional<int> status_;
};

} // namespace ssehub::test
