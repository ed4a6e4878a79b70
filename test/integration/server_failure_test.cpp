// The server stops by itself when it cannot go on, gracefully and with an error: an exception
// that escapes a handler on an io thread, or a listening socket that accept() reports broken.
#include "ssehub/server/server.hpp"
#include "support/test_client.hpp"

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <netinet/in.h>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <thread>
#include <unistd.h>

using namespace ssehub;
using namespace ssehub::test;

namespace {

// server::run() on a thread of its own, and what it threw. Stopped and joined on destruction.
class run_thread {
public:
    explicit run_thread(ssehub::server& s)
        : server_(s)
        , thread_([this] {
            try {
                server_.run(false);
            } catch (server_failure const& e) {
                failure_ = e.what();
            } catch (std::exception const& e) {
                failure_ = std::string("not a server_failure: ") + e.what();
            }
            done_ = true;
        })
    {
    }
    ~run_thread()
    {
        server_.stop();
        thread_.join();
    }
    // Bounded: true once run() has returned without being asked to.
    bool wait_done(std::chrono::milliseconds timeout)
    {
        auto const deadline = std::chrono::steady_clock::now() + timeout;
        while (!done_ && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(10ms);
        return done_;
    }
    std::string const& failure() const { return failure_; } // after wait_done()

private:
    ssehub::server& server_;
    std::string failure_;
    std::atomic<bool> done_{false};
    std::thread thread_;
};

// The port of a listening TCP socket, or 0.
std::uint16_t listening_port(int fd)
{
    int listening = 0;
    socklen_t len = sizeof listening;
    if (::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || !listening)
        return 0;
    sockaddr_storage addr{};
    socklen_t alen = sizeof addr;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &alen) != 0)
        return 0;
    if (addr.ss_family == AF_INET)
        return ntohs(reinterpret_cast<sockaddr_in const&>(addr).sin_port);
    if (addr.ss_family == AF_INET6)
        return ntohs(reinterpret_cast<sockaddr_in6 const&>(addr).sin6_port);
    return 0;
}

// Linux: shutdown(SHUT_RD) of a listening socket makes every accept() on it fail with EINVAL,
// which no wait cures: the listener is broken as by a kernel or descriptor mix-up.
void break_listener(int fd) { BOOST_REQUIRE(::shutdown(fd, SHUT_RD) == 0); }

config two_threads()
{
    auto cfg = test_config();
    cfg.io_threads = 2;
    cfg.log_level = "off";
    return cfg;
}

} // namespace

BOOST_AUTO_TEST_SUITE(server_failure_test)

// Was a bug: an exception escaping a handler ended its io thread for good while the process
// lived on: every connection placed on that thread hung and run() never returned.
BOOST_AUTO_TEST_CASE(an_exception_escaping_a_handler_stops_the_server_gracefully_with_a_failure)
{
    ssehub::server s(two_threads());
    auto const port = s.port();
    run_thread run(s);
    sse_client a(port, "/events"); // connections go round-robin: one stream per io thread
    sse_client b(port, "/events");
    BOOST_REQUIRE(http_publish(port, R"({"data":"before"})", "test-token").status == 202);
    BOOST_REQUIRE(a.next_event(5s).has_value());
    BOOST_REQUIRE(b.next_event(5s).has_value());

    s.post_to_io_thread(1, [] { throw std::runtime_error("boom from a test handler"); });
    BOOST_REQUIRE(run.wait_done(10s));
    BOOST_TEST(run.failure().find("io thread 1") != std::string::npos, run.failure());
    BOOST_TEST(run.failure().find("boom from a test handler") != std::string::npos, run.failure());
    // Both threads' streams got the graceful end, the throwing thread's too.
    for (auto* c : {&a, &b}) {
        BOOST_TEST(c->wait_closed(2s));
        BOOST_TEST(c->retry().value_or(0) >= 3000u);
    }
    BOOST_CHECK_THROW(connect_loopback(port), std::exception); // the listener is closed
}

// Was a bug: a broken listening socket was only logged, once a second, and the server went on
// without accepting anything.
BOOST_AUTO_TEST_CASE(a_fatal_accept_error_stops_the_server_with_a_failure_naming_it)
{
    ssehub::server s(two_threads());
    auto const port = s.port();
    run_thread run(s);
    sse_client stream(port, "/events");
    int fd = -1;
    for (int i = 3; i < 4096 && fd < 0; ++i)
        if (listening_port(i) == port)
            fd = i;
    BOOST_REQUIRE(fd >= 0);
    break_listener(fd);
    BOOST_REQUIRE(run.wait_done(10s));
    BOOST_TEST(run.failure().find("listener: accept failed") != std::string::npos, run.failure());
    BOOST_TEST(stream.wait_closed(2s)); // and the open stream still got its graceful end
    BOOST_TEST(stream.retry().value_or(0) >= 3000u);
}

// The same, seen from outside: a clear message and exit code 1, not 0 and not a hang.
BOOST_AUTO_TEST_CASE(the_binary_exits_1_with_a_clear_message_when_accept_fails_fatally)
{
    child_process p({"--bind", "127.0.0.1", "--port", "0", "--static-root", SSEHUB_SOURCE_DIR "/static",
                     "--io-threads", "2", "--ticker-interval-ms", "0", "--stats-interval-ms", "0",
                     "--publish-token", "t"});
    auto const port = p.wait_for_port();
    // The child's listening socket, borrowed through a pidfd (we are its parent).
    int const pidfd = static_cast<int>(::syscall(SYS_pidfd_open, p.pid(), 0));
    BOOST_REQUIRE(pidfd >= 0);
    int borrowed = -1;
    for (int i = 3; i < 256 && borrowed < 0; ++i) {
        int const fd = static_cast<int>(::syscall(SYS_pidfd_getfd, pidfd, i, 0));
        if (fd < 0)
            continue;
        if (listening_port(fd) == port)
            borrowed = fd;
        else
            ::close(fd);
    }
    ::close(pidfd);
    BOOST_REQUIRE(borrowed >= 0);
    break_listener(borrowed);
    ::close(borrowed);
    auto const status = p.wait_exit(10s);
    BOOST_REQUIRE(status.has_value());
    BOOST_TEST(*status == 1);
    auto const out = p.output();
    BOOST_TEST(out.find("listener: accept failed, the server cannot take connections") != std::string::npos, out);
    BOOST_TEST(out.find("stopping the server") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
