#include "replay_storm.hpp"

#include "publisher.hpp"

#include <algorithm>
#include <iostream>

namespace loadgen {

replay_seed storm_seed(options const& o)
{
    if (o.storm == 0)
        return {};
    // The seed's connection numbers itself after the live publishers: its (p, seq) never mix.
    return {static_cast<std::uint32_t>(o.publishers), o.storm_replay + 1};
}

replay_storm::replay_storm(options const& o, std::vector<target> const& subscribe, std::vector<target> const& publish)
    : o_(o)
    , subscribe_(subscribe)
    , publish_(publish.front())
    , seed_(storm_seed(o))
{
}

replay_storm::~replay_storm() { stop(); }

bool replay_storm::seed(pool_set const& live)
{
    publisher seeder(make_publish_endpoints({publish_}, o_.headers, o_.publish_body, o_.payload_bytes),
                     publish_options{1, seed_.last, 0, 60'000'000, 32, seed_.publisher});
    run_control control;
    control.set(run_phase::publish);
    std::thread thread([&] { seeder.run(control); });
    wait_until(60, [&] { return seeder.progress().done.load(std::memory_order_acquire); });
    auto const open = sum(live, [](auto& p) -> auto& { return p.connected; })
        - sum(live, [](auto& p) -> auto& { return p.dropped; });
    wait_until(o_.drain_s, [&] { return sum(live, [](auto& p) -> auto& { return p.seed_events; }) >= seed_.last * open; });
    control.set(run_phase::stop);
    thread.join();
    if (seeder.progress().acked.load() < seed_.last)
        std::cerr << "ssehub_loadgen: only " << seeder.progress().acked.load() << " of " << seed_.last
                  << " seed events were accepted\n";
    std::optional<std::string> id;
    for (auto const& p : live)
        if (!id)
            id = p->first_seed_id();
    if (!id || id->empty()) {
        std::cerr << "ssehub_loadgen: no subscriber saw an id on the first seed event: no storm\n";
        return false;
    }
    pools_ = make_pools(subscribe_, o_.storm, o_.threads, o_.ramp_in_flight, 0, seed_, "Last-Event-ID: " + *id + "\r\n");
    for (auto& p : pools_)
        threads_.emplace_back([this, p = p.get()] { p->run(control_); });
    return true;
}

void replay_storm::start()
{
    start_us_ = now_us();
    control_.set(run_phase::ramp);
}

void replay_storm::finish(run_result& r)
{
    auto const left = o_.ramp_timeout_s - static_cast<double>(now_us() - start_us_) / 1e6;
    wait_until(std::max(0.0, left), [&] { return over(); });
    stop();
    r.storm_clients = o_.storm;
    std::int64_t last_head = start_us_;
    for (auto const& p : pools_) {
        auto const& s = p->progress();
        r.storm_connected += s.connected.load();
        r.storm_replayed += s.replays_done.load();
        r.storm_frames += s.seed_events.load();
        last_head = std::max(last_head, s.last_connected_us.load());
    }
    r.storm_connect_s = static_cast<double>(last_head - start_us_) / 1e6;
    r.storm_s = static_cast<double>(last_replay_us() - start_us_) / 1e6;
}

bool replay_storm::over() const
{
    return sum(pools_, [](auto& p) -> auto& { return p.replays_done; })
        + sum(pools_, [](auto& p) -> auto& { return p.failed; }) + sum(pools_, [](auto& p) -> auto& { return p.dropped; })
        >= o_.storm;
}

std::int64_t replay_storm::last_replay_us() const
{
    std::int64_t last = start_us_;
    for (auto const& p : pools_)
        last = std::max(last, p->progress().last_replay_us.load());
    return last;
}

void replay_storm::stop()
{
    control_.set(run_phase::stop);
    for (auto& t : threads_)
        t.join();
    threads_.clear();
}

} // namespace loadgen
