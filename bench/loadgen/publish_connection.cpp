#include "publish_connection.hpp"

#include <algorithm>
#include <cstring>

namespace loadgen {

publish_connection::publish_connection(std::size_t window_)
    : window(std::max<std::size_t>(1, window_))
    , sent_at_(window)
    , out_(window * max_request_bytes)
{
}

std::span<char> publish_connection::room()
{
    if (out_.size() - out_size_ < max_request_bytes && out_sent_ > 0) {
        // Unsent bytes belong to requests in flight, at most in_flight * max_request_bytes.
        std::memmove(out_.data(), out_.data() + out_sent_, out_size_ - out_sent_);
        out_size_ -= out_sent_;
        out_sent_ = 0;
    }
    return {out_.data() + out_size_, out_.size() - out_size_};
}

void publish_connection::queued(std::size_t n, std::int64_t sent_us)
{
    out_size_ += n;
    sent_at_[(oldest_ + in_flight) % window] = sent_us;
    ++in_flight;
}

std::int64_t publish_connection::answered()
{
    auto const sent_us = sent_at_[oldest_];
    oldest_ = (oldest_ + 1) % window;
    --in_flight;
    return sent_us;
}

void publish_connection::sent(std::size_t n)
{
    out_sent_ += n;
    if (out_sent_ == out_size_)
        out_sent_ = out_size_ = 0;
}

void publish_connection::restart(int new_fd)
{
    fd = new_fd;
    in_flight = 0;
    oldest_ = 0;
    out_size_ = out_sent_ = 0;
    wants_out = false;
    responses.reset();
}

} // namespace loadgen
