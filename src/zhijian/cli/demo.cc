#include "zhijian/cli/demo.h"

#include <sodium.h>

#include <array>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include "zhijian/audit/audit.h"
#include "zhijian/base/clock.h"
#include "zhijian/base/date.h"
#include "zhijian/base/digest.h"
#include "zhijian/base/uscc.h"
#include "zhijian/checks/quality_store.h"
#include "zhijian/checks/snapshot.h"
#include "zhijian/cli/registry_load.h"
#include "zhijian/intake/gen/report_gen.h"
#include "zhijian/ledger/log_store.h"
#include "zhijian/ledger/report_ledger.h"
#include "zhijian/registry/gen/generator.h"

namespace zhijian::cli {
namespace {

struct DemoInstitution {
  std::string body;  // USCC positions 1-16 (the organisation-code check and the USCC check
                     // characters are computed)
  std::string name;
  std::string region;
  std::string address;
};

// Fictional institutions (marked 演示) in real regions.
const std::vector<DemoInstitution>& DemoInstitutions() {
  static const std::vector<DemoInstitution> kList = {
      {"9137010216300001", "济南市历下区演示食品检测有限公司", "370102",
       "山东省济南市历下区经十路 1 号"},
      {"9137010216300002", "济南演示机动车检测有限公司", "370112",
       "山东省济南市历城区工业北路 8 号"},
      {"9137020216300003", "青岛演示环境监测技术有限公司", "370202",
       "山东省青岛市市南区香港中路 10 号"},
      {"9137020316300004", "青岛演示建设工程质量检测有限公司", "370203",
       "山东省青岛市市北区辽宁路 5 号"},
      {"9137060216300005", "烟台演示纺织品检验有限公司", "370602", "山东省烟台市芝罘区南大街 3 号"},
      {"9111010516300006", "北京演示医疗器械检验所有限公司", "110105", "北京市朝阳区建国路 20 号"},
      {"9111010816300007", "北京演示电器安全检测有限公司", "110108", "北京市海淀区中关村大街 9 号"},
      {"9142010216300008", "武汉演示水质检测有限公司", "420102", "湖北省武汉市江岸区沿江大道 7 号"},
      {"9144030416300009", "深圳演示食品安全检测有限公司", "440304",
       "广东省深圳市福田区深南大道 6 号"},
      {"9144010616300010", "广州演示计量检测有限公司", "440106", "广东省广州市天河区天河路 2 号"},
      {"9132010516300011", "南京演示环境检测有限公司", "320105", "江苏省南京市建邺区江东中路 4 号"},
      {"9151010716300012", "成都演示农产品检测有限公司", "510107",
       "四川省成都市武侯区人民南路 11 号"},
  };
  return kList;
}

Result<std::string> MakeUscc(const std::string& body16) {
  // Positions 9-16 are the organisation-code body; position 17 its GB 11714 check.
  ZJ_ASSIGN_OR_RETURN(char org_check, Uscc::ComputeOrgCheckChar(body16.substr(8, 8)));
  std::string first17 = body16 + org_check;
  ZJ_ASSIGN_OR_RETURN(char check, Uscc::ComputeCheckChar(first17));
  return first17 + check;
}

struct DemoAccount {
  std::string username;
  std::string display_name;
  Role role;
  std::string region;
  int institution_index;  // into DemoInstitutions(), -1 for none
};

const std::vector<DemoAccount>& DemoAccounts() {
  static const std::vector<DemoAccount> kList = {
      {"admin", "系统管理员", Role::kAdmin, "", -1},
      {"regulator-national", "市场监管总局 演示监管员", Role::kRegulator, "", -1},
      {"regulator-sd", "山东省市场监管局 演示监管员", Role::kRegulator, "37", -1},
      {"regulator-jn", "济南市市场监管局 演示监管员", Role::kRegulator, "3701", -1},
      {"inspector-sd", "山东省 演示检查员", Role::kInspector, "37", -1},
      {"inst-demo", "济南市历下区演示食品检测有限公司 管理员", Role::kInstitution, "", 0},
  };
  return kList;
}

Result<std::map<std::string, std::string>> LoadPasswords(const std::string& file) {
  std::map<std::string, std::string> out;
  if (file.empty() || !std::filesystem::exists(file)) return out;
  std::ifstream in(file);
  std::stringstream ss;
  ss << in.rdbuf();
  boost::system::error_code ec;
  auto v = boost::json::parse(ss.str(), ec);
  if (ec || !v.is_object()) {
    return Error::Invalid("demo.bad-password-file", "演示账号密码文件格式错误",
                          "demo password file is not a JSON object", file);
  }
  for (const auto& [k, val] : v.as_object()) {
    if (val.is_string()) out[std::string(k)] = std::string(val.as_string());
  }
  return out;
}

}  // namespace

std::string GeneratePassword() {
  // Letters and digits after a fixed "Zj-", so that two character classes are always present
  // (the password policy); 16 symbols of 56 ≈ 93 bits.
  static const char kAlphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
  std::string s = "Zj-";
  for (int i = 0; i < 16; ++i) s += kAlphabet[randombytes_uniform(sizeof kAlphabet - 1)];
  return s;
}

Result<void> LoadDemoRegistry(store::Database& db, const std::string& dir,
                              const std::string& id_key_file, std::ostream& out) {
  namespace gen = registry::gen;
  if (!std::filesystem::exists(std::filesystem::path(dir) / gen::kLabelsFile)) {
    ZJ_ASSIGN_OR_RETURN(gen::Scale scale, gen::ScaleByName("demo"));
    gen::Options o;
    o.scale = scale;
    o.seed = 2026;
    o.today = ChinaDate(SystemClock::Instance().Now());
    o.out_dir = dir;
    ZJ_ASSIGN_OR_RETURN(gen::Summary summary, gen::Generate(o, nullptr));
    out << "演示登记数据 demo registry generated: " << summary.rows << " rows in " << dir << "\n";
  }
  ZJ_ASSIGN_OR_RETURN(LoadTotals totals, LoadRegistryDirectory(db, dir, id_key_file, out));
  out << "演示登记数据 demo registry loaded: " << totals.rows << " rows (" << totals.rejected
      << " rows with labelled defects rejected, as designed)\n";
  return Ok();
}

Result<void> RegisterDemoReports(store::Database& db, const std::string& today, std::ostream& out) {
  static const char* kClients[] = {"济南鲁丰食品有限公司",     "青岛海润贸易有限公司",
                                   "烟台福山果业合作社",       "淄博华信建材有限公司",
                                   "潍坊安康农业发展有限公司", "临沂宏达机械制造有限公司",
                                   "威海碧海水产有限公司",     "济宁金桥纺织有限公司"};
  struct Inst {
    int64_t id;
    std::string uscc;
  };
  std::vector<Inst> insts;
  // object, item, parameter, standard, category
  std::map<int64_t, std::vector<std::array<std::string, 5>>> caps;
  struct Signer {
    std::string name, field, from, to;
  };
  std::map<int64_t, std::vector<Signer>> signers;  // the institution's authorised signatories
  {
    ZJ_ASSIGN_OR_RETURN(auto conn, db.Acquire());
    ZJ_ASSIGN_OR_RETURN(auto rows, conn->Query("SELECT i.id, i.uscc FROM institutions i WHERE "
                                               "EXISTS (SELECT 1 FROM certificates c WHERE "
                                               "c.institution_id = i.id) ORDER BY i.id"));
    for (const auto& r : rows) insts.push_back({r.Int(0), r.Text(1)});
    ZJ_ASSIGN_OR_RETURN(
        auto cap_rows,
        conn->Query("SELECT institution_id, object, item, parameter, standard_no, category "
                    "FROM capabilities ORDER BY institution_id, id"));
    for (const auto& r : cap_rows) {
      auto& v = caps[r.Int(0)];
      if (v.size() < 24) v.push_back({r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Text(5)});
    }
    ZJ_ASSIGN_OR_RETURN(
        auto signer_rows,
        conn->Query("SELECT p.institution_id, p.name, f.field, f.authorized_from, "
                    "f.authorized_to FROM people p JOIN signatory_fields f ON f.person_id = p.id "
                    "WHERE p.roles LIKE '%|授权签字人|%' ORDER BY p.institution_id, p.id, f.id"));
    for (const auto& r : signer_rows) {
      signers[r.Int(0)].push_back(
          {r.Text(1), r.Text(2), r.OptText(3).value_or(""), r.OptText(4).value_or("")});
    }
  }
  // A signatory of the institution authorised on `date` for `category` (a field containing the
  // category or contained in it), else one authorised on the date, else none.
  auto signer_for = [&](int64_t inst, const std::string& date,
                        const std::string& category) -> std::string {
    const Signer* any = nullptr;
    for (const Signer& s : signers[inst]) {
      if ((!s.from.empty() && s.from > date) || (!s.to.empty() && s.to < date)) continue;
      if (!category.empty() && (s.field.find(category) != std::string::npos ||
                                category.find(s.field) != std::string::npos)) {
        return s.name;
      }
      if (any == nullptr) any = &s;
    }
    return any != nullptr ? any->name : "";
  };
  if (insts.empty()) return Ok();
  const auto day = ParseIsoDate(today);
  if (!day) return Error::Invalid("demo.bad-date", "日期无效", "invalid date", today);
  std::vector<ledger::ReportInput> inputs;
  for (const Inst& inst : insts) {
    const auto& cap = caps[inst.id];
    for (int k = 0; k < 12; ++k) {
      CivilDate d{day->year, day->month - k, 3};
      while (d.month < 1) {
        d.month += 12;
        --d.year;
      }
      ledger::ReportInput in;
      in.institution = inst.uscc;
      in.issue_date = FormatIsoDate(d);
      if (in.issue_date > today) continue;
      in.report_no = "DEMO-" + inst.uscc.substr(8, 9) + "-" + in.issue_date.substr(0, 4) +
                     in.issue_date.substr(5, 2) + "-" + std::to_string(k + 1);
      in.document_sha256 = Sha256("zhijian demo report " + in.report_no);
      in.client = kClients[(inst.id + k) % std::size(kClients)];
      const auto* first = cap.empty() ? nullptr : &cap[static_cast<size_t>(k) % cap.size()];
      in.sample = first ? (*first)[0] : "送检样品";
      in.sampling_date = *AddDays(in.issue_date, -12);
      in.receipt_date = *AddDays(in.issue_date, -11);
      in.test_start_date = *AddDays(in.issue_date, -10);
      in.test_end_date = *AddDays(in.issue_date, -2);
      for (size_t t = 0; t < cap.size() && t < 3; ++t) {
        const auto& c = cap[(static_cast<size_t>(k) + t) % cap.size()];
        ledger::TestLine line;
        line.item = c[1];
        line.parameter = c[2];
        line.standard = c[3];
        line.result = "符合";
        line.verdict = "合格";
        in.test_lines.push_back(std::move(line));
      }
      in.conclusion = "所检项目符合检验依据的要求。";
      // A real authorised signatory of the institution where there is one, so that the demo's
      // arrival checks find what is really wrong rather than one unknown signer everywhere.
      const std::string signer = signer_for(inst.id, in.issue_date, first ? (*first)[4] : "");
      in.signatories = {signer.empty() ? std::string("演示签字人") : signer};
      inputs.push_back(std::move(in));
    }
  }
  ZJ_ASSIGN_OR_RETURN(auto log, ledger::LogStore::Open(db, ""));
  ZJ_ASSIGN_OR_RETURN(auto ledger, ledger::ReportLedger::Open(db, *log, SystemClock::Instance()));
  ZJ_ASSIGN_OR_RETURN(auto results, ledger->RegisterBatch(Principal::Cli(), inputs, "local"));
  int64_t created = 0, existing = 0;
  for (const auto& r : results) {
    if (r && r->created) ++created;
    if (r && !r->created) ++existing;
  }
  out << "演示报告 demo reports: " << created + existing << " registered (" << created << " new; "
      << results.size() - static_cast<size_t>(created + existing)
      << " dates without a valid certificate left out)\n";
  return Ok();
}

Result<void> RunDemoQualityChecks(store::Database& db, const std::string& today,
                                  std::ostream& out) {
  {
    ZJ_ASSIGN_OR_RETURN(auto conn, db.Acquire());
    ZJ_ASSIGN_OR_RETURN(auto rows, conn->Query("SELECT COUNT(*) FROM quality_runs"));
    if (rows.at(0).Int(0) > 0) return Ok();
  }
  int64_t findings = 0;
  for (int64_t days : {-84, -56, -28, 0}) {
    auto day = AddDays(today, days);
    if (!day) return Error::Invalid("demo.bad-date", "日期无效", "invalid date", today);
    checks::RunRequest req;
    req.today = *day;
    ZJ_ASSIGN_OR_RETURN(
        auto run, checks::RunQuality(db, SystemClock::Instance(), Principal::Cli(), "local", req));
    findings = static_cast<int64_t>(run.result.findings.size());
  }
  out << "演示数据质量检查 demo data-quality runs: 4 (as of " << *AddDays(today, -84) << " … "
      << today << "; " << findings << " findings in the latest)\n";
  return Ok();
}

Result<void> WriteDemoSamples(store::Database& db, const std::string& dir, const std::string& today,
                              std::ostream& out) {
  if (std::filesystem::exists(std::filesystem::path(dir) / "labels.jsonl")) {
    out << "演示报告样本 sample reports: kept in " << dir << "\n";
    return Ok();
  }
  checks::Snapshot snap;
  {
    ZJ_ASSIGN_OR_RETURN(auto conn, db.Acquire());
    ZJ_ASSIGN_OR_RETURN(snap, checks::LoadSnapshot(conn.get(), {}));
  }
  intake::gen::Options o;
  o.seed = 2026;
  o.count = 6;
  o.today = today;
  o.defect_share = 0.5;
  o.pdf = true;
  o.scan = true;
  o.scan_dpi = 300;  // what an office scanner gives; OCR at 200 dpi misreads more
  o.out_dir = dir;
  ZJ_ASSIGN_OR_RETURN(intake::gen::Summary sum, intake::gen::Generate(snap, o));
  int defects = 0;
  for (const auto& [kind, n] : sum.defects) defects += n;
  out << "演示报告样本 sample reports: " << sum.reports << " in " << dir
      << " (text PDFs pdf/, scans "
      << "scan/; " << defects << " with a labelled defect, see labels.jsonl) — drop them onto the "
      << "check page 报告检查\n";
  return Ok();
}

Result<int64_t> FindInstitutionByUscc(store::Database& db, const std::string& uscc) {
  ZJ_ASSIGN_OR_RETURN(auto conn, db.Acquire());
  std::vector<store::Value> p{uscc};
  ZJ_ASSIGN_OR_RETURN(auto row, conn->QueryOne("SELECT id FROM institutions WHERE uscc = ?", p));
  if (!row) {
    return Error::NotFound("institution.not-found", "机构不存在", "institution not found", uscc);
  }
  return row->Int(0);
}

Result<void> InitDemo(store::Database& db, accounts::Accounts& accounts,
                      const std::string& password_file, std::ostream& out) {
  const Principal cli = Principal::Cli();
  const std::string now = FormatInstant(SystemClock::Instance().Now());
  std::vector<int64_t> ids;
  int created = 0;
  {
    ZJ_ASSIGN_OR_RETURN(auto conn, db.Acquire());
    ZJ_TRY(store::WithTransaction(conn.get(), [&](store::Connection& tx) -> Result<void> {
      for (const auto& inst : DemoInstitutions()) {
        ZJ_ASSIGN_OR_RETURN(std::string uscc, MakeUscc(inst.body));
        std::vector<store::Value> p{uscc};
        ZJ_ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT id FROM institutions WHERE uscc = ?", p));
        if (row) {
          ids.push_back(row->Int(0));
          continue;
        }
        std::vector<store::Value> ins{uscc, inst.name, inst.region, inst.address, now, now};
        ZJ_ASSIGN_OR_RETURN(
            auto inserted,
            tx.QueryOne("INSERT INTO institutions (uscc, name, region_code, address, created_at, "
                        "updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                        ins));
        const int64_t id = inserted->Int(0);
        ids.push_back(id);
        ++created;
        audit::AuditEvent e;
        e.action = "institution.create";
        e.target_type = "institution";
        e.target_id = std::to_string(id);
        e.region_code = inst.region;
        e.institution_id = id;
        e.detail["uscc"] = uscc;
        e.detail["source"] = "demo-init";
        ZJ_TRY(audit::Append(tx, cli, "local", e, SystemClock::Instance().Now()));
      }
      return Ok();
    }));
  }
  out << "演示机构 demo institutions: " << ids.size() << " (" << created << " new)\n";

  ZJ_ASSIGN_OR_RETURN(auto passwords, LoadPasswords(password_file));
  bool changed = false;
  for (const auto& a : DemoAccounts()) {
    auto existing = accounts.GetUser(cli, a.username);
    if (existing) {
      if (!passwords.count(a.username)) {
        // The password file was lost: set a new password so that it can be printed.
        passwords[a.username] = GeneratePassword();
        ZJ_TRY(accounts.SetPassword(cli, a.username, passwords[a.username], std::nullopt, "local"));
        changed = true;
      }
      continue;
    }
    if (!passwords.count(a.username)) {
      passwords[a.username] = GeneratePassword();
      changed = true;
    }
    accounts::NewUser nu;
    nu.username = a.username;
    nu.display_name = a.display_name;
    nu.role = a.role;
    nu.region_prefix = a.region;
    if (a.institution_index >= 0) nu.institution_id = ids.at(a.institution_index);
    nu.password = passwords[a.username];
    ZJ_TRY(accounts.CreateUser(cli, nu, "local"));
  }
  if (changed && !password_file.empty()) {
    boost::json::object o;
    for (const auto& [k, v] : passwords) o[k] = v;
    const std::string tmp = password_file + ".tmp";
    {
      std::ofstream f(tmp, std::ios::trunc);
      f << boost::json::serialize(o) << "\n";
    }
    std::filesystem::permissions(
        tmp, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    std::filesystem::rename(tmp, password_file);
  }
  ZJ_TRY(RegisterDemoReports(db, ChinaDate(SystemClock::Instance().Now()), out));
  out << "演示账号 demo accounts (用户名 username / 密码 password / 角色 role):\n";
  for (const auto& a : DemoAccounts()) {
    out << "  " << a.username << std::string(20 - std::min<size_t>(19, a.username.size()), ' ')
        << passwords[a.username] << "   " << RoleName(a.role)
        << (a.region.empty() ? "" : " " + a.region) << "  " << a.display_name << "\n";
  }
  return Ok();
}

}  // namespace zhijian::cli
