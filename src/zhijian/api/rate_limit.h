// A per-key token-bucket rate limiter (keys are client addresses).
//
// Purpose: public (anonymous) endpoints are rate-limited per client address, so that code
// look-ups cannot be scraped or a login form hammered from one address.
// Memory is bounded: at most `max_keys` buckets; the least recently used are dropped.
//
// Thread-safety: Allow() is safe to call concurrently. Time comes from the injected Clock.
#pragma once

#include <chrono>
#include <cstddef>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>

#include "zhijian/base/clock.h"

namespace zhijian::api {

struct RateLimitOptions {
  double per_second = 50;  // sustained requests per second per key; 0 = no limit
  double burst = 200;      // bucket size
  size_t max_keys = 100000;
};

class RateLimiter {
 public:
  RateLimiter(RateLimitOptions options, const Clock& clock);
  // Takes one token for `key`; false (and the seconds until the next token in *retry_after)
  // when the bucket is empty.
  bool Allow(const std::string& key, double* retry_after = nullptr);

 private:
  struct Bucket {
    double tokens;
    TimePoint last;
    std::list<std::string>::iterator lru;
  };
  RateLimitOptions options_;
  const Clock& clock_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
  std::list<std::string> lru_;  // most recent at front
};

}  // namespace zhijian::api
