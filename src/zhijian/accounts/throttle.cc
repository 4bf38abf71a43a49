#include "zhijian/accounts/throttle.h"

#include <algorithm>

namespace zhijian::accounts {
namespace {

std::string UserKey(std::string_view username) { return "u:" + std::string(username); }
std::string IpKey(std::string_view ip) { return "ip:" + std::string(ip); }

}  // namespace

LoginThrottle::LoginThrottle(const Clock& clock, ThrottleOptions options)
    : clock_(clock), options_(options) {
  if (options_.max_failures < 1) options_.max_failures = 1;
  if (options_.max_entries < 1) options_.max_entries = 1;
}

int64_t LoginThrottle::Check(std::string_view username, std::string_view ip) const {
  TimePoint now = clock_.Now();
  std::lock_guard<std::mutex> lock(mu_);
  int64_t wait = WaitFor(UserKey(username), now);
  if (!ip.empty()) wait = std::max(wait, WaitFor(IpKey(ip), now));
  return wait;
}

bool LoginThrottle::RecordFailure(std::string_view username, std::string_view ip) {
  TimePoint now = clock_.Now();
  std::lock_guard<std::mutex> lock(mu_);
  bool locked = FailKey(UserKey(username), now);
  if (!ip.empty()) locked = FailKey(IpKey(ip), now) || locked;
  return locked;
}

void LoginThrottle::RecordSuccess(std::string_view username) {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.erase(UserKey(username));
}

size_t LoginThrottle::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

int64_t LoginThrottle::WaitFor(const std::string& key, TimePoint now) const {
  auto it = entries_.find(key);
  if (it == entries_.end() || now >= it->second.locked_until) return 0;
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(it->second.locked_until - now);
  return (ms.count() + 999) / 1000;
}

bool LoginThrottle::IsQuiet(const Entry& e, TimePoint now) const {
  TimePoint last = std::max(e.last_activity, e.locked_until);
  return now - last > options_.window;
}

bool LoginThrottle::FailKey(const std::string& key, TimePoint now) {
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    if (entries_.size() >= options_.max_entries) MakeRoom(now);
    it = entries_.emplace(key, Entry{}).first;
  }
  Entry& e = it->second;
  if (IsQuiet(e, now)) {
    e.failures.clear();
    e.level = 0;
  }
  e.last_activity = now;
  auto horizon = now - options_.window;
  e.failures.erase(std::remove_if(e.failures.begin(), e.failures.end(),
                                  [&](TimePoint t) { return t < horizon; }),
                   e.failures.end());
  e.failures.push_back(now);
  if (e.failures.size() > static_cast<size_t>(options_.max_failures)) {
    e.failures.erase(e.failures.begin());
  }
  if (e.failures.size() < static_cast<size_t>(options_.max_failures)) return false;
  // Lock: base · 2^level, capped. The level is capped too, so the shift cannot overflow.
  std::chrono::seconds lockout = options_.max_lockout;
  if (e.level < 30)
    lockout = std::min(options_.max_lockout, options_.base_lockout * (int64_t{1} << e.level));
  e.locked_until = now + lockout;
  if (e.level < 30) ++e.level;
  return true;
}

void LoginThrottle::MakeRoom(TimePoint now) {
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (now >= it->second.locked_until && IsQuiet(it->second, now)) {
      it = entries_.erase(it);
    } else {
      ++it;
    }
  }
  if (entries_.size() < options_.max_entries) return;
  auto oldest = std::min_element(
      entries_.begin(), entries_.end(),
      [](const auto& a, const auto& b) { return a.second.last_activity < b.second.last_activity; });
  if (oldest != entries_.end()) entries_.erase(oldest);
}

}  // namespace zhijian::accounts
