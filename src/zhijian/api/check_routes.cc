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
//     Documents (PDF, images) will come as multipart/form-data once the intake module is wired
//     in (one part "file" per document, optional part "options" with {"store": …}); until then
//     such a request is refused with 415 "checks.documents-unavailable".
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
#include "zhijian/ledger/service.h"
#include "zhijian/server/json_body.h"
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
  json::object counts{{"error", 0}, {"warning", 0}, {"suspect", 0}, {"info", 0}};
  for (const auto& f : o.findings) {
    findings.push_back(checks::FindingJson(f, rules));
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

Result<Response> RunChecks(ApiContext& ctx, Request& req) {
  if (req.Header("content-type").rfind("multipart/form-data", 0) == 0) {
    return Error(
        Error::Kind::kUnsupportedMedia, "checks.documents-unavailable",
        "报告文档（PDF、图片）的检查需要 intake 模块，尚未接入；请提交 JSON 报告或报告编码",
        "checking documents (PDF, images) needs the intake module, not yet wired in; "
        "send JSON reports or report codes");
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
  router.Add(
      {Verb::post, "/api/v1/checks", "checks.run", {R::kAdmin, R::kRegulator}, bind(RunChecks)});
  router.Add(
      {Verb::get, "/api/v1/checks/{id}", "checks.get", server::AnySignedIn(), bind(GetCheck)});
}

}  // namespace zhijian::api
