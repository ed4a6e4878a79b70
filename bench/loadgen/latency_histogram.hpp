// Publish-to-receive latencies in microseconds, in log-linear buckets (exact below 128 us,
// then 64 buckets per power of two: within 1.6%). Recording is an array increment: no
// allocation per event. One per thread; merge() after the threads end.
#pragma once

#include <array>
#include <cstdint>

namespace loadgen {

class latency_histogram {
public:
    void record(std::int64_t us);
    void merge(latency_histogram const& other);

    std::uint64_t count() const { return count_; }
    std::int64_t max() const { return max_; }
    double mean() const { return count_ ? static_cast<double>(sum_) / static_cast<double>(count_) : 0.0; }
    // The value at quantile q (0..1]: the upper edge of the bucket that holds it, capped by max.
    std::int64_t percentile(double q) const;

private:
    static constexpr int sub_buckets = 64;
    static constexpr int exact_below = 2 * sub_buckets;
    static constexpr int magnitudes = 36;
    static constexpr int bucket_count = exact_below + magnitudes * sub_buckets;

    static int index_of(std::uint64_t v);
    static std::int64_t upper_edge(int index);

    std::array<std::uint64_t, bucket_count> buckets_{};
    std::uint64_t count_ = 0;
    std::uint64_t sum_ = 0;
    std::int64_t max_ = 0;
};

} // namespace loadgen
