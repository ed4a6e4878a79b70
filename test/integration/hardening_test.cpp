// Hostile and careless clients over loopback: every request limit and timeout, slowloris,
// stalled streams, the connection limit, and a matrix of malformed requests. Each case gets a
// clear 4xx (or a harmless, documented outcome), publishes nothing by mistake, and leaves the
// server serving.
#include "support/publish.hpp"
#include "support/test_client.hpp"

#include "ssehub/hub/hub.hpp"
#include "ssehub/server/server.hpp"

#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

using namespace ssehub;
using namespace ssehub::test;

namespace {

using clock = std::chrono::steady_clock;

// Polls until `pred()` or the deadline; returns pred().
template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds timeout = 5s)
{
    auto const deadline = clock::now() + timeout;
    while (!pred() && clock::now() < deadline)
        std::this_thread::sleep_for(20ms);
    return pred();
}

std::string const token = "test-token"; // test_config()'s

std::string publish_request(std::string const& body, std::string const& framing = {})
{
    return "POST /publish HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
        + "\r\nContent-Type: application/json\r\nConnection: close\r\n"
        + (framing.empty() ? "Content-Length: " + std::to_string(body.size()) + "\r\n" : framing) + "\r\n" + body;
}

std::string chunked(std::vector<std::string> const& pieces)
{
    std::string out;
    for (auto const& p : pieces) {
        char size[32];
        std::snprintf(size, sizeof size, "%zx\r\n", p.size());
        out += size + p + "\r\n";
    }
    return out + "0\r\n\r\n";
}

// The ids a 202 answer names: what the request really published.
std::size_t ids_in(http_reply const& r)
{
    if (r.status != 202)
        return 0;
    return static_cast<std::size_t>(std::count(r.body.begin(), r.body.end(), '"') / 2 - 1);
}

// One row of the matrix: raw bytes on a fresh connection, the statuses that are acceptable.
struct bad_case {
    std::string name;
    std::string raw;
    std::set<int> allowed;
};

// Each case: exactly one answer, an allowed status, a JSON error for a 4xx, the connection
// closed, and the hub's next id moved by exactly the ids of an accepted publish (none else).
void run_matrix(running_server& s, std::vector<bad_case> const& cases)
{
    for (auto const& c : cases) {
        BOOST_TEST_CONTEXT("case '" << c.name << "'")
        {
            auto const before = s.get().events().next_id();
            auto const r = raw_exchange(s.port(), c.raw);
            BOOST_TEST_REQUIRE(r.replies.size() >= 1u, "no answer; got: " << r.unparsed.substr(0, 200));
            BOOST_TEST(r.replies.size() == 1u); // never a second, smuggled request
            auto const& reply = r.replies.front();
            BOOST_TEST(c.allowed.contains(reply.status), "status " << reply.status << " body " << reply.body);
            if (reply.status >= 400)
                BOOST_TEST(reply.body.starts_with("{\"error\":"));
            BOOST_TEST(r.closed);
            BOOST_TEST(s.get().events().next_id() - before == ids_in(reply));
        }
    }
}

// /healthz answers and a new stream gets a new event: the server survived what came before.
void require_still_serving(running_server& s)
{
    BOOST_TEST_REQUIRE(http_get(s.port(), "/healthz").status == 200);
    sse_client c(s.port(), "/events?topic=after");
    BOOST_TEST_REQUIRE(c.head().status == 200);
    BOOST_TEST_REQUIRE(http_publish(s.port(), R"({"topic":"after","data":"still serving"})", s.token()).status == 202);
    auto const e = c.next_event();
    BOOST_TEST_REQUIRE(e.has_value());
    BOOST_TEST(e->data == "still serving");
}

// A stream that really is one (an over-the-limit answer would close without events); retried
// while a closing connection may still hold its place.
std::unique_ptr<sse_client> open_real_stream(running_server& s, std::string const& topic)
{
    auto const deadline = clock::now() + 3s;
    while (clock::now() < deadline) {
        auto c = std::make_unique<sse_client>(s.port(), "/events?topic=" + topic);
        ssehub::test::publish(s.get().log(), event_draft{topic, "probe", "1"});
        auto const e = c->next_event(1s);
        if (e && e->type == "probe")
            return c;
        std::this_thread::sleep_for(50ms);
    }
    BOOST_FAIL("no stream could be opened on topic " << topic);
    return nullptr;
}

bool served(std::uint16_t port)
{
    return eventually([port] { return http_get(port, "/healthz").status == 200; }, 3s);
}

// ---- The matrix, by theme ---------------------------------------------------------------

std::string const tail = "Host: x\r\nConnection: close\r\n\r\n";

std::vector<bad_case> request_line_cases()
{
    return {
        {"method only", "GET\r\n\r\n", {400}},
        {"HTTP/0.9 request", "GET /healthz\r\n\r\n", {400}},
        {"junk after version", "GET /healthz HTTP/1.1 extra\r\n" + tail, {400}},
        {"two spaces", "GET  /healthz HTTP/1.1\r\n" + tail, {400}},
        {"leading space", " GET /healthz HTTP/1.1\r\n" + tail, {400}},
        {"empty lines only", "\r\n\r\n", {400}},
        {"TLS client hello", std::string("\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03", 11) + std::string(40, '\0'), {400}},
        {"binary garbage", std::string("\x00\x01\x02\x03\xff\r\n\r\n", 9), {400}},
        {"HTTP/2.0 in text", "GET /healthz HTTP/2.0\r\n" + tail, {400, 505}},
        {"HTTP/1.9", "GET /healthz HTTP/1.9\r\n" + tail, {400, 505}},
        {"version without dot", "GET /healthz HTTP/11\r\n" + tail, {400, 505}},
        {"lower-case protocol", "GET /healthz http/1.1\r\n" + tail, {400}},
        {"bare LF line ends", "GET /healthz HTTP/1.1\nHost: x\nConnection: close\n\n", {400}},
        {"20 KB method", std::string(20000, 'A') + " / HTTP/1.1\r\n" + tail, {400, 431, 501}},
        {"slash in method", "GE/T /healthz HTTP/1.1\r\n" + tail, {400}},
    };
}

std::vector<bad_case> method_cases()
{
    auto const body = std::string(R"({"data":"must not publish"})");
    return {
        {"FOO /", "FOO / HTTP/1.1\r\n" + tail, {405, 501}},
        {"BREW /healthz", "BREW /healthz HTTP/1.1\r\n" + tail, {405, 501}},
        {"BREW /events", "BREW /events HTTP/1.1\r\n" + tail, {405, 501}},
        {"BREW /publish with a valid body",
         "BREW /publish HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
             + "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " + std::to_string(body.size())
             + "\r\n\r\n" + body,
         {405, 501}},
        {"lower-case get", "get /healthz HTTP/1.1\r\n" + tail, {400, 405, 501}},
        {"OPTIONS *", "OPTIONS * HTTP/1.1\r\n" + tail, {400, 404, 405, 501}},
        {"CONNECT authority", "CONNECT 127.0.0.1:80 HTTP/1.1\r\n" + tail, {400, 405, 501}},
        {"TRACE", "TRACE /healthz HTTP/1.1\r\n" + tail, {405, 501}},
    };
}

// Message framing on a publish that would succeed if it were (mis)read as valid.
std::vector<bad_case> framing_cases()
{
    auto const body = std::string(R"({"data":1})"); // 10 bytes
    auto const as_chunks = chunked({body});
    return {
        {"duplicate identical Content-Length (RFC: one value or 400)", publish_request(body, "Content-Length: 10\r\nContent-Length: 10\r\n"), {202, 400}},
        {"conflicting Content-Length", publish_request(body, "Content-Length: 10\r\nContent-Length: 11\r\n"), {400}},
        {"Content-Length list of different values", publish_request(body, "Content-Length: 10, 11\r\n"), {400}},
        {"negative Content-Length", publish_request(body, "Content-Length: -10\r\n"), {400}},
        {"signed Content-Length", publish_request(body, "Content-Length: +10\r\n"), {400}},
        {"hex Content-Length", publish_request(body, "Content-Length: 0xa\r\n"), {400}},
        {"Content-Length with a space inside", publish_request(body, "Content-Length: 1 0\r\n"), {400}},
        {"30-digit Content-Length", publish_request(body, "Content-Length: " + std::string(30, '9') + "\r\n"), {400, 413}},
        {"Content-Length then Transfer-Encoding", publish_request(as_chunks, "Content-Length: 10\r\nTransfer-Encoding: chunked\r\n"), {400}},
        {"Transfer-Encoding then Content-Length", publish_request(as_chunks, "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n"), {400}},
        {"chunked twice", publish_request(as_chunks, "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n"), {400}},
        {"chunk size not hex", publish_request("zz\r\n" + body + "\r\n0\r\n\r\n", "Transfer-Encoding: chunked\r\n"), {400}},
        {"negative chunk size", publish_request("-a\r\n" + body + "\r\n0\r\n\r\n", "Transfer-Encoding: chunked\r\n"), {400}},
        {"chunk size overflowing 64 bits", publish_request(std::string(21, 'f') + "\r\n" + body + "\r\n0\r\n\r\n", "Transfer-Encoding: chunked\r\n"), {400, 413}},
        {"chunk longer than its size", publish_request("3\r\n" + body + "\r\n0\r\n\r\n", "Transfer-Encoding: chunked\r\n"), {400}},
    };
}

std::vector<bad_case> target_and_byte_cases()
{
    auto const nul = std::string(1, '\0');
    return {
        {"NUL in the path", "GET /heal" + nul + "thz HTTP/1.1\r\n" + tail, {400}},
        {"NUL in a header value", "GET /healthz HTTP/1.1\r\nX-A: a" + nul + "b\r\n" + tail, {400}},
        {"NUL in a header name", "GET /healthz HTTP/1.1\r\nX-" + nul + "A: b\r\n" + tail, {400}},
        {"control byte in a header value", "GET /healthz HTTP/1.1\r\nX-A: a\x01z\r\n" + tail, {400}},
        {"lone CR in a header value", "GET /healthz HTTP/1.1\r\nX-A: a\rb\r\n" + tail, {400}},
        {"space before the colon", "GET /healthz HTTP/1.1\r\nX-A : b\r\n" + tail, {400}},
        {"header line without a colon", "GET /healthz HTTP/1.1\r\nX-A b\r\n" + tail, {400}},
        {"NUL in the query", "GET /events?topic=a" + nul + "b HTTP/1.1\r\n" + tail, {400}},
        // Absolute-form: served as the path it names, or refused; never a file outside the root.
        {"absolute-form target", "GET http://127.0.0.1/healthz HTTP/1.1\r\n" + tail, {200, 400, 404}},
        {"absolute-form traversal", "GET http://127.0.0.1/../../etc/passwd HTTP/1.1\r\n" + tail, {400, 404}},
        {"target without a leading slash", "GET healthz HTTP/1.1\r\n" + tail, {400, 404}},
        {"relative file name", "GET index.html HTTP/1.1\r\n" + tail, {400, 404}},
        {"invalid topic in the query", "GET /events?topic=a%20b HTTP/1.1\r\n" + tail, {400}},
        {"bad percent-encoding in the query", "GET /events?topic=%zz HTTP/1.1\r\n" + tail, {400}},
        {"65 topics", "GET /events?topic=t0" + [] {
             std::string q;
             for (int i = 1; i < 65; ++i)
                 q += "&topic=t" + std::to_string(i);
             return q;
         }() + " HTTP/1.1\r\n" + tail, {400}},
        {"10 KB Last-Event-ID header (over the 8 KB default)", "GET /events HTTP/1.1\r\nLast-Event-ID: " + std::string(10000, '9') + "\r\n" + tail, {431}},
        {"10 KB lastEventId in the query (over the 4 KB default)", "GET /events?lastEventId=" + std::string(10000, '9') + " HTTP/1.1\r\n" + tail, {414}},
        // RFC 9112 wants 400 here; ssehub has no virtual hosts, so serving is harmless.
        {"no Host header", "GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n", {200, 400}},
        {"two Host headers", "GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n", {200, 400}},
        {"obsolete line folding", "GET /healthz HTTP/1.1\r\nX-A: a\r\n b\r\n" + tail, {200, 400}},
    };
}

std::string nested(int depth)
{
    return R"({"data":)" + std::string(static_cast<std::size_t>(depth - 1), '[') + std::string(static_cast<std::size_t>(depth - 1), ']') + "}";
}

// Publish bodies that must all be refused whole.
std::vector<bad_case> body_cases()
{
    std::string many = "[";
    for (int i = 0; i < 20000; ++i)
        many += i ? R"(,{"data":0})" : R"({"data":0})";
    many += "]";
    return {
        {"invalid UTF-8 in a string", publish_request("{\"data\":\"\xc3\x28\"}"), {400}},
        {"overlong UTF-8", publish_request("{\"data\":\"\xc0\xaf\"}"), {400}},
        {"UTF-8-encoded surrogate", publish_request("{\"data\":\"\xed\xa0\x80\"}"), {400}},
        {"truncated UTF-8 sequence", publish_request("{\"data\":\"\xe2\x82\"}"), {400}},
        {"invalid UTF-8 in a key", publish_request("{\"\xff\":1,\"data\":1}"), {400}},
        {"invalid UTF-8 in a topic", publish_request("{\"topic\":\"a\xff\",\"data\":1}"), {400}},
        {"escaped lone surrogate", publish_request(R"({"data":"\ud800"})"), {400}},
        {"JSON nested 64 deep", publish_request(nested(64)), {400}},
        {"20 000 tiny events in one body", publish_request(many), {400}},
    };
}

std::vector<bad_case> every_matrix_case()
{
    std::vector<bad_case> all;
    for (auto const& group : {request_line_cases(), method_cases(), framing_cases(), target_and_byte_cases(), body_cases()})
        all.insert(all.end(), group.begin(), group.end());
    return all;
}

// ---- Slowloris: many connections, one thread ----------------------------------------------

// `count` connections, each sending one more header byte about every second and never
// finishing its request. Driven by step() from one thread with poll(); notes what the server
// answers and when it closes them.
class trickler {
public:
    trickler(std::uint16_t port, int count)
    {
        auto const start = clock::now();
        for (int i = 0; i < count; ++i) {
            int const fd = connect_loopback(port);
            ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
            conns_.push_back({fd, start + std::chrono::milliseconds(i * 1000 / count), 0, {}});
            ::send(fd, "GET /healthz HTTP/1.1\r\n", 23, MSG_NOSIGNAL); // then never the blank line
            ++open_;
        }
    }
    ~trickler()
    {
        for (auto& c : conns_)
            if (c.fd >= 0)
                ::close(c.fd);
    }
    trickler(trickler const&) = delete;
    trickler& operator=(trickler const&) = delete;

    // One round: a byte for every connection that is due, then read what the server sent.
    void step()
    {
        static constexpr std::string_view header = "X-Slow: a\r\n";
        auto const now = clock::now();
        std::vector<pollfd> fds;
        std::vector<std::size_t> index;
        for (std::size_t i = 0; i < conns_.size(); ++i) {
            auto& c = conns_[i];
            if (c.fd < 0)
                continue;
            if (now >= c.next_send) {
                send_byte(c, header.substr(c.trickled % header.size(), 1));
                c.next_send += 1s;
            }
            fds.push_back({c.fd, POLLIN, 0});
            index.push_back(i);
        }
        if (fds.empty() || ::poll(fds.data(), fds.size(), 10) <= 0)
            return;
        for (std::size_t k = 0; k < fds.size(); ++k)
            if (fds[k].revents != 0)
                read_from(conns_[index[k]]);
    }

    // Both read from other threads while step() runs.
    int still_open() const { return open_.load(); }
    int answered_408() const { return answered_408_.load(); }

private:
    struct conn {
        int fd;
        clock::time_point next_send;
        std::size_t trickled; // header bytes sent after the request line
        std::string received;
    };

    void send_byte(conn& c, std::string_view bytes)
    {
        if (::send(c.fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) > 0)
            c.trickled += bytes.size();
    }

    void read_from(conn& c)
    {
        char buf[4096];
        auto const n = ::recv(c.fd, buf, sizeof buf, 0);
        if (n > 0) {
            c.received.append(buf, static_cast<std::size_t>(n));
            return;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (c.received.starts_with("HTTP/1.1 408"))
            ++answered_408_;
        ::close(c.fd);
        c.fd = -1;
        --open_;
    }

    std::vector<conn> conns_;
    std::atomic<int> open_{0};
    std::atomic<int> answered_408_{0};
};


} // namespace

BOOST_AUTO_TEST_SUITE(hardening_test)

// ---- Limits ------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(header_limit_is_configurable_and_answers_431_then_closes)
{
    auto cfg = test_config();
    cfg.max_header_bytes = 512;
    running_server small(cfg);
    running_server standard(test_config());
    auto const pad = [](std::size_t n) { return "X-Pad: " + std::string(n, 'p') + "\r\n"; };
    BOOST_TEST(http_get(small.port(), "/healthz", pad(300)).status == 200);
    auto const over = raw_exchange(small.port(), "GET /healthz HTTP/1.1\r\n" + pad(700) + tail);
    BOOST_TEST_REQUIRE(over.replies.size() == 1u);
    BOOST_TEST(over.replies[0].status == 431);
    BOOST_TEST(over.replies[0].body.starts_with("{\"error\":"));
    BOOST_TEST(over.closed);
    // Many small headers count together.
    std::string many;
    for (int i = 0; i < 60; ++i)
        many += "X-" + std::to_string(i) + ": vvvvvvvv\r\n";
    BOOST_TEST(http_get(small.port(), "/healthz", many).status == 431);
    // The same 700 bytes are fine under the default 8 KB: the limit is the configured one.
    BOOST_TEST(http_get(standard.port(), "/healthz", pad(700)).status == 200);
    BOOST_TEST(http_get(standard.port(), "/healthz", many).status == 200);
}

BOOST_AUTO_TEST_CASE(body_limit_answers_413_for_a_declared_length_and_for_a_chunked_body)
{
    auto cfg = test_config();
    cfg.max_body_bytes = 1000;
    running_server s(cfg);
    auto const before = s.get().events().next_id();
    // Declared over the limit: answered at once, without waiting for (or reading) the body.
    auto const declared = raw_exchange(s.port(), publish_request("", "Content-Length: 5000\r\n"), 3s);
    BOOST_TEST_REQUIRE(declared.replies.size() == 1u);
    BOOST_TEST(declared.replies[0].status == 413);
    BOOST_TEST(declared.closed);
    // The same with Expect: 100-continue: no "100 Continue" first, the client need not send.
    auto const expect = raw_exchange(s.port(), publish_request("", "Expect: 100-continue\r\nContent-Length: 5000\r\n"), 3s);
    BOOST_TEST_REQUIRE(expect.replies.size() == 1u);
    BOOST_TEST(expect.replies[0].status == 413);
    // Chunked: no length announced; the chunks add up past the limit.
    auto const pad = std::string(400, 'x');
    auto const big = chunked({R"({"data":")", pad, pad, pad, "\"}"});
    auto const over = raw_exchange(s.port(), publish_request(big, "Transfer-Encoding: chunked\r\n"), 3s);
    BOOST_TEST_REQUIRE(over.replies.size() == 1u);
    BOOST_TEST(over.replies[0].status == 413);
    BOOST_TEST(over.closed);
    BOOST_TEST(s.get().events().next_id() == before);
    // Under the limit, chunked is fine.
    auto const ok = raw_exchange(s.port(), publish_request(chunked({R"({"data":")", pad, "\"}"}), "Transfer-Encoding: chunked\r\n"));
    BOOST_TEST_REQUIRE(ok.replies.size() == 1u);
    BOOST_TEST(ok.replies[0].status == 202);
    BOOST_TEST(s.get().events().next_id() == before + 1);
}

BOOST_AUTO_TEST_CASE(url_limit_is_configurable_and_has_its_own_budget)
{
    auto cfg = test_config();
    cfg.max_url_bytes = 100;
    running_server s(cfg);
    BOOST_TEST(http_get(s.port(), "/healthz?" + std::string(80, 'a')).status == 200);
    auto const over = raw_exchange(s.port(), "GET /healthz?" + std::string(150, 'a') + " HTTP/1.1\r\n" + tail);
    BOOST_TEST_REQUIRE(over.replies.size() == 1u);
    BOOST_TEST(over.replies[0].status == 414);
    BOOST_TEST(over.closed);
    BOOST_TEST(http_get(s.port(), "/events?topic=" + std::string(120, 't')).status == 414);
    // A long target is not charged to the header budget: 3 KB of URL under a 512-byte header limit.
    auto tight = test_config();
    tight.max_header_bytes = 512;
    running_server t(tight);
    BOOST_TEST(http_get(t.port(), "/healthz?" + std::string(3000, 'a')).status == 200);
}

// Was a bug: a target longer than max_header_bytes + max_url_bytes gets 431 instead of 414:
// "GET /healthz?<20000 x 'a'> HTTP/1.1" with the defaults is answered 431 "request headers
// too large" (the parser's header limit, max_header + max_url, trips before the target check).
BOOST_AUTO_TEST_CASE(a_target_far_over_the_url_limit_still_gets_414)
{
    running_server s(test_config());
    auto const r = raw_exchange(s.port(), "GET /healthz?" + std::string(20000, 'a') + " HTTP/1.1\r\n" + tail);
    BOOST_TEST_REQUIRE(r.replies.size() == 1u);
    BOOST_TEST(r.replies[0].status == 414);
}

// ---- Timeouts ----------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(an_idle_keep_alive_connection_is_closed_quietly_after_idle_timeout)
{
    auto cfg = test_config();
    cfg.idle_timeout_ms = 300;
    running_server s(cfg);
    connection c(s.port());
    BOOST_TEST_REQUIRE(c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto const first = c.read_reply();
    BOOST_TEST_REQUIRE(first.has_value());
    BOOST_TEST(first->status == 200);
    BOOST_TEST(c.wait_closed(5s)); // 300 ms, with slack for a loaded machine
    BOOST_TEST(c.received().empty()); // closed without an answer: there was no request

    // With the default 30 s, the same connection stays open and serves another request.
    running_server standard(test_config());
    connection d(standard.port());
    BOOST_TEST_REQUIRE(d.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
    BOOST_TEST_REQUIRE(d.read_reply().has_value());
    BOOST_TEST(!d.wait_closed(1s));
    BOOST_TEST_REQUIRE(d.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto const second = d.read_reply();
    BOOST_TEST_REQUIRE(second.has_value());
    BOOST_TEST(second->status == 200);
}

BOOST_AUTO_TEST_CASE(request_timeout_bounds_a_request_that_never_completes)
{
    auto cfg = test_config();
    cfg.request_timeout_ms = 300;
    running_server s(cfg);
    auto const before = s.get().events().next_id();
    // Cut: a 408 or, as the README allows here, a close (see the known bug about the 408 below).
    auto const expect_cut = [&](std::string const& what, std::string const& partial) {
        BOOST_TEST_CONTEXT(what)
        {
            auto const r = raw_exchange(s.port(), partial, 5s);
            BOOST_TEST(r.closed);
            BOOST_TEST(r.replies.size() <= 1u);
            BOOST_TEST(r.unparsed.empty());
            if (!r.replies.empty())
                BOOST_TEST(r.replies[0].status == 408);
        }
    };
    expect_cut("headers never end", "GET /healthz HTTP/1.1\r\nHost: x\r\n");
    expect_cut("body never ends", publish_request("", "Content-Length: 100\r\n") + R"({"data":)");
    expect_cut("chunked body never ends", publish_request("", "Transfer-Encoding: chunked\r\n") + "5\r\n{\"dat\r\n");
    // A connection that says nothing is closed without an answer.
    auto const silent = raw_exchange(s.port(), "", 5s);
    BOOST_TEST(silent.closed);
    BOOST_TEST(silent.replies.empty());
    BOOST_TEST(silent.unparsed.empty());
    // Progress does not extend the deadline: a byte every 50 ms is still cut.
    connection c(s.port());
    std::string const header = "GET /healthz HTTP/1.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    std::size_t sent = 0;
    auto const deadline = clock::now() + 5s;
    while (sent < header.size() && clock::now() < deadline && c.send(header.substr(sent, 1))) {
        ++sent;
        if (c.wait_closed(50ms))
            break;
    }
    BOOST_TEST(c.wait_closed(100ms));
    BOOST_TEST(sent < header.size()); // ~6 bytes in 300 ms; never the 100+ of the whole header
    BOOST_TEST(s.get().events().next_id() == before);
}

BOOST_AUTO_TEST_CASE(a_thousand_trickling_connections_do_not_starve_normal_clients)
{
    auto cfg = test_config();
    cfg.request_timeout_ms = 4000;
    running_server s(cfg);
    constexpr int count = 1000;
    trickler slow(s.port(), count);
    std::atomic<bool> stop{false};
    std::thread driver([&] {
        while (!stop && slow.still_open() > 0)
            slow.step();
    });
    struct joiner {
        std::atomic<bool>& stop;
        std::thread& t;
        ~joiner()
        {
            stop = true;
            t.join();
        }
    } join{stop, driver};

    // All of them are held open by the server while it serves everyone else.
    BOOST_TEST(eventually([&] { return metric(s.port(), "ssehub_open_connections").value_or(0) > static_cast<std::uint64_t>(count); }, 3s));
    sse_client stream(s.port(), "/events?topic=live");
    BOOST_TEST_REQUIRE(stream.head().status == 200);
    int rounds = 0;
    for (auto const end = clock::now() + 2500ms; clock::now() < end; ++rounds) {
        BOOST_TEST_REQUIRE(http_get(s.port(), "/healthz").status == 200);
        auto const n = std::to_string(rounds);
        BOOST_TEST_REQUIRE(http_publish(s.port(), R"({"topic":"live","data":)" + n + "}", s.token()).status == 202);
        auto const e = stream.next_event(3s);
        BOOST_TEST_REQUIRE(e.has_value());
        BOOST_TEST(e->data == n);
        std::this_thread::sleep_for(100ms);
    }
    BOOST_TEST(rounds >= 5);
    // Still trickling, they are all cut by request_timeout_ms: slowness cannot hold a place.
    BOOST_TEST(eventually([&] { return slow.still_open() == 0; }, 15s), slow.still_open() << " still open");
    BOOST_TEST_MESSAGE("trickling connections answered 408 before the close: " << slow.answered_408() << " of " << count);
}

BOOST_AUTO_TEST_CASE(a_stalled_stream_is_cut_after_write_timeout_while_another_keeps_receiving)
{
    auto cfg = test_config();
    cfg.client_queue_bytes = std::int64_t{256} << 20; // the queue bound never trips: only the timeout can
    cfg.client_queue_frames = 1'000'000;
    cfg.write_timeout_ms = 1000;
    running_server s(cfg);
    sse_client stalled(s.port(), "/events");
    int small = 4096;
    ::setsockopt(stalled.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    sse_client reader(s.port(), "/events");
    constexpr int total = 3000; // ~12 MB: more than the kernel's socket buffers (4 MB) hold
    std::thread publisher([&] {
        std::string const pad(4000, 'x');
        for (int b = 0; b < total / 100; ++b) {
            std::string body = "[";
            for (int i = b * 100; i < (b + 1) * 100; ++i)
                body += (i % 100 ? "," : "") + std::string(R"({"topic":"t","data":")") + std::to_string(i) + ":" + pad + "\"}";
            BOOST_CHECK_EQUAL(http_publish(s.port(), body + "]", s.token()).status, 202);
        }
    });
    auto const got = reader.events(total, 60s);
    publisher.join();
    BOOST_TEST_REQUIRE(got.size() == static_cast<std::size_t>(total));
    for (int i = 0; i < total; ++i)
        BOOST_TEST_REQUIRE(got[static_cast<std::size_t>(i)].data.starts_with(std::to_string(i) + ":"));
    BOOST_TEST(eventually([&] { return metric(s.port(), "ssehub_stalled_disconnects_total").value_or(0) == 1u; }, 10s));
    BOOST_TEST(metric(s.port(), "ssehub_slow_disconnects_total").value_or(99) == 0u);
    // Only the reader is left. (Draining the stalled socket to see its end would take minutes:
    // the kernel trickles the rest of its buffer through a window of a few bytes.)
    BOOST_TEST(metric(s.port(), "ssehub_subscribers").value_or(0) == 1u);
    require_still_serving(s);
}

BOOST_AUTO_TEST_CASE(the_connection_limit_counts_streams_and_keep_alive_connections_and_frees_them)
{
    auto cfg = test_config();
    cfg.max_connections = 3;
    running_server s(cfg);
    auto keep_alive = [&] {
        auto c = std::make_unique<connection>(s.port());
        BOOST_TEST_REQUIRE(c->send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
        auto const r = c->read_reply();
        BOOST_TEST_REQUIRE(r.has_value());
        BOOST_TEST_REQUIRE(r->status == 200);
        return c;
    };
    auto ka1 = keep_alive();
    auto ka2 = keep_alive();
    auto stream = open_real_stream(s, "limit");
    // Two idle keep-alive connections and one stream: full.
    auto const full = http_get(s.port(), "/healthz");
    BOOST_TEST(full.status == 503);
    BOOST_TEST(!full.header("retry-after").empty());
    // An idle keep-alive connection still gets its next request answered.
    BOOST_TEST_REQUIRE(ka1->send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto const again = ka1->read_reply();
    BOOST_TEST_REQUIRE(again.has_value());
    BOOST_TEST(again->status == 200);

    stream.reset(); // a closed stream gives its place back
    BOOST_TEST(served(s.port()));
    ka1.reset();
    ka2.reset(); // and so do closed keep-alive connections: three streams fit again
    std::vector<std::unique_ptr<sse_client>> streams;
    for (int i = 0; i < 3; ++i)
        streams.push_back(open_real_stream(s, "limit" + std::to_string(i)));
    BOOST_TEST(http_get(s.port(), "/healthz").status == 503);
    streams.clear();
    BOOST_TEST(served(s.port()));
}

// ---- The bad-input matrix ------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(malformed_request_lines_get_400)
{
    running_server s(test_config());
    run_matrix(s, request_line_cases());
    require_still_serving(s);
}

BOOST_AUTO_TEST_CASE(unknown_methods_get_405_and_publish_nothing)
{
    running_server s(test_config());
    run_matrix(s, method_cases());
    auto const foo = raw_exchange(s.port(), "FOO / HTTP/1.1\r\n" + tail);
    BOOST_TEST_REQUIRE(foo.replies.size() == 1u);
    BOOST_TEST(foo.replies[0].header("allow") == "GET, HEAD");
    require_still_serving(s);
}

BOOST_AUTO_TEST_CASE(ambiguous_message_framing_is_refused)
{
    running_server s(test_config());
    run_matrix(s, framing_cases());
    require_still_serving(s);
}

BOOST_AUTO_TEST_CASE(nul_bytes_odd_targets_and_oversized_ids_get_a_clear_answer)
{
    running_server s(test_config());
    run_matrix(s, target_and_byte_cases());
    auto const traversal = raw_exchange(s.port(), "GET http://127.0.0.1/../../etc/passwd HTTP/1.1\r\n" + tail);
    BOOST_TEST(traversal.unparsed.find("root:") == std::string::npos);
    BOOST_TEST_REQUIRE(traversal.replies.size() == 1u);
    BOOST_TEST(traversal.replies[0].body.find("root:") == std::string::npos);
    require_still_serving(s);
}

BOOST_AUTO_TEST_CASE(bad_publish_bodies_are_refused_whole)
{
    running_server s(test_config());
    sse_client watcher(s.port(), "/events");
    auto const many = body_cases().back().raw;
    BOOST_TEST_REQUIRE(many.size() < 1u << 20); // under the body limit: the count is what is refused
    run_matrix(s, body_cases());
    auto const deep = http_publish(s.port(), nested(64), s.token());
    BOOST_TEST(deep.body.find("deep") != std::string::npos);
    auto const count = raw_exchange(s.port(), many);
    BOOST_TEST_REQUIRE(count.replies.size() == 1u);
    BOOST_TEST(count.replies[0].body.find("too many events") != std::string::npos);
    BOOST_TEST(!watcher.next_event(200ms)); // nothing reached a subscriber
    // Moderate nesting is fine.
    BOOST_TEST(http_publish(s.port(), nested(8), s.token()).status == 202);
    BOOST_TEST(watcher.next_event().has_value());
    require_still_serving(s);
}

BOOST_AUTO_TEST_CASE(valid_but_unusual_requests_are_served)
{
    running_server s(test_config());
    sse_client watcher(s.port(), "/events?topic=t");
    // A chunked publish, with a chunk extension and a trailer.
    auto const chunks = std::string("5\r\n{\"top\r\n8;ext=1\r\nic\":\"t\",\r\nA\r\n\"data\":42}\r\n0\r\nX-Trailer: y\r\n\r\n");
    auto const c = raw_exchange(s.port(), publish_request(chunks, "Transfer-Encoding: chunked\r\n"));
    BOOST_TEST_REQUIRE(c.replies.size() == 1u);
    BOOST_TEST(c.replies[0].status == 202);
    auto const e = watcher.next_event();
    BOOST_TEST_REQUIRE(e.has_value());
    BOOST_TEST(e->data == "42");

    // HTTP/1.0: answered in 1.0 and closed, no Host needed.
    auto const old = raw_exchange(s.port(), "GET /healthz HTTP/1.0\r\n\r\n");
    BOOST_TEST_REQUIRE(old.replies.size() == 1u);
    BOOST_TEST(old.replies[0].status == 200);
    BOOST_TEST(old.closed);
    auto const old_publish = raw_exchange(s.port(), "POST /publish HTTP/1.0\r\nAuthorization: Bearer " + token
                                                        + "\r\nContent-Type: application/json\r\nContent-Length: 23\r\n\r\n{\"topic\":\"t\",\"data\":43}");
    BOOST_TEST_REQUIRE(old_publish.replies.size() == 1u);
    BOOST_TEST(old_publish.replies[0].status == 202);
    BOOST_TEST(old_publish.closed);
    BOOST_TEST(watcher.next_event().value_or(parsed_event{}).data == "43");
    {
        connection stream10(s.port());
        BOOST_TEST_REQUIRE(stream10.send("GET /events?topic=t HTTP/1.0\r\n\r\n"));
        BOOST_TEST(stream10.read_until(clock::now() + 3s, [](std::string const& b) { return b.find("retry:") != std::string::npos; }));
        BOOST_TEST(stream10.received().find(" 200 ") != std::string::npos);
    }

    // Three requests in one write, answered in order; the last closes.
    auto const first = std::string(R"({"topic":"t","data":44})");
    auto const pipelined = "POST /publish HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
        + "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(first.size()) + "\r\n\r\n" + first
        + "GET /nope HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\n" + tail;
    auto const p = raw_exchange(s.port(), pipelined);
    BOOST_TEST_REQUIRE(p.replies.size() == 3u);
    BOOST_TEST(p.replies[0].status == 202);
    BOOST_TEST(p.replies[1].status == 404);
    BOOST_TEST(p.replies[2].status == 200);
    BOOST_TEST(p.replies[2].body == R"({"status":"ok"})");
    BOOST_TEST(p.closed);
    BOOST_TEST(watcher.next_event().value_or(parsed_event{}).data == "44");

    // Expect: 100-continue: the interim answer first, then the body, then 202.
    connection x(s.port());
    BOOST_TEST_REQUIRE(x.send(publish_request("", "Expect: 100-continue\r\nContent-Length: 23\r\n")));
    BOOST_TEST(x.read_until(clock::now() + 3s, [](std::string const& b) { return b.find("\r\n\r\n") != std::string::npos; }));
    BOOST_TEST(x.received().starts_with("HTTP/1.1 100 Continue\r\n\r\n"));
    BOOST_TEST_REQUIRE(x.send(R"({"topic":"t","data":45})"));
    x.wait_closed(3s);
    auto const final_replies = parse_replies(x.received());
    BOOST_TEST_REQUIRE(final_replies.size() == 2u);
    BOOST_TEST(final_replies[1].status == 202);
    BOOST_TEST(watcher.next_event().value_or(parsed_event{}).data == "45");
    BOOST_TEST(!watcher.next_event(100ms)); // exactly the four published
    require_still_serving(s);
}

// Answers are written in place while the kernel takes them, and asynchronously once it does not:
// 3 000 pipelined /metrics answers (~7 MB) outgrow both sockets' buffers while the client is not
// reading, so later answers go out through the asynchronous rest of the write. Every answer must
// still arrive whole and in order.
BOOST_AUTO_TEST_CASE(answers_larger_than_the_socket_buffers_arrive_whole_once_the_client_reads)
{
    running_server s(test_config());
    constexpr int requests = 3000;
    std::string pipelined;
    for (int i = 1; i < requests; ++i)
        pipelined += "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
    pipelined += "GET /metrics HTTP/1.1\r\n" + tail;
    connection c(s.port());
    BOOST_TEST_REQUIRE(c.send(pipelined));
    std::this_thread::sleep_for(500ms); // the server fills the buffers and waits for room
    BOOST_TEST(c.wait_closed(20s));
    std::string rest;
    auto const replies = parse_replies(c.received(), &rest);
    BOOST_TEST_REQUIRE(replies.size() == static_cast<std::size_t>(requests));
    for (auto const& r : replies) {
        BOOST_TEST_REQUIRE(r.status == 200);
        BOOST_TEST_REQUIRE(r.body.find("ssehub_publish_waits_total") != std::string::npos);
    }
    BOOST_TEST(rest.empty());
}

BOOST_AUTO_TEST_CASE(odd_last_event_ids_and_unknown_topics_are_harmless)
{
    running_server s(test_config());
    BOOST_TEST_REQUIRE(http_publish(s.port(), R"({"topic":"t","data":0})", s.token()).status == 202);
    auto const before = s.get().events().next_id();
    // Each opens a stream whose first event says history was lost, and publishes nothing.
    for (auto const& [target, header] : std::vector<std::pair<std::string, std::string>>{
             {"/events?lastEventId=-5", ""},
             {"/events?last_event_id=abc", ""},
             {"/events", "Last-Event-ID: 123456789012345678901234567890\r\n"},
             {"/events", "Last-Event-ID: 18446744073709551616\r\n"}, // 2^64
             {"/events", "Last-Event-ID: 18446744073709551615\r\n"},
             {"/events", "Last-Event-ID: -1\r\n"},
             {"/events", "Last-Event-ID: +5\r\n"},
             {"/events", "Last-Event-ID: 1e5\r\n"},
             {"/events", "Last-Event-ID: 0x10\r\n"},
             {"/events", "Last-Event-ID: 0\r\n"},
         }) {
        BOOST_TEST_CONTEXT(target << " " << header)
        {
            sse_client c(s.port(), target, header);
            BOOST_TEST_REQUIRE(c.head().status == 200);
            auto const e = c.next_event(3s);
            BOOST_TEST_REQUIRE(e.has_value());
            BOOST_TEST(e->type == std::string(history_lost_event));
            BOOST_TEST(e->last_event_id == std::to_string(before - 1));
        }
    }
    // An empty header is no header: the live stream, no control event.
    sse_client empty(s.port(), "/events?topic=t", "Last-Event-ID:\r\n");
    BOOST_TEST(!empty.next_event(200ms));
    // Was a bug: an empty query value got a history-lost. It is no id either.
    sse_client empty_query(s.port(), "/events?topic=t&lastEventId=");
    BOOST_TEST(!empty_query.next_event(200ms));
    // An unknown topic: the stream opens and stays quiet while other topics get events.
    sse_client unknown(s.port(), "/events?topic=no-such-topic");
    BOOST_TEST_REQUIRE(unknown.head().status == 200);
    BOOST_TEST(s.get().events().next_id() == before);
    BOOST_TEST_REQUIRE(http_publish(s.port(), R"({"topic":"t","data":1})", s.token()).status == 202);
    BOOST_TEST(empty.next_event().value_or(parsed_event{}).data == "1");
    BOOST_TEST(empty_query.next_event().value_or(parsed_event{}).data == "1");
    BOOST_TEST(!unknown.next_event(300ms));
    BOOST_TEST(!unknown.wait_closed(10ms));
    require_still_serving(s);
}

BOOST_AUTO_TEST_CASE(after_the_whole_matrix_on_one_server_it_still_serves)
{
    running_server s(test_config());
    auto const before = s.get().events().next_id();
    run_matrix(s, every_matrix_case());
    BOOST_TEST(s.get().events().next_id() - before <= 1u); // at most the identical-Content-Length publish
    require_still_serving(s);
}

// ---- Bugs this suite found, fixed since; each stays as a regression test ------------------

// Was a bug: a request with a Transfer-Encoding that does not end in "chunked" (gzip, "chunked,
// gzip", identity) is read as having no body, and its body is then parsed as the next request
// on the connection: request smuggling. RFC 9112 6.3: answer 400 (or 501) and close.
// Observed: "POST /healthz ... Transfer-Encoding: gzip\r\n\r\n" followed by a whole
// "POST /publish" request gets 405 and then 202: the smuggled event is published.
BOOST_AUTO_TEST_CASE(transfer_codings_other_than_chunked_are_refused)
{
    running_server s(test_config());
    auto const smuggled = publish_request(R"({"data":"smuggled"})");
    run_matrix(s, {
        {"gzip", "POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n" + smuggled, {400, 501}},
        {"chunked, gzip", "POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n" + smuggled, {400, 501}},
        {"identity with a length", "POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity\r\nContent-Length: 0\r\n\r\n" + smuggled, {400, 501}},
    });
}

// Was a bug: chunk extensions and trailer fields are not limited: "a;" followed by 300 MB of 'x'
// (a chunk-size line that never ends), or a trailer "X-T: " with 300 MB, is buffered whole;
// the server's RSS grew from 12 MB to 320 MB in 0.7 s on one connection, with no answer until
// request_timeout_ms. Expected: a 4xx (400/413/431) once the line passes a small bound.
BOOST_AUTO_TEST_CASE(chunk_extensions_and_trailers_are_bounded)
{
    auto cfg = test_config();
    cfg.max_body_bytes = 1000;
    running_server s(cfg);
    auto const head = publish_request("", "Transfer-Encoding: chunked\r\n");
    for (auto const& [what, start] : std::vector<std::pair<std::string, std::string>>{
             {"chunk extension", head + "a;"}, {"trailer", head + "a\r\n{\"data\":1}\r\n0\r\nX-T: "}}) {
        BOOST_TEST_CONTEXT(what)
        {
            connection c(s.port());
            c.send(start);
            std::string const block(64 * 1024, 'x');
            for (int i = 0; i < 16 && c.send(block); ++i) { } // 1 MB: 1000 times the limits at play
            BOOST_TEST(c.read_until(clock::now() + 3s, [](std::string const& b) { return !parse_replies(b).empty(); }));
            auto const r = parse_replies(c.received());
            BOOST_TEST_REQUIRE(r.size() == 1u);
            BOOST_TEST((r[0].status == 400 || r[0].status == 413 || r[0].status == 431));
        }
    }
}

// Was a bug: "Expect: 100-continue" in an HTTP/1.0 request is answered with
// "HTTP/1.1 100 Continue" before the final answer; RFC 9110 10.1.1 says a server MUST ignore
// that expectation in an HTTP/1.0 request (1.0 clients do not know interim responses).
BOOST_AUTO_TEST_CASE(http10_expect_continue_is_ignored)
{
    running_server s(test_config());
    auto const r = raw_exchange(s.port(), "POST /publish HTTP/1.0\r\nAuthorization: Bearer " + token
                                              + "\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n{\"data\":1}");
    BOOST_TEST_REQUIRE(r.replies.size() >= 1u);
    BOOST_TEST(r.replies[0].status == 202);
    BOOST_TEST(r.replies.size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
