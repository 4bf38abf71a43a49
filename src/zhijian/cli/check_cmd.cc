// `zhijian check FILE... [--json] [--today D] [--store] [--fail-on SEVERITY] [--quiet]` and
// `zhijian check --pending`: the report compliance checks (智识, checks/compliance_store.h)
// against the registry of --db, as the local administrator.
//
// FILE: a report as JSON (.json: one object, an array of objects, or JSON Lines; .jsonl: JSON
// Lines) in the form of checks/compliance_json.h (a registration object plus the document
// fields), or a report document (.pdf, .png, .jpg, .jpeg, .tif, .tiff) read by the intake
// module — see ReadDocument below, the one call site. Each unreadable file or malformed report is
// an error line "FILE[:LINE]: error: reason [code]"; the batch goes on. A progress bar is drawn
// on a terminal while reports are checked.
//
// Output: per report its findings with evidence and legal basis (Chinese, then English), then
// a summary; with --json one JSON object {as_of, rules_version, reports: [{file, line,
// report_no, institution, check_id, findings: [...]}], errors: [...], totals}. A finding that
// rests on an unsure OCR reading is marked unconfirmed (待核; checks/compliance.h "Certainty")
// and counted in totals.unconfirmed; it still counts for --fail-on. --store keeps
// the checks in the database (report_checks, audited); otherwise nothing is written.
// --pending instead runs the arrival checks of registered reports that have none yet
// (reports registered while no server was running), storing them.
//
// Exit codes: 0 every report was checked (whatever it found); 1 a file or report could not be
// read, or a database error; 2 usage error (CLI11); 3 every report was checked, --fail-on was
// given and some finding is that grave or graver (error > warning > suspect > info).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "zhijian/base/clock.h"
#include "zhijian/base/date.h"
#include "zhijian/checks/compliance_json.h"
#include "zhijian/checks/compliance_store.h"
#include "zhijian/checks/document_hints.h"
#include "zhijian/cli/cli_util.h"
#include "zhijian/cli/commands.h"
#include "zhijian/cli/progress.h"
#include "zhijian/intake/intake.h"

namespace zhijian::cli {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

struct CheckArgs {
  std::vector<std::string> files;
  bool json = false;
  bool store = false;
  bool pending = false;
  bool quiet = false;
  std::string today;
  std::string fail_on;
  bool hints = false;
};

// One report read from a file.
struct Item {
  std::string file;
  int64_t line = 0;  // 0: the whole file
  checks::ReportFacts facts;
};

struct ReadError {
  std::string file;
  int64_t line = 0;
  Error error;
};

std::string Where(const std::string& file, int64_t line) {
  return line > 0 ? file + ":" + std::to_string(line) : file;
}

std::string Lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

// ---- documents: the call site of the intake module (issue 5, part 1) --------------------------
// A PDF (text layer, or OCR for pages without one) or an image, read by intake into the same
// checks::ReportFacts a registration gives; documents then flow through the same checks.
// With `hints` (check --hints) OCR'd names and standard numbers are corrected against the
// registry (intake/hints.h); a registry error leaves the reading as it is.
// The facts carry the confidences of OCR readings (intake::FactsForChecks): findings resting on
// unsure ones are unconfirmed (checks/compliance.h "Certainty").
Result<checks::ReportFacts> ReadDocument(const std::string& path, store::Database* hints) {
  ZJ_ASSIGN_OR_RETURN(intake::Extraction read, intake::ReadFile(path));
  if (hints) checks::ApplyRegistryHints(*hints, Principal::Cli(), &read);
  return intake::FactsForChecks(std::move(read));
}

bool IsDocument(const std::string& ext) {
  for (const char* e : {".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff"}) {
    if (ext == e) return true;
  }
  return false;
}

void ReadJsonLines(const std::string& file, const std::string& text, std::vector<Item>* items,
                   std::vector<ReadError>* errors) {
  std::istringstream in(text);
  std::string line;
  int64_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (n == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    boost::system::error_code ec;
    json::value v = json::parse(line, ec);
    if (ec) {
      errors->push_back({file, n,
                         Error::Invalid("request.malformed-json", "JSON格式错误", "malformed JSON",
                                        ec.message())});
      continue;
    }
    auto facts = checks::ReportFactsFromJson(v, line);
    if (!facts) {
      errors->push_back({file, n, facts.error()});
      continue;
    }
    items->push_back({file, n, std::move(*facts)});
  }
}

void ReadFile(const std::string& file, std::vector<Item>* items, std::vector<ReadError>* errors,
              store::Database* hints) {
  const std::string ext = Lower(fs::path(file).extension().string());
  if (IsDocument(ext)) {
    auto facts = ReadDocument(file, hints);
    if (!facts) {
      errors->push_back({file, 0, facts.error()});
    } else {
      items->push_back({file, 0, std::move(*facts)});
    }
    return;
  }
  if (ext != ".json" && ext != ".jsonl") {
    errors->push_back({file, 0,
                       Error::Invalid("checks.unknown-file-type", "不支持的文件类型",
                                      "unsupported file type (.json, .jsonl, .pdf, images)", ext)});
    return;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    errors->push_back({file, 0,
                       Error(Error::Kind::kUnavailable, "import.unreadable", "无法读取文件",
                             "cannot read the file", file)});
    return;
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  std::string text = buf.str();
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
  if (ext == ".json") {
    boost::system::error_code ec;
    json::value v = json::parse(text, ec);
    if (!ec && v.is_object()) {
      auto facts = checks::ReportFactsFromJson(v, text);
      if (!facts) {
        errors->push_back({file, 0, facts.error()});
      } else {
        items->push_back({file, 0, std::move(*facts)});
      }
      return;
    }
    if (!ec && v.is_array()) {
      int64_t n = 0;
      for (const json::value& e : v.as_array()) {
        ++n;
        auto facts = checks::ReportFactsFromJson(e);
        if (!facts) {
          errors->push_back({file, n, facts.error().WithDetail("item " + std::to_string(n))});
        } else {
          items->push_back({file, n, std::move(*facts)});
        }
      }
      return;
    }
  }
  ReadJsonLines(file, text, items, errors);
}

int SeverityRank(std::string_view s) {
  return s == "error" ? 3 : s == "warning" ? 2 : s == "suspect" ? 1 : 0;
}

json::object ErrorJson(const Error& e) {
  json::object o{
      {"code", e.code()}, {"message_en", e.message_en()}, {"message_zh", e.message_zh()}};
  if (!e.detail().empty()) o["detail"] = e.detail();
  return o;
}

void PrintEvidence(const char* label, const checks::EvidenceList& list) {
  if (list.empty()) return;
  std::printf("      %s:", label);
  bool first = true;
  for (const auto& [name, value] : list) {
    std::printf("%s %s=%s", first ? "" : ";", name.c_str(), value.c_str());
    first = false;
  }
  std::printf("\n");
}

void PrintFinding(const checks::ComplianceFinding& f, const checks::RuleCatalogue& rules) {
  std::string where = f.field;
  if (f.line > 0) where = "line " + std::to_string(f.line) + " " + where;
  std::printf("  %-8s %-44s %s = %s\n", checks::SeverityName(f.rule->severity), f.rule->id.c_str(),
              where.c_str(), f.value.empty() ? "(empty)" : f.value.c_str());
  if (!f.confirmed) {
    std::printf("      待核：请人工核对 / unconfirmed: verify by eye (OCR confidence %.2f)\n",
                f.confidence);
  }
  std::printf("      %s\n      %s\n", f.rule->message_zh.c_str(), f.rule->message_en.c_str());
  PrintEvidence("report", f.report);
  PrintEvidence("registry", f.registry);
  std::string zh, en;
  for (const auto& b : f.basis) {
    zh += (zh.empty() ? "" : "；") + checks::CitationText(rules, b, true);
    en += (en.empty() ? "" : "; ") + checks::CitationText(rules, b, false);
  }
  std::printf("      依据 (%s): %s\n      basis: %s\n", f.basis_date.c_str(), zh.c_str(),
              en.c_str());
}

int RunPending(const CheckArgs& a, store::Database& db) {
  int64_t total = 0;
  {
    auto conn = db.Acquire();
    if (!conn) return Fail(conn.error(), "check --pending");
    auto n = checks::PendingArrivals(conn->get());
    if (!n) return Fail(n.error(), "check --pending");
    total = *n;
  }
  ProgressBar::Options o;
  o.unit = "reports";
  if (a.quiet) o.tty = 0;
  ProgressBar bar("check pending", o);
  int64_t checked = 0, findings = 0;
  while (true) {
    auto batch = checks::CheckArrivals(db, SystemClock::Instance(), 500);
    if (!batch) return Fail(batch.error(), "check --pending");
    checked += batch->checked;
    findings += batch->findings;
    bar.Update(static_cast<uint64_t>(checked), static_cast<uint64_t>(total), checked);
    if (!batch->more) break;
  }
  bar.Finish();
  if (a.json) {
    std::cout << json::serialize(json::object{{"checked", checked}, {"findings", findings}})
              << "\n";
  } else {
    std::printf(
        "%lld registered reports checked, %lld findings stored\n已检查登记报告 %lld 份，"
        "保存问题 %lld 条\n",
        static_cast<long long>(checked), static_cast<long long>(findings),
        static_cast<long long>(checked), static_cast<long long>(findings));
  }
  return 0;
}

int Run(const CheckArgs& a, const std::string& db_url) {
  auto db = OpenDatabase(db_url);
  if (!db) return Fail(db.error(), "check");
  if (a.pending) return RunPending(a, **db);
  if (a.files.empty()) {
    return Fail(Error::Invalid("checks.no-files", "请给出要检查的文件", "give files to check"),
                "check");
  }
  std::vector<Item> items;
  std::vector<ReadError> errors;
  for (const auto& f : a.files) ReadFile(f, &items, &errors, a.hints ? db->get() : nullptr);
  for (const auto& e : errors) {
    std::cerr << Where(e.file, e.line) << ": error: " << e.error.message_en() << " / "
              << e.error.message_zh()
              << (e.error.detail().empty() ? "" : " (" + e.error.detail() + ")") << " ["
              << e.error.code() << "]\n";
  }

  const checks::RuleCatalogue& rules = checks::RuleCatalogue::Compliance();
  checks::RunChecksOptions options;
  options.store = a.store;
  options.today = a.today.empty() ? ChinaDate(SystemClock::Instance().Now()) : a.today;
  ProgressBar::Options bar_options;
  bar_options.unit = "reports";
  if (a.quiet) bar_options.tty = 0;
  ProgressBar bar("check", bar_options);
  constexpr size_t kChunk = 200;
  std::vector<Result<checks::CheckOutcome>> outcomes;
  outcomes.reserve(items.size());
  for (size_t start = 0; start < items.size(); start += kChunk) {
    std::vector<checks::CheckInput> inputs;
    for (size_t i = start; i < std::min(items.size(), start + kChunk); ++i) {
      inputs.push_back(checks::CheckInput{items[i].facts, 0});
    }
    auto r = checks::RunChecks(**db, SystemClock::Instance(), Principal::Cli(), "local", inputs,
                               options);
    if (!r) return Fail(r.error(), "check");
    for (auto& o : *r) outcomes.push_back(std::move(o));
    bar.Update(outcomes.size(), items.size(), static_cast<int64_t>(outcomes.size()));
  }
  if (!items.empty()) bar.Finish(std::to_string(items.size()) + " reports");

  int worst = -1;
  std::map<std::string, int64_t> by_severity;
  int64_t total_findings = 0, unconfirmed = 0;
  json::array reports;
  for (size_t i = 0; i < items.size(); ++i) {
    const Item& item = items[i];
    const auto& o = outcomes[i];
    if (!o) {
      errors.push_back({item.file, item.line, o.error()});
      std::cerr << Where(item.file, item.line) << ": error: " << o.error().message_en() << " / "
                << o.error().message_zh() << " [" << o.error().code() << "]\n";
      continue;
    }
    for (const auto& f : o->findings) {
      worst = std::max(worst, SeverityRank(checks::SeverityName(f.rule->severity)));
      ++by_severity[checks::SeverityName(f.rule->severity)];
      unconfirmed += f.confirmed ? 0 : 1;
    }
    total_findings += static_cast<int64_t>(o->findings.size());
    if (a.json) {
      json::array findings;
      for (const auto& f : o->findings) findings.push_back(checks::FindingJson(f, rules));
      json::object r{{"file", item.file},
                     {"line", item.line},
                     {"report_no", item.facts.report.report_no},
                     {"check_id", o->check_id},
                     {"findings", std::move(findings)}};
      if (o->institution) {
        r["institution"] = json::object{{"id", o->institution->id},
                                        {"uscc", o->institution->uscc},
                                        {"name", o->institution->name},
                                        {"region_code", o->institution->region_code}};
      } else {
        r["institution"] = nullptr;
      }
      reports.push_back(std::move(r));
      continue;
    }
    std::printf("%s  %s  %s  — %zu finding%s\n", Where(item.file, item.line).c_str(),
                item.facts.report.report_no.c_str(),
                o->institution ? (o->institution->name + " (" + o->institution->uscc + ")").c_str()
                               : "(institution not in the registry)",
                o->findings.size(), o->findings.size() == 1 ? "" : "s");
    for (const auto& f : o->findings) PrintFinding(f, rules);
  }
  const bool fail = !a.fail_on.empty() && worst >= SeverityRank(a.fail_on);
  const int code = !errors.empty() ? 1 : fail ? 3 : 0;
  const int64_t checked =
      static_cast<int64_t>(items.size()) -
      std::count_if(outcomes.begin(), outcomes.end(), [](const auto& o) { return !o.ok(); });
  if (a.json) {
    json::array errs;
    for (const auto& e : errors) {
      json::object o = ErrorJson(e.error);
      o["file"] = e.file;
      o["line"] = e.line;
      errs.push_back(std::move(o));
    }
    json::object severities;
    for (const auto& [k, v] : by_severity) severities[k] = v;
    std::cout << json::serialize(json::object{
                     {"as_of", options.today},
                     {"rules_version", checks::ComplianceVersion(checks::CheckOptions{})},
                     {"reports", std::move(reports)},
                     {"errors", std::move(errs)},
                     {"totals", json::object{{"checked", checked},
                                             {"refused", static_cast<int64_t>(errors.size())},
                                             {"findings", total_findings},
                                             {"unconfirmed", unconfirmed},
                                             {"severities", std::move(severities)}}},
                     {"exit_code", code}})
              << "\n";
    return code;
  }
  std::printf("\n%lld reports checked, %lld findings (", static_cast<long long>(checked),
              static_cast<long long>(total_findings));
  bool first = true;
  for (const auto& [k, v] : by_severity) {
    std::printf("%s%s %lld", first ? "" : ", ", k.c_str(), static_cast<long long>(v));
    first = false;
  }
  std::printf("), %lld unconfirmed, %zu refused%s\n", static_cast<long long>(unconfirmed),
              errors.size(), a.store ? "; stored" : "");
  std::printf("检查报告 %lld 份，问题 %lld 条，无法读取 %zu 份\n", static_cast<long long>(checked),
              static_cast<long long>(total_findings), errors.size());
  return code;
}

}  // namespace

void AddCheckCommand(CLI::App& app, const std::string& db_url, int* exit_code) {
  auto* check = app.add_subcommand("check", "check test reports against the registry (智识)");
  auto args = std::make_shared<CheckArgs>();
  check->add_option("files", args->files,
                    "reports: .json/.jsonl (registration JSON + document fields), or documents "
                    "(.pdf, .png, .jpg, .tif: read by intake, OCR for scans)");
  check->add_flag("--json", args->json, "print one JSON object");
  check->add_flag("--hints", args->hints,
                  "correct OCR'd signatory names and standard numbers of scans against the "
                  "registry (intake/hints.h)");
  check->add_flag("--store", args->store, "store the checks in the database (audited)");
  check->add_flag("--pending", args->pending,
                  "check the registered reports not yet checked on arrival, and store them");
  check->add_option("--today", args->today,
                    "the day of the check YYYY-MM-DD (default: today in "
                    "China)");
  check->add_option("--fail-on", args->fail_on, "exit with code 3 if a finding is this grave")
      ->check(CLI::IsMember({"error", "warning", "suspect", "info"}));
  check->add_flag("--quiet", args->quiet, "no progress display");
  check->callback([args, &db_url, exit_code] { *exit_code = Run(*args, db_url); });
}

}  // namespace zhijian::cli
