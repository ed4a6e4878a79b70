#include "latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace loadgen {

int latency_histogram::index_of(std::uint64_t v)
{
    if (v < exact_below)
        return static_cast<int>(v);
    // v >> shift lies in [64, 128): the top 7 bits pick the bucket within the magnitude.
    auto const shift = static_cast<int>(std::bit_width(v)) - 7;
    auto const index = exact_below + (shift - 1) * sub_buckets + static_cast<int>((v >> shift) - sub_buckets);
    return std::min(index, bucket_count - 1);
}

std::int64_t latency_histogram::upper_edge(int index)
{
    if (index < exact_below)
        return index;
    auto const shift = (index - exact_below) / sub_buckets + 1;
    auto const top = static_cast<std::int64_t>((index - exact_below) % sub_buckets + sub_buckets);
    return ((top + 1) << shift) - 1;
}

void latency_histogram::record(std::int64_t us)
{
    auto const v = static_cast<std::uint64_t>(std::max<std::int64_t>(us, 0));
    ++buckets_[static_cast<std::size_t>(index_of(v))];
    ++count_;
    sum_ += v;
    max_ = std::max(max_, static_cast<std::int64_t>(v));
}

void latency_histogram::merge(latency_histogram const& other)
{
    for (std::size_t i = 0; i < buckets_.size(); ++i)
        buckets_[i] += other.buckets_[i];
    count_ += other.count_;
    sum_ += other.sum_;
    max_ = std::max(max_, other.max_);
}

std::int64_t latency_histogram::percentile(double q) const
{
    if (count_ == 0)
        return 0;
    auto const rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_))));
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < buckets_.size(); ++i) {
        seen += buckets_[i];
        if (seen >= rank)
            return std::min(upper_edge(static_cast<int>(i)), max_);
    }
    return max_;
}

} // namespace loadgen
