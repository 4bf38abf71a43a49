// Routes of 智识 (issue 5): report compliance checks for regulators. Thin: parse, call
// checks/compliance_store.h, render (checks/compliance_json.h).
//
//   POST /api/v1/checks        admin, regulator. A JSON object with exactly one of
//       "report": {…}      one report (compliance_json.h: a registration object + document fields)
//       "reports": [{…}]   up to 500 reports
//       "code": "…"        a registered report (its national code), re-checked now
//       "codes": ["…"]     up to 500 registered reports
//     and optionally "store": false (default true: the checks are stored and audited).
//     A single "report"/"code" answers with its own status (404 when the report or its
//     institution is outside the caller's scope); "reports"/"codes" answer 200 with one result
//     per item ({"index", "ok", …} or {"index", "ok": false, "error"}).
//     Or report documents as multipart/form-data (server/multipart.h): one part "file" per
//     document (PDF with a text layer, scanned PDF, PNG, JPEG, TIFF), optionally a part "store"
//     "true" (default false: documents are looked at, not kept). Each document is read by
//     intake (intake.h ReadBytes: the same path as `zhijian check FILE --hints`), its OCR
//     readings corrected against the registry as the caller may see it
//     (checks/document_hints.h) and checked; the answer
//     is 200 with one result per document in order, {"index", "file": {name, size,
//     content_type}, "ok": true, "document": <intake's ExtractionToJson: fields, confidence>,
//     <the outcome as for JSON>} or {"index", "file", "ok": false, "error"} (intake.encrypted,
//     intake.damaged, intake.empty, intake.not-a-report, intake.unknown-format, …): a bad file
//     fails alone. Limits (ApiOptions::uploads, `serve --upload-*`): 413 "checks.file-too-large",
//     "checks.too-large" (all files), "checks.too-many" (files); the route's body limit is the
//     total plus framing. Handlers run on the server's worker pool, never on an I/O thread;
//     documents of one request are read one after the other (OCR of a scanned page ≈ 2 s).
//   GET /api/v1/checks/{id}    every signed-in role, scoped (compliance_store.h GetCheck).
// And for GET /api/v1/reports/{code} (ledger_routes.cc): ReportComplianceJson, the latest
// stored check of the report as the caller may see it.
#include <boost/json.hpp>
#include <string>
#include <vector>

#include "zhijian/api/api.h"
#include "zhijian/api/request_params.h"
#include "zhijian/checks/compliance_json.h"
#include "zhijian/checks/compliance_store.h"
#include "zhijian/checks/document_hints.h"
#include "zhijian/intake/intake.h"
#include "zhijian/ledger/service.h"
#include "zhijian/server/json_body.h"
#include "zhijian/server/multipart.h"
#include "zhijian/server/problem.h"

namespace zhijian::api {
namespace {

namespace json = boost::json;
using server::Request;
using server::Response;
using server::Verb;

constexpr size_t kMaxReports = 500;

json::object ErrorJson(const Error& e) {
  json::object o{{"status", server::HttpStatusFor(e.kind())},
                 {"code", e.code()},
                 {"message_en", e.message_en()},
                 {"message_zh", e.message_zh()}};
  if (!e.detail().empty()) o["detail"] = e.detail();
  return o;
}

json::object OutcomeJson(const checks::CheckOutcome& o) {
  const checks::RuleCatalogue& rules = checks::RuleCatalogue::Compliance();
  json::array findings;
  json::object counts{
      {"error", 0}, {"warning", 0}, {"suspect", 0}, {"info", 0}, {"unconfirmed", 0}};
  for (const auto& f : o.findings) {
    findings.push_back(checks::FindingJson(f, rules));
    if (!f.confirmed) counts["unconfirmed"] = counts["unconfirmed"].as_int64() + 1;
    counts[checks::SeverityName(f.rule->severity)] =
        counts[checks::SeverityName(f.rule->severity)].as_int64() + 1;
  }
  const auto& d = o.report.report.document_sha256;
  const bool digest = d != Sha256Digest{};
  json::object out{
      {"ok", true},
      {"check_id", o.check_id > 0 ? json::value(o.check_id) : json::value(nullptr)},
      {"report", json::object{{"report_no", o.report.report.report_no},
                              {"code", o.report.code},
                              {"institution", o.report.report.institution},
                              {"issue_date", o.report.report.issue_date},
                              {"document_sha256",
                               digest ? json::value(HexEncode(std::string_view(
                                            reinterpret_cast<const char*>(d.data()), d.size())))
                                      : json::value(nullptr)}}},
      {"counts", std::move(counts)},
      {"findings", std::move(findings)}};
  if (o.institution) {
    out["institution"] =
        json::object{{"id", o.institution->id},
                     {"uscc", o.institution->uscc},
                     {"name", o.institution->name},
                     {"region_code", o.institution->region_code},
                     {"region_name", RegionDisplayName(o.institution->region_code)}};
  } else {
    out["institution"] = nullptr;
  }
  return out;
}

// The facts of a registered report the caller may see (the ledger's scoped read).
Result<checks::CheckInput> RegisteredInput(ApiContext& ctx, const Principal& viewer,
                                           const std::string& code) {
  if (ctx.ledger == nullptr) {
    return Error(Error::Kind::kUnavailable, "ledger.unavailable", "报告登记服务未启用",
                 "the report ledger is not available on this server");
  }
  ZJ_ASSIGN_OR_RETURN(ledger::ReportRecord r, ctx.ledger->reports().Get(viewer, code));
  checks::CheckInput in;
  in.report.report = r.input;
  in.report.code = r.code;
  in.report_id = r.id;
  return in;
}

std::string Lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

Error TooLarge(std::string code, std::string zh, std::string en, std::string detail) {
  return Error(Error::Kind::kPayloadTooLarge, std::move(code), std::move(zh), std::move(en),
               std::move(detail));
}

// Report documents as multipart/form-data (see the top comment).
Result<Response> RunDocumentChecks(ApiContext& ctx, Request& req) {
  const UploadLimits& limits = ctx.options.uploads;
  ZJ_ASSIGN_OR_RETURN(std::string boundary, server::MultipartBoundary(req.Header("content-type")));
  ZJ_ASSIGN_OR_RETURN(
      auto parts, server::ParseMultipart(req.body, boundary, {.max_parts = limits.max_files + 4}));
  bool store = false;
  std::vector<const server::MultipartPart*> files;
  size_t total = 0;
  for (const auto& part : parts) {
    if (part.name == "file") {
      if (part.body.size() > limits.max_file_bytes) {
        return TooLarge("checks.file-too-large", "文件过大", "a document is too large",
                        part.filename + ": " + std::to_string(part.body.size()) + " > " +
                            std::to_string(limits.max_file_bytes) + " bytes");
      }
      total += part.body.size();
      files.push_back(&part);
    } else if (part.name == "store") {
      const std::string v = Lower(part.body);
      if (v != "true" && v != "false") {
        return Error::Invalid("request.field-type", "字段类型错误", "wrong field type",
                              "store: true or false");
      }
      store = v == "true";
    } else {
      return Error::Invalid("request.unknown-field", "未知字段", "unknown field", part.name);
    }
  }
  if (files.empty()) {
    return Error::Invalid("checks.no-documents", "请上传至少一份报告文档",
                          "upload at least one report document (part \"file\")");
  }
  if (files.size() > limits.max_files) {
    return TooLarge("checks.too-many", "一次上传的文件过多", "too many documents in one request",
                    std::to_string(files.size()) + " > " + std::to_string(limits.max_files));
  }
  if (total > limits.max_total_bytes) {
    return TooLarge(
        "checks.too-large", "上传的文件总量过大", "the documents are too large together",
        std::to_string(total) + " > " + std::to_string(limits.max_total_bytes) + " bytes");
  }

  // Read every document (intake), then check those read in one call.
  std::vector<Result<intake::Extraction>> read;
  read.reserve(files.size());
  for (const auto* f : files) read.push_back(intake::ReadBytes(f->body));
  std::vector<checks::CheckInput> inputs;
  std::vector<size_t> position;
  checks::FactsCache cache;
  for (size_t i = 0; i < read.size(); ++i) {
    if (!read[i]) continue;
    // OCR readings corrected against the registry as the caller sees it, then checked with
    // their confidences (findings on unsure readings are unconfirmed).
    checks::ApplyRegistryHints(ctx.db, req.principal, &*read[i], &cache);
    inputs.push_back(checks::CheckInput{intake::FactsForChecks(*read[i]), 0});
    position.push_back(i);
  }
  checks::RunChecksOptions options;
  options.store = store;
  std::vector<Result<checks::CheckOutcome>> outcomes;
  if (!inputs.empty()) {
    ZJ_ASSIGN_OR_RETURN(outcomes, checks::RunChecks(ctx.db, ctx.clock, req.principal, req.remote_ip,
                                                    inputs, options));
  }
  std::vector<json::object> out(files.size());
  for (size_t i = 0; i < read.size(); ++i) {
    if (!read[i]) out[i] = json::object{{"ok", false}, {"error", ErrorJson(read[i].error())}};
  }
  int64_t checked = 0;
  for (size_t k = 0; k < outcomes.size(); ++k) {
    const size_t i = position[k];
    if (!outcomes[k]) {
      out[i] = json::object{{"ok", false}, {"error", ErrorJson(outcomes[k].error())}};
      continue;
    }
    out[i] = OutcomeJson(*outcomes[k]);
    out[i]["document"] = intake::ExtractionToJson(*read[i]);
    ++checked;
  }
  json::array arr;
  for (size_t i = 0; i < out.size(); ++i) {
    out[i]["index"] = static_cast<int64_t>(i);
    out[i]["file"] = json::object{{"name", files[i]->filename},
                                  {"size", static_cast<int64_t>(files[i]->body.size())},
                                  {"content_type", files[i]->content_type}};
    arr.push_back(std::move(out[i]));
  }
  return server::JsonResponse(
      json::object{{"checked", checked},
                   {"refused", static_cast<int64_t>(files.size()) - checked},
                   {"stored", store},
                   {"rules_version", checks::ComplianceVersion({})},
                   {"results", std::move(arr)}});
}

Result<Response> RunChecks(ApiContext& ctx, Request& req) {
  if (Lower(req.Header("content-type")).rfind("multipart/form-data", 0) == 0) {
    return RunDocumentChecks(ctx, req);
  }
  ZJ_ASSIGN_OR_RETURN(json::object body, server::ParseJsonObject(req));
  ZJ_ASSIGN_OR_RETURN(std::optional<bool> store, server::OptionalBool(body, "store"));
  int given = 0;
  for (const char* k : {"report", "reports", "code", "codes"}) given += body.contains(k) ? 1 : 0;
  for (const auto& [k, v] : body) {
    if (k != "report" && k != "reports" && k != "code" && k != "codes" && k != "store") {
      return Error::Invalid("request.unknown-field", "未知字段", "unknown field", std::string(k));
    }
  }
  if (given != 1) {
    return Error::Invalid("checks.bad-request", "请给出 report、reports、code 或 codes 之一",
                          "give exactly one of report, reports, code, codes");
  }
  const bool single = body.contains("report") || body.contains("code");
  // Items, in order: parsed inputs or their errors.
  std::vector<Result<checks::CheckInput>> items;
  if (body.contains("report") || body.contains("reports")) {
    std::vector<const json::value*> values;
    if (const json::value* one = body.if_contains("report")) {
      values.push_back(one);
    } else {
      const json::value& many = body.at("reports");
      if (!many.is_array()) {
        return Error::Invalid("request.field-type", "字段类型错误", "wrong field type", "reports");
      }
      for (const auto& v : many.as_array()) values.push_back(&v);
    }
    if (values.size() > kMaxReports) {
      return Error(Error::Kind::kPayloadTooLarge, "checks.too-many", "一次最多检查500份报告",
                   "at most 500 reports per request", std::to_string(values.size()));
    }
    for (const json::value* v : values) {
      Result<checks::ReportFacts> facts = checks::ReportFactsFromJson(*v);
      if (!facts) {
        items.emplace_back(facts.error());
      } else {
        items.emplace_back(checks::CheckInput{std::move(*facts), 0});
      }
    }
  } else {
    std::vector<std::string> codes;
    if (body.contains("code")) {
      ZJ_ASSIGN_OR_RETURN(std::string code, server::RequiredString(body, "code"));
      codes.push_back(std::move(code));
    } else {
      ZJ_ASSIGN_OR_RETURN(codes, server::OptionalStringList(body, "codes"));
    }
    if (codes.size() > kMaxReports) {
      return Error(Error::Kind::kPayloadTooLarge, "checks.too-many", "一次最多检查500份报告",
                   "at most 500 reports per request", std::to_string(codes.size()));
    }
    for (const auto& code : codes) items.push_back(RegisteredInput(ctx, req.principal, code));
  }
  if (single && !items[0]) return items[0].error();

  std::vector<checks::CheckInput> inputs;
  std::vector<size_t> position;
  for (size_t i = 0; i < items.size(); ++i) {
    if (!items[i]) continue;
    inputs.push_back(std::move(*items[i]));
    position.push_back(i);
  }
  checks::RunChecksOptions options;
  options.store = store.value_or(true);
  ZJ_ASSIGN_OR_RETURN(auto results, checks::RunChecks(ctx.db, ctx.clock, req.principal,
                                                      req.remote_ip, inputs, options));
  if (single) {
    if (!results[0]) return results[0].error();
    return server::JsonResponse(OutcomeJson(*results[0]));
  }
  std::vector<json::object> out(items.size());
  int64_t checked = 0, refused = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    if (!items[i]) {
      out[i] = json::object{{"ok", false}, {"error", ErrorJson(items[i].error())}};
      ++refused;
    }
  }
  for (size_t k = 0; k < results.size(); ++k) {
    const size_t i = position[k];
    if (results[k]) {
      out[i] = OutcomeJson(*results[k]);
      ++checked;
    } else {
      out[i] = json::object{{"ok", false}, {"error", ErrorJson(results[k].error())}};
      ++refused;
    }
  }
  json::array arr;
  for (size_t i = 0; i < out.size(); ++i) {
    out[i]["index"] = static_cast<int64_t>(i);
    arr.push_back(std::move(out[i]));
  }
  return server::JsonResponse(json::object{{"checked", checked},
                                           {"refused", refused},
                                           {"rules_version", checks::ComplianceVersion({})},
                                           {"results", std::move(arr)}});
}

Result<Response> GetCheck(ApiContext& ctx, Request& req) {
  ZJ_ASSIGN_OR_RETURN(int64_t id, PathId(req));
  ZJ_ASSIGN_OR_RETURN(auto conn, ctx.db.Acquire());
  ZJ_ASSIGN_OR_RETURN(checks::StoredCheck c, checks::GetCheck(conn.get(), req.principal, id));
  return server::JsonResponse(checks::StoredCheckJson(c));
}

}  // namespace

Result<json::value> ReportComplianceJson(ApiContext& ctx, const Principal& viewer,
                                         const std::string& code) {
  if (!viewer.IsAuthenticated()) return json::value(nullptr);
  ZJ_ASSIGN_OR_RETURN(auto conn, ctx.db.Acquire());
  ZJ_ASSIGN_OR_RETURN(auto check, checks::LatestCheckOfReport(conn.get(), viewer, code));
  if (!check) return json::value(json::object{{"state", "pending"}, {"check", nullptr}});
  return json::value(
      json::object{{"state", "checked"}, {"check", checks::StoredCheckJson(*check)}});
}

void RegisterCheckRoutes(server::Router& router, ApiContext& ctx) {
  using R = Role;
  auto bind = [&ctx](Result<Response> (*fn)(ApiContext&, Request&)) {
    return [&ctx, fn](Request& req) { return fn(ctx, req); };
  };
  server::Route run{
      Verb::post, "/api/v1/checks", "checks.run", {R::kAdmin, R::kRegulator}, bind(RunChecks)};
  // The documents, plus multipart framing (headers per part) and the "store" part.
  const UploadLimits& u = ctx.options.uploads;
  run.body_limit = u.max_total_bytes + 64 * 1024 + u.max_files * 1024;
  router.Add(std::move(run));
  router.Add(
      {Verb::get, "/api/v1/checks/{id}", "checks.get", server::AnySignedIn(), bind(GetCheck)});
}

}  // namespace zhijian::api
