#include "ssehub/server/server.hpp"

#include "ssehub/backplane/redis_event_log.hpp"
#include "ssehub/http/bearer_auth.hpp"
#include "ssehub/delivery/connection_limit.hpp"
#include "ssehub/http/listener.hpp"
#include "ssehub/http/request_counters.hpp"
#include "ssehub/http/router.hpp"
#include "ssehub/http/task_group.hpp"
#include "ssehub/delivery/hub_shard.hpp"
#include "ssehub/hub/memory_event_log.hpp"
#include "ssehub/server/capacity.hpp"
#include "ssehub/server/layer_options.hpp"
#include "ssehub/server/metrics.hpp"
#include "ssehub/server/periodic_task.hpp"
#include "ssehub/server/ticker.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/signal_set.hpp>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <condition_variable>
#include <mutex>
#include <thread>

namespace ssehub {
namespace {

std::uint64_t first_event_id()
{
    // Ids start at the wall clock in microseconds, so a restarted server never reuses an id
    // unless the previous run published more than one event per microsecond on average.
    auto const now = std::chrono::system_clock::now().time_since_epoch();
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(now).count());
}

std::string host_name()
{
    char buf[256] = {};
    if (gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0')
        return "ssehub";
    return buf;
}

std::size_t thread_count(config const& cfg)
{
    if (cfg.io_threads > 0)
        return static_cast<std::size_t>(cfg.io_threads);
    return std::max(1u, std::thread::hardware_concurrency());
}

} // namespace

struct server::impl {
    using work_guard = net::executor_work_guard<executor>;

    // Declaration order is destruction order reversed: the io_contexts go before the hub, the
    // connection limit and the task groups, because handlers and coroutines they may still hold
    // (after a forced stop) refer to them.
    config cfg;
    http_options http; // what the sessions and the router need of cfg
    bool token_generated = false;
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    connection_limit limit;   // max_connections: every connection
    connection_limit streams; // max_streams: event streams only
    request_counters requests;
    hub events;
    memory_event_log memory_log; // backplane memory: ids from the ring itself
    event_log* log = nullptr;    // the one way events get ids and reach the ring
    std::vector<std::unique_ptr<task_group>> groups; // one per io thread: what shutdown stops
    std::vector<std::unique_ptr<net::io_context>> contexts;
    std::vector<work_guard> guards;
    std::vector<std::unique_ptr<hub_shard>> shards;
    static_files files;
    router routes;
    tcp::acceptor acceptor;
    std::unique_ptr<periodic_task> ticker;
    std::unique_ptr<periodic_task> stats;
    std::uint64_t tick_n = 0;
    bool own_events_skipped = false; // logged once per outage of the event log
    // Redis mode: after the shards and contexts in declaration order, so destroyed before
    // them (its threads post to the io threads until they are joined).
    std::unique_ptr<redis_event_log> redis_log;

    std::mutex mutex;
    std::condition_variable cv;
    bool stop_requested = false;
    std::size_t threads_done = 0;
    std::string failure; // why the server stopped by itself (empty: it did not)

    explicit impl(config c)
        : cfg(std::move(c))
        , http(http_options_of(cfg))
        , limit(static_cast<std::size_t>(cfg.max_connections))
        , streams(static_cast<std::size_t>(cfg.max_streams))
        // With Redis the ids come from the stream: the ring starts over at the first one read.
        , events(hub_options_of(cfg, cfg.backplane == "redis" ? 1 : first_event_id()))
        , memory_log(events)
        , log(&memory_log)
        , contexts(make_contexts(cfg))
        , files(cfg.static_root, std::chrono::milliseconds(cfg.static_recheck_ms))
        , routes(router_context{http, files, [this] { return metrics(); }, [this] { return log->unready_reason(); }})
        , acceptor(*contexts[0])
    {
        if (cfg.instance_name.empty())
            cfg.instance_name = host_name();
        if (cfg.backplane == "redis") {
            redis_log = std::make_unique<redis_event_log>(events, backplane_options_of(cfg));
            log = redis_log.get();
            spdlog::info("backplane redis: {} key prefix {}, instance {}", backplane_options_of(cfg).url.redacted(),
                         cfg.redis_key, cfg.instance_name);
        }
        auto const delivery = delivery_options_of(cfg);
        for (auto& ctx : contexts) {
            guards.emplace_back(ctx->get_executor());
            shards.push_back(std::make_unique<hub_shard>(*ctx, events, delivery, log));
            groups.push_back(std::make_unique<task_group>(*ctx));
            // The shard is callback-driven: the group's signal starts its graceful end of the
            // streams (the events pulled by then, then a retry: hint).
            groups.back()->slot().assign([shard = shards.back().get()](net::cancellation_type) { shard->stop(); });
        }
        listen();
        if (redis_log)
            redis_log->start();
    }

    static std::vector<std::unique_ptr<net::io_context>> make_contexts(config& cfg)
    {
        std::vector<std::unique_ptr<net::io_context>> out;
        cfg.io_threads = static_cast<std::int64_t>(thread_count(cfg));
        for (std::int64_t i = 0; i < cfg.io_threads; ++i)
            out.push_back(std::make_unique<net::io_context>(1)); // concurrency hint: one thread
        return out;
    }

    void listen()
    {
        boost::system::error_code ec;
        auto const address = net::ip::make_address(cfg.bind, ec);
        if (ec)
            throw config_error("bind: '" + cfg.bind + "' is not an IP address");
        tcp::endpoint const ep(address, static_cast<std::uint16_t>(cfg.port));
        acceptor.open(ep.protocol(), ec);
        if (!ec)
            acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
        if (!ec) // Linux gives each connection its listener's TCP_NODELAY when the handshake ends
            acceptor.set_option(tcp::no_delay(true), ec); // (accept_loop)
        if (!ec)
            acceptor.bind(ep, ec);
        if (!ec)
            acceptor.listen(net::socket_base::max_listen_connections, ec);
        if (ec)
            throw config_error("port: cannot listen on " + cfg.bind + ":" + std::to_string(cfg.port) + ": " + ec.message());
    }

    std::string metrics() const
    {
        std::vector<hub_counters const*> shard_counters;
        for (auto const& s : shards)
            shard_counters.push_back(&s->counters());
        auto const up = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        return render_metrics({events.counters(), shard_counters, limit.open(), limit.max(), up, version, streams.open(),
                               streams.max()})
            + requests.render()
            + (redis_log ? redis_log->metrics_text()
                         : "# HELP ssehub_backplane_up 1 when the event log is reachable (memory: always).\n"
                           "# TYPE ssehub_backplane_up gauge\nssehub_backplane_up 1\n");
    }

    stats_snapshot snapshot()
    {
        std::vector<hub_counters const*> shard_counters;
        for (auto const& s : shards)
            shard_counters.push_back(&s->counters());
        auto const t = sum_counters(events.counters(), shard_counters);
        return {t.subscribers, limit.open(), t.published, t.delivered, t.slow, cfg.instance_name};
    }

    session_env env_for(std::size_t i)
    {
        return session_env{http, routes, *shards[i], requests, streams, *log, events.throttle(), events.counters()};
    }

    // The server's own small events (ticker, stats): nobody waits for them, and once shutdown
    // has begun they are refused like any publish.
    void publish_own(event_draft draft)
    {
        // Redis down: skipped, not queued behind the outage (and logged once per outage).
        if (redis_log) {
            auto const why = redis_log->unready_reason();
            if (!why.empty()) {
                if (!std::exchange(own_events_skipped, true))
                    spdlog::warn("ticker and stats events skipped until the event log is back: {}", why);
                return;
            }
            own_events_skipped = false;
        }
        std::vector<event_draft> drafts;
        drafts.push_back(std::move(draft));
        log->append(std::move(drafts), on_appended([](publish_result const& result) {
            if (auto const* refused = std::get_if<publish_refusal>(&result); refused && refused->why == publish_refusal::cause::too_large)
                spdlog::error("server event not published: {}", refused->message);
        }));
    }

    // Stops the server from inside (any thread): logged now, thrown by run() once the graceful
    // shutdown is over.
    void fail(std::string why)
    {
        spdlog::critical("{}: stopping the server", why);
        std::lock_guard lock(mutex);
        if (failure.empty())
            failure = std::move(why);
        stop_requested = true;
        cv.notify_all();
    }

    // On io thread 0, as members of its group.
    void start_tasks()
    {
        std::vector<task_group*> group_ptrs;
        for (auto& g : groups)
            group_ptrs.push_back(g.get());
        // Without the accept loop nothing new can connect: its end by an error ends the server.
        groups[0]->spawn(accept_loop(acceptor, group_ptrs, [this](std::size_t i) { return env_for(i); }, limit),
                         [this](std::exception_ptr e) {
                             try {
                                 if (e)
                                     std::rethrow_exception(e);
                             } catch (std::exception const& ex) {
                                 fail(std::string("listener: ") + ex.what());
                             }
                         });
        if (cfg.ticker_interval_ms > 0) {
            ticker = std::make_unique<periodic_task>(*groups[0], std::chrono::milliseconds(cfg.ticker_interval_ms), [this] {
                publish_own(make_tick(cfg.ticker_topic, ++tick_n, std::chrono::system_clock::now(),
                                      redis_log ? cfg.instance_name : std::string{}));
            });
            ticker->start();
        }
        if (cfg.stats_interval_ms > 0) {
            stats = std::make_unique<periodic_task>(*groups[0], std::chrono::milliseconds(cfg.stats_interval_ms), [this] {
                publish_own(make_stats(cfg.stats_topic, snapshot(), std::chrono::system_clock::now()));
            });
            stats->start();
        }
    }

    // SIGHUP reloads what can be reloaded without touching a stream or a connection: the static
    // file cache (logs go to stdout/stderr, so there is nothing to reopen; the configuration is
    // read at start only). Then it waits for the next one.
    void watch_hangups(net::signal_set& hangups, net::cancellation_slot slot)
    {
        hangups.async_wait(net::bind_cancellation_slot(slot, [this, &hangups, slot](boost::system::error_code ec, int) {
            if (ec || groups[0]->stopping())
                return;
            auto const dropped = files.clear();
            spdlog::info("signal SIGHUP received: reloaded the static files ({} cached dropped); {} connections untouched",
                         dropped, limit.open());
            watch_hangups(hangups, slot);
        }));
    }

    void begin_shutdown()
    {
        spdlog::info("shutting down: closing the listener and {} open connections", limit.open());
        // First nothing more is published (POST /publish gets 503, the ticker and stats are
        // refused too); then each shard delivers everything acknowledged before its last words.
        log->close();
        // Then one signal on every thread: the accept loop closes the listener, idle sessions
        // close (busy ones answer first), the ticker and stats end, each shard ends its streams.
        for (auto& g : groups)
            net::post(g->context(), [g = g.get()] { g->stop(); });
        // With the guards gone, each io thread returns once its last stream has closed.
        for (auto& g : guards)
            g.reset();
    }
};

namespace {

// Raises the open-file limit and fills in the derived max_streams / max_connections; says once
// what the process can hold, and warns when configured limits exceed it.
void plan_connections(config& cfg)
{
    auto const files = raise_open_file_limit();
    auto const plan = plan_capacity(cfg.max_streams, cfg.max_connections, files.soft);
    cfg.max_streams = plan.max_streams;
    cfg.max_connections = plan.max_connections;
    spdlog::info("open-file limit {} (started at {}, hard limit {}); max_streams {}, max_connections {}", files.soft,
                 files.before, files.hard, cfg.max_streams, cfg.max_connections);
    for (auto const& w : plan.warnings)
        spdlog::warn("{}", w);
}

} // namespace

server::server(config cfg)
{
    spdlog::set_level(spdlog::level::from_str(cfg.log_level));
    plan_connections(cfg);
    if (cfg.publish_token.empty()) {
        cfg.publish_token = generate_token();
        impl_ = std::make_unique<impl>(std::move(cfg));
        impl_->token_generated = true;
    } else {
        impl_ = std::make_unique<impl>(std::move(cfg));
    }
}

server::~server() = default;

void server::run(bool handle_signals, std::function<void()> const& ready)
{
    auto& s = *impl_;
    std::unique_ptr<net::signal_set> signals;
    std::unique_ptr<net::signal_set> hangups;
    if (handle_signals) {
        // From here a signal is caught (and queued until the wait below starts).
        signals = std::make_unique<net::signal_set>(*s.contexts[0], SIGINT, SIGTERM);
        // Without a handler SIGHUP's default action ends the process with no shutdown at all.
        hangups = std::make_unique<net::signal_set>(*s.contexts[0], SIGHUP);
    }
    if (ready)
        ready();
    net::post(*s.contexts[0], [this, &s, &signals, &hangups] {
        s.start_tasks();
        if (!signals)
            return;
        // Members of thread 0's group too: the shutdown's signal ends their waits.
        signals->async_wait(net::bind_cancellation_slot(s.groups[0]->slot(), [this](boost::system::error_code ec, int signo) {
            if (!ec) {
                spdlog::info("signal {} received", signo);
                stop();
            }
        }));
        s.watch_hangups(*hangups, s.groups[0]->slot());
    });
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < s.contexts.size(); ++i)
        threads.emplace_back([&s, i, c = s.contexts[i].get()] {
            // An exception that escapes a handler stops the whole server (exit 1 from main): the
            // thread's state may be broken. The thread runs on, so its own streams still get the
            // graceful end and its connections are closed, not left hanging.
            for (;;) {
                try {
                    c->run();
                    break;
                } catch (std::exception const& e) {
                    s.fail("io thread " + std::to_string(i) + ": a handler ended by exception: " + e.what());
                } catch (...) {
                    s.fail("io thread " + std::to_string(i) + ": a handler ended by an unknown exception");
                }
            }
            std::lock_guard lock(s.mutex);
            ++s.threads_done;
            s.cv.notify_all();
        });

    {
        std::unique_lock lock(s.mutex);
        s.cv.wait(lock, [&] { return s.stop_requested; });
    }
    s.begin_shutdown();
    {
        std::unique_lock lock(s.mutex);
        auto const deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(s.cfg.shutdown_timeout_ms);
        if (!s.cv.wait_until(lock, deadline, [&] { return s.threads_done == threads.size(); })) {
            spdlog::warn("shutdown deadline passed with {} connections open: stopping anyway", s.limit.open());
            for (auto& ctx : s.contexts)
                ctx->stop();
        }
    }
    for (auto& t : threads)
        t.join();
    if (!s.failure.empty())
        throw server_failure(s.failure);
    spdlog::info("stopped");
}

void server::stop()
{
    std::lock_guard lock(impl_->mutex);
    impl_->stop_requested = true;
    impl_->cv.notify_all();
}

void server::post_to_io_thread(std::size_t i, std::function<void()> f)
{
    net::post(*impl_->contexts.at(i), std::move(f));
}

std::uint16_t server::port() const { return impl_->acceptor.local_endpoint().port(); }
config const& server::effective_config() const { return impl_->cfg; }
bool server::token_was_generated() const { return impl_->token_generated; }
hub& server::events() { return impl_->events; }
event_log& server::log() { return *impl_->log; }
std::string server::metrics_text() const { return impl_->metrics(); }

} // namespace ssehub
