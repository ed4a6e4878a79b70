#include "support/test_client.hpp"

#include "ssehub/server/server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace ssehub::test {
namespace {

using clock = std::chrono::steady_clock;

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// Reads until `done(buffer)` or timeout/EOF; returns false on timeout.
template <class Done>
bool receive_until(int fd, std::string& buffer, clock::time_point deadline, Done done, bool& eof)
{
    char chunk[65536];
    while (!done(buffer)) {
        auto const left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
        if (left <= 0)
            return false;
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left)) <= 0)
            continue;
        auto const n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) {
            eof = true;
            return done(buffer);
        }
        buffer.append(chunk, static_cast<std::size_t>(n));
    }
    return true;
}

// The status and headers of a response head (without its blank line); no body.
http_reply parse_head_lines(std::string_view head)
{
    http_reply r;
    auto const sp = head.find(' ');
    r.status = std::atoi(std::string(head.substr(sp + 1, 3)).c_str());
    auto pos = head.find("\r\n");
    while (pos != std::string_view::npos) {
        auto const next = head.find("\r\n", pos + 2);
        auto const line = head.substr(pos + 2, next == std::string_view::npos ? std::string_view::npos : next - pos - 2);
        if (auto const colon = line.find(':'); colon != std::string_view::npos) {
            auto value = line.substr(colon + 1);
            value.remove_prefix(std::min(value.size(), value.find_first_not_of(' ')));
            r.headers[lower(std::string(line.substr(0, colon)))] = std::string(value);
        }
        pos = next;
    }
    return r;
}

// Parses status line and headers from the front of `buffer`; erases them.
http_reply parse_head(std::string& buffer)
{
    auto const end = buffer.find("\r\n\r\n");
    if (end == std::string::npos)
        throw std::runtime_error("no complete response head: " + buffer.substr(0, 200));
    auto r = parse_head_lines(std::string_view(buffer).substr(0, end));
    buffer.erase(0, end + 4);
    return r;
}

} // namespace

int connect_loopback(std::uint16_t port)
{
    int const fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        throw std::runtime_error("socket failed");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        throw std::runtime_error("connect failed: " + std::string(std::strerror(errno)));
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

void send_all(int fd, std::string_view bytes)
{
    while (!bytes.empty()) {
        auto const n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n <= 0)
            throw std::runtime_error("send failed");
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
}

std::string read_until_close(int fd)
{
    std::string all;
    char buf[65536];
    for (;;) {
        auto const n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0)
            break;
        all.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return all;
}

http_reply http_exchange(std::uint16_t port, std::string const& raw, std::chrono::milliseconds timeout)
{
    int const fd = connect_loopback(port);
    struct closer { int fd; ~closer() { ::close(fd); } } c{fd};
    send_all(fd, raw);
    auto const deadline = clock::now() + timeout;
    std::string buffer;
    bool eof = false;
    if (!receive_until(fd, buffer, deadline, [](std::string const& b) { return b.find("\r\n\r\n") != std::string::npos; }, eof))
        throw std::runtime_error("timed out waiting for a response head; got: " + buffer.substr(0, 200));
    auto reply = parse_head(buffer);
    bool const head_request = raw.starts_with("HEAD ");
    if (reply.status == 304 || reply.status == 204 || head_request)
        return reply;
    if (auto cl = reply.header("content-length"); !cl.empty()) {
        auto const n = std::stoul(cl);
        receive_until(fd, buffer, deadline, [n](std::string const& b) { return b.size() >= n; }, eof);
        reply.body = buffer.substr(0, n);
    } else if (lower(reply.header("transfer-encoding")) == "chunked") {
        receive_until(fd, buffer, deadline, [](std::string const& b) { return b.find("\r\n0\r\n\r\n") != std::string::npos || b.starts_with("0\r\n\r\n"); }, eof);
        std::size_t pos = 0;
        for (;;) {
            auto const eol = buffer.find("\r\n", pos);
            auto const size = std::stoul(buffer.substr(pos, eol - pos), nullptr, 16);
            if (size == 0)
                break;
            reply.body += buffer.substr(eol + 2, size);
            pos = eol + 2 + size + 2;
        }
    } else {
        receive_until(fd, buffer, deadline, [](std::string const&) { return false; }, eof);
        reply.body = buffer;
    }
    return reply;
}

http_reply http_get(std::uint16_t port, std::string const& target, std::string const& extra_headers)
{
    return http_exchange(port, "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + extra_headers + "\r\n");
}

http_reply http_publish(std::uint16_t port, std::string const& body, std::string const& token,
                        std::string const& content_type)
{
    std::string req = "POST /publish HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    if (!token.empty())
        req += "Authorization: Bearer " + token + "\r\n";
    if (!content_type.empty())
        req += "Content-Type: " + content_type + "\r\n";
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    return http_exchange(port, req);
}

std::optional<std::uint64_t> metric(std::uint16_t port, std::string const& name)
{
    auto const r = http_get(port, "/metrics");
    return r.status == 200 ? metric(r.body, name) : std::nullopt;
}

std::vector<http_reply> parse_replies(std::string_view bytes, std::string* rest, std::size_t at_most)
{
    std::vector<http_reply> out;
    while (out.size() < at_most) {
        auto const end = bytes.find("\r\n\r\n");
        if (end == std::string_view::npos || !bytes.starts_with("HTTP/1."))
            break;
        auto r = parse_head_lines(bytes.substr(0, end));
        auto const length = r.status == 100 ? 0u : std::stoul(r.header("content-length").empty() ? "0" : r.header("content-length"));
        if (bytes.size() < end + 4 + length)
            break;
        r.body = std::string(bytes.substr(end + 4, length));
        bytes.remove_prefix(end + 4 + length);
        out.push_back(std::move(r));
    }
    if (rest)
        *rest = std::string(bytes);
    return out;
}

connection::connection(std::uint16_t port) : fd_(connect_loopback(port)) { }

connection::~connection() { close(); }

bool connection::send(std::string_view bytes)
{
    while (!bytes.empty()) {
        auto const n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n <= 0)
            return false;
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

bool connection::read_until(clock::time_point deadline, std::function<bool(std::string const&)> const& done)
{
    // EOF or reset alike set closed_: the server is done with us either way.
    receive_until(fd_, received_, deadline, done, closed_);
    return done(received_);
}

std::optional<http_reply> connection::read_reply(std::chrono::milliseconds timeout)
{
    read_until(clock::now() + timeout, [](std::string const& b) { return !parse_replies(b, nullptr, 1).empty(); });
    std::string rest;
    auto replies = parse_replies(received_, &rest, 1);
    if (replies.empty())
        return std::nullopt;
    received_ = std::move(rest);
    return std::move(replies.front());
}

bool connection::wait_closed(std::chrono::milliseconds timeout)
{
    read_until(clock::now() + timeout, [](std::string const&) { return false; });
    return closed_;
}

void connection::close()
{
    if (fd_ >= 0)
        ::close(fd_);
    fd_ = -1;
}

raw_result raw_exchange(std::uint16_t port, std::string_view raw, std::chrono::milliseconds timeout)
{
    connection c(port);
    c.send(raw); // the server may stop reading early (an error answer), which is fine
    c.wait_closed(timeout);
    raw_result r;
    r.replies = parse_replies(c.received(), &r.unparsed);
    r.closed = c.closed();
    return r;
}

sse_client::sse_client(std::uint16_t port, std::string const& target, std::string const& extra_headers)
    : parser_([this](parsed_event const& e) { queue_.push_back(e); }, [this](std::string_view) { ++comments_; })
{
    fd_ = connect_loopback(port);
    send_all(fd_, "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n" + extra_headers + "\r\n");
    std::string buffer;
    if (!receive_until(fd_, buffer, clock::now() + 5s, [](std::string const& b) { return b.find("\r\n\r\n") != std::string::npos; }, eof_))
        throw std::runtime_error("no stream head");
    head_ = parse_head(buffer);
    parser_.feed(buffer);
}

sse_client::~sse_client() { close(); }

void sse_client::close()
{
    if (fd_ >= 0)
        ::close(fd_);
    fd_ = -1;
}

bool sse_client::read_some(std::chrono::milliseconds timeout)
{
    if (eof_ || fd_ < 0)
        return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0)
        return false;
    char chunk[65536];
    auto const n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) {
        eof_ = true;
        return false;
    }
    parser_.feed(std::string_view(chunk, static_cast<std::size_t>(n)));
    return true;
}

std::optional<parsed_event> sse_client::next_event(std::chrono::milliseconds timeout)
{
    auto const deadline = clock::now() + timeout;
    while (queue_.empty()) {
        auto const left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
        if (left.count() <= 0 || (!read_some(left) && eof_))
            return std::nullopt;
    }
    auto e = std::move(queue_.front());
    queue_.pop_front();
    return e;
}

std::vector<parsed_event> sse_client::events(std::size_t n, std::chrono::milliseconds timeout)
{
    std::vector<parsed_event> out;
    auto const deadline = clock::now() + timeout;
    while (out.size() < n) {
        auto const left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
        auto e = next_event(std::max(left, 1ms));
        if (!e)
            break;
        out.push_back(std::move(*e));
    }
    return out;
}

bool sse_client::wait_closed(std::chrono::milliseconds timeout)
{
    auto const deadline = clock::now() + timeout;
    while (!eof_ && clock::now() < deadline)
        read_some(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()));
    return eof_;
}

config test_config()
{
    config cfg;
    cfg.bind = "127.0.0.1";
    cfg.port = 0;
    cfg.io_threads = 2;
    cfg.static_root = SSEHUB_SOURCE_DIR "/static";
    cfg.ticker_interval_ms = 0;
    cfg.stats_interval_ms = 0;
    cfg.publish_token = "test-token";
    cfg.log_level = "warn";
    cfg.shutdown_timeout_ms = 3000;
    return cfg;
}

running_server::running_server(config cfg)
    : token_(cfg.publish_token)
{
    server_ = std::make_unique<ssehub::server>(std::move(cfg));
    port_ = server_->port();
    thread_ = std::thread([this] { server_->run(false); });
}

running_server::~running_server() { stop(); }

void running_server::stop()
{
    if (thread_.joinable()) {
        server_->stop();
        thread_.join();
    }
}

child_process::child_process(std::vector<std::string> args, std::vector<std::string> env, std::string shell_prefix)
{
    int pipefd[2];
    if (::pipe2(pipefd, O_CLOEXEC) != 0)
        throw std::runtime_error("pipe failed");
    pid_ = ::fork();
    if (pid_ == 0) {
        ::dup2(pipefd[1], 1);
        ::dup2(pipefd[1], 2);
        std::vector<char*> argv;
        std::string binary = SSEHUB_BINARY;
        std::string bash = "/bin/bash", dash_c = "-c", script = shell_prefix + "; exec \"$0\" \"$@\"";
        if (!shell_prefix.empty())
            argv.insert(argv.end(), {bash.data(), dash_c.data(), script.data()});
        argv.push_back(binary.data());
        for (auto& a : args)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        for (auto& e : env)
            ::putenv(e.data());
        ::execv(argv.front(), argv.data());
        ::_exit(127);
    }
    ::close(pipefd[1]);
    out_fd_ = pipefd[0];
    reader_ = std::thread([this] {
        char chunk[4096];
        for (;;) {
            auto const n = ::read(out_fd_, chunk, sizeof chunk);
            if (n <= 0)
                return;
            std::lock_guard lock(mutex_);
            output_.append(chunk, static_cast<std::size_t>(n));
        }
    });
}

child_process::~child_process()
{
    if (!status_ && pid_ > 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
    if (reader_.joinable())
        reader_.join(); // the child is gone, so its end of the pipe is closed
    if (out_fd_ >= 0)
        ::close(out_fd_);
}

std::uint16_t child_process::wait_for_port(std::chrono::milliseconds timeout)
{
    auto const deadline = clock::now() + timeout;
    while (clock::now() < deadline) {
        auto const out = output();
        auto const at = out.find("listening on http://");
        if (at != std::string::npos) {
            // The port follows the host's last colon ("http://[::1]:8080").
            auto const end = out.find(' ', at + 20);
            auto const colon = end == std::string::npos ? end : out.rfind(':', end);
            if (colon != std::string::npos && colon > at + 20)
                return static_cast<std::uint16_t>(std::stoi(out.substr(colon + 1, end - colon - 1)));
        }
        std::this_thread::sleep_for(20ms);
    }
    throw std::runtime_error("server did not report its port; output: " + output());
}

void child_process::signal(int signo)
{
#if defined(__SANITIZE_THREAD__)
    auto const mark = output().size();
#endif
    if (::kill(pid_, signo) != 0)
        throw std::runtime_error(std::string("kill failed: ") + std::strerror(errno));
#if defined(__SANITIZE_THREAD__)
    // Under ThreadSanitizer a signal sent to the server is now and then never handled: 5 of about
    // 400 runs of server_test lost a SIGTERM (the server idle in epoll_wait and
    // pthread_cond_wait, the signal neither blocked nor pending, no handler run; a second one
    // ended it at once), and 999 runs of the release build lost none. TSan holds signals until
    // its runtime reaches a safe point. So under TSan alone a signal is sent again until the
    // server logs it; every other build checks that one is enough.
    auto const logged = signo == SIGHUP ? std::string("signal SIGHUP received") : "signal " + std::to_string(signo) + " received";
    for (int resent = 0; resent < 4; ++resent) {
        auto const deadline = clock::now() + 1s;
        while (clock::now() < deadline) {
            if (output().find(logged, mark) != std::string::npos || exited())
                return;
            std::this_thread::sleep_for(10ms);
        }
        std::fprintf(stderr, "child_process: signal %d not logged by the server within 1 s (ThreadSanitizer): sent again\n", signo);
        ::kill(pid_, signo);
    }
#endif
}

bool child_process::exited()
{
    int st = 0;
    if (!status_ && ::waitpid(pid_, &st, WNOHANG) == pid_)
        status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return status_.has_value();
}

std::optional<int> child_process::wait_exit(std::chrono::milliseconds timeout)
{
    auto const deadline = clock::now() + timeout;
    while (!exited() && clock::now() < deadline)
        std::this_thread::sleep_for(10ms);
    if (status_ && reader_.joinable())
        reader_.join(); // everything the child printed is in output_ now
    return status_;
}

std::string child_process::output()
{
    std::lock_guard lock(mutex_);
    return output_;
}

} // namespace ssehub::test
