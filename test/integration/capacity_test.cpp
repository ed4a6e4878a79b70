// Capacity: streams are bounded by max_streams, and with every stream place taken the server
// still answers its operators; the open-file limit is raised so the process holds what it may.
#include "support/test_client.hpp"

#include "ssehub/server/server.hpp"

#include <boost/test/unit_test.hpp>

#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <vector>

using namespace ssehub;
using namespace ssehub::test;

namespace {

using clock = std::chrono::steady_clock;

// Raw streams opened all at once, then their heads read under one deadline: a stream the
// server never answers costs no more than the shared wait.
struct raw_streams {
    std::vector<int> fds;
    ~raw_streams()
    {
        for (int fd : fds)
            ::close(fd);
    }
    void open(std::uint16_t port, std::size_t n)
    {
        for (std::size_t i = 0; i < n; ++i) {
            fds.push_back(connect_loopback(port));
            send_all(fds.back(), "GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n");
        }
    }
    // How many streams have sent their opening bytes within `timeout`.
    std::size_t opened(std::chrono::milliseconds timeout)
    {
        std::vector<std::string> got(fds.size());
        std::vector<bool> done(fds.size(), false);
        std::size_t count = 0;
        auto const deadline = clock::now() + timeout;
        while (count < fds.size() && clock::now() < deadline) {
            std::vector<pollfd> waiting;
            std::vector<std::size_t> index;
            for (std::size_t i = 0; i < fds.size(); ++i)
                if (!done[i]) {
                    waiting.push_back({fds[i], POLLIN, 0});
                    index.push_back(i);
                }
            if (::poll(waiting.data(), waiting.size(), 100) <= 0)
                continue;
            for (std::size_t k = 0; k < waiting.size(); ++k) {
                if (!(waiting[k].revents & (POLLIN | POLLHUP | POLLERR)))
                    continue;
                auto const i = index[k];
                char chunk[4096];
                auto const n = ::recv(fds[i], chunk, sizeof chunk, 0);
                if (n <= 0) {
                    done[i] = true; // closed: not a stream
                    continue;
                }
                got[i].append(chunk, static_cast<std::size_t>(n));
                if (got[i].find(": ssehub stream open") != std::string::npos) {
                    done[i] = true;
                    ++count;
                }
            }
        }
        return count;
    }
};

void raise_own_file_limit()
{
    rlimit rl{};
    ::getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &rl);
}

} // namespace

BOOST_AUTO_TEST_SUITE(capacity_test)

// Was a bug: with max_connections reached by event streams, /healthz, /metrics and /publish all
// got 503: the container's health check failed and publishers could no longer publish.
BOOST_AUTO_TEST_CASE(with_every_stream_place_taken_health_metrics_and_publish_still_work)
{
    auto cfg = test_config();
    cfg.max_streams = 5;
    cfg.overload_retry_ms = 20000;
    cfg.cors_origins = "https://app.example";
    running_server s(cfg);
    BOOST_TEST(s.get().effective_config().max_connections > 5 + 16); // room left above the streams
    std::vector<std::unique_ptr<sse_client>> streams;
    for (int i = 0; i < 5; ++i) {
        streams.push_back(std::make_unique<sse_client>(s.port(), "/events?topic=t"));
        BOOST_TEST_REQUIRE(streams.back()->head().status == 200);
    }

    BOOST_TEST(http_get(s.port(), "/healthz").status == 200);
    BOOST_TEST(http_get(s.port(), "/").status == 200);
    BOOST_TEST(metric(s.port(), "ssehub_open_streams").value_or(0) == 5u);
    BOOST_TEST(metric(s.port(), "ssehub_max_streams").value_or(0) == 5u);
    BOOST_TEST(metric(s.port(), "ssehub_max_connections").value_or(0)
               == static_cast<std::uint64_t>(s.get().effective_config().max_connections));
    auto const pub = http_publish(s.port(), R"({"topic":"t","data":"to all"})", s.token());
    BOOST_TEST(pub.status == 202);
    for (auto& c : streams) {
        auto const e = c->next_event();
        BOOST_REQUIRE(e);
        BOOST_TEST(e->data == "to all");
    }

    // One more stream: the documented over-capacity answer (200, long jittered retry:, close),
    // with its CORS headers so a cross-origin EventSource keeps retrying.
    sse_client over(s.port(), "/events?topic=t", "Origin: https://app.example\r\n");
    BOOST_TEST(over.head().status == 200);
    BOOST_TEST(over.head().header("access-control-allow-origin") == "https://app.example");
    BOOST_TEST(over.wait_closed(2s));
    BOOST_TEST(over.retry().value_or(0) >= 20000u);
    BOOST_TEST(over.retry().value_or(0) <= 40000u);
    BOOST_TEST(metric(s.port(), "ssehub_open_streams").value_or(0) == 5u);

    streams.front().reset(); // a closed stream gives its place back
    bool reopened = false;
    for (int i = 0; i < 50 && !reopened; ++i) {
        sse_client again(s.port(), "/events?topic=t");
        reopened = !again.wait_closed(100ms);
    }
    BOOST_TEST(reopened);
}

// Was a bug: ssehub kept the soft open-file limit it started with (usually 1024, under a far
// higher hard limit): it held about 1 010 streams and left the rest hanging in the accept queue.
BOOST_AUTO_TEST_CASE(started_under_a_soft_file_limit_of_1024_it_holds_more_than_1024_streams)
{
    rlimit rl{};
    BOOST_REQUIRE(::getrlimit(RLIMIT_NOFILE, &rl) == 0);
    if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < 2400) {
        BOOST_TEST_MESSAGE("hard open-file limit " << rl.rlim_max << ": too low to test above 1024");
        return;
    }
    raise_own_file_limit(); // the 1 100 client sockets live in this process
    child_process p({"--bind", "127.0.0.1", "--port", "0", "--static-root", SSEHUB_SOURCE_DIR "/static",
                     "--ticker-interval-ms", "0", "--stats-interval-ms", "0", "--publish-token", "t"},
                    {}, "ulimit -S -n 1024");
    auto const port = p.wait_for_port();
    BOOST_TEST(p.output().find("started at 1024") != std::string::npos, p.output().substr(0, 2000));
    raw_streams streams;
    streams.open(port, 1100);
    BOOST_TEST(streams.opened(10s) == 1100u);
    BOOST_TEST(metric(port, "ssehub_subscribers").value_or(0) == 1100u);
    BOOST_TEST(metric(port, "ssehub_max_streams").value_or(0) > 1100u);
}

BOOST_AUTO_TEST_SUITE_END()
