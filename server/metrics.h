// Counters of the server, rendered in the Prometheus text format (internal to server/).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

namespace wulian::server {

inline constexpr std::array<double, 10> kSecondsBuckets = {0.0005, 0.001, 0.002, 0.005, 0.01,
                                                           0.02,   0.05,  0.1,   0.5,   2.0};
inline constexpr std::array<double, 10> kCountBuckets = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512};

// A histogram with fixed buckets, lock-free.
class Histogram {
 public:
  explicit Histogram(const std::array<double, 10>& bounds) : bounds_(bounds) {}
  void Observe(double value) {
    for (size_t i = 0; i < bounds_.size(); ++i) {
      if (value <= bounds_[i]) buckets_[i].fetch_add(1, std::memory_order_relaxed);
    }
    count_.fetch_add(1, std::memory_order_relaxed);
    sum_millionths_.fetch_add(static_cast<uint64_t>(value * 1e6), std::memory_order_relaxed);
  }
  std::string Render(const std::string& name, const std::string& help) const;

 private:
  const std::array<double, 10> bounds_;
  std::array<std::atomic<uint64_t>, 10> buckets_{};
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_millionths_{0};
};

struct Metrics {
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> appended_events{0};
  std::atomic<uint64_t> refused_requests{0};
  std::atomic<uint64_t> sync_batches{0};
  std::atomic<int64_t> connections{0};
  std::atomic<uint64_t> connections_refused{0};
  std::atomic<uint64_t> accept_failures{0};
  std::atomic<uint64_t> reports_dropped{0};  // waited, then found their client gone
  std::atomic<uint64_t> head_seq{0};
  std::atomic<uint64_t> views_seq{0};
  Histogram group_requests{kCountBuckets};  // append requests per synced write
  Histogram append_seconds{kSecondsBuckets};
  Histogram query_seconds{kSecondsBuckets};

  std::string Render() const;
};

}  // namespace wulian::server
