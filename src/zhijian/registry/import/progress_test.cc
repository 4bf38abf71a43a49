// Tests of the CLI progress bar (cli/progress.h): silent off a terminal, throttled redraws,
// the line's content, and the final summary that is always printed.
#include "zhijian/cli/progress.h"

#include <gtest/gtest.h>
#include <stdio.h>

#include <string>

namespace zhijian::cli {
namespace {

// Captures what the bar writes.
class Capture {
 public:
  Capture() : f_(open_memstream(&buf_, &len_)) {}
  ~Capture() {
    if (f_) fclose(f_);
    free(buf_);
  }
  std::FILE* file() { return f_; }
  std::string text() {
    fflush(f_);
    return std::string(buf_, len_);
  }

 private:
  char* buf_ = nullptr;
  size_t len_ = 0;
  std::FILE* f_;
};

TEST(ProgressBar, SilentWhenNotATerminalButSummaryAlways) {
  Capture out;
  double now = 0;
  ProgressBar::Options o;
  o.out = out.file();
  o.tty = 0;
  o.now_seconds = [&now] { return now; };
  ProgressBar bar("import caps.csv", o);
  for (int i = 1; i <= 100; ++i) {
    now += 0.5;
    bar.Update(i * 10, 1000, i * 1000);
  }
  EXPECT_EQ(out.text(), "");
  EXPECT_EQ(bar.draws(), 0);
  bar.Finish();
  EXPECT_EQ(out.text(), "import caps.csv: 100%  100,000 rows in 50.00 s (2,000 rows/s)\n");
}

TEST(ProgressBar, RedrawsAtMostTenTimesASecondOnATerminal) {
  Capture out;
  double now = 0;
  ProgressBar::Options o;
  o.out = out.file();
  o.tty = 1;
  o.width = 10;
  o.now_seconds = [&now] { return now; };
  ProgressBar bar("import", o);
  // 1000 updates over 2 seconds: at most 2 / 0.1 + 1 draws.
  for (int i = 1; i <= 1000; ++i) {
    now = i * 0.002;
    bar.Update(i, 1000, i);
  }
  EXPECT_GE(bar.draws(), 19);
  EXPECT_LE(bar.draws(), 21);
  const std::string text = out.text();
  EXPECT_EQ(text[0], '\r');
  EXPECT_EQ(text.find('\n'), std::string::npos);
  bar.Finish("done");
  const std::string all = out.text();
  EXPECT_NE(all.find("\r\033[Kimport: done\n"), std::string::npos);
}

TEST(ProgressBar, LineShowsPercentRateAndEta) {
  ProgressBar::Options o;
  o.tty = 0;
  o.width = 10;
  ProgressBar bar("import x", o);
  EXPECT_EQ(bar.Line(250, 1000, 50000, 2.0),
            "import x [##--------] 25.0%  50,000 rows  25,000 rows/s  ETA 0:06");
  EXPECT_EQ(bar.Line(0, 0, 0, 0), "import x [----------]   ?%  0 rows");
  EXPECT_EQ(bar.Line(1, 100, 1, 40.0).substr(bar.Line(1, 100, 1, 40.0).rfind("ETA")),
            "ETA 1:06:00");
  EXPECT_EQ(ProgressBar::Grouped(1234567), "1,234,567");
  EXPECT_EQ(ProgressBar::Grouped(999), "999");
  EXPECT_EQ(ProgressBar::Grouped(-1000), "-1,000");
}

}  // namespace
}  // namespace zhijian::cli
