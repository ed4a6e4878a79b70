#include "load_run.hpp"

#include "clock.hpp"
#include "proc_stats.hpp"
#include "publisher.hpp"
#include "pool_set.hpp"
#include "replay_storm.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

namespace loadgen {
namespace {

void sleep_s(double seconds) { std::this_thread::sleep_for(std::chrono::duration<double>(seconds)); }

// Subscribers connect; returns when all are open or failed, or the ramp time is over.
void connect_phase(options const& o, run_control& control, pool_set const& ps, run_result& r)
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
void publish_phase(options const& o, run_control& control, pool_set const& ps, publisher const& pub)
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

void collect(pool_set const& ps, publisher const& pub, run_result& r)
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
        r.storm_latency.merge(p->stats().storm_latency);
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
    r.publish_round_trip = pub.round_trip();
}

// The CPU each server process spent between two samples, and what it is.
std::vector<process_cpu> cpu_by_process(std::vector<pid_t> const& pids, std::vector<proc_sample> const& from,
                                        std::vector<proc_sample> const& to)
{
    std::vector<process_cpu> out;
    for (std::size_t i = 0; i < pids.size(); ++i)
        out.push_back({pids[i], process_name(pids[i]), to[i].cpu_seconds - from[i].cpu_seconds,
                       to[i].system_seconds - from[i].system_seconds});
    return out;
}

} // namespace

run_result run_load(options const& o, std::vector<target> const& subscribe, std::vector<target> const& publish)
{
    run_result r;
    r.label = o.label;
    r.server = o.server_name;
    r.requested = o.subscribers;
    r.offered_rate = o.rate;
    r.publish_window = o.publish_window;
    auto const sample = [&] { return o.server_pids.empty() ? std::nullopt : sample_processes(o.server_pids); };

    run_control control;
    auto ps = make_pools(subscribe, o.subscribers, o.threads, o.ramp_in_flight, o.ramp_rate, storm_seed(o));
    publisher pub(make_publish_endpoints(publish, o.headers, o.publish_body, o.payload_bytes),
                  publish_options{o.publishers, o.events, o.rate, static_cast<std::int64_t>(o.duration_s * 1e6),
                                  o.publish_window});
    std::vector<std::thread> threads;
    for (auto& p : ps)
        threads.emplace_back([&control, p = p.get()] { p->run(control); });
    threads.emplace_back([&control, &pub] { pub.run(control); });

    auto const before = sample();
    connect_phase(o, control, ps, r);
    sleep_s(o.settle_s);
    auto const connected = sample();
    sleep_s(o.hold_s);
    std::optional<replay_storm> storm;
    if (o.storm > 0 && !storm.emplace(o, subscribe, publish).seed(ps))
        storm.reset();
    auto const held = sample();
    std::jthread storm_watch;
    if (storm) {
        storm->start(); // the storm and the live events begin together
        control.storm.from_us.store(storm->start_us(), std::memory_order_relaxed);
        // Closes the storm's span while the live events go on (checked every millisecond).
        storm_watch = std::jthread([&control, &storm](std::stop_token stop) {
            while (!stop.stop_requested() && !storm->over())
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            control.storm.to_us.store(storm->last_replay_us(), std::memory_order_relaxed);
        });
    }
    publish_phase(o, control, ps, pub);
    if (storm) {
        storm->finish(r);
        storm_watch = {}; // joined
    }
    auto const after = sample();
    control.set(run_phase::stop);
    for (auto& t : threads)
        t.join();

    collect(ps, pub, r);
    if (before && connected && held && after) {
        auto const b = total(*before), c = total(*connected), h = total(*held), a = total(*after);
        r.rss_before_kb = b.rss_kb;
        r.rss_connected_kb = c.rss_kb;
        r.rss_end_kb = a.rss_kb;
        r.server_cpu_connect_s = c.cpu_seconds - b.cpu_seconds;
        r.server_cpu_publish_s = a.cpu_seconds - h.cpu_seconds;
        r.server_sys_publish_s = a.system_seconds - h.system_seconds;
        r.server_processes = cpu_by_process(o.server_pids, *held, *after);
    }
    r.loadgen_cpu_s = own_cpu_seconds();
    return r;
}

} // namespace loadgen
