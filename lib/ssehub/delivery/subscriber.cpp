#include "ssehub/delivery/subscriber.hpp"

#include "ssehub/delivery/write_now.hpp"
#include "ssehub/sse/sse_encoder.hpp"

#include <boost/asio/bind_allocator.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include <climits>

namespace ssehub {
namespace {

// One gathered write carries at most this much; more simply takes another write. As many
// buffers as one sendmsg takes (write_now): a 1 000-frame replay is one system call.
constexpr std::size_t max_batch_buffers = IOV_MAX;
constexpr std::size_t max_batch_bytes = 256 * 1024;
constexpr std::string_view heartbeat_bytes = ":\n\n";

} // namespace

subscriber::subscriber(tcp_socket socket, stream_context& context, topic_filter topics, subscription_start start,
                       std::string preamble, connection_slot slot, clock::time_point expires)
    : socket_(std::move(socket))
    , slot_(std::move(slot))
    , ctx_(context)
    , topics_(std::move(topics))
    , head_(std::move(preamble))
    , replay_(start.replay.empty() ? nullptr : std::make_unique<replay_state>(replay_state{std::move(start.replay), 0}))
    , cursor_(start.live_from)
    , accounted_(start.live_from)
    , started_(clock::now())
    , last_write_(context.options.clock())
    , expires_(expires)
{
    boost::system::error_code ec;
    if (spdlog::should_log(spdlog::level::info)) // only the end-of-stream line needs it: a syscall saved
        remote_ = std::make_unique<tcp::endpoint>(socket_.remote_endpoint(ec));
    if (!socket_.non_blocking()) // the session usually set it already (each set is an ioctl)
        socket_.non_blocking(true, ec); // write_more() writes directly and falls back to async
    // Bounds what a client that stops reading holds in the kernel: autotuning would let it
    // grow to tcp_wmem's maximum, beyond client_queue_bytes and out of our accounting.
    if (auto const bytes = context.options.send_buffer_bytes; bytes > 0)
        socket_.set_option(net::socket_base::send_buffer_size(static_cast<int>(bytes)), ec);
}

void subscriber::start()
{
    watch_peer();
    write_more();
}

void subscriber::watch_peer()
{
    // A browser never sends anything after its GET, so readability means it closed (or broke
    // the protocol): either way the stream ends now instead of at the next failed write. A
    // peeking receive rather than a wait: on a stale edge (the request bytes the session has
    // read since) the reactor retries the receive itself, where a wait would wake this stream
    // for nothing and re-arm the descriptor (two system calls more per stream).
    auto const memory = handler_memory_allocator<void, watch_bytes>(watch_memory_);
    socket_.async_receive(net::buffer(&peeked_, 1), tcp_socket::message_peek,
                          net::bind_allocator(memory, [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                              if (self->closed_ || ec == net::error::operation_aborted)
                                  return;
                              self->close("peer closed"); // end of stream, an error, or a byte after the request
                          }));
}

void subscriber::on_window_grew()
{
    if (closed_)
        return;
    if (cursor_ < ctx_.window.first()) {
        hub_counters::add(ctx_.counters.lag_disconnects);
        close("lagged behind the ring");
        return;
    }
    for (auto id = std::max(accounted_, ctx_.window.first()); id < ctx_.window.next(); ++id) {
        auto const& f = ctx_.window.at(id);
        if (topics_.matches(f.topic)) {
            pending_bytes_ += f.bytes.size();
            ++pending_frames_;
        }
    }
    accounted_ = std::max(accounted_, ctx_.window.next());
    // Start writing first: what the kernel takes at once, and the batch in flight, are not
    // waiting. The bound applies to what is left behind them.
    write_more();
    if (closed_)
        return;
    auto const in_flight = writing_ ? batch_bytes_ : 0;
    auto const queued_bytes = pending_bytes_ - std::min(pending_bytes_, in_flight);
    auto const queued_frames = pending_frames_ - std::min<std::size_t>(pending_frames_, writing_ ? batch_frames_ : 0);
    auto const& opt = ctx_.options;
    hub_counters::raise_to(ctx_.counters.queue_high_water_bytes, queued_bytes);
    if (queued_bytes > opt.queue_bytes || queued_frames > opt.queue_frames) {
        // Over its bound: cut rather than buffer without limit. The client reconnects with
        // Last-Event-ID and catches up from the ring while it stays within it.
        hub_counters::add(ctx_.counters.slow_disconnects);
        cut("slow client over its queue bound");
    }
}

void subscriber::on_sweep(clock::time_point now)
{
    if (closed_)
        return;
    if (now >= expires_ && !ending_) {
        // The token was checked when the stream opened; past its exp the stream must not go
        // on. A graceful end with a retry: brings the browser back through the page, which can
        // get a fresh token (this one is refused from now on).
        finish(sse::encode_comment("token expired")
               + sse::encode_retry(static_cast<std::uint64_t>(ctx_.options.retry.count())));
        return;
    }
    if (writing_) {
        if (now - write_started_ > ctx_.options.write_timeout) {
            hub_counters::add(ctx_.counters.stalled_disconnects);
            cut("write stalled");
        }
        return;
    }
    if (now - last_write_ >= ctx_.options.heartbeat) {
        heartbeat_due_ = true;
        write_more();
    }
}

void subscriber::finish(std::string last_words)
{
    if (closed_ || ending_)
        return;
    // What the shard holds now is what this stream still owes its client (at shutdown: every
    // acknowledged event); what arrives later would only delay the end (an expired token).
    ending_ = std::make_unique<ending>(ending{std::move(last_words), ctx_.window.next()});
    write_more(); // a write in flight continues, and writes the rest when it completes
}

void subscriber::leap_to(std::uint64_t first)
{
    // Its frames not yet written, and those of a write in flight (whose buffers point into
    // them), move from the old window to replay_: that keeps them alive, and they go first.
    // A batch in flight is [replay_->pos, + batch_replay_) then its window frames: in kept, it
    // stays the front.
    std::vector<frame_ptr> kept;
    if (replay_)
        kept.assign(replay_->frames.begin() + static_cast<std::ptrdiff_t>(replay_->pos), replay_->frames.end());
    for (auto id = std::max(cursor_, ctx_.window.first()); id < ctx_.window.next(); ++id)
        if (auto const& f = ctx_.window.ptr(id); topics_.matches(f->topic))
            kept.push_back(f);
    replay_ = kept.empty() ? nullptr : std::make_unique<replay_state>(replay_state{std::move(kept), 0});
    if (writing_) {
        batch_replay_ += batch_frames_;
        batch_frames_ = 0;
        batch_bytes_ = 0;
        batch_end_ = first;
    }
    cursor_ = accounted_ = first;
    pending_bytes_ = pending_frames_ = 0; // what was waiting is in replay_ now
}

bool subscriber::gather(std::vector<net::const_buffer>& out)
{
    out.clear();
    batch_replay_ = batch_bytes_ = batch_frames_ = 0;
    batch_last_ = false;
    batch_end_ = cursor_;
    if (!head_.empty())
        out.push_back(net::buffer(head_));
    if (replay_)
        for (auto i = replay_->pos; i < replay_->frames.size() && out.size() < max_batch_buffers; ++i, ++batch_replay_)
            out.push_back(net::buffer(replay_->frames[i]->bytes));
    auto const next = ending_ ? std::min(ctx_.window.next(), ending_->window_end) : ctx_.window.next();
    std::size_t bytes = 0;
    for (; batch_end_ < next && out.size() < max_batch_buffers && bytes < max_batch_bytes; ++batch_end_) {
        auto const& f = ctx_.window.at(batch_end_);
        if (!topics_.matches(f.topic))
            continue;
        out.push_back(net::buffer(f.bytes));
        bytes += f.bytes.size();
        ++batch_frames_;
    }
    batch_bytes_ = bytes;
    // Last words only behind the last acknowledged event: a publish answered 202 before the
    // shutdown reaches every stream that can take it.
    bool const replay_done = !replay_ || replay_->pos + batch_replay_ == replay_->frames.size();
    if (ending_ && replay_done && batch_end_ == next
        && out.size() < max_batch_buffers) {
        out.push_back(net::buffer(ending_->last_words));
        batch_last_ = true;
    }
    if (out.empty() && heartbeat_due_)
        out.push_back(net::buffer(heartbeat_bytes));
    return !out.empty();
}

void subscriber::write_more()
{
    // The common case costs one writev and no allocation: the batch is gathered into the
    // shard's scratch list and written at once on the non-blocking socket. Only what the
    // kernel does not take goes through an asynchronous write with a list of its own.
    while (!writing_ && !closed_) {
        auto& scratch = ctx_.scratch;
        if (!gather(scratch)) {
            cursor_ = batch_end_; // only frames of other topics: skipped
            return;
        }
        heartbeat_due_ = false;
        auto const total = net::buffer_size(scratch);
        boost::system::error_code ec;
        auto const written = write_now(socket_, scratch, ec);
        if (ec) {
            close("write failed");
            return;
        }
        if (written == total) {
            complete_batch(written);
            continue;
        }
        // Keep what is left (the frames stay alive: the window and replay_ hold them).
        // Kept by the operation, which copies the list: an idle stream holds none.
        std::vector<net::const_buffer> rest;
        unwritten_part(scratch, written, rest);
        writing_ = true;
        write_started_ = ctx_.options.clock(); // ctx_.now may be a sweep period old in a completion
        net::async_write(socket_, rest,
                         [self = shared_from_this(), written](boost::system::error_code ec, std::size_t n) {
                             self->on_written(ec, written + n);
                         });
        return;
    }
}

void subscriber::on_written(boost::system::error_code ec, std::size_t bytes)
{
    writing_ = false;
    if (closed_)
        return;
    if (ec) {
        close("write failed");
        return;
    }
    complete_batch(bytes);
    write_more();
}

void subscriber::complete_batch(std::size_t bytes)
{
    auto& counters = ctx_.counters;
    hub_counters::add(counters.bytes_written, bytes);
    hub_counters::add(counters.frames_delivered, batch_frames_ + batch_replay_);
    frames_sent_ += batch_frames_ + batch_replay_;
    bytes_sent_ += bytes;
    last_write_ = ctx_.now;
    if (batch_last_) {
        close("finished");
        return;
    }
    if (!head_.empty())
        std::string().swap(head_);
    if (replay_ && (replay_->pos += batch_replay_) == replay_->frames.size())
        replay_.reset();
    cursor_ = batch_end_;
    pending_bytes_ -= std::min(pending_bytes_, batch_bytes_);
    pending_frames_ -= std::min<std::size_t>(pending_frames_, batch_frames_);
}

void subscriber::close(char const* why) { end(why, false); }

void subscriber::cut(char const* why)
{
    // Linger 0: close() drops what the kernel still queues and sends a reset, so the client
    // learns of the cut at once instead of first reading megabytes of stale events, and the
    // socket does not sit in FIN-WAIT-1 holding them. The browser reconnects with
    // Last-Event-ID and catches up from the ring.
    end(why, true);
}

void subscriber::end(char const* why, bool abortive)
{
    if (closed_)
        return;
    closed_ = true;
    boost::system::error_code ec;
    if (abortive)
        socket_.set_option(net::socket_base::linger(true, 0), ec);
    else if (ending_)
        socket_.shutdown(tcp_socket::shutdown_send, ec);
    if (spdlog::should_log(spdlog::level::info)) { // formatting the address costs (inet_ntop): skip it unused
        auto const ms = std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - started_).count();
        spdlog::info("stream end path=/events status=200 bytes={} events={} duration_ms={} client={}:{} reason=\"{}\"",
                     bytes_sent_, frames_sent_, ms, remote_ ? remote_->address().to_string() : std::string("-"), remote_ ? remote_->port() : 0, why);
    }
    socket_.close(ec);
    ctx_.remove(*this);
}

} // namespace ssehub
