#include "zhijian/server/metrics.h"

#include <array>
#include <cmath>

#include <fmt/format.h>

namespace zhijian::server {
namespace {

// Upper bounds of the latency histogram, seconds.
constexpr std::array<double, 13> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                             0.1,    0.25,  0.5,    1,     2.5,  5};

// Escapes a label value: backslash, double quote and line feed.
std::string EscapeLabel(const std::string& v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// Escapes HELP text: backslash and line feed.
std::string EscapeHelp(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", v);
}

}  // namespace

void Metrics::ObserveRequest(const std::string& route, const std::string& method, unsigned status,
                             double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  // Labels are escaped at render time; a known series costs no allocation here.
  auto it = requests_.find(RequestKeyView{route, method, status});
  if (it == requests_.end()) it = requests_.emplace(RequestKey{route, method, status}, 0).first;
  ++it->second;
  auto series = latency_.find(route);
  if (series == latency_.end()) series = latency_.emplace(route, Series{}).first;
  Series& s = series->second;
  if (s.buckets.empty()) s.buckets.assign(kBuckets.size(), 0);
  ++s.count;
  s.sum += seconds;
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      ++s.buckets[i];  // stored per bucket; made cumulative in Render()
      break;
    }
  }
}

void Metrics::AddGauge(const std::string& name, const std::string& help,
                       std::function<double()> fn) {
  std::lock_guard<std::mutex> lock(mu_);
  for (Gauge& g : gauges_) {
    if (g.name == name) {  // re-registration replaces: one series per name
      g.help = help;
      g.fn = std::move(fn);
      return;
    }
  }
  gauges_.push_back(Gauge{name, help, std::move(fn)});
}

std::string Metrics::Render() const {
  std::unique_lock<std::mutex> lock(mu_);
  std::string out;
  out += "# HELP zhijian_http_requests_total HTTP requests by route, method and status.\n";
  out += "# TYPE zhijian_http_requests_total counter\n";
  for (const auto& [key, count] : requests_) {
    out +=
        fmt::format("zhijian_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n",
                    EscapeLabel(key.route), EscapeLabel(key.method), key.status, count);
  }
  out += "# HELP zhijian_http_request_duration_seconds HTTP request latency by route.\n";
  out += "# TYPE zhijian_http_request_duration_seconds histogram\n";
  for (const auto& [route, s] : latency_) {
    std::string r = EscapeLabel(route);
    uint64_t cumulative = 0;
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += s.buckets[i];
      out +=
          fmt::format("zhijian_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n",
                      r, FormatValue(kBuckets[i]), cumulative);
    }
    out +=
        fmt::format("zhijian_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n",
                    r, s.count);
    out += fmt::format("zhijian_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", r,
                       FormatValue(s.sum));
    out +=
        fmt::format("zhijian_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", r, s.count);
  }
  // Gauges are evaluated without the lock: a callback may take locks of its own.
  std::vector<Gauge> gauges = gauges_;
  lock.unlock();
  for (const Gauge& g : gauges) {
    out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n{} {}\n", g.name, EscapeHelp(g.help), g.name,
                       g.name, FormatValue(g.fn ? g.fn() : 0.0));
  }
  return out;
}

}  // namespace zhijian::server
