#include "publisher.hpp"

#include "clock.hpp"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace loadgen {
namespace {

using state = publish_connection::state;
constexpr int max_reconnects = 20;

bool busy(state s) { return s == state::connecting || s == state::writing || s == state::awaiting; }

} // namespace

publisher::publisher(std::vector<target> targets, publish_request request, publish_options options)
    : targets_(std::move(targets))
    , request_(std::move(request))
    , options_(options)
    , epoll_fd_(epoll_create1(EPOLL_CLOEXEC))
    , conns_(std::max<std::size_t>(1, options.connections))
    , read_buffer_(16 * 1024)
{
    for (std::size_t i = 0; i < conns_.size(); ++i)
        conns_[i].index = static_cast<std::uint32_t>(i);
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
        if (c.st == state::idle && may_send(now))
            send_next(c);
    }
    bool const finished = started_ >= options_.events || now >= deadline_ns_
        || std::all_of(conns_.begin(), conns_.end(), [](connection const& c) { return c.st == state::dead; });
    if (finished && std::none_of(conns_.begin(), conns_.end(), [](connection const& c) { return busy(c.st); }))
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
    // With every connection busy only an answer can start the next send: sleep until one comes.
    bool const can_send_now = std::any_of(conns_.begin(), conns_.end(), [](connection const& c) {
        return c.st == state::idle || c.st == state::closed;
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
    c.fd = start_connect(spread(targets_, c.index));
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

void publisher::send_next(connection& c)
{
    auto const sent_us = now_us();
    c.sent_us = sent_us;
    c.begin(request_.build(c.out, payload_fields{c.index, ++c.seq, sent_us}));
    ++started_;
    if (progress_.first_sent_us.load(std::memory_order_relaxed) == 0)
        progress_.first_sent_us.store(sent_us, std::memory_order_relaxed);
    progress_.last_sent_us.store(sent_us, std::memory_order_relaxed);
    c.st = state::writing;
    flush(c);
}

void publisher::flush(connection& c)
{
    while (c.out_sent < c.out_size) {
        auto const n = send(c.fd, c.out.data() + c.out_sent, c.out_size - c.out_sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EAGAIN)
            return; // EPOLLOUT resumes
        if (n <= 0) {
            on_broken(c);
            return;
        }
        c.out_sent += static_cast<std::size_t>(n);
    }
    c.st = state::awaiting;
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
        c.st = state::idle;
        c.reconnects = 0;
        if (may_send(now_ns()))
            send_next(c);
        return;
    }
    if (c.st == state::writing && (events & EPOLLOUT))
        flush(c);
    if (events & (EPOLLIN | EPOLLERR | EPOLLHUP))
        on_readable(c);
}

void publisher::on_readable(connection& c)
{
    if (c.fd < 0)
        return;
    auto const n = read(c.fd, read_buffer_.data(), read_buffer_.size());
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0 || c.st != state::awaiting) {
        on_broken(c);
        return;
    }
    switch (c.on_response_bytes({read_buffer_.data(), static_cast<std::size_t>(n)})) {
    case connection::reading::broken:
        on_broken(c);
        break;
    case connection::reading::done:
        on_response_done(c);
        break;
    case connection::reading::more:
        break;
    }
}

void publisher::on_response_done(connection& c)
{
    bool const ok = c.status() / 100 == 2;
    ++(ok ? acked_ : failed_);
    if (ok)
        round_trip_.record(now_us() - c.sent_us);
    if (!c.keep_alive()) {
        close(c.fd);
        c.fd = -1;
        c.st = state::closed;
        return;
    }
    c.st = state::idle;
    if (may_send(now_ns()))
        send_next(c);
}

void publisher::on_broken(connection& c)
{
    if (c.st == state::writing || c.st == state::awaiting)
        ++failed_; // the event may or may not have been published
    close(c.fd);
    c.fd = -1;
    c.st = state::closed;
}

} // namespace loadgen
