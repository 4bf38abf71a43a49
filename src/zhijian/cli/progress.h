// A terminal progress bar for long CLI commands (imports, generators, exports).
//
// Purpose: shows on stderr how far a job is: a bar, the percentage, items per second and the
// estimated time left, e.g.
//   import caps.csv [##########----------]  51.3%  512,000 rows  203,117 rows/s  ETA 0:02
// It redraws in place with '\r' at most 10 times a second, and only when the stream is a
// terminal: when stderr is redirected (CI, logs) nothing is drawn. `Finish` always prints one
// final summary line (on a terminal it replaces the bar).
//
// Time is injected (a seconds counter) so tests are deterministic; the default is
// std::chrono::steady_clock.
// Ownership: borrows the FILE*, which must outlive the bar. Thread-safety: one thread.
// Errors: none (write failures are ignored).
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>

namespace zhijian::cli {

class ProgressBar {
 public:
  struct Options {
    std::string unit = "rows";            // what the count counts
    std::FILE* out = stderr;              // where to draw
    int tty = -1;                         // 1/0 force; -1: isatty(fileno(out))
    std::function<double()> now_seconds;  // monotonic seconds; default steady_clock
    int width = 24;                       // bar cells
  };

  explicit ProgressBar(std::string label);
  ProgressBar(std::string label, Options options);

  // Progress: `done` of `total` (bytes or any unit; total 0 = unknown) and `count` items so far.
  // Redraws when on a terminal and at least 0.1 s passed since the last draw.
  void Update(uint64_t done, uint64_t total, int64_t count);
  // Clears the bar (terminal) and prints "LABEL: SUMMARY" + newline; when `summary` is empty,
  // "LABEL: 100%  N rows in T s (R rows/s)".
  void Finish(const std::string& summary = {});

  bool tty() const { return tty_; }
  int draws() const { return draws_; }
  double elapsed() const;

  // "1,234,567".
  static std::string Grouped(int64_t n);
  // The bar line without '\r' (for tests): label, bar, percentage, count, rate, ETA.
  std::string Line(uint64_t done, uint64_t total, int64_t count, double elapsed) const;

 private:
  std::string label_;
  Options options_;
  bool tty_ = false;
  double start_ = 0;
  double last_draw_ = -1;
  int draws_ = 0;
  size_t last_len_ = 0;
  int64_t count_ = 0;
  bool finished_ = false;
};

}  // namespace zhijian::cli
