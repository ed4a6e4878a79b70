#include "publisher.hpp"

#include "clock.hpp"
#include "round_robin.hpp"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace loadgen {
namespace {

using state = publish_connection::state;
constexpr int max_reconnects = 20;

} // namespace

publisher::publisher(std::vector<publish_endpoint> endpoints, publish_options options)
    : endpoints_(std::move(endpoints))
    , options_(options)
    , epoll_fd_(epoll_create1(EPOLL_CLOEXEC))
    , conns_(std::max<std::size_t>(1, options.connections), connection(options.window))
    , read_buffer_(16 * 1024)
{
    for (std::size_t i = 0; i < conns_.size(); ++i) {
        conns_[i].index = static_cast<std::uint32_t>(i);
        conns_[i].server = static_cast<std::uint32_t>(server_of(i, endpoints_.size()));
    }
}

publisher::~publisher()
{
    for (auto& c : conns_)
        if (c.fd >= 0)
            close(c.fd);
    if (epoll_fd_ >= 0)
        close(epoll_fd_);
}

void publisher::run(run_control const& control)
{
    std::array<epoll_event, 64> events{};
    for (;;) {
        auto const p = control.get();
        if (p == run_phase::stop)
            break;
        auto now = now_ns();
        if (p == run_phase::publish && !progress_.done.load(std::memory_order_relaxed))
            step(now);
        auto const wait = p == run_phase::publish ? wait_ns(now) : 10'000'000;
        timespec const timeout{static_cast<time_t>(wait / 1'000'000'000), static_cast<long>(wait % 1'000'000'000)};
        int const n = epoll_pwait2(epoll_fd_, events.data(), static_cast<int>(events.size()), &timeout, nullptr);
        for (int i = 0; i < n; ++i) {
            auto const& ev = events[static_cast<std::size_t>(i)];
            on_ready(conns_[ev.data.u32], ev.events);
        }
        constexpr auto r = std::memory_order_relaxed;
        progress_.acked.store(acked_, r);
        progress_.failed.store(failed_, r);
        progress_.sent.store(started_, r);
    }
}

// Opens connections on the first call, hands due events to idle connections, notices the end.
void publisher::step(std::int64_t now)
{
    if (start_ns_ == 0) {
        start_ns_ = now;
        deadline_ns_ = now + options_.duration_us * 1000;
        for (auto& c : conns_)
            open(c);
    }
    for (auto& c : conns_) {
        if (c.st == state::closed && may_send(now))
            open(c); // the server closed an idle keep-alive connection
        if (c.can_start() && may_send(now))
            top_up(c);
    }
    bool const finished = started_ >= options_.events || now >= deadline_ns_
        || std::all_of(conns_.begin(), conns_.end(), [](connection const& c) { return c.st == state::dead; });
    if (finished && std::none_of(conns_.begin(), conns_.end(), [](connection const& c) { return c.busy(); }))
        progress_.done.store(true, std::memory_order_release);
}

bool publisher::may_send(std::int64_t now) const
{
    if (started_ >= options_.events || now >= deadline_ns_)
        return false;
    if (options_.rate <= 0)
        return true;
    // Event i is due at start + i / rate: a late publisher catches up instead of drifting.
    auto const due = start_ns_ + static_cast<std::int64_t>(static_cast<double>(started_) * 1e9 / options_.rate);
    return due <= now;
}

std::int64_t publisher::wait_ns(std::int64_t now) const
{
    constexpr std::int64_t idle_wait = 10'000'000;
    // With every window full only an answer can start the next send: sleep until one comes.
    bool const can_send_now = std::any_of(conns_.begin(), conns_.end(), [](connection const& c) {
        return c.can_start() || c.st == state::closed;
    });
    if (options_.rate <= 0 || started_ >= options_.events || start_ns_ == 0 || !can_send_now)
        return idle_wait;
    auto const due = start_ns_ + static_cast<std::int64_t>(static_cast<double>(started_) * 1e9 / options_.rate);
    return std::clamp<std::int64_t>(due - now, 0, idle_wait);
}

void publisher::open(connection& c)
{
    if (c.reconnects++ > max_reconnects) {
        c.st = state::dead;
        return;
    }
    c.restart(start_connect(endpoints_[c.server].where));
    if (c.fd < 0) {
        c.st = state::closed;
        return;
    }
    c.st = state::connecting;
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT;
    ev.data.u32 = c.index;
    epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, c.fd, &ev);
}

// Hands due events to c until its window is full, then writes them all at once.
void publisher::top_up(connection& c)
{
    auto const now = now_ns();
    while (c.can_start() && may_send(now)) {
        auto const sent_us = now_us();
        auto const size = endpoints_[c.server].request.build(c.room(),
                                                             payload_fields{options_.first_publisher + c.index, ++c.seq, sent_us});
        if (size == 0) {
            c.st = state::dead; // cannot happen with payloads of at most 900 bytes
            break;
        }
        c.queued(size, sent_us);
        ++started_;
        if (progress_.first_sent_us.load(std::memory_order_relaxed) == 0)
            progress_.first_sent_us.store(sent_us, std::memory_order_relaxed);
        progress_.last_sent_us.store(sent_us, std::memory_order_relaxed);
    }
    flush(c);
}

void publisher::flush(connection& c)
{
    for (auto rest = c.unsent(); !rest.empty(); rest = c.unsent()) {
        auto const n = send(c.fd, rest.data(), rest.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EAGAIN) {
            want_out(c, true); // EPOLLOUT resumes
            return;
        }
        if (n <= 0) {
            on_broken(c);
            return;
        }
        c.sent(static_cast<std::size_t>(n));
    }
    want_out(c, false);
}

void publisher::want_out(connection& c, bool on)
{
    if (c.wants_out == on)
        return;
    c.wants_out = on;
    epoll_event ev{};
    ev.events = EPOLLIN | (on ? EPOLLOUT : 0u);
    ev.data.u32 = c.index;
    epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c.fd, &ev);
}

void publisher::on_ready(connection& c, std::uint32_t events)
{
    if (c.st == state::connecting) {
        if (connect_result(c.fd) != 0) {
            on_broken(c);
            return;
        }
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u32 = c.index;
        epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c.fd, &ev);
        c.st = state::open;
        c.reconnects = 0;
        top_up(c);
        return;
    }
    if ((events & EPOLLOUT) && c.fd >= 0 && !c.unsent().empty())
        flush(c);
    if ((events & (EPOLLIN | EPOLLERR | EPOLLHUP)) && c.fd >= 0)
        on_readable(c);
}

void publisher::on_readable(connection& c)
{
    auto const n = read(c.fd, read_buffer_.data(), read_buffer_.size());
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) {
        on_broken(c);
        return;
    }
    bool unsolicited = false, closing = false;
    auto const now = now_us();
    bool const ok = c.responses.feed({read_buffer_.data(), static_cast<std::size_t>(n)}, [&](auto const& r) {
        if (c.in_flight == 0 || closing) {
            unsolicited = true; // more answers than requests: the exchange is out of step
            return;
        }
        auto const sent_us = c.answered();
        bool const accepted = r.status / 100 == 2;
        ++(accepted ? acked_ : failed_);
        if (accepted)
            round_trip_.record(now - sent_us);
        closing = !r.keep_alive;
    });
    if (!ok || unsolicited) {
        on_broken(c);
        return;
    }
    if (closing) {
        failed_ += c.in_flight; // pipelined behind the last answer: never answered
        close(c.fd);
        c.restart(-1);
        c.st = state::closed;
        return;
    }
    // After every answer of this read: the freed window is refilled in one write.
    if (may_send(now_ns()))
        top_up(c);
}

void publisher::on_broken(connection& c)
{
    failed_ += c.in_flight; // each may or may not have been published
    close(c.fd);
    c.restart(-1);
    c.st = state::closed;
}

} // namespace loadgen
