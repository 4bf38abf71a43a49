// Writing the corpus: text PDFs (cairo PDF surface), scans (pages rasterised with cairo, degraded,
// encoded with Leptonica as PNG and JPEG; the JPEGs embedded in an image-only PDF), labels.
#include <cairo-pdf.h>
#include <leptonica/allheaders.h>

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "zhijian/base/date.h"
#include "zhijian/intake/gen/render_internal.h"
#include "zhijian/intake/gen/values_internal.h"
#include "zhijian/intake/intake.h"

namespace zhijian::intake::gen {
namespace {

namespace fs = std::filesystem;

Error Io(const std::string& what, const std::string& path) {
  return Error(Error::Kind::kUnavailable, "gen.io", "文件无法写入", "cannot write the file",
               what + ": " + path);
}

std::string PdfDate(const std::string& iso) { return iso.empty() ? "2000-01-01" : iso; }

// The PDF writer: one cairo PDF surface, a page per Begin/End.
class PdfSink final : public PageSink {
 public:
  PdfSink(const std::string& path, const PlannedReport& r) {
    surface_ = cairo_pdf_surface_create(path.c_str(), kPageWidth, kPageHeight);
    cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_TITLE, r.title.c_str());
    cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_CREATOR, "zhijian gen reports");
    const std::string date = PdfDate(r.facts.report.issue_date) + "T09:00:00";
    cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_CREATE_DATE, date.c_str());
    cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_MOD_DATE, date.c_str());
    cr_ = cairo_create(surface_);
  }
  ~PdfSink() override {
    if (cr_) cairo_destroy(cr_);
    if (surface_) cairo_surface_destroy(surface_);
  }
  cairo_t* Begin() override {
    cairo_save(cr_);
    return cr_;
  }
  Result<void> End() override {
    cairo_restore(cr_);
    cairo_show_page(cr_);
    return Status();
  }
  Result<void> Close() {
    cairo_destroy(cr_);
    cr_ = nullptr;
    cairo_surface_finish(surface_);
    return Status();
  }

 private:
  Result<void> Status() {
    const cairo_status_t st = cairo_surface_status(surface_);
    if (st != CAIRO_STATUS_SUCCESS)
      return Error::Internal("gen.render", cairo_status_to_string(st));
    return Ok();
  }
  cairo_surface_t* surface_ = nullptr;
  cairo_t* cr_ = nullptr;
};

struct GrayPage {
  int width = 0, height = 0;
  std::vector<uint8_t> pixels;
};

// How a scanned page is degraded.
struct Degradation {
  double skew_degrees = 0;
  int ink = 20, paper = 245;
  bool blur = false;
  double noise = 5;
  int specks = 200;
};

// Rasterises pages at `dpi` with the page's skew, then degrades them.
class RasterSink final : public PageSink {
 public:
  RasterSink(int dpi, uint64_t seed) : dpi_(dpi), seed_(seed) {}
  ~RasterSink() override { Drop(); }

  cairo_t* Begin() override {
    Drop();
    Rng rng(seed_, 7000 + pages_.size());
    d_.skew_degrees = (rng.Unit() * 2 - 1) * 1.0;
    d_.ink = static_cast<int>(rng.Range(8, 50));
    d_.paper = static_cast<int>(rng.Range(228, 252));
    d_.blur = rng.Chance(0.35);
    d_.noise = 2 + rng.Unit() * 4;
    d_.specks = static_cast<int>(rng.Range(50, 400));
    const double k = dpi_ / 72.0;
    w_ = static_cast<int>(std::lround(kPageWidth * k));
    h_ = static_cast<int>(std::lround(kPageHeight * k));
    surface_ = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w_, h_);
    cr_ = cairo_create(surface_);
    cairo_set_source_rgb(cr_, 1, 1, 1);
    cairo_paint(cr_);
    cairo_set_source_rgb(cr_, 0, 0, 0);
    cairo_scale(cr_, k, k);
    cairo_translate(cr_, kPageWidth / 2, kPageHeight / 2);
    cairo_rotate(cr_, d_.skew_degrees * M_PI / 180);
    cairo_translate(cr_, -kPageWidth / 2, -kPageHeight / 2);
    return cr_;
  }

  Result<void> End() override {
    cairo_destroy(cr_);
    cr_ = nullptr;
    cairo_surface_flush(surface_);
    if (cairo_surface_status(surface_) != CAIRO_STATUS_SUCCESS) {
      return Error::Internal("gen.render", "raster surface");
    }
    GrayPage page;
    page.width = w_;
    page.height = h_;
    page.pixels.resize(static_cast<size_t>(w_) * static_cast<size_t>(h_));
    const unsigned char* data = cairo_image_surface_get_data(surface_);
    const int stride = cairo_image_surface_get_stride(surface_);
    for (int y = 0; y < h_; ++y) {
      const auto* row = reinterpret_cast<const uint32_t*>(data + static_cast<size_t>(y) * stride);
      uint8_t* out = page.pixels.data() + static_cast<size_t>(y) * static_cast<size_t>(w_);
      for (int x = 0; x < w_; ++x) {
        const uint32_t p = row[x];
        const uint32_t r = (p >> 16) & 0xFF, g = (p >> 8) & 0xFF, b = p & 0xFF;
        out[x] = static_cast<uint8_t>((r * 299 + g * 587 + b * 114) / 1000);
      }
    }
    Degrade(&page, Rng(seed_, 9000 + pages_.size()));
    pages_.push_back(std::move(page));
    Drop();
    return Ok();
  }

  std::vector<GrayPage>& pages() { return pages_; }

 private:
  void Drop() {
    if (cr_) cairo_destroy(cr_);
    if (surface_) cairo_surface_destroy(surface_);
    cr_ = nullptr;
    surface_ = nullptr;
  }

  void Degrade(GrayPage* page, Rng rng) const {
    const int w = page->width, h = page->height;
    std::vector<uint8_t>& px = page->pixels;
    if (d_.blur) {
      std::vector<uint8_t> tmp(px.size());
      for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
          const size_t i = static_cast<size_t>(y) * w + x;
          const int l = px[x > 0 ? i - 1 : i], c = px[i], r = px[x + 1 < w ? i + 1 : i];
          tmp[i] = static_cast<uint8_t>((l + 2 * c + r + 2) / 4);
        }
      }
      for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
          const size_t i = static_cast<size_t>(y) * w + x;
          const int u = tmp[y > 0 ? i - w : i], c = tmp[i], dn = tmp[y + 1 < h ? i + w : i];
          px[i] = static_cast<uint8_t>((u + 2 * c + dn + 2) / 4);
        }
      }
    }
    const int span = d_.paper - d_.ink;
    // Noise: the sum of four random bytes is close to normal (Irwin-Hall), sd 147.8. It is put on
    // the ink and its edges, and on 2% of the paper: a scanner's background is flat (and so its
    // PNG stays a few hundred kB instead of several MB).
    const double scale = d_.noise / 147.8;
    for (uint8_t& v : px) {
      const uint64_t r = rng.Next();
      const bool ink = v < 235;
      const bool speck = ((r >> 32) & 0xFF) < 5;
      double val = d_.ink + span * (v / 255.0);
      if (ink || speck) {
        const int sum = static_cast<int>((r & 0xFF) + ((r >> 8) & 0xFF) + ((r >> 16) & 0xFF) +
                                         ((r >> 24) & 0xFF)) -
                        510;
        val += sum * scale;
      }
      v = static_cast<uint8_t>(std::clamp(std::lround(val), 0L, 255L));
    }
    for (int s = 0; s < d_.specks; ++s) {
      const int x = static_cast<int>(rng.Below(static_cast<uint64_t>(w - 3)));
      const int y = static_cast<int>(rng.Below(static_cast<uint64_t>(h - 3)));
      const int size = 1 + static_cast<int>(rng.Below(2));
      for (int dy = 0; dy < size; ++dy) {
        for (int dx = 0; dx < size; ++dx) px[static_cast<size_t>(y + dy) * w + x + dx] = 60;
      }
    }
  }

  int dpi_;
  uint64_t seed_;
  Degradation d_;
  int w_ = 0, h_ = 0;
  cairo_surface_t* surface_ = nullptr;
  cairo_t* cr_ = nullptr;
  std::vector<GrayPage> pages_;
};

struct PixDeleter {
  void operator()(PIX* p) const { pixDestroy(&p); }
};

std::unique_ptr<PIX, PixDeleter> ToPix(const GrayPage& page, int dpi) {
  std::unique_ptr<PIX, PixDeleter> pix(pixCreate(page.width, page.height, 8));
  l_uint32* data = pixGetData(pix.get());
  const l_int32 wpl = pixGetWpl(pix.get());
  for (int y = 0; y < page.height; ++y) {
    l_uint32* line = data + static_cast<size_t>(y) * static_cast<size_t>(wpl);
    const uint8_t* src = page.pixels.data() + static_cast<size_t>(y) * page.width;
    for (int x = 0; x < page.width; ++x) SET_DATA_BYTE(line, x, src[x]);
  }
  pixSetResolution(pix.get(), dpi, dpi);
  return pix;
}

Result<void> WriteFile(const std::string& path, const uint8_t* data, size_t size) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  if (!out) return Io("write", path);
  return Ok();
}

void FreeLept(void* p) { lept_free(p); }

}  // namespace

Result<void> RenderPdf(PlannedReport* report, const std::string& path) {
  PdfSink sink(path, *report);
  ZJ_ASSIGN_OR_RETURN(const int pages, DrawPaged(*report, &sink));
  auto st = sink.Close();
  if (!st) return Io("pdf", path);
  report->facts.page_count = pages;
  return Ok();
}

Result<std::vector<std::string>> RenderScan(PlannedReport* report, int dpi, uint64_t seed,
                                            const std::string& png_prefix,
                                            const std::string& pdf_path) {
  RasterSink sink(dpi, seed);
  ZJ_ASSIGN_OR_RETURN(const int pages, DrawPaged(*report, &sink));
  report->facts.page_count = pages;
  std::vector<std::string> pngs;
  PdfSink pdf(pdf_path, *report);
  int index = 0;
  for (const GrayPage& page : sink.pages()) {
    auto pix = ToPix(page, dpi);
    l_uint8* png = nullptr;
    size_t png_size = 0;
    if (pixWriteMemPng(&png, &png_size, pix.get(), 0) != 0) {
      return Error::Internal("gen.render", "png encoding");
    }
    const std::string png_path = png_prefix + "-" + std::to_string(++index) + ".png";
    auto w = WriteFile(png_path, png, png_size);
    lept_free(png);
    if (!w) return w.error();
    pngs.push_back(png_path);
    l_uint8* jpg = nullptr;
    size_t jpg_size = 0;
    if (pixWriteMemJpeg(&jpg, &jpg_size, pix.get(), 80, 0) != 0) {
      return Error::Internal("gen.render", "jpeg encoding");
    }
    // The page image: pixels for cairo, the JPEG bytes embedded as they are.
    cairo_surface_t* img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, page.width, page.height);
    unsigned char* data = cairo_image_surface_get_data(img);
    const int stride = cairo_image_surface_get_stride(img);
    for (int y = 0; y < page.height; ++y) {
      auto* row = reinterpret_cast<uint32_t*>(data + static_cast<size_t>(y) * stride);
      const uint8_t* src = page.pixels.data() + static_cast<size_t>(y) * page.width;
      for (int x = 0; x < page.width; ++x) row[x] = src[x] * 0x010101u;
    }
    cairo_surface_mark_dirty(img);
    cairo_surface_set_mime_data(img, CAIRO_MIME_TYPE_JPEG, jpg, jpg_size, FreeLept, jpg);
    cairo_t* cr = pdf.Begin();
    cairo_scale(cr, 72.0 / dpi, 72.0 / dpi);
    cairo_set_source_surface(cr, img, 0, 0);
    cairo_paint(cr);
    cairo_surface_destroy(img);
    ZJ_TRY(pdf.End());
  }
  if (!pdf.Close()) return Io("pdf", pdf_path);
  return pngs;
}

boost::json::object TruthJson(const checks::ReportFacts& facts) {
  Extraction ex;
  ex.facts = facts;
  boost::json::object o = ExtractionToJson(ex);
  for (const char* k :
       {"confidence", "line_confidence", "warnings", "source", "pages", "document_sha256"}) {
    o.erase(k);
  }
  return o;
}

Result<Summary> Generate(const checks::Snapshot& registry, const Options& options,
                         const std::function<void(const Progress&)>& progress) {
  if (options.scan_dpi != 0 && (options.scan_dpi < 150 || options.scan_dpi > 400)) {
    return Error::Invalid("gen.bad-option", "扫描分辨率应在 150 到 400 dpi 之间",
                          "scan resolution must be within 150..400 dpi");
  }
  ZJ_ASSIGN_OR_RETURN(std::vector<PlannedReport> reports, Plan(registry, options));
  std::error_code ec;
  const fs::path out(options.out_dir);
  for (const char* sub : {"pdf", "scan"}) {
    if ((std::string(sub) == "pdf" && !options.pdf) ||
        (std::string(sub) == "scan" && !options.scan)) {
      continue;
    }
    fs::create_directories(out / sub, ec);
    if (ec) return Io("mkdir", (out / sub).string());
  }
  fs::create_directories(out, ec);
  const std::string labels_path = (out / "labels.jsonl").string();
  std::ofstream labels(labels_path, std::ios::trunc);
  if (!labels) return Io("open", labels_path);
  Summary sum;
  int done = 0;
  for (PlannedReport& r : reports) {
    boost::json::object label;
    label["id"] = r.id;
    if (options.pdf) {
      const std::string rel = "pdf/" + r.id + ".pdf";
      ZJ_TRY(RenderPdf(&r, (out / rel).string()));
      label["pdf"] = rel;
      sum.files += 1;
      sum.bytes += static_cast<int64_t>(fs::file_size(out / rel, ec));
    }
    if (options.scan) {
      Rng rng(options.seed, 5000 + static_cast<uint64_t>(done));
      const int dpi =
          options.scan_dpi != 0 ? options.scan_dpi : static_cast<int>(200 + 50 * rng.Below(3));
      const std::string rel = "scan/" + r.id + ".pdf";
      ZJ_ASSIGN_OR_RETURN(auto pngs, RenderScan(&r, dpi, rng.Next(), (out / "scan" / r.id).string(),
                                                (out / rel).string()));
      label["scan"] = rel;
      boost::json::array png_rel;
      for (const auto& p : pngs) {
        png_rel.push_back(boost::json::value("scan/" + fs::path(p).filename().string()));
        sum.bytes += static_cast<int64_t>(fs::file_size(p, ec));
      }
      label["scan_png"] = std::move(png_rel);
      label["scan_dpi"] = dpi;
      sum.files += 1 + static_cast<int>(pngs.size());
      sum.bytes += static_cast<int64_t>(fs::file_size(out / rel, ec));
    }
    label["layout"] = LayoutName(r.layout);
    label["domain"] = r.domain;
    label["today"] = options.today;
    label["fields"] = TruthJson(r.facts);
    boost::json::array defects;
    for (const Defect& d : r.defects) {
      defects.push_back(
          boost::json::object{{"kind", d.kind}, {"category", d.category}, {"detail", d.detail}});
      sum.defects[d.kind] += 1;
    }
    label["defects"] = std::move(defects);
    boost::json::array expected;
    for (const auto& e : r.expected) expected.push_back(boost::json::value(e));
    label["expected"] = std::move(expected);
    boost::json::array located;
    for (const auto& e : r.expected_findings) {
      located.push_back(
          boost::json::object{{"category", e.category}, {"field", e.field}, {"line", e.line}});
    }
    label["expected_findings"] = std::move(located);
    if (!r.duplicate_of.empty()) label["duplicate_of"] = r.duplicate_of;
    labels << boost::json::serialize(label) << "\n";
    sum.layouts[LayoutName(r.layout)] += 1;
    sum.reports += 1;
    if (progress) progress({++done, static_cast<int>(reports.size())});
  }
  labels.close();
  if (!labels) return Io("write", labels_path);
  sum.files += 1;
  return sum;
}

}  // namespace zhijian::intake::gen
