// Routes of the institution registry (一库尽览): search, portrait, capability ↔ standard
// cross-search, and the public lookup. Thin: parse query parameters, call registry/query with
// the caller's Principal (scope is enforced there), render JSON.
#include <boost/json.hpp>
#include <string>
#include <vector>

#include "zhijian/api/api.h"
#include "zhijian/api/request_params.h"
#include "zhijian/base/date.h"
#include "zhijian/base/region.h"
#include "zhijian/checks/compliance_json.h"
#include "zhijian/checks/compliance_store.h"
#include "zhijian/export/table.h"
#include "zhijian/registry/query/query.h"
#include "zhijian/server/json_body.h"

namespace zhijian::api {
namespace {

namespace json = boost::json;
namespace rq = registry::query;
using server::Request;
using server::Response;
using server::Verb;

// Registry dates are dates in China.
std::string Today(const ApiContext& ctx) { return ChinaDate(ctx.clock.Now()); }

Result<std::optional<std::string>> OptText(const Request& req, const char* name) {
  ZJ_ASSIGN_OR_RETURN(std::string v, QueryText(req, name, 32));
  if (v.empty()) return std::optional<std::string>();
  return std::optional<std::string>(v);
}

Result<std::optional<bool>> Bool(const Request& req, const char* name) {
  auto v = req.Query(name);
  if (!v || v->empty()) return std::optional<bool>();
  if (*v == "true" || *v == "1") return std::optional<bool>(true);
  if (*v == "false" || *v == "0") return std::optional<bool>(false);
  return BadParameter(name);
}

Result<rq::CapabilityMatch> CapabilityParams(const Request& req) {
  rq::CapabilityMatch m;
  ZJ_ASSIGN_OR_RETURN(m.item, QueryText(req, "item"));
  ZJ_ASSIGN_OR_RETURN(m.parameter, QueryText(req, "parameter"));
  ZJ_ASSIGN_OR_RETURN(m.standard_no, QueryText(req, "standard_no"));
  ZJ_ASSIGN_OR_RETURN(m.standard_name, QueryText(req, "standard_name"));
  ZJ_ASSIGN_OR_RETURN(m.as_of, OptText(req, "capability_as_of"));
  return m;
}

// ---- handlers -----------------------------------------------------------------------------

// The institution search's filters and sort (shared by search and export).
Result<rq::InstitutionQuery> InstitutionQueryFrom(ApiContext& ctx, const Request& req) {
  rq::InstitutionQuery q;
  q.today = Today(ctx);
  ZJ_ASSIGN_OR_RETURN(q.name, QueryText(req, "name"));
  ZJ_ASSIGN_OR_RETURN(q.uscc, QueryText(req, "uscc", 32));
  ZJ_ASSIGN_OR_RETURN(q.certificate_no, QueryText(req, "certificate_no", 64));
  ZJ_ASSIGN_OR_RETURN(q.region_prefix, QueryText(req, "region", 12));
  ZJ_ASSIGN_OR_RETURN(q.domain, QueryText(req, "domain", 100));
  ZJ_ASSIGN_OR_RETURN(q.national_centre, Bool(req, "national_centre"));
  ZJ_ASSIGN_OR_RETURN(q.capability, CapabilityParams(req));
  // One as-of date for everything unless the specific dates are given.
  ZJ_ASSIGN_OR_RETURN(auto as_of, OptText(req, "as_of"));
  ZJ_ASSIGN_OR_RETURN(q.cert_valid_on, OptText(req, "valid_on"));
  ZJ_ASSIGN_OR_RETURN(q.credit_as_of, OptText(req, "credit_as_of"));
  if (as_of) {
    if (!q.cert_valid_on) q.cert_valid_on = as_of;
    if (!q.credit_as_of) q.credit_as_of = as_of;
    if (!q.capability.as_of && !q.capability.empty()) q.capability.as_of = as_of;
  }
  ZJ_ASSIGN_OR_RETURN(auto penalties, Bool(req, "has_penalties"));
  q.has_penalties = penalties.value_or(false);
  ZJ_ASSIGN_OR_RETURN(q.penalties_from, OptText(req, "penalties_from"));
  ZJ_ASSIGN_OR_RETURN(q.penalties_to, OptText(req, "penalties_to"));
  if (q.penalties_from || q.penalties_to) q.has_penalties = true;
  ZJ_ASSIGN_OR_RETURN(std::string credit, QueryText(req, "credit_list", 32));
  if (!credit.empty()) {
    q.on_credit_list = true;
    if (credit != "any") q.credit_kind = credit;
  }
  ZJ_ASSIGN_OR_RETURN(std::string sort, QueryText(req, "sort", 32));
  if (!sort.empty()) {
    auto s = rq::ParseSort(sort);
    if (!s) return BadParameter("sort");
    q.sort = *s;
  }
  ZJ_ASSIGN_OR_RETURN(std::string order, QueryText(req, "order", 8));
  if (!order.empty() && order != "asc" && order != "desc") return BadParameter("order");
  q.descending = order == "desc";
  return q;
}

Result<Response> SearchInstitutions(ApiContext& ctx, Request& req) {
  ZJ_ASSIGN_OR_RETURN(rq::InstitutionQuery q, InstitutionQueryFrom(ctx, req));
  ZJ_ASSIGN_OR_RETURN(q.cursor, QueryText(req, "cursor", 4096));
  ZJ_ASSIGN_OR_RETURN(int64_t limit, QueryInt(req, "limit", 20, 1, 200));
  q.page_size = static_cast<int>(limit);

  ZJ_ASSIGN_OR_RETURN(auto conn, ctx.db.Acquire());
  ZJ_ASSIGN_OR_RETURN(rq::InstitutionPage page,
                      rq::SearchInstitutions(conn.get(), req.principal, q));
  json::array items;
  for (const auto& h : page.items) {
    json::object o = InstitutionBasicsJson(h);
    o["certificate_count"] = h.certificate_count;
    o["earliest_expiry"] = OptJson(h.earliest_expiry);
    o["capability_count"] = h.capability_count;
    o["penalty_count"] = h.penalty_count;
    json::array flags;
    if (h.serious_dishonesty) flags.emplace_back("serious-dishonesty");
    if (h.abnormal_operation) flags.emplace_back("abnormal-operation");
    o["credit_flags"] = flags;
    items.push_back(o);
  }
  json::object o;
  o["items"] = items;
  o["total"] = page.total;
  o["next_cursor"] =
      page.next_cursor.empty() ? json::value(nullptr) : json::value(page.next_cursor);
  return server::JsonResponse(o);
}

Result<Response> Portrait(ApiContext& ctx, Request& req) {
  ZJ_ASSIGN_OR_RETURN(int64_t id, PathId(req));
  ZJ_ASSIGN_OR_RETURN(auto conn, ctx.db.Acquire());
  ZJ_ASSIGN_OR_RETURN(rq::Portrait p, rq::GetPortrait(conn.get(), req.principal, id, Today(ctx)));
  json::object o = InstitutionBasicsJson(p);
  o["address"] = p.address;
  o["legal_rep"] = p.legal_rep;
  o["legal_form"] = p.legal_form;
  json::array certs;
  for (const auto& c : p.certificates) {
    json::object co;
    co["id"] = c.id;
    co["number"] = c.number;
    co["issuer"] = c.issuer;
    co["status"] = c.status;
    co["issued_on"] = OptJson(c.issued_on);
    co["expires_on"] = OptJson(c.expires_on);
    json::array hist;
    for (const auto& h : c.history) {
      hist.push_back(json::object{
          {"status", h.status}, {"effective_on", h.effective_on}, {"reason", h.reason}});
    }
    co["history"] = hist;
    certs.push_back(co);
  }
  o["certificates"] = certs;
  // The capability tree: category → object → item, with row counts at every level.
  json::array tree;
  for (const auto& g : p.capability_groups) {
    if (tree.empty() || tree.back().at("name").as_string() != g.category) {
      tree.push_back(json::object{{"name", g.category}, {"rows", 0}, {"children", json::array()}});
    }
    json::object& cat = tree.back().as_object();
    cat["rows"] = cat["rows"].as_int64() + g.rows;
    json::array& objects = cat["children"].as_array();
    if (objects.empty() || objects.back().at("name").as_string() != g.object) {
      objects.push_back(json::object{{"name", g.object}, {"rows", 0}, {"children", json::array()}});
    }
    json::object& obj = objects.back().as_object();
    obj["rows"] = obj["rows"].as_int64() + g.rows;
    obj["children"].as_array().push_back(json::object{{"name", g.item}, {"rows", g.rows}});
  }
  o["capability_tree"] = tree;
  o["capability_rows"] = p.capability_rows;
  json::array people;
  for (const auto& pe : p.people) {
    json::object po;
    po["id"] = pe.id;
    po["name"] = pe.name;
    po["title"] = pe.title;
    po["roles"] = JsonStrings(pe.roles);
    json::array fields;
    for (const auto& f : pe.signatory_fields) {
      fields.push_back(
          json::object{{"field", f.field}, {"from", OptJson(f.from)}, {"to", OptJson(f.to)}});
    }
    po["signatory_fields"] = fields;
    people.push_back(po);
  }
  o["people"] = people;
  json::array equipment;
  for (const auto& e : p.equipment) {
    equipment.push_back(json::object{{"id", e.id},
                                     {"name", e.name},
                                     {"model", e.model},
                                     {"serial", e.serial},
                                     {"calibration_due", OptJson(e.calibration_due)},
                                     {"calibration", e.calibration}});
  }
  o["equipment"] = equipment;
  json::array credit;
  for (const auto& c : p.credit_flags) {
    credit.push_back(json::object{{"kind", c.kind},
                                  {"listed_on", c.listed_on},
                                  {"removed_on", OptJson(c.removed_on)},
                                  {"authority", c.authority},
                                  {"reason", c.reason},
                                  {"active", c.active}});
  }
  o["credit_flags"] = credit;
  json::array penalties;
  for (const auto& pen : p.penalties) {
    penalties.push_back(json::object{
        {"decision_no", pen.decision_no},
        {"decided_on", pen.decided_on},
        {"authority", pen.authority},
        {"violation", pen.violation},
        {"legal_basis", pen.legal_basis},
        {"amount_yuan", pen.amount_yuan ? json::value(*pen.amount_yuan) : json::value(nullptr)}});
  }
  o["penalties"] = penalties;
  // 智识: what the compliance checks of its reports found — admin and regulators only
  // (checks/compliance_store.h GetInstitutionFindings); null for everyone else.
  ZJ_ASSIGN_OR_RETURN(auto findings, checks::GetInstitutionFindings(conn.get(), req.principal, id));
  o["compliance"] =
      findings ? json::value(checks::InstitutionFindingsJson(*findings)) : json::value(nullptr);
  return server::JsonResponse(o);
}

Result<rq::CapabilityQuery> CapabilityQueryFrom(const Request& req) {
  rq::CapabilityQuery q;
  ZJ_ASSIGN_OR_RETURN(q.match, CapabilityParams(req));
  ZJ_ASSIGN_OR_RETURN(auto as_of, OptText(req, "as_of"));
  if (as_of) q.match.as_of = as_of;
  ZJ_ASSIGN_OR_RETURN(q.region_prefix, QueryText(req, "region", 12));
  ZJ_ASSIGN_OR_RETURN(q.category, QueryText(req, "category", 100));
  return q;
}

Result<Response> SearchCapabilities(ApiContext& ctx, Request& req) {
  ZJ_ASSIGN_OR_RETURN(rq::CapabilityQuery q, CapabilityQueryFrom(req));
  ZJ_ASSIGN_OR_RETURN(q.after_id, QueryInt(req, "after", 0, 0, INT64_MAX));
  ZJ_ASSIGN_OR_RETURN(int64_t limit, QueryInt(req, "limit", 50, 1, 200));
  q.page_size = static_cast<int>(limit);
  q.count_limit = rq::kSearchCountLimit;
  ZJ_ASSIGN_OR_RETURN(auto conn, ctx.db.Acquire());
  ZJ_ASSIGN_OR_RETURN(rq::CapabilityPage page,
                      rq::SearchCapabilities(conn.get(), req.principal, q));
  json::array items;
  for (const auto& h : page.items) {
    items.push_back(json::object{{"institution_id", h.institution_id},
                                 {"institution_name", h.institution_name},
                                 {"uscc", h.uscc},
                                 {"region_code", h.region_code},
                                 {"region_name", RegionDisplayName(h.region_code)},
                                 {"capability_id", h.capability_id},
                                 {"certificate_no", h.certificate_no},
                                 {"category", h.category},
                                 {"object", h.object},
                                 {"item", h.item},
                                 {"parameter", h.parameter},
                                 {"standard_no", h.standard_no},
                                 {"standard_name", h.standard_name},
                                 {"limitation", h.limitation},
                                 {"valid_from", OptJson(h.valid_from)},
                                 {"valid_to", OptJson(h.valid_to)}});
  }
  json::object o;
  o["items"] = items;
  o["total"] = page.total;
  o["total_exact"] = page.total_exact;
  o["next_after"] = page.next_after_id ? json::value(page.next_after_id) : json::value(nullptr);
  return server::JsonResponse(o);
}

Result<Response> InstitutionStandards(ApiContext& ctx, Request& req) {
  ZJ_ASSIGN_OR_RETURN(int64_t id, PathId(req));
  ZJ_ASSIGN_OR_RETURN(auto conn, ctx.db.Acquire());
  ZJ_ASSIGN_OR_RETURN(auto list, rq::StandardsOfInstitution(conn.get(), req.principal, id));
  json::array items;
  for (const auto& s : list) {
    items.push_back(json::object{{"standard_no", s.standard_no},
                                 {"name", s.name},
                                 {"in_catalogue", s.in_catalogue},
                                 {"status", s.status},
                                 {"effective_on", OptJson(s.effective_on)},
                                 {"abolished_on", OptJson(s.abolished_on)},
                                 {"replaced_by", JsonStrings(s.replaced_by)},
                                 {"capability_rows", s.capability_rows}});
  }
  json::object o;
  o["items"] = items;
  return server::JsonResponse(o);
}

Result<Response> AbolishedStandards(ApiContext& ctx, Request& req) {
  rq::AbolishedQuery q;
  ZJ_ASSIGN_OR_RETURN(auto as_of, OptText(req, "as_of"));
  q.as_of = as_of.value_or(Today(ctx));
  ZJ_ASSIGN_OR_RETURN(q.region_prefix, QueryText(req, "region", 12));
  ZJ_ASSIGN_OR_RETURN(q.after_id, QueryInt(req, "after", 0, 0, INT64_MAX));
  ZJ_ASSIGN_OR_RETURN(int64_t limit, QueryInt(req, "limit", 100, 1, 500));
  q.page_size = static_cast<int>(limit);
  ZJ_ASSIGN_OR_RETURN(auto conn, ctx.db.Acquire());
  ZJ_ASSIGN_OR_RETURN(auto page, rq::InstitutionsListingAbolished(conn.get(), req.principal, q));
  json::array items;
  for (const auto& l : page.items) {
    items.push_back(json::object{{"institution_id", l.institution_id},
                                 {"name", l.name},
                                 {"uscc", l.uscc},
                                 {"region_code", l.region_code},
                                 {"region_name", RegionDisplayName(l.region_code)},
                                 {"standards", JsonStrings(l.standards)},
                                 {"capability_rows", l.capability_rows}});
  }
  json::object o;
  o["items"] = items;
  o["as_of"] = q.as_of;
  o["next_after"] = page.next_after_id ? json::value(page.next_after_id) : json::value(nullptr);
  return server::JsonResponse(o);
}

// ---- exports (CSV / XLSX) ------------------------------------------------------------------

constexpr int kExportPage = rq::kMaxPageSize;

Result<Response> ExportInstitutions(ApiContext& ctx, Request& req) {
  ZJ_ASSIGN_OR_RETURN(exporter::Format format, ExportFormat(req));
  ZJ_ASSIGN_OR_RETURN(rq::InstitutionQuery q, InstitutionQueryFrom(ctx, req));
  q.page_size = kExportPage;
  exporter::Table t;
  t.sheet_name = "检验检测机构";
  t.header = {"机构名称",     "统一社会信用代码", "所在地区代码",     "所在地区",
              "检验检测领域", "是否国家质检中心", "有效证书数",       "最早到期日",
              "能力条数",     "行政处罚数",       "严重违法失信名单", "经营异常名录"};
  t.numeric = {false, false, false, false, false, false, true, false, true, true};
  ZJ_ASSIGN_OR_RETURN(auto conn, ctx.db.Acquire());
  for (;;) {
    ZJ_ASSIGN_OR_RETURN(rq::InstitutionPage page,
                        rq::SearchInstitutions(conn.get(), req.principal, q));
    if (page.total > kExportMaxRows) return TooManyToExport(page.total);
    for (const auto& h : page.items) {
      std::string domains;
      for (const auto& d : h.domains) domains += (domains.empty() ? "" : "、") + d;
      t.rows.push_back({h.name, h.uscc, h.region_code, RegionDisplayName(h.region_code), domains,
                        h.national_centre ? "是" : "否", std::to_string(h.certificate_count),
                        h.earliest_expiry.value_or(""), std::to_string(h.capability_count),
                        std::to_string(h.penalty_count), h.serious_dishonesty ? "是" : "否",
                        h.abnormal_operation ? "是" : "否"});
    }
    if (page.next_cursor.empty()) break;
    q.cursor = page.next_cursor;
  }
  return ExportResponse(t, format, "institutions", Today(ctx));
}

Result<Response> ExportCapabilities(ApiContext& ctx, Request& req) {
  ZJ_ASSIGN_OR_RETURN(exporter::Format format, ExportFormat(req));
  ZJ_ASSIGN_OR_RETURN(rq::CapabilityQuery q, CapabilityQueryFrom(req));
  q.page_size = kExportPage;
  q.count_limit = kExportMaxRows;  // counted on the first page only
  exporter::Table t;
  t.sheet_name = "能力查询结果";
  t.header = {"机构名称",  "统一社会信用代码", "所在地区", "证书编号", "类别",
              "产品/对象", "项目/参数",        "参数",     "标准编号", "标准名称",
              "限制范围",  "有效起始",         "有效截止"};
  ZJ_ASSIGN_OR_RETURN(auto conn, ctx.db.Acquire());
  for (;;) {
    ZJ_ASSIGN_OR_RETURN(rq::CapabilityPage page,
                        rq::SearchCapabilities(conn.get(), req.principal, q));
    if (!page.total_exact) return TooManyToExport(page.total + 1);
    q.count_total = false;
    for (const auto& h : page.items) {
      t.rows.push_back({h.institution_name, h.uscc, RegionDisplayName(h.region_code),
                        h.certificate_no, h.category, h.object, h.item, h.parameter, h.standard_no,
                        h.standard_name, h.limitation, h.valid_from.value_or(""),
                        h.valid_to.value_or("")});
    }
    if (page.next_after_id == 0) break;
    q.after_id = page.next_after_id;
  }
  return ExportResponse(t, format, "capabilities", Today(ctx));
}

// Anonymous callers reach this through the public rate limiter (MakeAuthenticator).
Result<Response> PublicInstitutions(ApiContext& ctx, Request& req) {
  rq::PublicQuery q;
  ZJ_ASSIGN_OR_RETURN(q.name, QueryText(req, "name", 100));
  ZJ_ASSIGN_OR_RETURN(q.uscc, QueryText(req, "uscc", 32));
  ZJ_ASSIGN_OR_RETURN(q.certificate_no, QueryText(req, "certificate_no", 64));
  ZJ_ASSIGN_OR_RETURN(int64_t limit, QueryInt(req, "limit", 20, 1, 50));
  q.limit = static_cast<int>(limit);
  ZJ_ASSIGN_OR_RETURN(auto conn, ctx.db.Acquire());
  ZJ_ASSIGN_OR_RETURN(auto list, rq::PublicLookup(conn.get(), q));
  json::array items;
  for (const auto& i : list) {
    json::array certs;
    for (const auto& c : i.certificates) {
      certs.push_back(json::object{{"number", c.number},
                                   {"status", c.status},
                                   {"issued_on", OptJson(c.issued_on)},
                                   {"expires_on", OptJson(c.expires_on)}});
    }
    items.push_back(json::object{{"name", i.name},
                                 {"uscc", i.uscc},
                                 {"region_name", RegionDisplayName(i.region_code)},
                                 {"domains", JsonStrings(i.domains)},
                                 {"certificates", certs}});
  }
  json::object o;
  o["items"] = items;
  return server::JsonResponse(o);
}

}  // namespace

void RegisterRegistryRoutes(server::Router& router, ApiContext& ctx) {
  auto bind = [&ctx](Result<Response> (*fn)(ApiContext&, Request&)) {
    return [&ctx, fn](Request& req) { return fn(ctx, req); };
  };
  const auto any = server::AnySignedIn();
  router.Add({Verb::get, "/api/v1/registry/institutions", "registry.institutions.search", any,
              bind(SearchInstitutions)});
  router.Add({Verb::get, "/api/v1/registry/institutions/{id}", "registry.institutions.portrait",
              any, bind(Portrait)});
  router.Add({Verb::get, "/api/v1/registry/institutions/{id}/standards",
              "registry.institutions.standards", any, bind(InstitutionStandards)});
  router.Add({Verb::get, "/api/v1/registry/capabilities", "registry.capabilities.search", any,
              bind(SearchCapabilities)});
  router.Add({Verb::get, "/api/v1/registry/abolished-standards", "registry.abolished-standards",
              any, bind(AbolishedStandards)});
  router.Add({Verb::get, "/api/v1/registry/export/institutions", "registry.institutions.export",
              any, bind(ExportInstitutions)});
  router.Add({Verb::get, "/api/v1/registry/export/capabilities", "registry.capabilities.export",
              any, bind(ExportCapabilities)});
  router.Add({Verb::get, "/api/v1/public/institutions", "public.institutions", server::Everyone(),
              bind(PublicInstitutions)});
}

}  // namespace zhijian::api
