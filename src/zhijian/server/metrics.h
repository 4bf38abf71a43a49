// Process metrics in the Prometheus text exposition format (version 0.0.4).
//
// Purpose: counters and a latency histogram per route, plus gauges that other parts register
// as callbacks (e.g. database pool size). Rendered by GET /metrics.
//
// Thread-safety: all members are safe to call concurrently.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

namespace zhijian::server {

class Metrics {
 public:
  // Records one finished request: route name ("static", "unmatched" when none), method,
  // status code, latency in seconds.
  void ObserveRequest(const std::string& route, const std::string& method, unsigned status,
                      double seconds);
  // Registers a gauge evaluated at render time.
  void AddGauge(const std::string& name, const std::string& help, std::function<double()> fn);
  // The whole exposition, e.g. "# HELP zhijian_http_requests_total ...".
  std::string Render() const;

 private:
  struct Series {
    uint64_t count = 0;
    double sum = 0;
    std::vector<uint64_t> buckets;  // cumulative at render time
  };
  // A request counter's labels; ordered (route, method, status), compared without copies.
  struct RequestKey {
    std::string route, method;
    unsigned status = 0;
  };
  struct RequestKeyLess {
    using is_transparent = void;
    template <class A, class B>
    bool operator()(const A& a, const B& b) const {
      return std::tie(a.route, a.method, a.status) < std::tie(b.route, b.method, b.status);
    }
  };
  struct RequestKeyView {
    const std::string& route;
    const std::string& method;
    unsigned status;
  };
  mutable std::mutex mu_;
  std::map<RequestKey, uint64_t, RequestKeyLess> requests_;
  std::map<std::string, Series, std::less<>> latency_;  // route label -> histogram
  struct Gauge {
    std::string name, help;
    std::function<double()> fn;
  };
  std::vector<Gauge> gauges_;
};

}  // namespace zhijian::server
