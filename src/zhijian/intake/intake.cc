#include "zhijian/intake/intake.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <utility>

#include "zhijian/base/digest.h"
#include "zhijian/intake/normalize.h"
#include "zhijian/ledger/registration.h"

namespace zhijian::intake {
namespace {

size_t TextChars(const PageText& page) {
  size_t n = 0;
  for (const Word& w : page.words) n += RemoveAllSpaces(w.text).size();
  return n;
}

// Words of an image, in points of the page.
PageText FromOcr(const std::vector<Word>& words, const GrayImage& image) {
  PageText page;
  page.ocr = true;
  const double k = 72.0 / (image.dpi > 0 ? image.dpi : 300.0);
  page.width = image.width * k;
  page.height = image.height * k;
  page.words.reserve(words.size());
  for (const Word& w : words) {
    Word p = w;
    p.box = {w.box.x0 * k, w.box.y0 * k, w.box.x1 * k, w.box.y1 * k};
    page.words.push_back(std::move(p));
  }
  return page;
}

// Sparse text of a horizontal band of the page (rows [y0, y0 + height)) that the page pass did
// not read (no overlap with its words), added as lines of their own.
void AddBandWords(Ocr& ocr, const GrayImage& image, int y0, int height, std::vector<Word>* words) {
  y0 = std::clamp(y0, 0, image.height);
  height = std::clamp(height, 0, image.height - y0);
  if (height < 8) return;
  GrayImage band;
  band.width = image.width;
  band.height = height;
  band.dpi = image.dpi;
  const auto from = image.pixels.begin() + static_cast<long>(band.width) * y0;
  band.pixels.assign(from, from + static_cast<long>(band.width) * band.height);
  auto extra = ocr.Recognize(band, OcrMode::kSparse);
  if (!extra) return;  // the page pass stands on its own
  int next_line = 0;
  for (const Word& w : *words) next_line = std::max(next_line, w.line + 1);
  for (Word w : *extra) {
    w.box.y0 += y0;
    w.box.y1 += y0;
    bool overlaps = false;
    for (const Word& o : *words) {
      const double ix = std::min(o.box.x1, w.box.x1) - std::max(o.box.x0, w.box.x0);
      const double iy = std::min(o.box.y1, w.box.y1) - std::max(o.box.y0, w.box.y0);
      if (ix > 0 && iy > 0) {
        overlaps = true;
        break;
      }
    }
    if (overlaps) continue;
    w.line = w.line < 0 ? -1 : next_line + w.line;
    words->push_back(std::move(w));
  }
}

}  // namespace

Ocr& DefaultOcr() {
  static const std::unique_ptr<Ocr> ocr = MakeTesseractOcr();
  return *ocr;
}

const char* FactsSourceName(checks::FactsSource source) {
  switch (source) {
    case checks::FactsSource::kTextPdf:
      return "text-pdf";
    case checks::FactsSource::kScan:
      return "scan";
    case checks::FactsSource::kRegistration:
      return "registration";
  }
  return "";
}

Result<std::vector<PageText>> ReadPages(std::string bytes, const Options& options) {
  ZJ_ASSIGN_OR_RETURN(auto doc, OpenDocument(std::move(bytes), options.limits));
  std::vector<PageText> pages;
  for (int i = 0; i < doc->page_count(); ++i) {
    ZJ_ASSIGN_OR_RETURN(PageText text, doc->Text(i));
    const bool has_text = TextChars(text) >= static_cast<size_t>(options.min_text_chars);
    if ((has_text && !options.force_ocr) || !options.allow_ocr) {
      pages.push_back(std::move(text));
      continue;
    }
    ZJ_ASSIGN_OR_RETURN(GrayImage image, doc->Image(i, options.ocr_dpi));
    Ocr& ocr = options.ocr ? *options.ocr : DefaultOcr();
    auto words = ocr.Recognize(image);
    if (!words) return std::move(words).error().WithDetail("page " + std::to_string(i + 1));
    if (options.header_pass) {
      // Page 1's top quarter: the certificate number under the CMA mark. Every page's bottom
      // tenth: the footer (报告编号, 第 x 页 共 y 页) that page layout analysis often skips at the
      // right of a line of small type.
      if (i == 0) AddBandWords(ocr, image, 0, image.height / 4, &*words);
      AddBandWords(ocr, image, image.height - image.height / 10, image.height / 10, &*words);
    }
    pages.push_back(FromOcr(*words, image));
  }
  return pages;
}

Result<Extraction> ReadBytes(std::string bytes, const Options& options) {
  const Sha256Digest digest = Sha256(bytes);
  ZJ_ASSIGN_OR_RETURN(std::vector<PageText> pages, ReadPages(std::move(bytes), options));
  std::vector<PageLayout> layouts;
  layouts.reserve(pages.size());
  bool ocr = false;
  for (const PageText& p : pages) {
    layouts.push_back(BuildLayout(p));
    ocr |= p.ocr;
  }
  Extraction ex = ExtractFields(layouts);
  ex.facts.report.document_sha256 = digest;
  ex.facts.source = ocr ? checks::FactsSource::kScan : checks::FactsSource::kTextPdf;
  // A report shows at least a number, a sample, a client or results; two of the core fields.
  int core = 0;
  for (const char* f : {"report_no", "institution_name", "client", "sample", "issue_date",
                        "test_lines", "conclusion"}) {
    auto it = ex.confidence.find(f);
    core += it != ex.confidence.end() && it->second > 0;
  }
  if (core < 2) {
    return Error(Error::Kind::kUnprocessable, "intake.not-a-report",
                 "未能识别为检验检测报告（找不到报告编号、样品、委托单位等内容）",
                 "not recognised as a test report (no report number, sample, client, ...)");
  }
  return ex;
}

checks::ReportFacts FactsForChecks(Extraction ex) {
  checks::ReportFacts facts = std::move(ex.facts);
  if (facts.source == checks::FactsSource::kScan) {
    facts.confidence = std::move(ex.confidence);
    facts.line_confidence = std::move(ex.line_confidence);
    facts.cell_confidence = std::move(ex.cell_confidence);
  }
  return facts;
}

Result<Extraction> ReadFile(const std::string& path, const Options& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    if (err == ENOENT) {
      return Error::NotFound("intake.io", "文件不存在", "no such file", path);
    }
    return Error(Error::Kind::kUnavailable, "intake.io", "文件无法读取", "the file cannot be read",
                 path + ": " + std::strerror(err));
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) {
    return Error(Error::Kind::kUnavailable, "intake.io", "文件无法读取", "the file cannot be read",
                 path);
  }
  auto r = ReadBytes(std::move(ss).str(), options);
  if (!r) return std::move(r).error().WithDetail(path);
  return r;
}

boost::json::object ExtractionToJson(const Extraction& ex) {
  const checks::ReportFacts& f = ex.facts;
  boost::json::object o;
  o["source"] = FactsSourceName(f.source);
  o["pages"] = ex.pages;
  boost::json::object reg = ledger::ReportInputToJson(f.report);
  for (const char* k : {"institution", "certificate", "conclusion", "sampling_date", "receipt_date",
                        "test_start_date", "test_end_date"}) {
    if (!reg.contains(k)) reg[k] = "";
  }
  if (!reg.contains("signatories")) reg["signatories"] = boost::json::array();
  if (!reg.contains("test_lines")) reg["test_lines"] = boost::json::array();
  for (auto& kv : reg) o[kv.key()] = kv.value();
  o["institution_name"] = f.institution_name;
  if (f.cma_mark) {
    o["cma_mark"] = *f.cma_mark;
  } else {
    o["cma_mark"] = nullptr;
  }
  o["test_category"] = f.test_category;
  o["sample_model"] = f.sample_model;
  o["sample_batch"] = f.sample_batch;
  o["approver"] = f.approver;
  o["reviewer"] = f.reviewer;
  o["chief_tester"] = f.chief_tester;
  o["page_count"] = f.page_count;
  for (const auto& [key, flag] :
       {std::pair{"seal", &f.seal}, std::pair{"page_numbering", &f.page_numbering},
        std::pair{"end_mark", &f.end_mark}, std::pair{"sample_statement", &f.sample_statement},
        std::pair{"copy_statement", &f.copy_statement}}) {
    if (*flag) {
      o[key] = **flag;
    } else {
      o[key] = nullptr;
    }
  }
  o["test_site"] = f.test_site;
  o["subcontracting"] = f.subcontracting;
  boost::json::object conf;
  for (const std::string& name : FieldNames()) {
    auto it = ex.confidence.find(name);
    conf[name] = it == ex.confidence.end() ? 0.0 : std::round(it->second * 1000) / 1000;
  }
  o["confidence"] = std::move(conf);
  boost::json::array lines;
  for (double c : ex.line_confidence) lines.push_back(std::round(c * 1000) / 1000);
  o["line_confidence"] = std::move(lines);
  boost::json::array warnings;
  for (const auto& w : ex.warnings) warnings.push_back(boost::json::value(w));
  o["warnings"] = std::move(warnings);
  boost::json::array corrections;
  for (const auto& k : ex.facts.corrections) {
    corrections.push_back(boost::json::object{
        {"field", k.field}, {"line", k.line}, {"read", k.read}, {"corrected", k.corrected}});
  }
  o["corrections"] = std::move(corrections);
  return o;
}

}  // namespace zhijian::intake
