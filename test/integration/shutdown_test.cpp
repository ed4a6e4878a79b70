// Graceful shutdown and signals, against the ssehub binary: what was acknowledged is delivered
// before the last words, what comes after is refused, SIGHUP reloads without dropping a stream.
#include "support/test_client.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

using namespace ssehub;
using namespace ssehub::test;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> server_args(std::string const& static_root = SSEHUB_SOURCE_DIR "/static")
{
    // Bounds far above what the test publishes, so no stream is cut as slow or lagging: every
    // loss would then be the shutdown's.
    return {"--bind", "127.0.0.1", "--port", "0", "--static-root", static_root, "--io-threads", "2",
            "--ticker-interval-ms", "0", "--stats-interval-ms", "0", "--publish-token", "t",
            "--max-body-bytes", "4194304", "--ring-events", "200000", "--client-queue-frames", "200000",
            "--client-queue-bytes", "67108864", "--shutdown-timeout-ms", "10000"};
}

// Bounded: true once the child has printed `text`.
bool wait_for_output(child_process& p, std::string const& text, std::chrono::milliseconds timeout = 5s)
{
    auto const deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (p.output().find(text) != std::string::npos)
            return true;
        std::this_thread::sleep_for(10ms);
    }
    return false;
}

std::string batch_body(std::size_t events, std::size_t batch)
{
    std::string body = "[";
    for (std::size_t i = 0; i < events; ++i)
        body += (i ? "," : "") + std::string(R"({"data":")") + std::to_string(batch) + "-" + std::to_string(i) + "\"}";
    return body + "]";
}

std::vector<std::uint64_t> ids_of(http_reply const& r)
{
    std::vector<std::uint64_t> ids;
    auto const doc = boost::json::parse(r.body);
    for (auto const& id : doc.as_object().at("ids").as_array())
        ids.push_back(std::stoull(std::string(id.as_string())));
    return ids;
}

// One stream read to its end on a thread of its own (it must keep up with the publisher).
struct stream_reader {
    sse_client client;
    std::vector<std::uint64_t> ids;
    bool closed = false;
    std::optional<std::uint64_t> retry;
    std::thread thread;

    explicit stream_reader(std::uint16_t port)
        : client(port, "/events")
        , thread([this] {
            while (auto e = client.next_event(15s))
                ids.push_back(std::stoull(e->last_event_id));
            closed = client.wait_closed(1s);
            retry = client.retry();
        })
    {
    }
    ~stream_reader() { join(); }
    void join()
    {
        if (thread.joinable())
            thread.join();
    }
};

// What the publisher saw; read by the test only after its thread has ended.
struct publisher_log {
    std::vector<std::uint64_t> acknowledged;
    std::vector<http_reply> refused; // any answer but 202
    std::atomic<int> batches_acknowledged{0};
};

} // namespace

BOOST_AUTO_TEST_SUITE(shutdown_test)

// Was a bug: SIGTERM exited 0 after 39 ms and 2 of 5 subscribers never got the last batch that
// had been answered 202: the shards ended every stream at once, skipping what was still waiting.
BOOST_AUTO_TEST_CASE(sigterm_with_a_batch_in_flight_delivers_every_acknowledged_event_before_the_retry_hint)
{
    child_process p(server_args());
    auto const port = p.wait_for_port();
    std::vector<std::unique_ptr<stream_reader>> streams;
    for (int i = 0; i < 5; ++i)
        streams.push_back(std::make_unique<stream_reader>(port));

    publisher_log log;
    std::thread publisher([&] {
        for (std::size_t batch = 0; batch < 100; ++batch) {
            http_reply r;
            try {
                r = http_publish(port, batch_body(10000, batch), "t");
            } catch (std::exception const&) {
                return; // refused or reset once the listener is closed: not acknowledged
            }
            if (r.status != 202) {
                log.refused.push_back(r);
                continue; // the next one is refused too, or finds the listener closed
            }
            for (auto id : ids_of(r))
                log.acknowledged.push_back(id);
            ++log.batches_acknowledged;
        }
    });
    auto const deadline = std::chrono::steady_clock::now() + 30s;
    while (log.batches_acknowledged < 3 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(1ms);
    BOOST_REQUIRE(log.batches_acknowledged >= 3);
    p.signal(SIGTERM); // right after a 202, with the next batch on its way
    auto const status = p.wait_exit(20s);
    publisher.join();
    for (auto& s : streams)
        s->join();
    BOOST_REQUIRE(status.has_value());
    BOOST_TEST(*status == 0);
    BOOST_TEST(p.output().find("shutdown deadline passed") == std::string::npos);

    BOOST_TEST_MESSAGE("acknowledged " << log.acknowledged.size() << " events, " << log.refused.size() << " refused batches");
    BOOST_TEST(log.acknowledged.size() >= 30000u);
    for (auto const& r : log.refused) {
        BOOST_TEST(r.status == 503);
        BOOST_TEST(!r.header("retry-after").empty());
        BOOST_TEST(r.body.find("\"error\"") != std::string::npos);
    }
    for (std::size_t i = 0; i < streams.size(); ++i) {
        BOOST_TEST_CONTEXT("stream " << i)
        {
            auto const& s = *streams[i];
            std::set<std::uint64_t> const got(s.ids.begin(), s.ids.end());
            BOOST_TEST(got.size() == s.ids.size()); // no duplicate
            std::size_t missing = 0;
            for (auto id : log.acknowledged)
                missing += got.count(id) == 0 ? 1 : 0;
            BOOST_TEST(missing == 0u);
            BOOST_TEST(s.closed);
            BOOST_TEST(s.retry.value_or(0) >= 3000u); // and then the stream's last words
        }
    }
}

// Was a bug: shutdown closed every HTTP connection, so a publish whose body was still arriving
// lost its connection with no answer, and its publisher could not tell whether it was published.
BOOST_AUTO_TEST_CASE(a_publish_still_being_read_when_shutdown_begins_gets_503_and_publishes_nothing)
{
    child_process p(server_args());
    auto const port = p.wait_for_port();
    sse_client stream(port, "/events");
    std::string const body = R"({"data":"late"})";
    int const fd = connect_loopback(port);
    send_all(fd, "POST /publish HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer t\r\n"
                 "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n"
                 + body.substr(0, 4));
    std::this_thread::sleep_for(300ms); // the server reads the head and waits for the rest
    int const idle = connect_loopback(port); // sends nothing: closed at once by the shutdown
    std::this_thread::sleep_for(100ms);
    p.signal(SIGTERM);
    BOOST_REQUIRE(wait_for_output(p, "shutting down"));
    send_all(fd, body.substr(4));
    auto const answer = read_until_close(fd);
    BOOST_TEST(answer.starts_with("HTTP/1.1 503"), answer.substr(0, 200));
    BOOST_TEST(answer.find("Retry-After: ") != std::string::npos);
    BOOST_TEST(answer.find(R"({"error":)") != std::string::npos);
    BOOST_TEST(read_until_close(idle).empty());
    BOOST_TEST(p.wait_exit(10s).value_or(-1) == 0);
    BOOST_TEST(!stream.next_event(1s)); // nothing was published
    BOOST_TEST(stream.wait_closed(1s));
    BOOST_TEST(stream.retry().value_or(0) >= 3000u);
}

// Was a bug: SIGHUP ended the process through its default action, with no log line, no
// retry: hint and every stream dropped. It now reloads the static files and touches nothing else.
BOOST_AUTO_TEST_CASE(sighup_reloads_the_static_files_and_keeps_every_stream_open)
{
    std::string tmpl = (fs::temp_directory_path() / "ssehub-hup-XXXXXX").string();
    BOOST_REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    fs::path const root = tmpl;
    struct remover { fs::path p; ~remover() { std::error_code ec; fs::remove_all(p, ec); } } cleanup{root};
    auto const page = root / "page.txt";
    std::ofstream(page, std::ios::binary) << "old!";

    child_process p(server_args(root.string()));
    auto const port = p.wait_for_port();
    BOOST_TEST(http_get(port, "/page.txt").body == "old!");
    sse_client stream(port, "/events");
    // An edit the per-request check cannot see: same size, same inode, the time put back.
    auto const mtime = fs::last_write_time(page);
    std::ofstream(page, std::ios::binary | std::ios::trunc) << "new!";
    fs::last_write_time(page, mtime);
    BOOST_TEST(http_get(port, "/page.txt").body == "old!");

    p.signal(SIGHUP);
    BOOST_REQUIRE(wait_for_output(p, "SIGHUP received"));
    BOOST_TEST(!p.wait_exit(200ms).has_value()); // still running
    BOOST_TEST(http_get(port, "/page.txt").body == "new!");
    BOOST_TEST(http_publish(port, R"({"data":"after the hangup"})", "t").status == 202);
    auto const e = stream.next_event(5s);
    BOOST_REQUIRE(e.has_value());
    BOOST_TEST(e->data == "after the hangup");

    p.signal(SIGTERM); // and the usual graceful end still follows
    BOOST_TEST(p.wait_exit(10s).value_or(-1) == 0);
    BOOST_TEST(stream.wait_closed(1s));
    BOOST_TEST(stream.retry().value_or(0) >= 3000u);
}

BOOST_AUTO_TEST_SUITE_END()
