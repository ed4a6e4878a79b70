// One open SSE stream: a socket, a cursor into its shard's window and the frames it missed.
#pragma once

#include "ssehub/delivery/connection_limit.hpp"
#include "ssehub/delivery/handler_memory.hpp"
#include "ssehub/delivery/stream_context.hpp"
#include "ssehub/hub/hub.hpp"
#include "ssehub/net.hpp"

#include <boost/asio/buffer.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace ssehub {

// Lives on its shard's thread and is only touched there (that thread is its strand). It is
// driven by completion handlers rather than a coroutine so that an idle stream costs no
// coroutine frame and no timer: heartbeats and write deadlines come from the shard's sweep.
// All it sees of its shard is a stream_context (window, options, counters, now, remove).
class subscriber : public std::enable_shared_from_this<subscriber> {
public:
    using clock = std::chrono::steady_clock;

    // `expires`: when the stream's credential runs out (the sweep then ends it with a retry:
    // hint); time_point::max() for never.
    subscriber(tcp_socket socket, stream_context& context, topic_filter topics, subscription_start start,
               std::string preamble, connection_slot slot, clock::time_point expires = clock::time_point::max());

    void start();                       // begins writing and watching for the peer closing
    void on_window_grew();              // the shard pulled new frames
    void on_sweep(clock::time_point now);
    // Graceful end: what is waiting for it (replay and window, as far as its shard has
    // pulled), then last_words, then close. Still cut by the usual bounds meanwhile.
    void finish(std::string last_words);
    void close(char const* why);         // immediate end (what the kernel holds still goes out)
    // The shard replaces its window by frames from `first` on, and this stream needed none of
    // the frames the ring dropped in between: it keeps what it still needs of the old window.
    void leap_to(std::uint64_t first);

    std::uint64_t cursor() const { return cursor_; }
    topic_filter const& topics() const { return topics_; }
    std::size_t slot = 0; // index in its shard's list, kept by the shard

    // Room for the receive of watch_peer(), pending for the stream's whole life (its operation
    // is 136 bytes with Asio 1.26; handler_memory_test checks that it fits).
    static constexpr std::size_t watch_bytes = 144;

private:
    void watch_peer(); // closes the stream when the peer closes its end
    bool gather(std::vector<net::const_buffer>& out); // the next batch; false when none
    void write_more();
    void on_written(boost::system::error_code ec, std::size_t bytes);
    void complete_batch(std::size_t bytes);
    void cut(char const* why);          // abortive end of a slow client: what is queued is dropped
    void end(char const* why, bool abortive);

    // Members are ordered and sized for an idle stream's footprint (issue 17: under 1 KB per
    // idle subscriber, socket and kernel-side state aside): what only a finishing or replaying
    // stream needs, and the peer's address (only logged at info), lives behind a pointer, and
    // a write in flight keeps its rest in the operation itself.
    struct ending {
        std::string last_words;      // written after everything else
        std::uint64_t window_end = 0; // window ids from here on are not sent
    };
    struct replay_state {
        std::vector<frame_ptr> frames; // missed frames, sent before the live window
        std::size_t pos = 0;           // the first not yet written
    };

    handler_memory<watch_bytes> watch_memory_; // watch_peer()'s receive lives here
    tcp_socket socket_;
    connection_slot slot_;
    stream_context& ctx_;
    topic_filter topics_;
    std::string head_;                 // response head + stream opening
    std::unique_ptr<ending> ending_;   // set by finish()
    std::unique_ptr<replay_state> replay_; // only while there is some left to write
    std::uint64_t cursor_;             // next window id to consider
    std::uint64_t accounted_;          // window ids below this are counted in pending_*
    std::size_t pending_bytes_ = 0;
    std::size_t pending_frames_ = 0;
    std::uint64_t batch_end_ = 0;
    std::size_t batch_bytes_ = 0;
    std::uint32_t batch_replay_ = 0;   // at most max_batch_buffers each
    std::uint32_t batch_frames_ = 0;
    std::unique_ptr<tcp::endpoint> remote_; // for the end-of-stream log line: only when logged
    clock::time_point started_;
    clock::time_point last_write_;
    clock::time_point write_started_;
    clock::time_point expires_;
    std::uint64_t frames_sent_ = 0;
    std::uint64_t bytes_sent_ = 0;
    bool batch_last_ = false;          // the batch carries the last words
    bool writing_ = false;
    bool heartbeat_due_ = false;
    bool closed_ = false;
    char peeked_ = 0;                  // watch_peer()'s receive buffer (the byte stays queued)
};

} // namespace ssehub
