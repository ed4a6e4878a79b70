#include "load_run.hpp"

#include "clock.hpp"
#include "proc_stats.hpp"
#include "publisher.hpp"
#include "subscriber_pool.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <thread>

namespace loadgen {
namespace {

using pools = std::vector<std::unique_ptr<subscriber_pool>>;

template <class F>
std::uint64_t sum(pools const& ps, F field)
{
    std::uint64_t total = 0;
    for (auto const& p : ps)
        total += field(p->progress()).load(std::memory_order_relaxed);
    return total;
}

template <class Done>
void wait_until(double seconds, Done done)
{
    auto const deadline = now_us() + static_cast<std::int64_t>(seconds * 1e6);
    while (!done() && now_us() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
}

void sleep_s(double seconds) { std::this_thread::sleep_for(std::chrono::duration<double>(seconds)); }

pools make_pools(options const& o, std::vector<target> const& ts)
{
    pools out;
    std::size_t first = 0;
    for (std::size_t i = 0; i < o.threads; ++i) {
        ramp_options ramp;
        ramp.count = o.subscribers / o.threads + (i < o.subscribers % o.threads ? 1 : 0);
        ramp.in_flight = std::max<std::size_t>(1, o.ramp_in_flight / o.threads);
        ramp.rate = o.ramp_rate / static_cast<double>(o.threads);
        out.push_back(std::make_unique<subscriber_pool>(ts, first, ramp));
        first += ramp.count; // so that the pools together split the subscribers evenly
    }
    return out;
}

// Subscribers connect; returns when all are open or failed, or the ramp time is over.
void connect_phase(options const& o, run_control& control, pools const& ps, run_result& r)
{
    auto const start = now_us();
    control.set(run_phase::ramp);
    wait_until(o.ramp_timeout_s, [&] {
        return sum(ps, [](auto& p) -> auto& { return p.connected; }) + sum(ps, [](auto& p) -> auto& { return p.failed; })
            >= o.subscribers;
    });
    control.set(run_phase::settle);
    std::int64_t last = start;
    for (auto const& p : ps)
        last = std::max(last, p->progress().last_connected_us.load(std::memory_order_relaxed));
    r.connect_s = static_cast<double>(last - start) / 1e6;
}

// Publishes, then waits for every published event to reach every open subscriber (bounded).
void publish_phase(options const& o, run_control& control, pools const& ps, publisher const& pub)
{
    control.set(run_phase::publish);
    auto const& progress = pub.progress();
    wait_until(o.duration_s + 5, [&] { return progress.done.load(std::memory_order_acquire); });
    auto const open = sum(ps, [](auto& p) -> auto& { return p.connected; });
    wait_until(o.drain_s, [&] {
        auto const live = open - sum(ps, [](auto& p) -> auto& { return p.dropped; });
        return sum(ps, [](auto& p) -> auto& { return p.deliveries; })
            >= progress.acked.load(std::memory_order_relaxed) * live;
    });
}

void collect(pools const& ps, publisher const& pub, run_result& r)
{
    auto const& pp = pub.progress();
    r.published = pp.acked.load();
    r.publish_failed = pp.failed.load();
    auto const first = pp.first_sent_us.load();
    r.publish_s = static_cast<double>(pp.last_sent_us.load() - first) / 1e6;
    std::int64_t last_delivery = first;
    for (auto const& p : ps) {
        auto const s = p->summarize(r.published);
        r.streams.received += s.received;
        r.streams.missed += s.missed;
        r.streams.max_missed = std::max(r.streams.max_missed, s.max_missed);
        r.streams.streams_with_missed += s.streams_with_missed;
        r.streams.out_of_order += s.out_of_order;
        r.streams.streams_out_of_order += s.streams_out_of_order;
        r.latency.merge(p->stats().latency);
        r.deliveries += p->stats().deliveries;
        r.foreign_events += p->stats().foreign_events;
        r.truncated_events += p->stats().truncated_events;
        last_delivery = std::max(last_delivery, p->stats().last_delivery_us);
        r.connected += p->progress().connected.load();
        r.failed += p->progress().failed.load();
        r.dropped += p->progress().dropped.load();
    }
    r.expected = r.published * r.connected;
    r.deliver_s = first ? static_cast<double>(last_delivery - first) / 1e6 : 0;
}

} // namespace

run_result run_load(options const& o, std::vector<target> const& subscribe, std::vector<target> const& publish)
{
    run_result r;
    r.label = o.label;
    r.server = o.server_name;
    r.requested = o.subscribers;
    r.offered_rate = o.rate;
    auto const sample = [&] { return sample_processes(o.server_pids); };

    run_control control;
    auto ps = make_pools(o, subscribe);
    // One request for every target: the path and Host of the first (ssehub ignores Host).
    publisher pub(publish, publish_request(publish.front().path, publish.front().host_header, o.headers, o.publish_body, o.payload_bytes),
                  publish_options{o.publishers, o.events, o.rate, static_cast<std::int64_t>(o.duration_s * 1e6)});
    std::vector<std::thread> threads;
    for (auto& p : ps)
        threads.emplace_back([&control, p = p.get()] { p->run(control); });
    threads.emplace_back([&control, &pub] { pub.run(control); });

    auto const before = sample();
    connect_phase(o, control, ps, r);
    sleep_s(o.settle_s);
    auto const connected = sample();
    sleep_s(o.hold_s);
    auto const held = sample();
    publish_phase(o, control, ps, pub);
    auto const after = sample();
    control.set(run_phase::stop);
    for (auto& t : threads)
        t.join();

    collect(ps, pub, r);
    r.publish_round_trip = pub.round_trip();
    if (before && connected && held && after) {
        r.rss_before_kb = before->rss_kb;
        r.rss_connected_kb = connected->rss_kb;
        r.rss_end_kb = after->rss_kb;
        r.server_cpu_connect_s = connected->cpu_seconds - before->cpu_seconds;
        r.server_cpu_publish_s = after->cpu_seconds - held->cpu_seconds;
        r.server_sys_publish_s = after->system_seconds - held->system_seconds;
    }
    r.loadgen_cpu_s = own_cpu_seconds();
    return r;
}

} // namespace loadgen
