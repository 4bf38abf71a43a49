// End-to-end tests of the data-quality routes (quality_routes.cc, 智查) on the real server, on
// SQLite and PostgreSQL: runs started over HTTP (one at a time: 409 while one is under way),
// scope (Jinan's regulator, Qingdao's regulator and an institution user see disjoint parts),
// mark fixed then a re-run confirms it or reopens it, exports read back with the registry's
// import readers, the printable report (escaped, scoped), and problem+json for bad parameters.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "tests/e2e/platform.h"
#include "tests/support/pg_cluster.h"
#include "zhijian/base/uscc.h"
#include "zhijian/registry/import/reader.h"

namespace zhijian::test {
namespace {

namespace json = boost::json;
namespace imp = registry::import;
using store::Value;

void ExpectProblem(const HttpResponse& r, unsigned status, const std::string& code) {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(r.Header("content-type"), "application/problem+json") << r.body;
  json::value v = Json(r);
  ASSERT_TRUE(v.is_object()) << r.body;
  EXPECT_EQ(v.at("code").as_string(), code) << r.body;
}

std::string Str(const json::value& v) { return std::string(v.as_string()); }

// Every row of an export, as column name -> text, read with the registry's import readers.
std::vector<std::map<std::string, std::string>> ReadExport(const std::string& bytes,
                                                           imp::Format format) {
  imp::ReaderOptions o;
  o.format = format;
  auto reader = imp::OpenReaderFromBytes(bytes, o);
  EXPECT_TRUE(reader.ok()) << reader.error().ToString();
  std::vector<std::map<std::string, std::string>> out;
  if (!reader.ok()) return out;
  const auto columns = (*reader)->columns();
  imp::Row row;
  while (true) {
    auto more = (*reader)->Next(&row);
    EXPECT_TRUE(more.ok());
    if (!more.ok() || !*more) break;
    std::map<std::string, std::string> m;
    for (const auto& c : row.cells) m[columns.at(static_cast<size_t>(c.column))] = c.text;
    out.push_back(std::move(m));
  }
  return out;
}

class QualityApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres") {
      ZJ_REQUIRE_PG_CLUSTER(pg);
    }
    auto p = Platform::Start(GetParam());
    ASSERT_TRUE(p.ok()) << p.error().ToString();
    platform_ = std::move(*p);
    jinan_ = P().InstitutionIn("370102");  // inst-demo's institution
    qingdao_ = P().InstitutionIn("370202");
    admin_ = P().Login("admin");
    jn_ = P().Login("regulator-jn");
    sd_ = P().Login("regulator-sd");
    inst_ = P().Login("inst-demo");
    // Qingdao's regulator.
    HttpResponse u = P().Send("POST", "/api/v1/users",
                              json::object{{"username", "regulator-qd"},
                                           {"role", "regulator"},
                                           {"region_prefix", "3702"},
                                           {"password", "Qingdao-regulator-1"}},
                              admin_);
    ASSERT_EQ(u.status, 201u) << u.body;
    HttpResponse login =
        P().Send("POST", "/api/v1/auth/login",
                 json::object{{"username", "regulator-qd"}, {"password", "Qingdao-regulator-1"}});
    ASSERT_EQ(login.status, 200u) << login.body;
    qd_ = login.Header("set-cookie").substr(0, login.Header("set-cookie").find(';'));
    // An instrument past its calibration date at Jinan and at Qingdao.
    for (int64_t inst : {jinan_, qingdao_}) {
      HttpResponse e =
          P().Send("POST", "/api/v1/registry/institutions/" + std::to_string(inst) + "/equipment",
                   json::object{{"name", "电子天平"},
                                {"model", "XS205"},
                                {"serial", "SN-" + std::to_string(inst)},
                                {"calibration_due", "2020-01-01"}},
                   admin_);
      ASSERT_EQ(e.status, 201u) << e.body;
    }
  }
  Platform& P() { return *platform_; }

  // Waits until the runner is idle; returns its status.
  json::value WaitIdle() {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < until) {
      HttpResponse r = P().Get("/api/v1/quality/status", admin_);
      EXPECT_EQ(r.status, 200u) << r.body;
      json::value v = Json(r);
      if (r.status != 200 || !v.at("busy").as_bool()) return v;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "the runner stayed busy";
    return nullptr;
  }

  // Starts a run as `cookie` (body {"region": ...} when given), waits, returns its id.
  int64_t Run(const std::string& cookie, const json::value& body = nullptr) {
    HttpResponse r = P().Send("POST", "/api/v1/quality/runs", body, cookie);
    EXPECT_EQ(r.status, 202u) << r.body;
    if (r.status != 202) return 0;
    json::value queued = Json(r);
    EXPECT_TRUE(queued.at("busy").as_bool());
    json::value s = WaitIdle();
    if (!s.is_object()) return 0;
    const auto& last = s.at("last").as_object();
    EXPECT_TRUE(last.at("errors").as_array().empty()) << json::serialize(s);
    const auto& ids = last.at("run_ids").as_array();
    EXPECT_EQ(ids.size(), 1u);
    return ids.empty() ? 0 : ids.back().as_int64();
  }

  // Every finding of a run the caller sees (pages of 7), with the extra query.
  std::vector<json::object> Findings(const std::string& cookie, int64_t run,
                                     const std::string& query = "") {
    std::vector<json::object> out;
    std::string after;
    for (int guard = 0; guard < 1000; ++guard) {
      HttpResponse r = P().Get(
          "/api/v1/quality/findings?run=" + std::to_string(run) + "&limit=7" + query + after,
          cookie);
      EXPECT_EQ(r.status, 200u) << r.body;
      if (r.status != 200) break;
      json::value v = Json(r);
      for (const auto& f : v.at("items").as_array()) out.push_back(f.as_object());
      if (v.at("next_after").is_null()) break;
      after = "&after=" + std::to_string(v.at("next_after").as_int64());
    }
    return out;
  }

  // The fingerprint of the finding of `rule` at the Jinan demo institution.
  std::string JinanFingerprint(int64_t run, const std::string& rule) {
    for (const auto& f : Findings(inst_, run, "&rule=" + rule)) return Str(f.at("fingerprint"));
    ADD_FAILURE() << "no " << rule;
    return "";
  }

  std::unique_ptr<Platform> platform_;
  int64_t jinan_ = 0, qingdao_ = 0;
  std::string admin_, jn_, sd_, qd_, inst_;
};

TEST_P(QualityApiTest, RunsAreStartedOverHttpOneAtATime) {
  // Roles: inspectors and institution users may not start runs; a regulator only in its region.
  ExpectProblem(P().Send("POST", "/api/v1/quality/runs", nullptr, P().Login("inspector-sd")), 403,
                "auth.forbidden");
  ExpectProblem(P().Send("POST", "/api/v1/quality/runs", nullptr, inst_), 403, "auth.forbidden");
  ExpectProblem(P().Send("POST", "/api/v1/quality/runs", json::object{{"region", "3702"}}, jn_),
                403, "auth.forbidden");
  // Jinan's regulator runs over its own city by default.
  const int64_t city = Run(jn_);
  ASSERT_GT(city, 0);
  json::value run = Json(P().Get("/api/v1/quality/runs/" + std::to_string(city), jn_));
  EXPECT_EQ(Str(run.at("region_prefix")), "3701");
  EXPECT_EQ(Str(run.at("actor")), "regulator-jn");
  EXPECT_TRUE(run.at("whole_run_visible").as_bool());

  // While a run is under way (held at its save by a transaction on the run table), another
  // start is refused with 409, by anyone.
  {
    auto conn = P().db().Acquire();
    ASSERT_TRUE(conn.ok());
    auto held = store::WithTransaction(conn->get(), [&](store::Connection& tx) -> Result<void> {
      if (tx.backend() == store::Backend::kPostgres) {
        ZJ_TRY(tx.Exec("LOCK TABLE quality_runs IN EXCLUSIVE MODE"));
      }
      HttpResponse first = P().Send("POST", "/api/v1/quality/runs", nullptr, admin_);
      EXPECT_EQ(first.status, 202u) << first.body;
      ExpectProblem(P().Send("POST", "/api/v1/quality/runs", nullptr, sd_), 409,
                    "quality.run-in-progress");
      json::value s = Json(P().Get("/api/v1/quality/status", sd_));
      EXPECT_TRUE(s.at("busy").as_bool());
      EXPECT_EQ(Str(s.at("current").at("kind")), "manual");
      return Ok();
    });
    ASSERT_TRUE(held.ok()) << held.error().ToString();
  }
  json::value s = WaitIdle();
  ASSERT_TRUE(s.is_object());
  EXPECT_EQ(s.at("last").at("run_ids").as_array().size(), 1u);
  EXPECT_EQ(P().Count("SELECT COUNT(*) FROM quality_runs"), 2);
  // Each stored run is audited.
  EXPECT_EQ(P().Count("SELECT COUNT(*) FROM audit_log WHERE action = 'quality.run'"), 2);
}

TEST_P(QualityApiTest, RatesAndFindingsAreScoped) {
  const int64_t whole = Run(admin_);
  ASSERT_GT(whole, 0);
  const std::string id = std::to_string(whole);

  // Runs: each caller's totals cover its own part.
  auto institutions_in = [&](const std::string& cookie) {
    json::value v = Json(P().Get("/api/v1/quality/runs", cookie));
    for (const auto& t : v.at("items").at(0).at("totals").as_array()) {
      if (t.at("entity") == "institution") return t.at("records").as_int64();
    }
    return int64_t{-1};
  };
  EXPECT_EQ(institutions_in(jn_),
            P().Count("SELECT COUNT(*) FROM institutions WHERE region_code LIKE '3701%'"));
  EXPECT_EQ(institutions_in(qd_),
            P().Count("SELECT COUNT(*) FROM institutions WHERE region_code LIKE '3702%'"));
  EXPECT_EQ(institutions_in(inst_), 1);
  json::value jn_run = Json(P().Get("/api/v1/quality/runs/" + id, jn_));
  EXPECT_FALSE(jn_run.at("whole_run_visible").as_bool());
  EXPECT_TRUE(jn_run.at("findings").is_null());  // the run-wide count is not Jinan's to see
  EXPECT_TRUE(jn_run.at("actor").is_null());

  // Findings: Jinan, Qingdao and the institution see disjoint parts of Shandong's.
  auto fingerprints = [&](const std::string& cookie) {
    std::set<std::string> out;
    for (const auto& f : Findings(cookie, whole)) out.insert(Str(f.at("fingerprint")));
    return out;
  };
  const auto jn = Findings(jn_, whole);
  const auto qd = Findings(qd_, whole);
  const auto own = Findings(inst_, whole);
  ASSERT_FALSE(jn.empty());
  ASSERT_FALSE(qd.empty());
  ASSERT_FALSE(own.empty());
  for (const auto& f : jn) EXPECT_TRUE(Str(f.at("region_code")).starts_with("3701"));
  for (const auto& f : qd) EXPECT_TRUE(Str(f.at("region_code")).starts_with("3702"));
  for (const auto& f : own) {
    EXPECT_EQ(f.at("institution_id").as_int64(), jinan_);
    EXPECT_FALSE(Str(f.at("institution_name")).empty());
    EXPECT_FALSE(Str(f.at("message_zh")).empty());
    EXPECT_EQ(Str(f.at("state")), "open");
  }
  const auto sd = fingerprints(sd_);
  for (const auto& set : {fingerprints(jn_), fingerprints(qd_)}) {
    for (const auto& fp : set) EXPECT_TRUE(sd.count(fp)) << fp;
  }
  for (const auto& fp : fingerprints(inst_)) EXPECT_FALSE(fingerprints(qd_).count(fp));
  EXPECT_EQ(static_cast<int64_t>(Findings(admin_, whole).size()),
            P().Count("SELECT COUNT(*) FROM quality_findings WHERE run_id = " + id));
  // The overdue instrument, linked to its record.
  auto overdue = Findings(inst_, whole, "&rule=consistency.equipment.calibration-overdue");
  ASSERT_EQ(overdue.size(), 1u);
  EXPECT_EQ(Str(overdue[0].at("entity")), "equipment");
  EXPECT_EQ(Str(overdue[0].at("record_key")), "电子天平 · SN-" + std::to_string(jinan_));
  EXPECT_EQ(
      overdue[0].at("record_id").as_int64(),
      P().Count("SELECT id FROM equipment WHERE serial = 'SN-" + std::to_string(jinan_) + "'"));
  // Filters: category, severity, entity, institution, region.
  for (const auto& f : Findings(sd_, whole, "&category=completeness&severity=error")) {
    EXPECT_EQ(Str(f.at("category")), "completeness");
    EXPECT_EQ(Str(f.at("severity")), "error");
  }
  EXPECT_EQ(Findings(sd_, whole, "&institution=" + std::to_string(qingdao_)).size(),
            Findings(qd_, whole, "&institution=" + std::to_string(qingdao_)).size());
  EXPECT_TRUE(Findings(jn_, whole, "&institution=" + std::to_string(qingdao_)).empty());
  EXPECT_EQ(Findings(sd_, whole, "&region=3702").size(), qd.size());
  EXPECT_EQ(Findings(sd_, whole, "&entity=equipment").size(), 2u);

  // Rates per region one level down: Shandong's cities; the institution may not ask.
  json::value regions = Json(P().Get("/api/v1/quality/runs/" + id + "/rates?by=region", sd_));
  std::set<std::string> cities;
  for (const auto& r : regions.at("items").as_array()) cities.insert(Str(r.at("region_code")));
  EXPECT_TRUE(cities.count("3701") && cities.count("3702")) << json::serialize(regions);
  for (const auto& c : cities) EXPECT_EQ(c.size(), 4u);
  ExpectProblem(P().Get("/api/v1/quality/runs/" + id + "/rates?by=region", inst_), 403,
                "auth.forbidden");
  // Per field for the institution: its own records.
  json::value fields = Json(P().Get("/api/v1/quality/runs/" + id + "/rates?by=field", inst_));
  bool found = false;
  for (const auto& r : fields.at("items").as_array()) {
    if (r.at("entity") == "equipment" && r.at("field") == "calibration_due") {
      found = true;
      EXPECT_EQ(r.at("records").as_int64(), 1);
      EXPECT_EQ(r.at("incorrect").as_int64(), 1);
      EXPECT_EQ(r.at("correctness").as_double(), 0.0);
    }
  }
  EXPECT_TRUE(found);
  // Per institution: Qingdao's regulator sees only Qingdao's.
  json::value insts = Json(P().Get("/api/v1/quality/runs/" + id + "/rates?by=institution", qd_));
  ASSERT_FALSE(insts.at("items").as_array().empty());
  for (const auto& r : insts.at("items").as_array()) {
    EXPECT_TRUE(Str(r.at("region_code")).starts_with("3702"));
  }

  // A run over Beijing only does not exist for Jinan's regulator.
  const int64_t beijing = Run(admin_, json::object{{"region", "11"}});
  ExpectProblem(P().Get("/api/v1/quality/runs/" + std::to_string(beijing), jn_), 404,
                "quality.run-not-found");
  ExpectProblem(P().Get("/api/v1/quality/findings?run=" + std::to_string(beijing), inst_), 404,
                "quality.run-not-found");

  // Trend: the runs covering the caller's region, oldest first.
  const int64_t again = Run(admin_);
  json::value trend = Json(P().Get("/api/v1/quality/trend?entity=institution", jn_));
  EXPECT_EQ(Str(trend.at("region")), "3701");
  std::vector<int64_t> runs;
  for (const auto& t : trend.at("items").as_array()) runs.push_back(t.at("run_id").as_int64());
  EXPECT_EQ(runs, (std::vector<int64_t>{whole, again}));
  json::value own_trend = Json(P().Get("/api/v1/quality/trend?entity=equipment", inst_));
  ASSERT_EQ(own_trend.at("items").as_array().size(), 2u);
  EXPECT_EQ(own_trend.at("items").at(0).at("records").as_int64(), 1);
}

TEST_P(QualityApiTest, MarkFixedThenTheNextRunConfirmsOrReopens) {
  const int64_t first = Run(admin_);
  ASSERT_GT(first, 0);
  const std::string legal_rep = JinanFingerprint(first, "completeness.institution.legal-rep");
  const std::string legal_form = JinanFingerprint(first, "completeness.institution.legal-form");
  ASSERT_FALSE(legal_rep.empty());
  ASSERT_FALSE(legal_form.empty());
  auto mark = [&](const std::string& fp, const std::string& cookie) {
    return P().Send("POST", "/api/v1/quality/findings/" + fp + "/fixed",
                    json::object{{"note", "已补充"}}, cookie);
  };
  // Regulators do not mark; an institution only its own findings.
  ExpectProblem(mark(legal_rep, jn_), 403, "auth.forbidden");
  const auto qingdao = Findings(qd_, first);
  ASSERT_FALSE(qingdao.empty());
  ExpectProblem(mark(Str(qingdao[0].at("fingerprint")), inst_), 404, "quality.finding-not-found");
  const int64_t audit_before =
      P().Count("SELECT COUNT(*) FROM audit_log WHERE action = 'quality.mark-fixed'");
  HttpResponse marked = mark(legal_rep, inst_);
  ASSERT_EQ(marked.status, 201u) << marked.body;
  EXPECT_EQ(Str(Json(marked).at("marked_by")), "inst-demo");
  ASSERT_EQ(mark(legal_form, inst_).status, 201u);  // marked, but not actually fixed
  ExpectProblem(mark(legal_form, inst_), 409, "quality.already-marked");
  EXPECT_EQ(P().Count("SELECT COUNT(*) FROM audit_log WHERE action = 'quality.mark-fixed'"),
            audit_before + 2);
  // The institution sees its own mark events in the audit trail.
  json::value audit = Json(P().Get("/api/v1/audit?action=quality.mark-fixed", inst_));
  ASSERT_EQ(audit.at("items").as_array().size(), 2u);
  auto fixed = Findings(inst_, first, "&status=fixed");
  ASSERT_EQ(fixed.size(), 2u);

  // The legal representative is filled in; the legal form is not.
  auto conn = P().db().Acquire();
  ASSERT_TRUE(conn.ok());
  auto row = (*conn)->QueryOne("SELECT uscc, name, region_code FROM institutions WHERE id = ?",
                               std::vector<Value>{jinan_});
  ASSERT_TRUE(row.ok() && row->has_value());
  HttpResponse put = P().Send("PUT", "/api/v1/registry/institutions/" + std::to_string(jinan_),
                              json::object{{"uscc", (*row)->Text(0)},
                                           {"name", (*row)->Text(1)},
                                           {"region_code", (*row)->Text(2)},
                                           {"address", "山东省济南市历下区经十路 1 号"},
                                           {"legal_rep", "张三"}},
                              admin_);
  ASSERT_EQ(put.status, 200u) << put.body;

  const int64_t second = Run(jn_);
  ASSERT_GT(second, 0);
  // Confirmed: gone from the new run, and "confirmed" on the old one.
  auto confirmed = Findings(inst_, first, "&status=confirmed");
  ASSERT_EQ(confirmed.size(), 1u);
  EXPECT_EQ(Str(confirmed[0].at("fingerprint")), legal_rep);
  EXPECT_TRUE(Findings(inst_, second, "&rule=completeness.institution.legal-rep").empty());
  // Reopened: still there.
  auto reopened = Findings(inst_, second, "&status=reopened");
  ASSERT_EQ(reopened.size(), 1u);
  EXPECT_EQ(Str(reopened[0].at("fingerprint")), legal_form);
  EXPECT_EQ(reopened[0].at("first_run_id").as_int64(), first);
  json::value run = Json(P().Get("/api/v1/quality/runs/" + std::to_string(second), jn_));
  EXPECT_EQ(run.at("resolved_findings").as_int64(), 1);
  // A confirmed finding can no longer be marked; a reopened one can be marked again.
  ExpectProblem(mark(legal_rep, inst_), 409, "quality.not-current");
  EXPECT_EQ(mark(legal_form, inst_).status, 201u);
  EXPECT_EQ(Findings(inst_, second, "&status=fixed").size(), 1u);
}

TEST_P(QualityApiTest, ExportsAndTheReportReadBack) {
  // An institution whose name needs escaping in HTML.
  const std::string body8 = "MA0000777";
  auto org = Uscc::ComputeOrgCheckChar(body8.substr(0, 8));
  ASSERT_TRUE(org.ok());
  const std::string first17 = "91370102" + body8.substr(0, 8) + std::string(1, *org);
  auto check = Uscc::ComputeCheckChar(first17);
  ASSERT_TRUE(check.ok());
  const std::string odd = "济南<b>质检</b>&\"演示\"检测有限公司";
  HttpResponse made = P().Send(
      "POST", "/api/v1/registry/institutions",
      json::object{
          {"uscc", first17 + std::string(1, *check)}, {"name", odd}, {"region_code", "370102"}},
      admin_);
  ASSERT_EQ(made.status, 201u) << made.body;
  const int64_t run = Run(admin_);
  ASSERT_GT(run, 0);
  const std::string id = std::to_string(run);

  // Findings as CSV and XLSX: exactly the caller's list.
  std::set<std::pair<std::string, std::string>> want;
  for (const auto& f : Findings(jn_, run)) {
    want.emplace(std::to_string(f.at("record_id").as_int64()), Str(f.at("rule_id")));
  }
  for (const auto& [format, reader] :
       {std::pair{"csv", imp::Format::kCsv}, std::pair{"xlsx", imp::Format::kXlsx}}) {
    HttpResponse r =
        P().Get("/api/v1/quality/export/findings?run=" + id + "&format=" + format, jn_);
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_NE(r.Header("content-disposition").find("quality-findings-" + id), std::string::npos);
    std::set<std::pair<std::string, std::string>> got;
    for (const auto& row : ReadExport(r.body, reader)) {
      got.emplace(row.at("记录编号"), row.at("规则编号"));
      EXPECT_TRUE(row.at("所在地区").starts_with("山东省济南市")) << row.at("所在地区");
      EXPECT_EQ(row.at("状态"), "待整改");
    }
    EXPECT_EQ(got, want) << format;
  }
  // Filtered: the institution's overdue instrument only.
  HttpResponse one = P().Get("/api/v1/quality/export/findings?run=" + id +
                                 "&format=csv&rule=consistency.equipment.calibration-overdue",
                             inst_);
  ASSERT_EQ(one.status, 200u);
  auto rows = ReadExport(one.body, imp::Format::kCsv);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].at("对象"), "仪器设备");
  EXPECT_EQ(rows[0].at("字段"), "检定/校准有效期");
  EXPECT_NE(rows[0].at("证据").find("2020-01-01"), std::string::npos);

  // Rates per region (XLSX) and per field (CSV): the same rows as the API's.
  HttpResponse regions =
      P().Get("/api/v1/quality/export/rates?run=" + id + "&by=region&format=xlsx", sd_);
  ASSERT_EQ(regions.status, 200u) << regions.body;
  json::value api = Json(P().Get("/api/v1/quality/runs/" + id + "/rates?by=region", sd_));
  auto region_rows = ReadExport(regions.body, imp::Format::kXlsx);
  ASSERT_EQ(region_rows.size(), api.at("items").as_array().size());
  for (size_t i = 0; i < region_rows.size(); ++i) {
    const auto& a = api.at("items").at(i);
    EXPECT_EQ(region_rows[i].at("地区代码"), Str(a.at("region_code")));
    EXPECT_EQ(region_rows[i].at("记录数"), std::to_string(a.at("records").as_int64()));
  }
  HttpResponse fields =
      P().Get("/api/v1/quality/export/rates?run=" + id + "&by=field&format=csv", inst_);
  ASSERT_EQ(fields.status, 200u);
  EXPECT_EQ(ReadExport(fields.body, imp::Format::kCsv).size(),
            Json(P().Get("/api/v1/quality/runs/" + id + "/rates?by=field", inst_))
                .at("items")
                .as_array()
                .size());

  // The printable report: HTML, escaped, scoped.
  HttpResponse report = P().Get("/api/v1/quality/runs/" + id + "/report", jn_);
  ASSERT_EQ(report.status, 200u) << report.body;
  EXPECT_EQ(report.Header("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(report.body.find("数据质量检查报告"), std::string::npos);
  EXPECT_NE(report.body.find("@media print"), std::string::npos);
  EXPECT_NE(report.body.find("山东省济南市"), std::string::npos);
  EXPECT_NE(report.body.find("济南&lt;b&gt;质检&lt;/b&gt;&amp;&quot;演示&quot;检测有限公司"),
            std::string::npos);
  EXPECT_EQ(report.body.find("<b>质检"), std::string::npos);
  EXPECT_EQ(report.body.find("青岛演示"), std::string::npos);
  HttpResponse own = P().Get("/api/v1/quality/runs/" + id + "/report", inst_);
  ASSERT_EQ(own.status, 200u);
  EXPECT_NE(own.body.find("济南市历下区演示食品检测有限公司"), std::string::npos);
  EXPECT_EQ(own.body.find("济南演示机动车"), std::string::npos);  // the other Jinan institution
  EXPECT_EQ(own.body.find("各地区情况"), std::string::npos);
  ExpectProblem(P().Get("/api/v1/quality/runs/" + id + "/report"), 401, "auth.required");
}

TEST_P(QualityApiTest, BadParametersAreProblems) {
  const int64_t run = Run(admin_);
  ASSERT_GT(run, 0);
  const std::string q = "/api/v1/quality/findings?run=" + std::to_string(run);
  ExpectProblem(P().Get("/api/v1/quality/findings", sd_), 400, "request.bad-parameter");
  ExpectProblem(P().Get("/api/v1/quality/findings?run=abc", sd_), 400, "request.bad-parameter");
  for (const std::string bad :
       {"&status=closed", "&category=style", "&severity=fatal", "&entity=lab", "&rule=no.such.rule",
        "&region=3x", "&limit=0", "&institution=-1"}) {
    ExpectProblem(P().Get(q + bad, sd_), 400, "request.bad-parameter");
  }
  const std::string rates = "/api/v1/quality/runs/" + std::to_string(run) + "/rates";
  ExpectProblem(P().Get(rates + "?by=county", sd_), 400, "request.bad-parameter");
  ExpectProblem(P().Get(rates + "?digits=3", sd_), 400, "request.bad-parameter");
  ExpectProblem(P().Get("/api/v1/quality/trend?entity=lab", sd_), 400, "request.bad-parameter");
  ExpectProblem(P().Get("/api/v1/quality/export/findings?run=1&format=pdf", sd_), 400,
                "request.bad-parameter");
  ExpectProblem(P().Get("/api/v1/quality/runs/999999", sd_), 404, "quality.run-not-found");
  ExpectProblem(P().Get("/api/v1/quality/runs/abc/rates", sd_), 400, "request.bad-parameter");
  ExpectProblem(
      P().Send("POST", "/api/v1/quality/findings/not-a-fingerprint/fixed", nullptr, inst_), 400,
      "request.bad-parameter");
  ExpectProblem(P().Send("POST", "/api/v1/quality/findings/" + std::string(32, 'a') + "/fixed",
                         nullptr, inst_),
                404, "quality.finding-not-found");
  HttpResponse malformed =
      Request(P().port(), "POST", "/api/v1/quality/runs",
              "{\"region\":", {{"Content-Type", "application/json"}, {"Cookie", admin_}});
  ExpectProblem(malformed, 400, "request.malformed-json");
  HttpResponse unknown =
      P().Send("POST", "/api/v1/quality/runs", json::object{{"region", "99"}}, admin_);
  EXPECT_EQ(unknown.status / 100, 4u) << unknown.body;
  EXPECT_EQ(unknown.Header("content-type"), "application/problem+json");
  ExpectProblem(P().Get("/api/v1/quality/runs"), 401, "auth.required");
}

INSTANTIATE_TEST_SUITE_P(Backends, QualityApiTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                           return param_info.param;
                         });

}  // namespace
}  // namespace zhijian::test
