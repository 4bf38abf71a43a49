// Internal to the report generator: drawing a planned report with cairo + pango onto a sequence
// of pages, whatever the pages are (a PDF surface, images for scans, or a recording surface that
// only counts pages). Page units are PDF points (A4: 595.28 x 841.89); a raster sink scales.
#pragma once

#include <cairo.h>

#include "zhijian/base/result.h"
#include "zhijian/intake/gen/report_gen.h"

namespace zhijian::intake::gen {

inline constexpr double kPageWidth = 595.28;
inline constexpr double kPageHeight = 841.89;

class PageSink {
 public:
  virtual ~PageSink() = default;
  // A context for the next page, in points with the origin at the top-left corner.
  virtual cairo_t* Begin() = 0;
  virtual Result<void> End() = 0;
};

// Draws `report` onto pages of `sink`, printing "共 `total` 页"; returns the number of pages.
Result<int> Draw(const PlannedReport& report, PageSink* sink, int total);

// Runs Draw once on a counting sink to learn the page count, then on `sink`.
Result<int> DrawPaged(const PlannedReport& report, PageSink* sink);

}  // namespace zhijian::intake::gen
