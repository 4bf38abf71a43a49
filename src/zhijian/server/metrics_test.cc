#include "zhijian/server/metrics.h"

#include <gtest/gtest.h>

#include <sstream>

namespace zhijian::server {
namespace {

bool Contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

TEST(MetricsTest, CountsRequestsByLabels) {
  Metrics m;
  m.ObserveRequest("users.get", "GET", 200, 0.0003);
  m.ObserveRequest("users.get", "GET", 200, 0.002);
  m.ObserveRequest("users.get", "GET", 404, 0.7);
  std::string text = m.Render();
  EXPECT_TRUE(Contains(text, "# TYPE zhijian_http_requests_total counter\n"));
  EXPECT_TRUE(Contains(text, "# HELP zhijian_http_requests_total "));
  EXPECT_TRUE(Contains(
      text, "zhijian_http_requests_total{route=\"users.get\",method=\"GET\",status=\"200\"} 2\n"));
  EXPECT_TRUE(Contains(
      text, "zhijian_http_requests_total{route=\"users.get\",method=\"GET\",status=\"404\"} 1\n"));
}

TEST(MetricsTest, HistogramIsCumulative) {
  Metrics m;
  m.ObserveRequest("r", "GET", 200, 0.0003);  // first bucket
  m.ObserveRequest("r", "GET", 200, 0.002);   // 0.0025
  m.ObserveRequest("r", "GET", 200, 0.7);     // 1
  m.ObserveRequest("r", "GET", 200, 9);       // only +Inf
  std::string t = m.Render();
  EXPECT_TRUE(Contains(t, "# TYPE zhijian_http_request_duration_seconds histogram\n"));
  EXPECT_TRUE(
      Contains(t, "zhijian_http_request_duration_seconds_bucket{route=\"r\",le=\"0.0005\"} 1\n"));
  EXPECT_TRUE(
      Contains(t, "zhijian_http_request_duration_seconds_bucket{route=\"r\",le=\"0.001\"} 1\n"));
  EXPECT_TRUE(
      Contains(t, "zhijian_http_request_duration_seconds_bucket{route=\"r\",le=\"0.0025\"} 2\n"));
  EXPECT_TRUE(
      Contains(t, "zhijian_http_request_duration_seconds_bucket{route=\"r\",le=\"0.5\"} 2\n"));
  EXPECT_TRUE(
      Contains(t, "zhijian_http_request_duration_seconds_bucket{route=\"r\",le=\"1\"} 3\n"));
  EXPECT_TRUE(
      Contains(t, "zhijian_http_request_duration_seconds_bucket{route=\"r\",le=\"5\"} 3\n"));
  EXPECT_TRUE(
      Contains(t, "zhijian_http_request_duration_seconds_bucket{route=\"r\",le=\"+Inf\"} 4\n"));
  EXPECT_TRUE(Contains(t, "zhijian_http_request_duration_seconds_count{route=\"r\"} 4\n"));
  EXPECT_TRUE(Contains(t, "zhijian_http_request_duration_seconds_sum{route=\"r\"} 9.70"));
}

TEST(MetricsTest, EscapesLabelValues) {
  Metrics m;
  m.ObserveRequest("a\"b\\c\nd", "GET", 500, 0.1);
  EXPECT_TRUE(Contains(m.Render(), "route=\"a\\\"b\\\\c\\nd\""));
}

TEST(MetricsTest, GaugesEvaluatedAtRenderAndReplaced) {
  Metrics m;
  double value = 3;
  m.AddGauge("zhijian_db_pool_size", "Connections in the pool.", [&] { return value; });
  EXPECT_TRUE(Contains(m.Render(),
                       "# HELP zhijian_db_pool_size Connections in the pool.\n"
                       "# TYPE zhijian_db_pool_size gauge\n"
                       "zhijian_db_pool_size 3\n"));
  value = 4.5;
  EXPECT_TRUE(Contains(m.Render(), "zhijian_db_pool_size 4.5\n"));
  m.AddGauge("zhijian_db_pool_size", "Connections in the pool.", [] { return 7.0; });
  std::string t = m.Render();
  EXPECT_TRUE(Contains(t, "zhijian_db_pool_size 7\n"));
  EXPECT_EQ(t.find("# TYPE zhijian_db_pool_size"), t.rfind("# TYPE zhijian_db_pool_size"));
}

// Every line is a comment (HELP/TYPE) or "name{labels} value" / "name value".
TEST(MetricsTest, EveryLineIsWellFormed) {
  Metrics m;
  m.ObserveRequest("x", "POST", 201, 0.01);
  m.AddGauge("g", "help", [] { return 1.0; });
  std::istringstream in(m.Render());
  std::string line;
  int samples = 0;
  while (std::getline(in, line)) {
    ASSERT_FALSE(line.empty());
    if (line[0] == '#') {
      EXPECT_TRUE(line.starts_with("# HELP ") || line.starts_with("# TYPE ")) << line;
      continue;
    }
    size_t space = line.rfind(' ');
    ASSERT_NE(space, std::string::npos) << line;
    std::string value = line.substr(space + 1);
    EXPECT_NO_THROW((void)std::stod(value)) << line;
    ++samples;
  }
  EXPECT_EQ(samples, 1 + 14 + 2 + 1);
}

}  // namespace
}  // namespace zhijian::server
