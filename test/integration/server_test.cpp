// The real server on 127.0.0.1: page, static files, health, errors, the event stream.
#include "support/test_client.hpp"

#include "ssehub/hub/hub.hpp"
#include "ssehub/server/server.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace ssehub;
using namespace ssehub::test;

BOOST_AUTO_TEST_SUITE(server_test)

BOOST_AUTO_TEST_CASE(serves_the_page_with_validators)
{
    running_server s(test_config());
    auto const page = http_get(s.port(), "/");
    BOOST_TEST(page.status == 200);
    BOOST_TEST(page.header("content-type") == "text/html; charset=utf-8");
    BOOST_TEST(page.body.find("EventSource") != std::string::npos);
    auto const etag = page.header("etag");
    BOOST_TEST(!etag.empty());
    BOOST_TEST(!page.header("last-modified").empty());
    auto const again = http_get(s.port(), "/", "If-None-Match: " + etag + "\r\n");
    BOOST_TEST(again.status == 304);
    BOOST_TEST(again.body.empty());
    auto const other = http_get(s.port(), "/", "If-None-Match: \"nope\"\r\n");
    BOOST_TEST(other.status == 200);
}

BOOST_AUTO_TEST_CASE(files_over_keep_alive_head_and_close)
{
    running_server s(test_config());
    int const fd = connect_loopback(s.port());
    send_all(fd, "GET /style.css HTTP/1.1\r\nHost: x\r\n\r\nHEAD / HTTP/1.1\r\nHost: x\r\n\r\n"
                 "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    auto const all = read_until_close(fd);
    auto const page = http_get(s.port(), "/");
    auto const css = http_get(s.port(), "/style.css");
    // Three answers in order: the stylesheet, the page's head only, then the page and a close.
    auto const first = all.find("HTTP/1.1 200 OK");
    auto const second = all.find("HTTP/1.1 200 OK", first + 1);
    auto const third = all.find("HTTP/1.1 200 OK", second + 1);
    BOOST_REQUIRE(third != std::string::npos);
    BOOST_TEST(all.find("text/css; charset=utf-8") < second);
    BOOST_TEST(all.substr(second, third - second).find("Content-Length: " + std::to_string(page.body.size())) != std::string::npos);
    BOOST_TEST(all.substr(second, third - second).find("\r\n\r\n") + 4 == third - second); // HEAD: no body
    BOOST_TEST(all.find("Connection: close", third) != std::string::npos);
    BOOST_TEST(all.ends_with(page.body));
    BOOST_TEST(all.find(css.body) < second);
}

BOOST_AUTO_TEST_CASE(refuses_paths_outside_the_root)
{
    running_server s(test_config());
    for (auto const* target : {"/../CMakeLists.txt", "/%2e%2e/CMakeLists.txt", "/%2E%2E%2fCMakeLists.txt",
                               "/..%2fCMakeLists.txt", "//etc/passwd", "/static/../../etc/passwd", "/%00", "/nope.html"}) {
        auto const r = http_get(s.port(), target);
        BOOST_TEST_INFO("target " << target);
        BOOST_TEST((r.status == 404 || r.status == 400));
        BOOST_TEST(r.body.find("root:") == std::string::npos);
        BOOST_TEST(!r.body.empty());
    }
}

BOOST_AUTO_TEST_CASE(health_unknown_and_wrong_method)
{
    running_server s(test_config());
    auto const h = http_get(s.port(), "/healthz");
    BOOST_TEST(h.status == 200);
    BOOST_TEST(h.body == R"({"status":"ok"})");
    auto const missing = http_get(s.port(), "/no/such/thing");
    BOOST_TEST(missing.status == 404);
    BOOST_TEST(missing.body.find("error") != std::string::npos);
    auto const del = http_exchange(s.port(), "DELETE / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    BOOST_TEST(del.status == 405);
    BOOST_TEST(del.header("allow") == "GET, HEAD");
    auto const post_events = http_exchange(s.port(), "POST /events HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    BOOST_TEST(post_events.status == 405);
    BOOST_TEST(post_events.header("allow") == "GET");
    auto const get_publish = http_get(s.port(), "/publish");
    BOOST_TEST(get_publish.status == 405);
    BOOST_TEST(get_publish.header("allow") == "POST");

    auto const metrics = http_get(s.port(), "/metrics");
    BOOST_TEST(metrics.status == 200);
    BOOST_TEST(metrics.header("content-type").starts_with("text/plain; version=0.0.4"));
    BOOST_TEST(metric(metrics.body, R"(ssehub_http_requests_total{route="healthz",status="200"})").value_or(0) == 1u);
    BOOST_TEST(metric(metrics.body, R"(ssehub_http_requests_total{route="static",status="404"})").value_or(0) == 1u);
    BOOST_TEST(metric(metrics.body, R"(ssehub_http_requests_total{route="publish",status="405"})").value_or(0) == 1u);
    BOOST_TEST(metrics.body.find("ssehub_build_info{version=") != std::string::npos);
}

namespace {

// What the server sends on one connection for `raw`, until it closes.
std::string exchange_all(std::uint16_t port, std::string const& raw)
{
    int const fd = connect_loopback(port);
    send_all(fd, raw);
    return read_until_close(fd);
}

// The bytes after the first response head of `all`: what a client reads as the next response.
std::string after_first_head(std::string const& all)
{
    auto const end = all.find("\r\n\r\n");
    BOOST_REQUIRE(end != std::string::npos);
    return all.substr(end + 4);
}

} // namespace

// Was a bug: HEAD /metrics and HEAD error answers sent their body, which a keep-alive client
// (curl: "Excess found", Node: "Expected HTTP/") read as the next response.
BOOST_AUTO_TEST_CASE(a_pipelined_head_answer_has_no_body_so_the_next_answer_follows_it)
{
    running_server s(test_config());
    std::string const next = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    for (auto const* target : {"/metrics", "/healthz", "/", "/style.css", "/nope.html", "/events", "/events?topic=a%20b",
                               "/publish"}) {
        BOOST_TEST_CONTEXT("HEAD " << target)
        {
            auto const all = exchange_all(s.port(), "HEAD " + std::string(target) + " HTTP/1.1\r\nHost: x\r\n\r\n" + next);
            BOOST_TEST(all.substr(0, all.find("\r\n\r\n")).find("Content-Length: ") != std::string::npos);
            auto const rest = after_first_head(all);
            BOOST_TEST(rest.starts_with("HTTP/1.1 200 OK\r\n"), rest.substr(0, 80));
            BOOST_TEST(rest.ends_with(R"({"status":"ok"})"));
        }
    }
    // HTTP/1.0 goes through the router, not the static fast path.
    auto const old = exchange_all(s.port(), "HEAD / HTTP/1.0\r\nHost: x\r\n\r\n");
    BOOST_TEST(old.starts_with("HTTP/1.0 200 OK"));
    BOOST_TEST(after_first_head(old).empty());
}

BOOST_AUTO_TEST_CASE(a_head_request_refused_while_reading_gets_no_body)
{
    running_server s(test_config());
    struct refused_case {
        std::string raw;
        std::string status_line;
    };
    std::vector<refused_case> const cases{
        {"HEAD / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", "HTTP/1.1 400 "},
        {"HEAD / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(9000, 'a') + "\r\n\r\n", "HTTP/1.1 431 "},
        {"HEAD /" + std::string(5000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 414 "},
    };
    for (auto const& c : cases) {
        BOOST_TEST_CONTEXT(c.status_line)
        {
            auto const all = exchange_all(s.port(), c.raw);
            BOOST_TEST(all.starts_with(c.status_line), all.substr(0, 80));
            BOOST_TEST(after_first_head(all).empty());
        }
    }
    // The same refusal for a GET keeps its JSON body.
    auto const get = exchange_all(s.port(), "GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n");
    BOOST_TEST(after_first_head(get).find("error") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_head_request_over_capacity_gets_a_503_without_body)
{
    auto cfg = test_config();
    cfg.max_connections = 1;
    running_server s(cfg);
    sse_client holder(s.port(), "/events");
    for (auto const* target : {"/healthz", "/events", "/"}) {
        BOOST_TEST_CONTEXT("HEAD " << target)
        {
            auto const all = exchange_all(s.port(), "HEAD " + std::string(target) + " HTTP/1.1\r\nHost: x\r\n\r\n");
            BOOST_TEST(all.starts_with("HTTP/1.1 503 "), all.substr(0, 80));
            BOOST_TEST(after_first_head(all).empty());
        }
    }
}

BOOST_AUTO_TEST_CASE(keep_alive_serves_several_requests_on_one_connection)
{
    running_server s(test_config());
    int const fd = connect_loopback(s.port());
    send_all(fd, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                 "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    auto const all = read_until_close(fd);
    std::size_t count = 0;
    for (auto p = all.find("HTTP/1.1 200"); p != std::string::npos; p = all.find("HTTP/1.1 200", p + 1))
        ++count;
    BOOST_TEST(count == 3u);
}

BOOST_AUTO_TEST_CASE(stream_headers_and_ticks_in_order)
{
    auto cfg = test_config();
    cfg.ticker_interval_ms = 50;
    running_server s(cfg);
    sse_client c(s.port(), "/events");
    BOOST_TEST(c.head().status == 200);
    BOOST_TEST(c.head().header("content-type") == "text/event-stream; charset=utf-8");
    BOOST_TEST(c.head().header("cache-control") == "no-cache");
    BOOST_TEST(c.head().header("x-accel-buffering") == "no");
    BOOST_TEST(c.head().header("content-length").empty());
    auto const ticks = c.events(3);
    BOOST_REQUIRE_EQUAL(ticks.size(), 3u);
    BOOST_TEST(c.comments() >= 1); // the opening comment
    BOOST_TEST(c.retry().value_or(0) == 3000u);
    std::uint64_t prev = 0;
    for (auto const& t : ticks) {
        BOOST_TEST(t.type == "tick");
        BOOST_TEST(t.data.find("\"n\":") != std::string::npos);
        BOOST_TEST(t.data.find("\"time\":\"") != std::string::npos);
        auto const id = std::stoull(t.last_event_id);
        BOOST_TEST(id > prev);
        prev = id;
    }
}

// The server's end of a stream writes without Nagle's delay: an event written while the
// previous one is unacknowledged leaves at once. Set on the listener and inherited by each
// accepted socket, so it is checked on the accepted one (this process holds the server's end).
BOOST_AUTO_TEST_CASE(a_stream_is_served_without_nagles_delay)
{
    running_server s(test_config());
    sse_client c(s.port(), "/events");
    BOOST_REQUIRE(c.head().status == 200);
    sockaddr_in6 mine{};
    socklen_t len = sizeof mine;
    BOOST_REQUIRE(::getsockname(c.fd(), reinterpret_cast<sockaddr*>(&mine), &len) == 0);
    auto const port_of = [](sockaddr_in6 const& a) { // sin_port and sin6_port share their offset
        return ntohs(a.sin6_port);
    };
    int found = 0;
    for (auto const& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
        int const fd = std::stoi(entry.path().filename().string());
        sockaddr_in6 local{}, peer{};
        socklen_t ll = sizeof local, pl = sizeof peer;
        if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &ll) != 0
            || ::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &pl) != 0)
            continue;
        if (port_of(local) != s.port() || port_of(peer) != port_of(mine))
            continue;
        int nodelay = 0;
        socklen_t nl = sizeof nodelay;
        BOOST_REQUIRE(::getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &nodelay, &nl) == 0);
        BOOST_TEST(nodelay == 1);
        ++found;
    }
    BOOST_TEST(found == 1); // the server's end of this stream, and only it
}

BOOST_AUTO_TEST_CASE(heartbeat_comments_on_an_idle_stream)
{
    auto cfg = test_config();
    cfg.heartbeat_ms = 100;
    running_server s(cfg);
    sse_client c(s.port(), "/events");
    auto const start = c.comments();
    BOOST_TEST(!c.next_event(700ms)); // nothing published
    BOOST_TEST(c.comments() - start >= 3);
}

BOOST_AUTO_TEST_CASE(sigterm_ends_open_streams_and_exits_zero)
{
    child_process p({"--bind", "127.0.0.1", "--port", "0", "--static-root", SSEHUB_SOURCE_DIR "/static",
                     "--ticker-interval-ms", "20", "--publish-token", "t"});
    auto const port = p.wait_for_port();
    std::vector<std::unique_ptr<sse_client>> clients;
    for (int i = 0; i < 1000; ++i)
        clients.push_back(std::make_unique<sse_client>(port, "/events"));
    BOOST_REQUIRE(clients.back()->next_event(3s));
    p.signal(SIGTERM);
    auto const status = p.wait_exit(6s);
    BOOST_REQUIRE(status.has_value());
    BOOST_TEST(*status == 0);
    // The last words of each stream are a retry: hint, jittered above the configured 3000 ms
    // so that the browsers do not all come back in the same instant.
    std::set<std::uint64_t> hints;
    for (auto& c : clients) {
        BOOST_TEST(c->wait_closed(1s));
        BOOST_TEST(c->retry().value_or(0) >= 3000u);
        hints.insert(c->retry().value_or(0));
    }
    BOOST_TEST(hints.size() > 100u);
    BOOST_TEST(p.output().find("stopped") != std::string::npos);
}

// Was a bug: an IPv6 listen address was logged as http://::1:PORT, not a URL.
BOOST_AUTO_TEST_CASE(the_startup_line_writes_an_ipv6_address_in_brackets)
{
    child_process p({"--bind", "::1", "--port", "0", "--static-root", SSEHUB_SOURCE_DIR "/static", "--ticker-interval-ms",
                     "0", "--stats-interval-ms", "0"});
    auto const port = p.wait_for_port();
    BOOST_TEST(p.output().find("listening on http://[::1]:" + std::to_string(port) + " ") != std::string::npos, p.output());
    p.signal(SIGTERM);
    BOOST_TEST(p.wait_exit(6s).value_or(-1) == 0, p.output());
}

// Was a bug: 0 was accepted and sent to clients as retry: 0 (reconnect at once, forever).
BOOST_AUTO_TEST_CASE(a_zero_retry_or_body_limit_exits_2_naming_the_key)
{
    for (auto const* key : {"retry-ms", "overload-retry-ms", "max-body-bytes"}) {
        child_process p({std::string("--") + key, "0"});
        BOOST_TEST(p.wait_exit(5s).value_or(-1) == 2, key);
        std::string name = key;
        std::replace(name.begin(), name.end(), '-', '_');
        BOOST_TEST(p.output().find(name) != std::string::npos, p.output());
    }
}

BOOST_AUTO_TEST_CASE(bad_config_exits_2_naming_the_key)
{
    child_process p({"--port", "70000"});
    BOOST_TEST(p.wait_exit(5s).value_or(-1) == 2);
    BOOST_TEST(p.output().find("port") != std::string::npos);
    child_process q({"--static-root", "/no/such/dir"});
    BOOST_TEST(q.wait_exit(5s).value_or(-1) == 2);
    BOOST_TEST(q.output().find("static_root") != std::string::npos);
    child_process r({"--no-such-flag", "1"});
    BOOST_TEST(r.wait_exit(5s).value_or(-1) == 2);
    BOOST_TEST(r.output().find("no-such-flag") != std::string::npos, r.output());
    auto const file = (std::filesystem::temp_directory_path() / ("ssehub-unknown-key-" + std::to_string(::getpid()) + ".json")).string();
    std::ofstream(file) << R"({"prot": 8080})";
    child_process k({"--config", file});
    BOOST_TEST(k.wait_exit(5s).value_or(-1) == 2);
    BOOST_TEST(k.output().find("prot") != std::string::npos, k.output());
    std::remove(file.c_str());
}

// Was a bug: every unknown SSEHUB_* variable stopped startup (exit 2), and Kubernetes injects
// such variables into every pod of a namespace with a Service named ssehub: a crash loop.
BOOST_AUTO_TEST_CASE(service_link_variables_get_a_warning_and_the_server_starts)
{
    child_process p({"--bind", "127.0.0.1", "--static-root", SSEHUB_SOURCE_DIR "/static", "--publish-token", "t"},
                    {"SSEHUB_SERVICE_HOST=10.0.0.1", "SSEHUB_SERVICE_PORT=8080", "SSEHUB_PORT_8080_TCP=tcp://10.0.0.1:8080",
                     "SSEHUB_PORT_8080_TCP_ADDR=10.0.0.1", "SSEHUB_PORT_8080_TCP_PORT=8080", "SSEHUB_PORT_8080_TCP_PROTO=tcp",
                     "SSEHUB_PORT=0"}); // set explicitly, as the error below advises
    auto const port = p.wait_for_port();
    BOOST_TEST(http_get(port, "/healthz").status == 200);
    auto const out = p.output();
    auto const at = out.find("ignoring environment variables");
    BOOST_TEST_REQUIRE(at != std::string::npos, out);
    auto const warning = out.substr(at, out.find('\n', at) - at); // one line names them all
    for (auto const* name : {"SSEHUB_SERVICE_HOST", "SSEHUB_SERVICE_PORT", "SSEHUB_PORT_8080_TCP,", "SSEHUB_PORT_8080_TCP_ADDR"})
        BOOST_TEST(warning.find(name) != std::string::npos, name << " in: " << out);
    p.signal(SIGTERM);
    BOOST_TEST(p.wait_exit(5s).value_or(-1) == 0, p.output());
}

BOOST_AUTO_TEST_CASE(a_service_link_in_ssehub_port_exits_2_naming_cause_and_remedy)
{
    child_process p({"--static-root", SSEHUB_SOURCE_DIR "/static"}, {"SSEHUB_PORT=tcp://10.0.0.1:8080"});
    BOOST_TEST(p.wait_exit(5s).value_or(-1) == 2);
    auto const out = p.output();
    BOOST_TEST(out.find("SSEHUB_PORT") != std::string::npos, out);
    BOOST_TEST(out.find("Service named ssehub") != std::string::npos, out);
    BOOST_TEST(out.find("enableServiceLinks: false") != std::string::npos, out);
}

BOOST_AUTO_TEST_SUITE_END()
