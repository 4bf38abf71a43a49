// Routes of 智查 (registry data quality, issue 6): stored runs and their rates per entity, field,
// region and institution; trends over runs; defect lists with filters; "mark fixed"; starting a
// run; exports (XLSX, CSV) and a printable HTML report. Thin: parse, call checks/quality_store.h
// or the QualityRunner with the caller's Principal (scope is enforced there, in SQL), render.
//
// Access: reads for every signed-in role, scoped (admin all; regulators and inspectors their
// region; institution users their own institution's findings and rows; per-region rates are not
// for institution users, 403); marking fixed for institution users (own findings) and admins;
// starting a run and the runner's status for admins and regulators (within their region). Without
// a runner (ApiContext::quality null) POST /quality/runs and /quality/status answer 503
// "quality.unavailable".
#include <boost/json.hpp>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "zhijian/api/api.h"
#include "zhijian/api/request_params.h"
#include "zhijian/base/date.h"
#include "zhijian/base/region.h"
#include "zhijian/checks/quality_runner.h"
#include "zhijian/checks/quality_store.h"
#include "zhijian/server/json_body.h"

namespace zhijian::api {
namespace {

namespace json = boost::json;
using checks::RateCounts;
using checks::RateGroup;
using server::Request;
using server::Response;
using server::Verb;

std::string Today(const ApiContext& ctx) { return ChinaDate(ctx.clock.Now()); }

// ---- labels (Chinese) of exports and the printable report ----------------------------------

const char* EntityLabel(std::string_view e) {
  if (e == "institution") return "机构";
  if (e == "certificate") return "资质认定证书";
  if (e == "capability") return "能力附表";
  if (e == "person") return "人员";
  if (e == "equipment") return "仪器设备";
  if (e == "standard") return "标准目录";
  return "";
}

const char* CategoryLabel(std::string_view c) {
  if (c == "completeness") return "完整性";
  if (c == "format") return "格式";
  if (c == "consistency") return "一致性";
  if (c == "timeliness") return "及时性";
  return "";
}

const char* SeverityLabel(std::string_view s) {
  if (s == "error") return "错误";
  if (s == "warning") return "警告";
  if (s == "suspect") return "存疑";
  if (s == "info") return "提示";
  return "";
}

const char* StateLabel(std::string_view s) {
  if (s == "open") return "待整改";
  if (s == "fixed") return "已标记整改（待复核）";
  if (s == "confirmed") return "整改已确认";
  if (s == "reopened") return "复核未通过";
  return "";
}

std::string FieldLabel(std::string_view entity, std::string_view field) {
  static const std::map<std::string, std::string, std::less<>> kLabels = {
      {"institution.address", "地址"},
      {"institution.certificates", "资质认定证书"},
      {"institution.domains", "检验检测领域"},
      {"institution.legal_form", "机构性质"},
      {"institution.legal_rep", "法定代表人"},
      {"institution.name", "机构名称"},
      {"institution.region_code", "所在地区"},
      {"institution.technical_manager", "技术负责人"},
      {"institution.quality_manager", "质量负责人"},
      {"institution.updated_at", "数据更新时间"},
      {"institution.uscc", "统一社会信用代码"},
      {"certificate.expires_on", "有效期至"},
      {"certificate.issued_on", "发证日期"},
      {"certificate.issuer", "发证机关"},
      {"certificate.number", "证书编号"},
      {"certificate.status", "证书状态"},
      {"capability.approved_on", "批准日期"},
      {"capability.category", "类别"},
      {"capability.certificate", "所属证书"},
      {"capability.item", "项目/参数"},
      {"capability.object", "产品/对象"},
      {"capability.standard_name", "标准名称"},
      {"capability.standard_no", "标准编号"},
      {"equipment.calibration_due", "检定/校准有效期"},
      {"equipment.model", "型号规格"},
      {"equipment.name", "设备名称"},
      {"equipment.serial", "出厂编号"},
      {"person.id_hash", "身份证号"},
      {"person.name", "姓名"},
      {"person.roles", "岗位"},
      {"person.signatory_fields", "授权签字领域"},
      {"person.title", "职称"},
      {"standard.effective_on", "实施日期"},
      {"standard.name", "标准名称"},
      {"standard.status", "状态"},
  };
  if (field.empty()) return "（整条记录）";
  auto it = kLabels.find(std::string(entity) + "." + std::string(field));
  return it == kLabels.end() ? std::string(field) : it->second;
}

// "《检验检测机构资质认定管理办法》第15条；…" from a rule's basis entries.
std::string BasisText(const checks::RuleDef& rule) {
  std::string out;
  for (const auto& b : rule.basis) {
    const checks::Regulation* reg =
        checks::RuleCatalogue::Quality().FindRegulation(b.regulation, b.version);
    std::string one = reg ? "《" + reg->title_zh + "》" : b.ToString();
    if (reg && !reg->instrument.empty()) one += "（" + reg->instrument + "）";
    if (!b.article.empty()) one += "第" + b.article + "条";
    out += (out.empty() ? "" : "；") + one;
  }
  return out;
}

double Round4(double v) { return std::round(v * 10000.0) / 10000.0; }

std::string Percent(double v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.2f", v * 100.0);
  return buf;
}

// The mean of the three rates over entities (docs/data-quality.md: one figure per unit).
struct MeanRates {
  double completeness = 0, correctness = 0, timeliness = 0;
  int64_t records = 0, findings = 0;
  int entities = 0;
  void Add(const RateCounts& c) {
    completeness += checks::CompletenessRate(c);
    correctness += checks::CorrectnessRate(c);
    timeliness += checks::TimelinessRate(c);
    records += c.records;
    findings += c.findings;
    ++entities;
  }
  double Mean(double sum) const { return entities ? sum / entities : 1.0; }
};

// ---- JSON --------------------------------------------------------------------------------

json::object CountsJson(const RateCounts& c) {
  return json::object{{"records", c.records},
                      {"incomplete", c.incomplete},
                      {"incorrect", c.incorrect},
                      {"untimely", c.untimely},
                      {"findings", c.findings},
                      {"completeness", Round4(checks::CompletenessRate(c))},
                      {"correctness", Round4(checks::CorrectnessRate(c))},
                      {"timeliness", Round4(checks::TimelinessRate(c))}};
}

json::value ParsedOrNull(const std::string& text) {
  if (text.empty()) return nullptr;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  return ec ? json::value(nullptr) : v;
}

json::object RunJson(const checks::RunInfo& r) {
  json::array totals;
  for (const auto& t : r.totals) {
    json::object o = CountsJson(t.counts);
    o["entity"] = t.entity;
    totals.push_back(std::move(o));
  }
  const bool whole = r.whole_run_visible;
  auto whole_only = [whole](int64_t v) { return whole ? json::value(v) : json::value(nullptr); };
  return json::object{{"id", r.id},
                      {"region_prefix", r.region_prefix},
                      {"region_name", RegionDisplayName(r.region_prefix)},
                      {"today", r.today},
                      {"rules_version", r.rules_version},
                      {"started_at", r.started_at},
                      {"finished_at", r.finished_at},
                      {"actor", whole ? json::value(r.actor) : json::value(nullptr)},
                      {"previous_run_id", OptJson(r.previous_run_id)},
                      {"whole_run_visible", whole},
                      {"institutions", whole_only(r.institutions)},
                      {"findings", whole_only(r.findings)},
                      {"new_findings", whole_only(r.new_findings)},
                      {"resolved_findings", whole_only(r.resolved_findings)},
                      {"findings_in_scope", r.findings_in_scope},
                      {"totals", totals},
                      {"summary", whole ? ParsedOrNull(r.summary) : json::value(nullptr)},
                      {"params", whole ? ParsedOrNull(r.params) : json::value(nullptr)}};
}

json::object JobJson(const checks::RunnerJob& j) {
  json::array errors;
  for (const auto& e : j.errors) {
    errors.push_back(json::object{{"code", e.code()},
                                  {"message_zh", e.message_zh()},
                                  {"message_en", e.message_en()},
                                  {"detail", e.detail()}});
  }
  json::array run_ids;
  for (int64_t id : j.run_ids) run_ids.push_back(id);
  auto opt = [](const std::string& s) { return s.empty() ? json::value(nullptr) : json::value(s); };
  return json::object{{"kind", j.kind},
                      {"actor", j.actor},
                      {"regions", JsonStrings(j.regions)},
                      {"queued_at", opt(j.queued_at)},
                      {"started_at", opt(j.started_at)},
                      {"finished_at", opt(j.finished_at)},
                      {"regions_done", static_cast<int64_t>(j.regions_done)},
                      {"run_ids", run_ids},
                      {"errors", errors}};
}

json::object StatusJson(const checks::RunnerStatus& s) {
  return json::object{
      {"busy", s.busy},
      {"current", s.current ? json::value(JobJson(*s.current)) : json::value(nullptr)},
      {"last", s.last ? json::value(JobJson(*s.last)) : json::value(nullptr)},
      {"next_sweep_at", OptJson(s.next_sweep_at)}};
}

json::object FindingJson(const checks::StoredFinding& f) {
  const checks::RuleDef* rule = checks::RuleCatalogue::Quality().Find(f.rule_id);
  return json::object{
      {"id", f.id},
      {"run_id", f.run_id},
      {"fingerprint", f.fingerprint},
      {"rule_id", f.rule_id},
      {"category", f.category},
      {"severity", f.severity},
      {"entity", f.entity},
      {"record_id", f.record_id},
      {"record_key", f.record_key},
      {"field", f.field},
      {"evidence", ParsedOrNull(f.evidence)},
      {"institution_id", OptJson(f.institution_id)},
      {"institution_name", f.institution_name},
      {"institution_uscc", f.institution_uscc},
      {"region_code", f.region_code},
      {"region_name", f.region_code.empty() ? std::string() : RegionDisplayName(f.region_code)},
      {"first_run_id", f.first_run_id},
      {"new", f.first_run_id == f.run_id},
      {"state", f.state},
      {"message_zh", rule ? rule->message_zh : std::string()},
      {"message_en", rule ? rule->message_en : std::string()},
      {"basis", rule ? BasisText(*rule) : std::string()}};
}

json::object RateRowJson(const checks::RateGroupRow& r) {
  json::object o = CountsJson(r.counts);
  o["entity"] = r.entity;
  o["field"] = r.field;
  o["region_code"] = r.region_code;
  o["region_name"] = r.region_code.empty() ? std::string() : RegionDisplayName(r.region_code);
  if (r.institution_id) {
    o["institution_id"] = r.institution_id;
    o["institution_name"] = r.institution_name;
    o["institution_uscc"] = r.institution_uscc;
  }
  return o;
}

// ---- parameters ----------------------------------------------------------------------------

bool IsRegionPrefix(const std::string& p) {
  return (p.empty() || p.size() == 2 || p.size() == 4 || p.size() == 6) &&
         p.find_first_not_of("0123456789") == std::string::npos;
}

Result<std::string> RegionParam(const Request& req) {
  ZJ_ASSIGN_OR_RETURN(std::string r, QueryText(req, "region", 6));
  if (!IsRegionPrefix(r)) return BadParameter("region");
  return r;
}

Result<std::string> EntityParam(const Request& req) {
  ZJ_ASSIGN_OR_RETURN(std::string e, QueryText(req, "entity", 20));
  if (!e.empty() && !checks::ParseEntity(e)) return BadParameter("entity");
  return e;
}

Result<int64_t> RunParam(const Request& req) {
  ZJ_ASSIGN_OR_RETURN(int64_t run, QueryInt(req, "run", 0, 1, INT64_MAX));
  if (run == 0) return BadParameter("run");
  return run;
}

Result<checks::FindingFilter> FindingFilterFrom(const Request& req) {
  checks::FindingFilter f;
  ZJ_ASSIGN_OR_RETURN(f.run_id, RunParam(req));
  ZJ_ASSIGN_OR_RETURN(f.rule_id, QueryText(req, "rule", 100));
  if (!f.rule_id.empty() && !checks::RuleCatalogue::Quality().Find(f.rule_id)) {
    return BadParameter("rule");
  }
  ZJ_ASSIGN_OR_RETURN(f.category, QueryText(req, "category", 20));
  if (!f.category.empty() && !*CategoryLabel(f.category)) return BadParameter("category");
  ZJ_ASSIGN_OR_RETURN(f.severity, QueryText(req, "severity", 20));
  if (!f.severity.empty() && !checks::ParseSeverity(f.severity)) return BadParameter("severity");
  ZJ_ASSIGN_OR_RETURN(f.entity, EntityParam(req));
  ZJ_ASSIGN_OR_RETURN(int64_t inst, QueryInt(req, "institution", 0, 1, INT64_MAX));
  if (inst) f.institution_id = inst;
  ZJ_ASSIGN_OR_RETURN(f.region_prefix, RegionParam(req));
  ZJ_ASSIGN_OR_RETURN(f.state, QueryText(req, "status", 20));
  if (!f.state.empty() && !checks::IsFindingState(f.state)) return BadParameter("status");
  return f;
}

Result<RateGroup> GroupParam(const Request& req) {
  ZJ_ASSIGN_OR_RETURN(std::string by, QueryText(req, "by", 20));
  if (by.empty() || by == "entity") return RateGroup::kEntity;
  if (by == "field") return RateGroup::kField;
  if (by == "region") return RateGroup::kRegion;
  if (by == "institution") return RateGroup::kInstitution;
  return BadParameter("by");
}

const char* GroupName(RateGroup g) {
  switch (g) {
    case RateGroup::kField:
      return "field";
    case RateGroup::kRegion:
      return "region";
    case RateGroup::kInstitution:
      return "institution";
    case RateGroup::kEntity:
      break;
  }
  return "entity";
}

Result<checks::RateQuery> RateQueryFrom(const Request& req, int64_t run_id) {
  checks::RateQuery q;
  q.run_id = run_id;
  ZJ_ASSIGN_OR_RETURN(q.group, GroupParam(req));
  ZJ_ASSIGN_OR_RETURN(q.region_prefix, RegionParam(req));
  ZJ_ASSIGN_OR_RETURN(q.entity, EntityParam(req));
  ZJ_ASSIGN_OR_RETURN(int64_t digits, QueryInt(req, "digits", 0, 0, 6));
  if (digits != 0 && digits % 2 != 0) return BadParameter("digits");
  q.child_digits = static_cast<int>(digits);
  ZJ_ASSIGN_OR_RETURN(int64_t limit, QueryInt(req, "limit", 100, 1, 1000));
  q.limit = static_cast<int>(limit);
  return q;
}

Result<checks::QualityRunner*> Runner(ApiContext& ctx) {
  if (ctx.quality == nullptr) {
    return Error(Error::Kind::kUnavailable, "quality.unavailable", "数据质量检查服务未启用",
                 "data-quality runs are not available on this server");
  }
  return ctx.quality;
}

// ---- handlers ------------------------------------------------------------------------------

Result<Response> ListRuns(ApiContext& ctx, Request& req) {
  ZJ_ASSIGN_OR_RETURN(int64_t limit, QueryInt(req, "limit", 20, 1, 200));
  ZJ_ASSIGN_OR_RETURN(auto conn, ctx.db.Acquire());
  ZJ_ASSIGN_OR_RETURN(auto runs,
                      checks::ListRuns(conn.get(), req.principal, static_cast<int>(limit)));
  json::array items;
  for (const auto& r : runs) items.push_back(RunJson(r));
  return server::JsonResponse(json::object{{"items", items}});
}

Result<Response> GetRun(ApiContext& ctx, Request& req) {
  ZJ_ASSIGN_OR_RETURN(int64_t id, PathId(req));
  ZJ_ASSIGN_OR_RETURN(auto conn, ctx.db.Acquire());
  ZJ_ASSIGN_OR_RETURN(checks::RunInfo run, checks::GetRun(conn.get(), req.principal, id));
  ZJ_ASSIGN_OR_RETURN(auto counts, checks::CountFindings(conn.get(), req.principal, id));
  json::object o = RunJson(run);
  json::array rules;
  for (const auto& c : counts) {
    const checks::RuleDef* rule = checks::RuleCatalogue::Quality().Find(c.rule_id);
    rules.push_back(json::object{{"rule_id", c.rule_id},
                                 {"category", c.category},
                                 {"severity", c.severity},
                                 {"findings", c.findings},
                                 {"message_zh", rule ? rule->message_zh : std::string()},
                                 {"message_en", rule ? rule->message_en : std::string()},
                                 {"basis", rule ? BasisText(*rule) : std::string()}});
  }
  o["rules"] = rules;
  return server::JsonResponse(o);
}

Result<Response> Rates(ApiContext& ctx, Request& req) {
  ZJ_ASSIGN_OR_RETURN(int64_t id, PathId(req));
  ZJ_ASSIGN_OR_RETURN(checks::RateQuery q, RateQueryFrom(req, id));
  ZJ_ASSIGN_OR_RETURN(auto conn, ctx.db.Acquire());
  ZJ_ASSIGN_OR_RETURN(auto rows, checks::AggregateRates(conn.get(), req.principal, q));
  json::array items;
  for (const auto& r : rows) items.push_back(RateRowJson(r));
  return server::JsonResponse(json::object{
      {"run_id", id}, {"by", GroupName(q.group)}, {"region", q.region_prefix}, {"items", items}});
}

Result<Response> Trend(ApiContext& ctx, Request& req) {
  checks::TrendQuery q;
  ZJ_ASSIGN_OR_RETURN(q.region_prefix, RegionParam(req));
  if (!req.Query("region") && req.principal.role != Role::kAdmin) {
    q.region_prefix = req.principal.region_prefix;  // a regulator's own region by default
  }
  ZJ_ASSIGN_OR_RETURN(q.entity, EntityParam(req));
  ZJ_ASSIGN_OR_RETURN(int64_t limit, QueryInt(req, "limit", 30, 1, 200));
  q.limit = static_cast<int>(limit);
  ZJ_ASSIGN_OR_RETURN(auto conn, ctx.db.Acquire());
  ZJ_ASSIGN_OR_RETURN(auto points, checks::RateTrend(conn.get(), req.principal, q));
  json::array items;
  for (const auto& p : points) {
    json::object o = CountsJson(p.counts);
    o["run_id"] = p.run_id;
    o["today"] = p.today;
    o["finished_at"] = p.finished_at;
    o["run_region"] = p.run_region;
    o["entity"] = p.entity;
    items.push_back(std::move(o));
  }
  const bool own = req.principal.role == Role::kInstitution;
  return server::JsonResponse(
      json::object{{"region", own ? std::string() : q.region_prefix},
                   {"region_name", own ? std::string() : RegionDisplayName(q.region_prefix)},
                   {"items", items}});
}

Result<Response> Findings(ApiContext& ctx, Request& req) {
  ZJ_ASSIGN_OR_RETURN(checks::FindingFilter f, FindingFilterFrom(req));
  ZJ_ASSIGN_OR_RETURN(f.after_id, QueryInt(req, "after", 0, 0, INT64_MAX));
  ZJ_ASSIGN_OR_RETURN(int64_t limit, QueryInt(req, "limit", 50, 1, 500));
  f.limit = static_cast<int>(limit);
  ZJ_ASSIGN_OR_RETURN(auto conn, ctx.db.Acquire());
  ZJ_ASSIGN_OR_RETURN(auto page, checks::ListFindings(conn.get(), req.principal, f));
  json::array items;
  for (const auto& x : page.findings) items.push_back(FindingJson(x));
  return server::JsonResponse(
      json::object{{"items", items}, {"next_after", OptJson(page.next_after_id)}});
}

Result<Response> MarkFixed(ApiContext& ctx, Request& req) {
  const std::string fp = req.path_params["fingerprint"];
  if (fp.size() != 32 || fp.find_first_not_of("0123456789abcdef") != std::string::npos) {
    return BadParameter("fingerprint");
  }
  std::string note;
  if (!req.body.empty()) {
    ZJ_ASSIGN_OR_RETURN(json::object body, server::ParseJsonObject(req));
    ZJ_ASSIGN_OR_RETURN(auto n, server::OptionalString(body, "note"));
    note = n.value_or("");
  }
  ZJ_ASSIGN_OR_RETURN(checks::Mark m,
                      checks::MarkFixed(ctx.db, ctx.clock, req.principal, req.remote_ip, fp, note));
  return server::JsonResponse(json::object{{"id", m.id},
                                           {"fingerprint", m.fingerprint},
                                           {"run_id", m.run_id},
                                           {"marked_at", m.marked_at},
                                           {"marked_by", m.marked_by},
                                           {"note", m.note},
                                           {"outcome", nullptr}},
                              201);
}

Result<Response> StartRun(ApiContext& ctx, Request& req) {
  ZJ_ASSIGN_OR_RETURN(checks::QualityRunner * runner, Runner(ctx));
  checks::RunRequest run;
  run.region_prefix = req.principal.role == Role::kAdmin ? "" : req.principal.region_prefix;
  if (!req.body.empty()) {
    ZJ_ASSIGN_OR_RETURN(json::object body, server::ParseJsonObject(req));
    ZJ_ASSIGN_OR_RETURN(auto region, server::OptionalString(body, "region"));
    if (region && !region->empty()) {
      ZJ_ASSIGN_OR_RETURN(run.region_prefix, RegionTable::Get().ValidateScope(*region));
    } else if (region) {
      run.region_prefix.clear();
    }
  }
  ZJ_ASSIGN_OR_RETURN(checks::RunnerStatus status,
                      runner->Submit(req.principal, req.remote_ip, std::move(run)));
  return server::JsonResponse(StatusJson(status), 202);
}

Result<Response> Status(ApiContext& ctx, Request&) {
  ZJ_ASSIGN_OR_RETURN(checks::QualityRunner * runner, Runner(ctx));
  return server::JsonResponse(StatusJson(runner->Status()));
}

// ---- exports -------------------------------------------------------------------------------

std::string EvidenceText(const std::string& evidence) {
  json::value v = ParsedOrNull(evidence);
  if (!v.is_object()) return evidence;
  std::string out;
  for (const auto& [k, val] : v.as_object()) {
    out += (out.empty() ? "" : "；") + std::string(k) + "：" +
           (val.is_string() ? std::string(val.as_string()) : json::serialize(val));
  }
  return out;
}

// Every finding of the filter, page by page; "export.too-large" beyond kExportMaxRows.
Result<std::vector<checks::StoredFinding>> AllFindings(store::Connection& conn,
                                                       const Principal& viewer,
                                                       checks::FindingFilter f, int64_t max_rows) {
  std::vector<checks::StoredFinding> out;
  f.limit = 1000;
  for (;;) {
    ZJ_ASSIGN_OR_RETURN(auto page, checks::ListFindings(conn, viewer, f));
    out.insert(out.end(), std::make_move_iterator(page.findings.begin()),
               std::make_move_iterator(page.findings.end()));
    if (static_cast<int64_t>(out.size()) > max_rows) {
      return TooManyToExport(static_cast<int64_t>(out.size()));
    }
    if (!page.next_after_id) break;
    f.after_id = *page.next_after_id;
  }
  return out;
}

Result<Response> ExportFindings(ApiContext& ctx, Request& req) {
  ZJ_ASSIGN_OR_RETURN(exporter::Format format, ExportFormat(req));
  ZJ_ASSIGN_OR_RETURN(checks::FindingFilter f, FindingFilterFrom(req));
  ZJ_ASSIGN_OR_RETURN(auto conn, ctx.db.Acquire());
  ZJ_ASSIGN_OR_RETURN(auto findings, AllFindings(conn.get(), req.principal, f, kExportMaxRows));
  exporter::Table t;
  t.sheet_name = "数据质量问题清单";
  t.header = {"检查批次",    "机构名称", "统一社会信用代码",
              "所在地区",    "对象",     "记录编号",
              "记录标识",    "字段",     "规则编号",
              "类别",        "严重程度", "问题说明",
              "依据",        "证据",     "状态",
              "首次发现批次"};
  t.numeric = {true,  false, false, false, false, true,  false, false,
               false, false, false, false, false, false, false, true};
  for (const auto& x : findings) {
    const checks::RuleDef* rule = checks::RuleCatalogue::Quality().Find(x.rule_id);
    t.rows.push_back({std::to_string(x.run_id), x.institution_name, x.institution_uscc,
                      x.region_code.empty() ? "" : RegionDisplayName(x.region_code),
                      EntityLabel(x.entity), std::to_string(x.record_id), x.record_key,
                      FieldLabel(x.entity, x.field), x.rule_id, CategoryLabel(x.category),
                      SeverityLabel(x.severity), rule ? rule->message_zh : "",
                      rule ? BasisText(*rule) : "", EvidenceText(x.evidence), StateLabel(x.state),
                      std::to_string(x.first_run_id)});
  }
  return ExportResponse(t, format, "quality-findings-" + std::to_string(f.run_id), Today(ctx));
}

Result<Response> ExportRates(ApiContext& ctx, Request& req) {
  ZJ_ASSIGN_OR_RETURN(exporter::Format format, ExportFormat(req));
  ZJ_ASSIGN_OR_RETURN(int64_t run, RunParam(req));
  ZJ_ASSIGN_OR_RETURN(checks::RateQuery q, RateQueryFrom(req, run));
  if (q.group == RateGroup::kInstitution) q.limit = 1000;
  ZJ_ASSIGN_OR_RETURN(auto conn, ctx.db.Acquire());
  ZJ_ASSIGN_OR_RETURN(auto rows, checks::AggregateRates(conn.get(), req.principal, q));
  exporter::Table t;
  t.sheet_name = "数据质量指标";
  std::vector<std::string> lead;
  switch (q.group) {
    case RateGroup::kRegion:
      lead = {"地区代码", "地区"};
      break;
    case RateGroup::kInstitution:
      lead = {"机构名称", "统一社会信用代码", "所在地区"};
      break;
    default:
      break;
  }
  t.header = lead;
  t.header.push_back("对象");
  if (q.group == RateGroup::kField) t.header.push_back("字段");
  for (const char* h : {"记录数", "不完整记录", "不正确记录", "不及时记录", "问题数", "完整率(%)",
                        "正确率(%)", "及时率(%)"}) {
    t.header.push_back(h);
  }
  t.numeric.assign(t.header.size(), false);
  for (size_t i = t.header.size() - 8; i < t.header.size(); ++i) t.numeric[i] = true;
  for (const auto& r : rows) {
    std::vector<std::string> row;
    if (q.group == RateGroup::kRegion) {
      row = {r.region_code, RegionDisplayName(r.region_code)};
    } else if (q.group == RateGroup::kInstitution) {
      row = {r.institution_name, r.institution_uscc, RegionDisplayName(r.region_code)};
    }
    row.push_back(EntityLabel(r.entity));
    if (q.group == RateGroup::kField) row.push_back(FieldLabel(r.entity, r.field));
    const RateCounts& c = r.counts;
    for (int64_t v : {c.records, c.incomplete, c.incorrect, c.untimely, c.findings}) {
      row.push_back(std::to_string(v));
    }
    row.push_back(Percent(checks::CompletenessRate(c)));
    row.push_back(Percent(checks::CorrectnessRate(c)));
    row.push_back(Percent(checks::TimelinessRate(c)));
    t.rows.push_back(std::move(row));
  }
  return ExportResponse(
      t, format, "quality-rates-" + std::string(GroupName(q.group)) + "-" + std::to_string(run),
      Today(ctx));
}

// ---- the printable report ------------------------------------------------------------------

std::string H(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

constexpr const char* kReportCss = R"(
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif;
       color: #222; margin: 24px; font-size: 13px; line-height: 1.5; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 24px 0 8px; border-bottom: 2px solid #1f4e79; padding-bottom: 2px; }
.meta { color: #555; margin-bottom: 12px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; }
th, td { border: 1px solid #bbb; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #eef3f8; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.c { white-space: nowrap; }
.note { color: #666; font-size: 12px; }
@page { size: A4; margin: 15mm 12mm; }
@media print {
  body { margin: 0; font-size: 10.5pt; }
  h2 { break-after: avoid; }
  tr { break-inside: avoid; }
  thead { display: table-header-group; }
}
)";

std::string Cell(const std::string& s) { return "<td>" + H(s) + "</td>"; }
std::string ShortCell(const std::string& s) { return "<td class=\"c\">" + H(s) + "</td>"; }
std::string NumCell(const std::string& s) { return "<td class=\"n\">" + H(s) + "</td>"; }
std::string NumCell(int64_t v) { return NumCell(std::to_string(v)); }
std::string Head(std::initializer_list<const char*> cols) {
  std::string s = "<thead><tr>";
  for (const char* c : cols) s += std::string("<th>") + c + "</th>";
  return s + "</tr></thead>";
}

constexpr int64_t kReportFindings = 500;

Result<Response> Report(ApiContext& ctx, Request& req) {
  ZJ_ASSIGN_OR_RETURN(int64_t id, PathId(req));
  ZJ_ASSIGN_OR_RETURN(std::string region, RegionParam(req));
  const Principal& p = req.principal;
  const bool own = p.role == Role::kInstitution;
  ZJ_ASSIGN_OR_RETURN(auto conn, ctx.db.Acquire());
  ZJ_ASSIGN_OR_RETURN(checks::RunInfo run, checks::GetRun(conn.get(), p, id));
  auto aggregate = [&](RateGroup g, int limit = 100) {
    checks::RateQuery q;
    q.run_id = id;
    q.group = g;
    q.region_prefix = region;
    q.limit = limit;
    return checks::AggregateRates(conn.get(), p, q);
  };
  ZJ_ASSIGN_OR_RETURN(auto entities, aggregate(RateGroup::kEntity));
  ZJ_ASSIGN_OR_RETURN(auto fields, aggregate(RateGroup::kField));
  std::vector<checks::RateGroupRow> regions, institutions;
  if (!own) {
    ZJ_ASSIGN_OR_RETURN(regions, aggregate(RateGroup::kRegion));
  }
  ZJ_ASSIGN_OR_RETURN(institutions, aggregate(RateGroup::kInstitution, 20));
  ZJ_ASSIGN_OR_RETURN(auto rule_counts, checks::CountFindings(conn.get(), p, id));
  checks::FindingFilter ff;
  ff.run_id = id;
  ff.region_prefix = region;
  ff.limit = static_cast<int>(kReportFindings);
  ZJ_ASSIGN_OR_RETURN(auto first_page, checks::ListFindings(conn.get(), p, ff));

  // Scope line: the institution, or the region (the narrower of the run's, the caller's and the
  // one asked for).
  std::string scope;
  if (own) {
    scope = institutions.empty() ? std::string("本机构") : institutions.front().institution_name;
  } else {
    std::string shown = run.region_prefix;
    if (p.role != Role::kAdmin && p.region_prefix.size() > shown.size()) shown = p.region_prefix;
    if (region.size() > shown.size()) shown = region;
    scope = RegionDisplayName(shown);
  }
  int64_t findings_total = 0;
  for (const auto& e : entities) findings_total += e.counts.findings;

  std::string h;
  h += "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>";
  h += H("数据质量检查报告 · " + scope + " · 第" + std::to_string(id) + "批");
  h += "</title><style>";
  h += kReportCss;
  h += "</style></head><body>";
  h += "<h1>检验检测机构登记数据质量检查报告（智查）</h1>";
  h += "<div class=\"meta\">检查范围：" + H(scope) + "　检查批次：第 " + std::to_string(id) +
       " 批　基准日期：" + H(run.today) + "　完成时间：" + H(run.finished_at) + "　规则版本：" +
       H(run.rules_version.substr(0, 12)) + "</div>";
  h += "<div class=\"meta\">本报告仅包含查看人权限范围内的数据；比率 = 无问题的记录数 ÷ "
       "记录总数。问题合计：" +
       std::to_string(findings_total) + " 项。</div>";

  h += "<h2>一、总体情况</h2><table>" +
       std::string(Head({"对象", "记录数", "完整率", "正确率", "及时率", "问题数"})) + "<tbody>";
  for (const auto& e : entities) {
    const RateCounts& c = e.counts;
    h += "<tr>" + Cell(EntityLabel(e.entity)) + NumCell(c.records) +
         NumCell(Percent(checks::CompletenessRate(c)) + "%") +
         NumCell(Percent(checks::CorrectnessRate(c)) + "%") +
         NumCell(Percent(checks::TimelinessRate(c)) + "%") + NumCell(c.findings) + "</tr>";
  }
  h += "</tbody></table>";

  int section = 2;
  static const char* kNumbers[] = {"", "一", "二", "三", "四", "五", "六", "七", "八"};
  auto heading = [&](const char* title) {
    return std::string("<h2>") + kNumbers[section++] + "、" + title + "</h2>";
  };
  if (!own) {
    // Per region: one figure per region = the mean of its entities' rates.
    std::map<std::string, MeanRates> by_region;
    for (const auto& r : regions) by_region[r.region_code].Add(r.counts);
    h += heading("各地区情况") + "<table>" +
         std::string(Head({"地区", "记录数", "平均完整率", "平均正确率", "平均及时率", "问题数"})) +
         "<tbody>";
    for (const auto& [code, m] : by_region) {
      h += "<tr>" + Cell(RegionDisplayName(code)) + NumCell(m.records) +
           NumCell(Percent(m.Mean(m.completeness)) + "%") +
           NumCell(Percent(m.Mean(m.correctness)) + "%") +
           NumCell(Percent(m.Mean(m.timeliness)) + "%") + NumCell(m.findings) + "</tr>";
    }
    h += "</tbody></table>";
  }

  h += heading("各字段情况") + "<table>" +
       std::string(Head({"对象", "字段", "记录数", "不完整", "不正确", "不及时", "完整率", "正确率",
                         "及时率"})) +
       "<tbody>";
  for (const auto& f : fields) {
    const RateCounts& c = f.counts;
    if (f.field.empty()) continue;
    h += "<tr>" + Cell(EntityLabel(f.entity)) + Cell(FieldLabel(f.entity, f.field)) +
         NumCell(c.records) + NumCell(c.incomplete) + NumCell(c.incorrect) + NumCell(c.untimely) +
         NumCell(Percent(checks::CompletenessRate(c)) + "%") +
         NumCell(Percent(checks::CorrectnessRate(c)) + "%") +
         NumCell(Percent(checks::TimelinessRate(c)) + "%") + "</tr>";
  }
  h += "</tbody></table>";

  if (!own) {
    std::map<int64_t, MeanRates> by_inst;
    std::vector<const checks::RateGroupRow*> order;
    for (const auto& r : institutions) {
      if (!by_inst.count(r.institution_id)) order.push_back(&r);
      by_inst[r.institution_id].Add(r.counts);
    }
    h += heading("问题最多的机构（前 20 家）") + "<table>" +
         std::string(Head({"机构名称", "统一社会信用代码", "所在地区", "平均完整率", "平均正确率",
                           "平均及时率", "问题数"})) +
         "<tbody>";
    for (const auto* r : order) {
      const MeanRates& m = by_inst[r->institution_id];
      h += "<tr>" + Cell(r->institution_name) + Cell(r->institution_uscc) +
           Cell(RegionDisplayName(r->region_code)) +
           NumCell(Percent(m.Mean(m.completeness)) + "%") +
           NumCell(Percent(m.Mean(m.correctness)) + "%") +
           NumCell(Percent(m.Mean(m.timeliness)) + "%") + NumCell(m.findings) + "</tr>";
    }
    h += "</tbody></table>";
  }

  h += heading("按规则统计") + "<table>" +
       std::string(Head({"规则", "类别", "严重程度", "问题数", "说明", "依据"})) + "<tbody>";
  for (const auto& c : rule_counts) {
    const checks::RuleDef* rule = checks::RuleCatalogue::Quality().Find(c.rule_id);
    h += "<tr>" + Cell(c.rule_id) + ShortCell(CategoryLabel(c.category)) +
         ShortCell(SeverityLabel(c.severity)) + NumCell(c.findings) +
         Cell(rule ? rule->message_zh : "") + Cell(rule ? BasisText(*rule) : "") + "</tr>";
  }
  h += "</tbody></table>";

  h += heading("问题清单") + "<table>" +
       std::string(Head({"机构", "对象", "记录", "字段", "问题", "严重程度", "状态"})) + "<tbody>";
  for (const auto& x : first_page.findings) {
    const checks::RuleDef* rule = checks::RuleCatalogue::Quality().Find(x.rule_id);
    h += "<tr>" + Cell(x.institution_name) + Cell(EntityLabel(x.entity)) + Cell(x.record_key) +
         Cell(FieldLabel(x.entity, x.field)) + Cell(rule ? rule->message_zh : x.rule_id) +
         Cell(SeverityLabel(x.severity)) + Cell(StateLabel(x.state)) + "</tr>";
  }
  h += "</tbody></table>";
  if (first_page.next_after_id) {
    h += "<p class=\"note\">仅列出前 " + std::to_string(kReportFindings) +
         " 项问题；完整清单请在数据质量页面导出 Excel 或 CSV。</p>";
  }
  h += "<p class=\"note\">生成时间：" + H(FormatInstant(ctx.clock.Now())) +
       "　智检 Zhijian · 检验检测机构智慧监管平台</p></body></html>";
  Response r;
  r.content_type = "text/html; charset=utf-8";
  r.body = std::move(h);
  return r;
}

}  // namespace

void RegisterQualityRoutes(server::Router& router, ApiContext& ctx) {
  auto bind = [&ctx](Result<Response> (*fn)(ApiContext&, Request&)) {
    return [&ctx, fn](Request& req) { return fn(ctx, req); };
  };
  const auto any = server::AnySignedIn();
  const std::vector<Role> runners = {Role::kAdmin, Role::kRegulator};
  const std::vector<Role> markers = {Role::kAdmin, Role::kInstitution};
  router.Add({Verb::get, "/api/v1/quality/runs", "quality.runs.list", any, bind(ListRuns)});
  router.Add({Verb::post, "/api/v1/quality/runs", "quality.runs.start", runners, bind(StartRun)});
  router.Add({Verb::get, "/api/v1/quality/status", "quality.status", runners, bind(Status)});
  router.Add({Verb::get, "/api/v1/quality/runs/{id}", "quality.runs.get", any, bind(GetRun)});
  router.Add(
      {Verb::get, "/api/v1/quality/runs/{id}/rates", "quality.runs.rates", any, bind(Rates)});
  router.Add(
      {Verb::get, "/api/v1/quality/runs/{id}/report", "quality.runs.report", any, bind(Report)});
  router.Add({Verb::get, "/api/v1/quality/trend", "quality.trend", any, bind(Trend)});
  router.Add({Verb::get, "/api/v1/quality/findings", "quality.findings.list", any, bind(Findings)});
  router.Add({Verb::post, "/api/v1/quality/findings/{fingerprint}/fixed",
              "quality.findings.mark-fixed", markers, bind(MarkFixed)});
  router.Add({Verb::get, "/api/v1/quality/export/findings", "quality.findings.export", any,
              bind(ExportFindings)});
  router.Add(
      {Verb::get, "/api/v1/quality/export/rates", "quality.rates.export", any, bind(ExportRates)});
}

}  // namespace zhijian::api
