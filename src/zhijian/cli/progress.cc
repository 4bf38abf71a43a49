// A terminal progress bar (progress.h).
#include "zhijian/cli/progress.h"

#include <unistd.h>

#include <chrono>
#include <cmath>

namespace zhijian::cli {

namespace {
double SteadySeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string Fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string Clock(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "--:--";
  const auto s = static_cast<int64_t>(seconds + 0.5);
  const int64_t h = s / 3600, m = (s / 60) % 60, sec = s % 60;
  char buf[64];
  if (h > 0) {
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", static_cast<long long>(h),
                  static_cast<long long>(m), static_cast<long long>(sec));
  } else {
    std::snprintf(buf, sizeof buf, "%lld:%02lld", static_cast<long long>(m),
                  static_cast<long long>(sec));
  }
  return buf;
}
}  // namespace

ProgressBar::ProgressBar(std::string label) : ProgressBar(std::move(label), Options()) {}

ProgressBar::ProgressBar(std::string label, Options options)
    : label_(std::move(label)), options_(std::move(options)) {
  if (!options_.now_seconds) options_.now_seconds = &SteadySeconds;
  tty_ =
      options_.tty >= 0 ? options_.tty == 1 : (options_.out && isatty(fileno(options_.out)) == 1);
  start_ = options_.now_seconds();
}

double ProgressBar::elapsed() const { return options_.now_seconds() - start_; }

std::string ProgressBar::Grouped(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return n < 0 ? "-" + out : out;
}

std::string ProgressBar::Line(uint64_t done, uint64_t total, int64_t count, double elapsed) const {
  std::string s = label_ + " [";
  const double frac =
      total > 0 ? std::min(1.0, static_cast<double>(done) / static_cast<double>(total)) : 0.0;
  const int filled = static_cast<int>(frac * options_.width);
  s.append(static_cast<size_t>(filled), '#');
  s.append(static_cast<size_t>(options_.width - filled), '-');
  s += "] ";
  s += total > 0 ? Fixed(frac * 100, 1) + "%" : "  ?%";
  s += "  " + Grouped(count) + " " + options_.unit;
  if (elapsed > 0) {
    s += "  " + Grouped(static_cast<int64_t>(count / elapsed)) + " " + options_.unit + "/s";
  }
  if (total > 0 && done > 0 && elapsed > 0) {
    const double eta = elapsed * (static_cast<double>(total) - done) / static_cast<double>(done);
    s += "  ETA " + Clock(eta);
  }
  return s;
}

void ProgressBar::Update(uint64_t done, uint64_t total, int64_t count) {
  count_ = count;
  if (!tty_ || finished_) return;
  const double now = options_.now_seconds();
  if (last_draw_ >= 0 && now - last_draw_ < 0.1) return;
  last_draw_ = now;
  std::string line = Line(done, total, count, now - start_);
  const size_t len = line.size();
  if (len < last_len_) line.append(last_len_ - len, ' ');  // wipe a longer previous line
  last_len_ = len;
  std::fprintf(options_.out, "\r%s", line.c_str());
  std::fflush(options_.out);
  ++draws_;
}

void ProgressBar::Finish(const std::string& summary) {
  if (finished_) return;
  finished_ = true;
  if (tty_ && draws_ > 0) std::fprintf(options_.out, "\r\033[K");
  std::string text = summary;
  if (text.empty()) {
    const double t = elapsed();
    text = "100%  " + Grouped(count_) + " " + options_.unit + " in " + Fixed(t, 2) + " s";
    if (t > 0) {
      text += " (" + Grouped(static_cast<int64_t>(count_ / t)) + " " + options_.unit + "/s)";
    }
  }
  std::fprintf(options_.out, "%s: %s\n", label_.c_str(), text.c_str());
  std::fflush(options_.out);
}

}  // namespace zhijian::cli
