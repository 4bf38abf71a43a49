// `zhijian intake FILE... [--json] [--dpi N] [--no-ocr]`: reads test reports (text PDFs, scanned
// PDFs, PNG/JPEG/TIFF images) into structured fields with a confidence each (intake/intake.h).
// A file that cannot be read gets a clear error and the batch goes on; the exit code is 1 when
// any file failed. --json writes one JSON object per file and line (JSON Lines), errors as
// {"file": F, "error": {"code", "message_zh", "message_en", "detail"}}.
#include <boost/json/serialize.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "zhijian/base/principal.h"
#include "zhijian/checks/compliance_store.h"
#include "zhijian/checks/document_hints.h"
#include "zhijian/cli/cli_util.h"
#include "zhijian/cli/commands.h"
#include "zhijian/intake/hints.h"
#include "zhijian/intake/intake.h"

namespace zhijian::cli {
namespace {

struct IntakeArgs {
  std::vector<std::string> files;
  bool json = false;
  int dpi = 300;
  bool no_ocr = false;
  bool layout = false;
  bool force_ocr = false;
  std::string languages;
  int psm = 0;
  double clip = -1;          // < 0: the default (TesseractOptions::clip)
  std::string numbers_lang;  // "-": do not read numbers again; "": the default
  bool hints = false;
};

// --layout: the lines and cells intake sees (cells separated by " | "), for diagnosing.
int PrintLayout(const std::string& file, const intake::Options& opt) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  auto pages = intake::ReadPages(std::move(ss).str(), opt);
  if (!pages) return Fail(pages.error(), file);
  int n = 0;
  for (const auto& p : *pages) {
    std::printf("== %s page %d (%s, %zu words)\n", file.c_str(), ++n, p.ocr ? "ocr" : "text",
                p.words.size());
    for (const auto& line : intake::BuildLayout(p).lines) {
      std::printf("%6.1f %4.1f ", line.box.y0, line.height);
      for (size_t i = 0; i < line.cells.size(); ++i) {
        std::printf("%s[%.0f]%s", i ? " | " : "", line.cells[i].box.x0, line.cells[i].text.c_str());
      }
      std::printf("\n");
    }
  }
  return 0;
}

std::string Conf(const intake::Extraction& ex, const std::string& field) {
  auto it = ex.confidence.find(field);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.2f", it == ex.confidence.end() ? 0.0 : it->second);
  return buf;
}

void PrintHuman(const std::string& file, const intake::Extraction& ex, double ms) {
  const auto& f = ex.facts;
  const auto& r = f.report;
  std::printf("%s  %s, %d page(s), %.0f ms\n", file.c_str(), intake::FactsSourceName(f.source),
              ex.pages, ms);
  auto row = [&](const char* name, const std::string& value) {
    std::printf("  %-16s %-5s %s\n", name, Conf(ex, name).c_str(), value.c_str());
  };
  row("report_no", r.report_no);
  row("institution_name", f.institution_name);
  row("institution", r.institution);
  row("certificate", r.certificate);
  row("cma_mark", f.cma_mark ? (*f.cma_mark ? "yes" : "no") : "?");
  row("client", r.client);
  row("sample", r.sample);
  row("sample_model", f.sample_model);
  row("sample_batch", f.sample_batch);
  row("test_category", f.test_category);
  row("sampling_date", r.sampling_date);
  row("receipt_date", r.receipt_date);
  row("test_start_date", r.test_start_date);
  row("test_end_date", r.test_end_date);
  row("issue_date", r.issue_date);
  row("approver", f.approver);
  row("reviewer", f.reviewer);
  row("chief_tester", f.chief_tester);
  row("conclusion", r.conclusion);
  row("page_count", std::to_string(f.page_count));
  row("test_lines", std::to_string(r.test_lines.size()) + " line(s)");
  int n = 0;
  for (const auto& l : r.test_lines) {
    std::printf("    %2d  %s | %s | %s | %s | %s | %s | %s\n", ++n, l.item.c_str(),
                l.parameter.c_str(), l.standard.c_str(), l.unit.c_str(), l.limit.c_str(),
                l.result.c_str(), l.verdict.c_str());
  }
}

int Run(const IntakeArgs& a, const std::string& db_url) {
  intake::Options opt;
  opt.ocr_dpi = a.dpi;
  opt.allow_ocr = !a.no_ocr;
  opt.force_ocr = a.force_ocr;
  std::unique_ptr<intake::Ocr> ocr;
  if (!a.languages.empty() || a.psm != 0 || a.clip >= 0 || !a.numbers_lang.empty()) {
    intake::TesseractOptions t;
    if (!a.languages.empty()) t.languages = a.languages;
    if (a.psm != 0) t.page_segmentation = a.psm;
    if (a.clip >= 0) t.clip = a.clip;
    if (!a.numbers_lang.empty()) t.numbers_languages = a.numbers_lang == "-" ? "" : a.numbers_lang;
    ocr = intake::MakeTesseractOcr(t);
    opt.ocr = ocr.get();
  }
  std::unique_ptr<store::Database> db;
  checks::FactsCache cache;
  if (a.hints) {
    auto opened = OpenDatabase(db_url);
    if (!opened) return Fail(opened.error(), "intake --hints");
    db = std::move(*opened);
  }
  int failed = 0;
  if (a.layout) {
    for (const std::string& file : a.files) failed += PrintLayout(file, opt);
    return failed == 0 ? 0 : 1;
  }
  for (const std::string& file : a.files) {
    const auto start = std::chrono::steady_clock::now();
    auto ex = intake::ReadFile(file, opt);
    if (ex && db) checks::ApplyRegistryHints(*db, Principal::Cli(), &*ex, &cache);
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (!ex) {
      ++failed;
      if (a.json) {
        const Error& e = ex.error();
        boost::json::object o{{"file", file},
                              {"error", boost::json::object{{"code", e.code()},
                                                            {"message_zh", e.message_zh()},
                                                            {"message_en", e.message_en()},
                                                            {"detail", e.detail()}}}};
        std::cout << boost::json::serialize(o) << "\n";
      } else {
        Fail(ex.error(), file);
      }
      continue;
    }
    if (a.json) {
      boost::json::object o = intake::ExtractionToJson(*ex);
      o["file"] = file;
      o["ms"] = static_cast<int64_t>(ms + 0.5);
      std::cout << boost::json::serialize(o) << "\n";
    } else {
      PrintHuman(file, *ex, ms);
    }
  }
  std::cout.flush();
  return failed == 0 ? 0 : 1;
}

}  // namespace

void AddIntakeCommand(CLI::App& app, const std::string& db_url, int* exit_code) {
  auto* cmd = app.add_subcommand(
      "intake", "read test reports (PDF, scanned PDF, PNG/JPEG/TIFF) into fields with confidences");
  auto args = std::make_shared<IntakeArgs>();
  cmd->add_option("files", args->files, "report files")->required();
  cmd->add_flag("--json", args->json, "one JSON object per file (JSON Lines)");
  cmd->add_option("--dpi", args->dpi, "OCR rendering resolution of PDF pages without text")
      ->check(CLI::Range(100, 600))
      ->capture_default_str();
  cmd->add_flag("--no-ocr", args->no_ocr, "do not OCR pages without a text layer");
  cmd->add_option("--ocr-lang", args->languages, "Tesseract languages (default: chi_sim)");
  cmd->add_option("--psm", args->psm, "Tesseract page segmentation mode (default: 3)")
      ->check(CLI::Range(1, 13));
  cmd->add_option("--ocr-clip", args->clip,
                  "seal clearing before OCR: pixels lighter than this share of ink..paper become "
                  "paper (default 0.62; 0 = off)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--ocr-numbers", args->numbers_lang,
                  "Tesseract model that reads numbers again (default eng; - = off)");
  cmd->add_flag("--ocr", args->force_ocr, "OCR every page, even one with a text layer");
  cmd->add_flag("--layout", args->layout, "print the lines and cells read (diagnostics)");
  cmd->add_flag("--hints", args->hints,
                "correct OCR readings of names and standards against the report's institution in "
                "the registry of --db (intake/hints.h)");
  cmd->callback([exit_code, args, &db_url] { *exit_code = Run(*args, db_url); });
}

}  // namespace zhijian::cli
