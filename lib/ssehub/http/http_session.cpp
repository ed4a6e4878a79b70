#include "ssehub/http/http_session.hpp"

#include "ssehub/http/answer_batch.hpp"
#include "ssehub/http/request_counters.hpp"
#include "ssehub/http/route_table.hpp"
#include "ssehub/http/router.hpp"
#include "ssehub/http/task_group.hpp"
#include "ssehub/http/url.hpp"
#include "ssehub/http/use_tuple.hpp"
#include "ssehub/delivery/hub_shard.hpp"
#include "ssehub/delivery/write_now.hpp"
#include "ssehub/hub/event_log.hpp"
#include "ssehub/hub/hub_counters.hpp"
#include "ssehub/hub/publish_throttle.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <random>
#include <tuple>

namespace ssehub {
namespace beast = boost::beast;

namespace {

using clock = std::chrono::steady_clock;

// One log line and one metrics count per answered request, labelled by its route.
struct request_log {
    request_counters& counters;
    std::string client;
    clock::time_point start = clock::now();
    std::string_view path;                 // of the request being answered (into its target)
    route_id route = route_id::invalid;    // invalid until a request was parsed

    void begin()
    {
        start = clock::now();
        path = {};
        route = route_id::invalid;
    }
    void parsed(request const& req)
    {
        path = split_target(req.target()).path;
        route = route_of(path);
    }

    void line(std::string_view method, unsigned status, std::size_t bytes) const
    {
        counters.count(route, status);
        auto const us = std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - start).count();
        // The path only: a query string may carry a credential.
        spdlog::info("request method={} path={} status={} bytes={} duration_ms={:.3f} client={}", method,
                     path.substr(0, 256), status, bytes, static_cast<double>(us) / 1000.0, client);
    }
};

// Maps a failed read to the answer the client deserves; nullopt when there is no one to answer
// (the peer left, or a timeout: Beast closes the socket when its deadline passes).
// `target_too_long`: the request line's target alone already exceeds the URL limit.
std::optional<response> answer_for_read_error_unwrapped(beast::error_code ec, bool target_too_long)
{
    if (ec == http::error::header_limit && target_too_long)
        return error_response(11, false, http::status::uri_too_long, "request target too long");
    if (ec == http::error::header_limit)
        return error_response(11, false, http::status::request_header_fields_too_large, "request headers too large");
    if (ec == http::error::body_limit)
        return error_response(11, false, http::status::payload_too_large, "request body too large");
    if (ec == http::error::buffer_overflow)
        return error_response(11, false, http::status::bad_request, "request line, header or chunk line too long");
    if (ec == http::error::bad_transfer_encoding)
        return error_response(11, false, http::status::bad_request, "unsupported Transfer-Encoding: only chunked");
    if (ec.category() == beast::error_code(http::error::bad_target).category() && ec != http::error::end_of_stream
        && ec != http::error::partial_message)
        return error_response(11, false, http::status::bad_request, "malformed request: " + ec.message());
    return std::nullopt;
}

// `method`: the request's, when its request line was read (a HEAD answer has no body).
std::optional<response> answer_for_read_error(beast::error_code ec, bool target_too_long, http::verb method)
{
    auto res = answer_for_read_error_unwrapped(ec, target_too_long);
    if (res)
        drop_body_for_head(method, *res);
    return res;
}

// True when the target in a request line still in the buffer ("METHOD target VERSION",
// perhaps incomplete) is longer than `limit`: the request is a long URL, not long headers.
bool request_target_exceeds(beast::flat_buffer const& buffer, std::size_t limit)
{
    auto const data = beast::buffers_to_string(buffer.data());
    auto const line = std::string_view(data).substr(0, data.find("\r\n"));
    auto const sp1 = line.find(' ');
    if (sp1 == std::string_view::npos)
        return false;
    auto const sp2 = line.find(' ', sp1 + 1);
    auto const target = line.substr(sp1 + 1, sp2 == std::string_view::npos ? std::string_view::npos : sp2 - sp1 - 1);
    return target.size() > limit;
}

// The method of a request line still in the buffer (unknown when there is none).
http::verb request_method_in(beast::flat_buffer const& buffer)
{
    auto const data = beast::buffers_to_string(buffer.data());
    return http::string_to_verb(std::string_view(data).substr(0, data.find(' ')));
}

// Lingering close: after refusing a request the client may still be sending its body. Reading
// and discarding a bounded amount lets our answer reach it instead of a connection reset.
net::awaitable<void> linger(session_stream& stream)
{
    beast::error_code ec;
    stream.socket().shutdown(tcp_socket::shutdown_send, ec);
    stream.expires_after(std::chrono::seconds(2));
    std::vector<char> sink(16 * 1024);
    for (std::size_t total = 0; total < (16u << 20);) {
        auto [rec, n] = co_await stream.async_read_some(net::buffer(sink), use_tuple);
        if (rec)
            break;
        total += n;
    }
}

std::string overload_preamble(http_options const& opt, std::string_view cors_lines)
{
    // Any non-200 answer ends an EventSource for good; 200 with a long, jittered retry: and a
    // close keeps the browser retrying later, spread out. A cross-origin page needs its CORS
    // headers here too: a failed CORS check would end its EventSource just the same.
    static thread_local std::minstd_rand rng(std::random_device{}());
    auto const base = static_cast<std::uint64_t>(opt.overload_retry.count());
    std::uniform_int_distribution<std::uint64_t> jitter(base, 2 * base);
    return stream_preamble("server at capacity, retry later", jitter(rng), cors_lines);
}

// The session's socket is non-blocking: a synchronous step that would wait says so instead.
bool would_block(beast::error_code ec)
{
    return ec == net::error::would_block || ec == net::error::try_again;
}

// Waits for the first bytes of a request into `buffer`. Only meanwhile is the connection idle
// and closed by a shutdown (the gate's window); a request that has begun is read and answered.
// `try_now`: the bytes may be there already (a new connection), so read before waiting.
net::awaitable<beast::error_code> wait_for_request(session_stream& stream, beast::flat_buffer& buffer,
                                                   shutdown_gate& gate, bool try_now)
{
    beast::error_code ec;
    if (try_now) {
        auto const n = stream.socket().read_some(buffer.prepare(4096), ec);
        if (!would_block(ec)) {
            if (!ec)
                buffer.commit(n);
            co_return ec;
        }
    }
    if (gate.stopping())
        co_return net::error::operation_aborted;
    shutdown_gate::window const idle(gate);
    auto [aec, n] = co_await stream.async_read_some(buffer.prepare(4096), use_tuple);
    if (!aec)
        buffer.commit(n);
    co_return aec;
}

// Reads one request, head then body, under the configured limits. What is already in the buffer
// or the socket is parsed in place; only a wait for more goes through the io_context. The error
// says what went wrong: header_limit also stands for a target over max_url_bytes (the caller
// tells them apart).
// `batch`: answers to earlier pipelined requests, sent before any wait for more of this one.
net::awaitable<beast::error_code> read_request(session_stream& stream, beast::flat_buffer& buffer,
                                               http::request_parser<http::string_body>& parser, http_options const& opt,
                                               answer_batch& batch)
{
    // The target has its own limit (414), so the header limit leaves room for it.
    parser.header_limit(static_cast<std::uint32_t>(opt.max_header_bytes + opt.max_url_bytes));
    parser.body_limit(static_cast<std::uint64_t>(opt.max_body_bytes));
    beast::error_code ec;
    auto header_bytes = http::read_header(stream.socket(), buffer, parser, ec);
    if (would_block(ec)) {
        if (auto const fec = co_await batch.flush(stream))
            co_return fec;
        auto [aec, n] = co_await http::async_read_header(stream, buffer, parser, use_tuple);
        ec = aec;
        header_bytes += n;
    }
    if (ec)
        co_return ec;
    auto const& req = parser.get();
    auto const target_size = req.target().size();
    if (target_size > opt.max_url_bytes || header_bytes - target_size > opt.max_header_bytes)
        co_return http::error::header_limit;
    if (req.count(http::field::transfer_encoding) > 0 && !parser.chunked())
        // Beast reads a body whose last coding is not chunked as empty; what follows would
        // then be taken for the next request (request smuggling). Refuse it.
        co_return http::error::bad_transfer_encoding;
    if (parser.is_done())
        co_return beast::error_code{};
    // RFC 9110 10.1.1: an HTTP/1.0 client's Expect is ignored.
    if (req.version() >= 11 && beast::iequals(req[http::field::expect], "100-continue")) {
        if (auto const fec = co_await batch.flush(stream)) // the earlier answers come before a 100
            co_return fec;
        static constexpr std::string_view cont = "HTTP/1.1 100 Continue\r\n\r\n";
        auto [wec, wn] = co_await net::async_write(stream, net::buffer(cont), use_tuple);
        if (wec)
            co_return wec;
    }
    http::read(stream.socket(), buffer, parser, ec);
    if (would_block(ec)) {
        if (auto const fec = co_await batch.flush(stream))
            co_return fec;
        std::tie(ec, std::ignore) = co_await http::async_read(stream, buffer, parser, use_tuple);
    }
    co_return ec;
}

// Over max_connections (or a stream over max_streams): one answer that makes the client come
// back later, then a close.
net::awaitable<void> answer_over_capacity(session_stream& stream, request const& req, session_env const& env,
                                          request_log const& log)
{
    auto const& opt = env.options;
    if (req.method() == http::verb::get && log.route == route_id::events) {
        auto const bytes = overload_preamble(opt, env.routes.cors().header_lines(req));
        co_await net::async_write(stream, net::buffer(bytes), use_tuple);
        log.line(req.method_string(), 200, bytes.size());
    } else {
        auto res = error_response(req.version(), false, http::status::service_unavailable, "server at capacity, retry later");
        res.set(http::field::retry_after, std::to_string(std::max<std::int64_t>(1, std::chrono::duration_cast<std::chrono::seconds>(opt.overload_retry).count())));
        drop_body_for_head(req.method(), res);
        co_await http::async_write(stream, res, use_tuple);
        log.line(req.method_string(), 503, res.body().size());
    }
    beast::error_code ec;
    stream.socket().shutdown(tcp_socket::shutdown_send, ec);
}

// One publish's state, shared by the session, the event log's completion and the throttle's
// release: the log's outcome, and the timer the session sleeps on until something arrives. The
// timer is made only when the session has to sleep: with the memory log and no backlog, a
// publish costs this one allocation and no timer (constructing one takes Asio's service lock).
class publish_wait final : public append_handler, public std::enable_shared_from_this<publish_wait> {
public:
    explicit publish_wait(net::any_io_executor ex)
        : executor(std::move(ex))
    {
    }

    void appended(publish_result r) override
    {
        result = std::move(r); // before the exchange below, which publishes it to the session
        // Only a session already asleep is woken (posted to its thread, where the timer lives):
        // a completion before it slept (the memory log: inside append()) costs no post.
        if (stage_.exchange(stage::arrived) == stage::waiting)
            wake();
    }

    // The session's thread, after append(): true when it has to sleep until appended() runs.
    bool must_sleep() { return stage_.exchange(stage::waiting) != stage::arrived; }

    // The session's thread: the timer to sleep on, made now. A wake() posted meanwhile runs on
    // this same thread, so only after the session is asleep on it.
    net::steady_timer& sleep_until(clock::time_point t)
    {
        if (!timer)
            timer.emplace(executor);
        timer->expires_at(t);
        return *timer;
    }

    // Any thread: ends the session's sleep.
    void wake()
    {
        net::post(executor, [self = shared_from_this()] {
            if (self->timer)
                self->timer->cancel();
        });
    }

    net::any_io_executor executor; // the session's thread
    std::optional<publish_result> result;

private:
    enum class stage { none, waiting, arrived };
    std::atomic<stage> stage_{stage::none};
    std::optional<net::steady_timer> timer;
};

// Appends a publish_route's events through the event log and answers. An accepted publish is
// held while the newest of its own events runs more than publish_backlog ahead of some io
// thread's fan-out, for publish_wait_ms at most (this paces, it never refuses: the events are
// published already).
// Earlier pipelined answers (`batch`) go out before it sleeps (an error there ends the session
// at its next write).
net::awaitable<response> publish(publish_route route, request const& req, session_env const& env,
                                 session_stream& stream, answer_batch& batch)
{
    auto const wait = std::make_shared<publish_wait>(stream.get_executor());
    if (route.idempotency_key.empty())
        env.log.append(std::move(route.drafts), wait);
    else
        env.log.append_once(std::move(route.drafts), std::move(route.idempotency_key), wait);
    if (wait->must_sleep()) {
        co_await batch.flush(stream);
        co_await wait->sleep_until(clock::time_point::max()).async_wait(use_tuple); // woken by appended()
    }
    auto answer = env.routes.answer_publish(req, *wait->result);
    auto* accepted = std::get_if<accepted_publish>(&answer);
    if (!accepted)
        co_return std::get<response>(std::move(answer));
    auto const threshold = env.throttle.threshold_for(accepted->last_id + 1);
    if (threshold != 0 && env.options.publish_wait.count() != 0) {
        auto& timer = wait->sleep_until(clock::now() + env.options.publish_wait);
        // The release runs on a shard's thread; its wake() posts to this session's thread, which
        // is running us now, so it cannot run before the wait starts.
        if (env.throttle.wait_needed(threshold, [wait] { wait->wake(); })) {
            hub_counters::add(env.publish_counters.publish_waits);
            co_await batch.flush(stream);
            co_await timer.async_wait(use_tuple);
        }
    }
    co_return std::move(accepted->res);
}

// The page and its files: the prebuilt head and the file's bytes in one gathered write, in
// place as far as it fits.
net::awaitable<beast::error_code> write_static(session_stream& stream, static_reply const& reply, request const& req,
                                               request_log const& log)
{
    static constexpr std::string_view close_line = "Connection: close\r\n\r\n";
    std::array<net::const_buffer, 3> buffers{
        net::buffer(reply.head()), net::buffer(reply.keep_alive ? close_line.substr(19) : close_line),
        reply.send_body ? net::buffer(reply.file->content) : net::const_buffer{}};
    beast::error_code ec;
    auto n = write_now(stream.socket(), buffers, ec);
    if (!ec && n < net::buffer_size(buffers)) {
        std::vector<net::const_buffer> rest;
        unwritten_part(buffers, n, rest);
        auto [aec, an] = co_await net::async_write(stream, rest, use_tuple);
        ec = aec;
        n += an;
    }
    log.line(req.method_string(), reply.not_modified ? 304 : 200, n);
    co_return ec;
}

} // namespace

net::awaitable<void> run_http_session(tcp_socket socket, session_env env, std::optional<connection_slot> slot)
{
    auto const& opt = env.options;
    request_log log{env.requests, {}, clock::now(), {}, route_id::invalid};
    if (spdlog::should_log(spdlog::level::info)) { // formatting the address costs; skip it when unused
        beast::error_code ec;
        auto const ep = socket.remote_endpoint(ec);
        log.client = ec ? "?" : ep.address().to_string() + ":" + std::to_string(ep.port());
    }
    session_stream stream(std::move(socket));
    {
        // For the synchronous steps of read_request and answer_batch::flush (asynchronous operations
        // do not depend on this mode).
        beast::error_code ec;
        stream.socket().non_blocking(true, ec);
    }
    shutdown_gate gate;
    co_await gate.install();

    // Bounded: Beast keeps a chunk-size line, its extensions and the trailer in this buffer, so
    // without a limit one endless chunk line would grow it without end.
    beast::flat_buffer buffer(opt.max_header_bytes + opt.max_url_bytes + 65536);
    auto const request_timeout = opt.request_timeout;
    auto const idle_timeout = opt.idle_timeout;
    bool first = true;
    answer_batch batch; // answers held while pipelined requests are in hand

    while (!gate.stopping()) {
        // The whole first request within the request timeout; a keep-alive one's first byte
        // within the idle timeout, and the rest within the request timeout.
        if (first)
            stream.expires_after(request_timeout);
        else if (buffer.size() == 0)
            stream.expires_after(idle_timeout);
        if (buffer.size() == 0) {
            auto const wec = co_await wait_for_request(stream, buffer, gate, first);
            if (wec)
                co_return;
        }
        if (!first)
            stream.expires_after(request_timeout);
        first = false;
        log.begin();

        http::request_parser<http::string_body> parser;
        auto ec = co_await read_request(stream, buffer, parser, opt, batch);
        if (ec) {
            if (co_await batch.flush(stream)) // the answers before the bad request come first
                co_return;
            // Once Beast has parsed the request line it has consumed it: ask the message then.
            auto const url_limit = opt.max_url_bytes;
            auto const target = parser.get().target();
            bool const target_too_long = target.empty() ? request_target_exceeds(buffer, url_limit) : target.size() > url_limit;
            auto const method = target.empty() ? request_method_in(buffer) : parser.get().method();
            if (auto res = answer_for_read_error(ec, target_too_long, method)) {
                co_await http::async_write(stream, *res, use_tuple);
                log.line("-", res->result_int(), res->body().size());
                shutdown_gate::window const answered(gate); // shutdown need not wait for the linger
                co_await linger(stream);
            }
            co_return;
        }

        auto req = parser.release();
        log.parsed(req);
        if (!slot) {
            co_await answer_over_capacity(stream, req, env, log); // (no batch: this was the first request)
            co_return;
        }

        if (auto fast = env.routes.route_static(req)) {
            if (co_await batch.flush(stream) || co_await write_static(stream, *fast, req, log))
                co_return;
            if (!fast->keep_alive) {
                stream.socket().shutdown(tcp_socket::shutdown_send, ec);
                co_return;
            }
            continue;
        }
        auto routed = env.routes.route(req);
        if (auto* ev = std::get_if<events_route>(&routed)) {
            if (co_await batch.flush(stream)) // the stream's own bytes follow every earlier answer
                co_return;
            auto stream_place = env.streams.try_acquire();
            if (!stream_place) {
                co_await answer_over_capacity(stream, req, env, log);
                co_return;
            }
            slot->add(std::move(*stream_place));
            log.line(req.method_string(), 200, 0);
            stream.expires_never();
            std::optional<std::string_view> last_id;
            if (ev->last_event_id)
                last_id = *ev->last_event_id;
            env.shard.subscribe(stream.release_socket(), std::move(ev->topics), last_id, std::move(ev->preamble),
                                std::move(*slot), ev->expires);
            co_return;
        }
        // Not a ?: around the co_await: GCC 12 miscompiles the other branch's temporary.
        response res;
        if (auto* published = std::get_if<publish_route>(&routed))
            res = co_await publish(std::move(*published), req, env, stream, batch);
        else
            res = std::get<response>(std::move(routed));
        if (gate.stopping())
            res.keep_alive(false); // answered during shutdown: the connection ends after it
        bool const keep_alive = res.keep_alive();
        if (keep_alive && buffer.size() > 0) {
            // The next request is in hand already: its answer may join this one.
            auto const bytes = batch.add(res);
            log.line(req.method_string(), res.result_int(), bytes);
            if (batch.full() && co_await batch.flush(stream))
                co_return;
            continue;
        }
        // With nothing held this is one send in place (the rest, if any, asynchronously).
        auto const bytes = batch.add(res);
        log.line(req.method_string(), res.result_int(), bytes);
        if (co_await batch.flush(stream))
            co_return;
        if (!keep_alive) {
            stream.socket().shutdown(tcp_socket::shutdown_send, ec);
            co_return;
        }
    }
    co_await batch.flush(stream); // shutdown began with pipelined answers still held
}

} // namespace ssehub
