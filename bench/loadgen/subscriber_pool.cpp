#include "subscriber_pool.hpp"

#include "clock.hpp"
#include "round_robin.hpp"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace loadgen {
namespace {

using phase = subscriber_stream::phase;

bool is_pending(phase p) { return p == phase::connecting || p == phase::reading_head; }

} // namespace

subscriber_pool::subscriber_pool(std::vector<target> const& servers, std::size_t first, ramp_options ramp,
                                 replay_seed seed, std::string const& extra_headers)
    : servers_(servers)
    , ramp_(ramp)
    , epoll_fd_(epoll_create1(EPOLL_CLOEXEC))
    , streams_(ramp.count)
    , read_buffer_(64 * 1024)
{
    stats_.seed = seed;
    for (auto const& t : servers_)
        requests_.push_back("GET " + t.path + " HTTP/1.1\r\nHost: " + t.host_header
                            + "\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\n" + extra_headers + "\r\n");
    for (std::size_t i = 0; i < streams_.size(); ++i)
        streams_[i].server = static_cast<std::uint32_t>(server_of(first + i, servers_.size()));
}

subscriber_pool::~subscriber_pool()
{
    for (auto& s : streams_)
        if (s.fd >= 0)
            close(s.fd);
    if (epoll_fd_ >= 0)
        close(epoll_fd_);
}

void subscriber_pool::run(run_control const& control)
{
    stats_.storm = &control.storm;
    std::array<epoll_event, 512> events{};
    std::int64_t ramp_start_us = 0;
    for (;;) {
        auto const p = control.get();
        if (p == run_phase::stop)
            break;
        if (p == run_phase::ramp) {
            auto const now = now_us();
            if (ramp_start_us == 0)
                ramp_start_us = now;
            start_connects(now, ramp_start_us);
        } else if (p >= run_phase::settle && pending_ > 0) {
            fail_pending(); // the ramp's time is over
        }
        bool const ramping = p == run_phase::ramp && started_ < streams_.size();
        int const n = epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), ramping ? 1 : 10);
        for (int i = 0; i < n; ++i)
            on_ready(*static_cast<subscriber_stream*>(events[static_cast<std::size_t>(i)].data.ptr),
                     events[static_cast<std::size_t>(i)].events);
        publish_progress();
    }
}

void subscriber_pool::start_connects(std::int64_t now_us, std::int64_t ramp_start_us)
{
    auto allowed = streams_.size();
    if (ramp_.rate > 0) {
        auto const by_now = static_cast<double>(now_us - ramp_start_us) * ramp_.rate / 1e6 + 1;
        allowed = std::min(allowed, static_cast<std::size_t>(by_now));
    }
    while (started_ < allowed && pending_ < ramp_.in_flight) {
        auto& s = streams_[started_++];
        s.started_us = now_us;
        s.fd = start_connect(servers_[s.server]);
        if (s.fd < 0) {
            s.set_state(phase::failed); // out of descriptors or ports: counted, not retried
            ++failed_;
            continue;
        }
        s.set_state(phase::connecting);
        ++pending_;
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLOUT;
        ev.data.ptr = &s;
        epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, s.fd, &ev);
    }
}

void subscriber_pool::on_ready(subscriber_stream& s, std::uint32_t events)
{
    if (s.state() == phase::connecting) {
        if (connect_result(s.fd) != 0) {
            end(s, phase::failed);
            return;
        }
        auto const& request = requests_[s.server];
        auto const sent = send(s.fd, request.data(), request.size(), MSG_NOSIGNAL);
        if (sent != static_cast<ssize_t>(request.size())) {
            end(s, phase::failed); // a request this small fits any fresh socket buffer
            return;
        }
        s.set_state(phase::reading_head);
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.ptr = &s;
        epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, s.fd, &ev);
        return;
    }
    if ((events & (EPOLLIN | EPOLLERR | EPOLLHUP)) && s.fd >= 0)
        on_readable(s);
}

void subscriber_pool::on_readable(subscriber_stream& s)
{
    // Level-triggered: one read per readiness; whatever is left makes the fd ready again.
    auto const n = read(s.fd, read_buffer_.data(), read_buffer_.size());
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    auto const before = s.state();
    if (n <= 0) {
        end(s, before == phase::streaming ? phase::dropped : phase::failed);
        return;
    }
    auto const now = now_us();
    bool const ok = s.on_bytes({read_buffer_.data(), static_cast<std::size_t>(n)}, now, stats_);
    if (before == phase::reading_head && s.state() == phase::streaming) {
        --pending_;
        ++connected_;
        last_connected_us_ = now;
    }
    if (!ok) {
        auto const why = s.state();
        s.set_state(before);
        end(s, why);
    }
}

void subscriber_pool::end(subscriber_stream& s, phase why)
{
    if (is_pending(s.state()))
        --pending_;
    close(s.fd); // SO_LINGER 0: no TIME_WAIT left behind
    s.fd = -1;
    s.set_state(why);
    ++(why == phase::dropped ? dropped_ : failed_);
}

void subscriber_pool::fail_pending()
{
    for (auto& s : streams_)
        if (is_pending(s.state()))
            end(s, phase::failed);
}

void subscriber_pool::publish_progress()
{
    constexpr auto r = std::memory_order_relaxed;
    progress_.connected.store(connected_, r);
    progress_.failed.store(failed_, r);
    progress_.dropped.store(dropped_, r);
    progress_.deliveries.store(stats_.deliveries, r);
    progress_.last_connected_us.store(last_connected_us_, r);
    progress_.last_delivery_us.store(stats_.last_delivery_us, r);
    progress_.seed_events.store(stats_.seed_events, r);
    progress_.replays_done.store(stats_.replays_done, r);
    progress_.last_replay_us.store(stats_.last_replay_us, r);
    if (!seed_id_ready_.load(r) && !stats_.first_seed_id.empty()) {
        seed_id_ = stats_.first_seed_id;
        seed_id_ready_.store(true, std::memory_order_release);
    }
}

std::optional<std::string> subscriber_pool::first_seed_id() const
{
    if (!seed_id_ready_.load(std::memory_order_acquire))
        return std::nullopt;
    return std::string(seed_id_.view());
}

stream_summary subscriber_pool::summarize(std::uint64_t expected_per_stream) const
{
    stream_summary out;
    for (auto const& s : streams_) {
        if (s.state() != phase::streaming && s.state() != phase::dropped)
            continue; // never opened: counted as failed, not as missing events
        auto const got = s.received();
        auto const missed = expected_per_stream > got ? expected_per_stream - got : 0;
        out.received += got;
        out.missed += missed;
        out.max_missed = std::max(out.max_missed, missed);
        out.streams_with_missed += missed > 0;
        out.out_of_order += s.out_of_order();
        out.streams_out_of_order += s.out_of_order() > 0;
    }
    return out;
}

} // namespace loadgen
