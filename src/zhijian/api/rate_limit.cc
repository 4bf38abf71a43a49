#include "zhijian/api/rate_limit.h"

#include <algorithm>

namespace zhijian::api {

RateLimiter::RateLimiter(RateLimitOptions options, const Clock& clock)
    : options_(options), clock_(clock) {}

bool RateLimiter::Allow(const std::string& key, double* retry_after) {
  if (options_.per_second <= 0) return true;
  const TimePoint now = clock_.Now();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= options_.max_keys && !lru_.empty()) {
      buckets_.erase(lru_.back());
      lru_.pop_back();
    }
    lru_.push_front(key);
    it = buckets_.emplace(key, Bucket{options_.burst, now, lru_.begin()}).first;
  } else {
    lru_.splice(lru_.begin(), lru_, it->second.lru);
  }
  Bucket& b = it->second;
  const double elapsed = std::chrono::duration<double>(now - b.last).count();
  if (elapsed > 0) {
    b.tokens = std::min(options_.burst, b.tokens + elapsed * options_.per_second);
    b.last = now;
  }
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return true;
  }
  if (retry_after) *retry_after = (1.0 - b.tokens) / options_.per_second;
  return false;
}

}  // namespace zhijian::api
