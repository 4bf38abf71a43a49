// The query engine checked against a brute-force evaluation in C++ over the same seeded random
// registry, for many random filter combinations, viewers and page sizes, on both backends.
#include "zhijian/registry/query/query.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "tests/support/backend_fixture.h"
#include "zhijian/base/clock.h"
#include "zhijian/base/standard_no.h"
#include "zhijian/registry/registry.h"

namespace zhijian::registry::query {
namespace {

using store::Value;

struct HistoryE {
  int64_t id;
  std::string status, effective_on;
};
struct CertE {
  int64_t id, inst;
  std::string number, status;
  std::optional<std::string> issued_on, expires_on;
  std::vector<HistoryE> history;
};
struct CapE {
  int64_t id, cert, inst;
  std::string category, object, item, parameter, standard_no, standard_key, standard_name;
  std::optional<std::string> approved_on, valid_from, valid_to;
};
struct StdE {
  std::string number, name, status;
  std::optional<std::string> effective_on, abolished_on;
};
struct CreditE {
  int64_t inst;
  std::string kind, listed_on;
  std::optional<std::string> removed_on;
};
struct PenaltyE {
  int64_t inst;
  std::string decided_on;
};
struct InstE {
  int64_t id;
  std::string uscc, name, region, domains;
  bool centre;
};

struct Data {
  std::vector<InstE> inst;
  std::vector<CertE> certs;
  std::vector<CapE> caps;
  std::vector<StdE> stds;
  std::vector<std::pair<std::string, std::string>> links;  // replaced -> replacement
  std::vector<CreditE> credit;
  std::vector<PenaltyE> penalties;
};

const std::vector<std::string> kRegions = {"370102", "370112", "370202", "370203",
                                           "370602", "110105", "420102"};
const std::vector<std::string> kDomains = {"食品", "机动车", "生态环境", "建设工程"};
const std::vector<std::string> kItems = {"铅", "镉", "总砷", "菌落总数", "浑浊度", "噪声"};
const std::vector<std::string> kParams = {"", "限值", "含量"};
const std::vector<std::string> kCategories = {"食品", "水质", "环境", "机动车"};
const std::vector<std::string> kStatuses = {"valid", "suspended", "revoked", "cancelled",
                                            "expired"};

std::string Key(const std::string& no) {
  auto p = StandardNo::Parse(no);
  return p ? p->WithoutYear() : no;
}

std::string RandomDate(std::mt19937_64& rng, int from_year = 2012, int to_year = 2027) {
  std::uniform_int_distribution<int> y(from_year, to_year), m(1, 12), d(1, 28);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y(rng), m(rng), d(rng));
  return buf;
}

std::string AddYears(const std::string& date, int years) {
  return std::to_string(std::stoi(date.substr(0, 4)) + years) + date.substr(4);
}

Data Generate(uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto pick = [&rng](const auto& v) -> const auto& {
    return v[std::uniform_int_distribution<size_t>(0, v.size() - 1)(rng)];
  };
  auto chance = [&rng](double p) { return std::bernoulli_distribution(p)(rng); };
  auto maybe_date = [&](double p) -> std::optional<std::string> {
    if (chance(p)) return RandomDate(rng);
    return std::nullopt;
  };
  Data d;
  d.stds = {
      {"GB 5009.12-2017", "食品安全国家标准 食品中铅的测定", "current", "2017-10-06", {}},
      {"GB 5009.12-2010", "食品安全国家标准 食品中铅的测定", "abolished", "2010-06-01",
       "2017-10-06"},
      {"GB 5009.15-2023", "食品安全国家标准 食品中镉的测定", "upcoming", "2026-03-01", {}},
      {"GB 5749-2022", "生活饮用水卫生标准", "current", "2023-04-01", {}},
      {"GB 5749-2006", "生活饮用水卫生标准", "abolished", "2007-07-01", "2023-04-01"},
      {"GB/T 5750.6-2023",
       "生活饮用水标准检验方法 第6部分：金属和类金属指标",
       "current",
       "2024-04-01",
       {}},
      {"GB/T 5750.6-2006", "生活饮用水标准检验方法 金属指标", "current", "2007-07-01", {}},
      {"HJ 828-2017", "水质 化学需氧量的测定 重铬酸盐法", "current", "2017-05-01", {}},
      {"GB 3847-2018", "柴油车污染物排放限值及测量方法", "current", "2019-05-01", {}},
      {"GB 4789.2-2022", "食品安全国家标准 食品微生物学检验 菌落总数测定", "abolished", {}, {}},
  };
  d.links = {{"GB 5009.12-2010", "GB 5009.12-2017"},
             {"GB 5749-2006", "GB 5749-2022"},
             {"GB/T 5750.6-2006", "GB/T 5750.6-2023"},
             {"GB 3847-2018", "GB 3847-2035"}};  // replacement not catalogued
  std::vector<std::string> cited;
  for (const auto& s : d.stds) cited.push_back(s.number);
  cited.push_back("DB37/T 1234-2020");  // not catalogued
  cited.push_back("SN/T 0001");         // no year

  const std::vector<std::string> stems = {"济南", "青岛", "烟台", "北京", "武汉"};
  const std::vector<std::string> kinds = {"食品检测有限公司", "环境监测技术有限公司",
                                          "机动车检测有限公司", "质量检验中心"};
  int64_t cert_id = 0, cap_id = 0, hist_id = 0;
  const int n = 70;
  for (int64_t id = 1; id <= n; ++id) {
    InstE e;
    e.id = id;
    char uscc[32];
    std::snprintf(uscc, sizeof uscc, "91370000TEST%06lld", static_cast<long long>(id));
    e.uscc = uscc;
    // Few distinct names, so that sorting by name has ties.
    e.name = pick(stems) + pick(kinds);
    e.region = pick(kRegions);
    std::string doms;
    for (const auto& dom : kDomains) {
      if (chance(0.35)) doms += "|" + dom;
    }
    e.domains = doms.empty() ? "" : doms + "|";
    e.centre = chance(0.2);
    d.inst.push_back(e);
    const int ncert = std::uniform_int_distribution<int>(0, 2)(rng);
    for (int c = 0; c < ncert; ++c) {
      CertE ce;
      ce.id = ++cert_id;
      ce.inst = id;
      ce.number = std::to_string(100000000000LL + ce.id * 7919);
      ce.status = chance(0.6) ? "valid" : pick(kStatuses);
      ce.issued_on = maybe_date(0.9);
      if (ce.issued_on && chance(0.9)) ce.expires_on = AddYears(*ce.issued_on, 6);
      const int nh = std::uniform_int_distribution<int>(0, 3)(rng);
      for (int h = 0; h < nh; ++h) {
        ce.history.push_back({++hist_id, pick(kStatuses), RandomDate(rng)});
        if (h == 1 && chance(0.5)) {  // same-day changes: the later entry wins
          ce.history.push_back({++hist_id, pick(kStatuses), ce.history.back().effective_on});
        }
      }
      d.certs.push_back(ce);
      std::set<std::string> seen;
      const int ncap = std::uniform_int_distribution<int>(0, 9)(rng);
      for (int k = 0; k < ncap; ++k) {
        CapE ca;
        ca.cert = ce.id;
        ca.inst = id;
        ca.category = pick(kCategories);
        ca.object = chance(0.5) ? "食品" : "生活饮用水";
        ca.item = pick(kItems);
        ca.parameter = pick(kParams);
        ca.standard_no = pick(cited);
        ca.standard_key = Key(ca.standard_no);
        ca.standard_name = "名称 " + ca.standard_no;
        ca.approved_on = maybe_date(0.7);
        ca.valid_from = maybe_date(0.3);
        ca.valid_to = maybe_date(0.3);
        const std::string key = ca.category + "/" + ca.object + "/" + ca.item + "/" + ca.parameter +
                                "/" + ca.standard_no;
        if (!seen.insert(key).second) continue;
        ca.id = ++cap_id;
        d.caps.push_back(ca);
      }
    }
    const int npen = std::uniform_int_distribution<int>(0, 2)(rng) * (chance(0.5) ? 1 : 0);
    for (int k = 0; k < npen; ++k) d.penalties.push_back({id, RandomDate(rng)});
    if (chance(0.3)) {
      CreditE cr;
      cr.inst = id;
      cr.kind = chance(0.5) ? "serious-dishonesty" : "abnormal-operation";
      cr.listed_on = RandomDate(rng, 2018, 2025);
      if (chance(0.5)) cr.removed_on = AddYears(cr.listed_on, 1);
      d.credit.push_back(cr);
    }
  }
  return d;
}

void Exec(store::Connection& conn, const std::string& sql, std::vector<Value> p) {
  auto r = conn.Exec(sql, p);
  ASSERT_TRUE(r.ok()) << r.error().ToString() << " " << sql;
}

void Load(store::Database& db, const Data& d) {
  auto conn = db.Acquire();
  ASSERT_TRUE(conn.ok());
  auto& c = conn->get();
  ASSERT_TRUE(c.Begin(true).ok());
  const std::string ts = "2025-01-01T00:00:00Z";
  for (const auto& i : d.inst) {
    Exec(c,
         "INSERT INTO institutions (id, uscc, name, region_code, address, national_centre, "
         "domains, created_at, updated_at) VALUES (?, ?, ?, ?, '', ?, ?, ?, ?)",
         {i.id, i.uscc, i.name, i.region, int64_t{i.centre}, i.domains, ts, ts});
  }
  for (const auto& s : d.stds) {
    Exec(c,
         "INSERT INTO standards (number, number_key, name, status, effective_on, abolished_on, "
         "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
         {s.number, Key(s.number), s.name, s.status, store::OptText(s.effective_on),
          store::OptText(s.abolished_on), ts, ts});
  }
  for (const auto& [a, b] : d.links) {
    Exec(c, "INSERT INTO standard_replacements (replaced, replacement) VALUES (?, ?)", {a, b});
  }
  for (const auto& ce : d.certs) {
    Exec(c,
         "INSERT INTO certificates (id, institution_id, number, issuer, issued_on, expires_on, "
         "status, created_at, updated_at) VALUES (?, ?, ?, '山东省市场监督管理局', ?, ?, ?, ?, ?)",
         {ce.id, ce.inst, ce.number, store::OptText(ce.issued_on), store::OptText(ce.expires_on),
          ce.status, ts, ts});
    for (const auto& h : ce.history) {
      Exec(c,
           "INSERT INTO certificate_status_history (id, certificate_id, status, effective_on, "
           "recorded_at) VALUES (?, ?, ?, ?, ?)",
           {h.id, ce.id, h.status, h.effective_on, ts});
    }
  }
  for (const auto& k : d.caps) {
    Exec(c,
         "INSERT INTO capabilities (id, certificate_id, institution_id, category, object, item, "
         "parameter, standard_no, standard_key, standard_name, approved_on, valid_from, "
         "valid_to, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
         {k.id, k.cert, k.inst, k.category, k.object, k.item, k.parameter, k.standard_no,
          k.standard_key, k.standard_name, store::OptText(k.approved_on),
          store::OptText(k.valid_from), store::OptText(k.valid_to), ts, ts});
  }
  // Rows written around the Registry: the stored counts as 0009 computes them, the cited
  // standards as 0012 does (CitedStandardsFollowRegistryWrites checks the Registry's upkeep).
  Exec(c,
       "UPDATE institutions SET capability_count = (SELECT COUNT(*) FROM capabilities k WHERE "
       "k.institution_id = institutions.id)",
       {});
  Exec(c,
       "INSERT INTO institution_standards (institution_id, standard_no, capability_rows, retired) "
       "SELECT k.institution_id, k.standard_no, COUNT(*), CASE WHEN k.standard_no IN (SELECT "
       "s.number FROM standards s WHERE s.status = 'abolished' UNION SELECT r.replaced FROM "
       "standard_replacements r) THEN 1 ELSE 0 END FROM capabilities k GROUP BY "
       "k.institution_id, k.standard_no",
       {});
  int n = 0;
  for (const auto& p : d.penalties) {
    Exec(c,
         "INSERT INTO penalties (institution_id, decision_no, decided_on, created_at) VALUES (?, "
         "?, ?, ?)",
         {p.inst, "鲁市监罚〔2024〕" + std::to_string(++n) + "号", p.decided_on, ts});
  }
  for (const auto& f : d.credit) {
    Exec(c,
         "INSERT INTO credit_flags (institution_id, kind, listed_on, removed_on, created_at) "
         "VALUES (?, ?, ?, ?, ?)",
         {f.inst, f.kind, f.listed_on, store::OptText(f.removed_on), ts});
  }
  ASSERT_TRUE(c.Commit().ok());
}

// ---- the brute-force definitions (query.h, "Semantics") ----

bool InScope(const Principal& v, const InstE& i) {
  switch (v.role) {
    case Role::kAdmin:
      return true;
    case Role::kRegulator:
    case Role::kInspector:
      return i.region.rfind(v.region_prefix, 0) == 0;
    case Role::kInstitution:
      return v.institution_id == i.id;
    default:
      return false;
  }
}

std::string StatusOn(const CertE& c, const std::string& d) {
  const HistoryE* best = nullptr;
  for (const auto& h : c.history) {
    if (h.effective_on <= d && (!best || h.effective_on > best->effective_on ||
                                (h.effective_on == best->effective_on && h.id > best->id))) {
      best = &h;
    }
  }
  return best ? best->status : c.status;
}

bool CertValidOn(const CertE& c, const std::string& d) {
  return StatusOn(c, d) == "valid" && (!c.issued_on || *c.issued_on <= d) &&
         (!c.expires_on || d <= *c.expires_on);
}

bool CapOn(const CapE& k, const std::string& d) {
  auto from = k.valid_from ? k.valid_from : k.approved_on;
  return (!from || *from <= d) && (!k.valid_to || d <= *k.valid_to);
}

bool CapMatches(const Data& data, const CapE& k, const CapabilityMatch& m) {
  if (!m.item.empty() && k.item != m.item) return false;
  if (!m.parameter.empty() && k.parameter != m.parameter) return false;
  if (!m.standard_no.empty()) {
    auto p = StandardNo::Parse(m.standard_no);
    if (p && p->year() && k.standard_no != p->str()) return false;
    if (p && !p->year() && k.standard_key != p->WithoutYear()) return false;
    if (!p && k.standard_no != m.standard_no) return false;
  }
  if (!m.standard_name.empty()) {
    bool found = false;
    for (const auto& s : data.stds) {
      found |= s.number == k.standard_no && s.name.find(m.standard_name) != std::string::npos;
    }
    if (!found) return false;
  }
  if (m.as_of && !CapOn(k, *m.as_of)) return false;
  return true;
}

bool OnCredit(const CreditE& f, const std::string& kind, const std::string& d) {
  return (kind.empty() || f.kind == kind) && f.listed_on <= d &&
         (!f.removed_on || d < *f.removed_on);
}

struct Expected {
  int64_t id;
  std::pair<int64_t, std::string> key;  // (integer key, text key)
  InstitutionHit hit;
};

std::vector<Expected> BruteSearch(const Data& d, const Principal& v, const InstitutionQuery& q) {
  std::vector<Expected> out;
  const std::string credit_day = q.credit_as_of.value_or(q.today);
  for (const auto& i : d.inst) {
    if (!InScope(v, i)) continue;
    if (!q.name.empty() && i.name.find(q.name) == std::string::npos) continue;
    if (!q.uscc.empty() && i.uscc != q.uscc) continue;
    if (!q.region_prefix.empty() && i.region.rfind(q.region_prefix, 0) != 0) continue;
    if (!q.domain.empty() && i.domains.find("|" + q.domain + "|") == std::string::npos) continue;
    if (q.national_centre && *q.national_centre != i.centre) continue;
    bool ok = true, has_no = q.certificate_no.empty(), has_valid = !q.cert_valid_on;
    InstitutionHit h;
    h.id = i.id;
    for (const auto& c : d.certs) {
      if (c.inst != i.id) continue;
      ++h.certificate_count;
      if (c.number == q.certificate_no) has_no = true;
      if (q.cert_valid_on && CertValidOn(c, *q.cert_valid_on)) has_valid = true;
      if (c.status == "valid" && c.expires_on &&
          (!h.earliest_expiry || *c.expires_on < *h.earliest_expiry)) {
        h.earliest_expiry = c.expires_on;
      }
    }
    ok = has_no && has_valid;
    bool cap_ok = q.capability.empty();
    for (const auto& k : d.caps) {
      if (k.inst != i.id) continue;
      ++h.capability_count;
      if (!cap_ok && CapMatches(d, k, q.capability)) cap_ok = true;
    }
    bool pen_ok = !q.has_penalties;
    for (const auto& p : d.penalties) {
      if (p.inst != i.id) continue;
      ++h.penalty_count;
      if ((!q.penalties_from || *q.penalties_from <= p.decided_on) &&
          (!q.penalties_to || p.decided_on <= *q.penalties_to)) {
        pen_ok = true;
      }
    }
    bool credit_ok = !q.on_credit_list;
    for (const auto& f : d.credit) {
      if (f.inst != i.id) continue;
      if (q.on_credit_list && OnCredit(f, q.credit_kind, credit_day)) credit_ok = true;
      if (OnCredit(f, "serious-dishonesty", credit_day)) h.serious_dishonesty = true;
      if (OnCredit(f, "abnormal-operation", credit_day)) h.abnormal_operation = true;
    }
    if (!ok || !cap_ok || !pen_ok || !credit_ok) continue;
    std::pair<int64_t, std::string> key;
    switch (q.sort) {
      case Sort::kName:
        key.second = i.name;
        break;
      case Sort::kRegion:
        key.second = i.region;
        break;
      case Sort::kCertificateExpiry:
        key.second = h.earliest_expiry.value_or("9999-12-31");
        break;
      case Sort::kCapabilityCount:
        key.first = h.capability_count;
        break;
    }
    out.push_back({i.id, key, h});
  }
  std::sort(out.begin(), out.end(), [&q](const Expected& a, const Expected& b) {
    if (a.key != b.key) return q.descending ? b.key < a.key : a.key < b.key;
    return q.descending ? b.id < a.id : a.id < b.id;
  });
  return out;
}

Principal Viewer(std::mt19937_64& rng, const Data& d) {
  Principal p;
  switch (std::uniform_int_distribution<int>(0, 5)(rng)) {
    case 0:
      p.role = Role::kAdmin;
      break;
    case 1:
      p.role = Role::kRegulator;
      p.region_prefix = "37";
      break;
    case 2:
      p.role = Role::kRegulator;
      p.region_prefix = "3701";
      break;
    case 3:
      p.role = Role::kInspector;
      p.region_prefix = "3702";
      break;
    case 4:
      p.role = Role::kRegulator;
      p.region_prefix = "";
      break;
    default:
      p.role = Role::kInstitution;
      p.institution_id = d.inst[rng() % d.inst.size()].id;
      break;
  }
  p.user_id = 1;
  p.username = "tester";
  return p;
}

std::string Describe(const Principal& v) {
  return std::string(RoleName(v.role)) + ":" + v.region_prefix + ":" +
         std::to_string(v.institution_id.value_or(0));
}

class QueryTest : public testing::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    db_ = OpenDb();
    ASSERT_NE(db_, nullptr);
    data_ = Generate(20250601);
    Load(*db_, data_);
  }
  std::unique_ptr<store::Database> db_;
  Data data_;
};

TEST_P(QueryTest, InstitutionSearchMatchesBruteForce) {
  auto conn = db_->Acquire();
  ASSERT_TRUE(conn.ok());
  std::mt19937_64 rng(7);
  auto chance = [&rng](double p) { return std::bernoulli_distribution(p)(rng); };
  int nonempty = 0, pages = 0;
  for (int iter = 0; iter < 160; ++iter) {
    const Principal v = Viewer(rng, data_);
    InstitutionQuery q;
    q.today = "2025-06-01";
    const InstE& sample = data_.inst[rng() % data_.inst.size()];
    if (chance(0.2)) q.name = chance(0.5) ? "青岛" : "检测";
    if (chance(0.05)) q.uscc = sample.uscc;
    if (chance(0.08) && !data_.certs.empty()) {
      q.certificate_no = data_.certs[rng() % data_.certs.size()].number;
    }
    if (chance(0.3)) q.cert_valid_on = RandomDate(rng, 2016, 2026);
    if (chance(0.25)) q.region_prefix = chance(0.5) ? "3701" : kRegions[rng() % kRegions.size()];
    if (chance(0.2)) q.domain = kDomains[rng() % kDomains.size()];
    if (chance(0.15)) q.national_centre = chance(0.5);
    if (chance(0.4)) {
      if (chance(0.5)) q.capability.item = kItems[rng() % kItems.size()];
      if (chance(0.2)) q.capability.parameter = kParams[1 + rng() % 2];
      if (chance(0.4)) {
        const std::vector<std::string> nos = {"GB 5009.12-2017",  "GB 5009.12",
                                              "gb/t5750.6-2006",  "GB/T 5750.6",
                                              "DB37/T 1234-2020", "SN/T 0001"};
        q.capability.standard_no = nos[rng() % nos.size()];
      }
      if (chance(0.2)) q.capability.standard_name = chance(0.5) ? "铅的测定" : "饮用水";
      if (chance(0.3)) q.capability.as_of = RandomDate(rng, 2016, 2026);
    }
    if (chance(0.2)) {
      q.has_penalties = true;
      if (chance(0.5)) q.penalties_from = RandomDate(rng, 2012, 2020);
      if (chance(0.5)) q.penalties_to = RandomDate(rng, 2020, 2027);
    }
    if (chance(0.15)) {
      q.on_credit_list = true;
      if (chance(0.5)) q.credit_kind = chance(0.5) ? "serious-dishonesty" : "abnormal-operation";
    }
    if (chance(0.3)) q.credit_as_of = RandomDate(rng, 2018, 2026);
    q.sort = static_cast<Sort>(rng() % 4);
    q.descending = chance(0.3);
    q.page_size = std::uniform_int_distribution<int>(1, 9)(rng);

    const auto expected = BruteSearch(data_, v, q);
    std::vector<InstitutionHit> got;
    int64_t total = -1;
    for (int guard = 0; guard < 200; ++guard) {
      auto page = SearchInstitutions(conn->get(), v, q);
      ASSERT_TRUE(page.ok()) << page.error().ToString();
      total = page->total;
      ASSERT_LE(page->items.size(), static_cast<size_t>(q.page_size));
      got.insert(got.end(), page->items.begin(), page->items.end());
      ++pages;
      if (page->next_cursor.empty()) break;
      q.cursor = page->next_cursor;
    }
    const std::string ctx = "iteration " + std::to_string(iter) + " as " + Describe(v) + " sort " +
                            SortName(q.sort) + (q.descending ? " desc" : "");
    EXPECT_EQ(total, static_cast<int64_t>(expected.size())) << ctx;
    ASSERT_EQ(got.size(), expected.size()) << ctx;
    for (size_t i = 0; i < got.size(); ++i) {
      const auto& e = expected[i].hit;
      EXPECT_EQ(got[i].id, e.id) << ctx << " position " << i;
      EXPECT_EQ(got[i].certificate_count, e.certificate_count) << ctx;
      EXPECT_EQ(got[i].earliest_expiry, e.earliest_expiry) << ctx;
      EXPECT_EQ(got[i].capability_count, e.capability_count) << ctx;
      EXPECT_EQ(got[i].penalty_count, e.penalty_count) << ctx;
      EXPECT_EQ(got[i].serious_dishonesty, e.serious_dishonesty) << ctx;
      EXPECT_EQ(got[i].abnormal_operation, e.abnormal_operation) << ctx;
      EXPECT_TRUE(InScope(v, data_.inst[got[i].id - 1])) << ctx;
    }
    nonempty += !expected.empty();
  }
  // The random filters must not be so narrow that every answer is empty.
  EXPECT_GT(nonempty, 60);
  EXPECT_GT(pages, 300);
}

TEST_P(QueryTest, CapabilityCrossSearchMatchesBruteForce) {
  auto conn = db_->Acquire();
  ASSERT_TRUE(conn.ok());
  std::mt19937_64 rng(11);
  auto chance = [&rng](double p) { return std::bernoulli_distribution(p)(rng); };
  int nonempty = 0;
  for (int iter = 0; iter < 80; ++iter) {
    const Principal v = Viewer(rng, data_);
    CapabilityQuery q;
    q.match.item = chance(0.6) ? kItems[rng() % kItems.size()] : "";
    if (chance(0.5) || q.match.item.empty()) {
      const std::vector<std::string> nos = {"GB 5009.12-2017", "GB 5009.12", "GB/T 5750.6",
                                            "GB 5749-2006"};
      q.match.standard_no = nos[rng() % nos.size()];
    }
    if (chance(0.2)) q.match.standard_name = "测定";
    if (chance(0.4)) q.match.as_of = RandomDate(rng, 2016, 2026);
    if (chance(0.3)) q.region_prefix = chance(0.5) ? "37" : "3702";
    if (chance(0.2)) q.category = kCategories[rng() % kCategories.size()];
    q.require_valid_certificate = chance(0.7);
    q.page_size = std::uniform_int_distribution<int>(1, 15)(rng);
    // Half the time the total is counted up to a limit only (as the search page does).
    if (chance(0.5)) q.count_limit = std::uniform_int_distribution<int64_t>(1, 20)(rng);

    std::vector<int64_t> expected;
    for (const auto& k : data_.caps) {
      const InstE& i = data_.inst[k.inst - 1];
      if (!InScope(v, i) || !CapMatches(data_, k, q.match)) continue;
      if (!q.region_prefix.empty() && i.region.rfind(q.region_prefix, 0) != 0) continue;
      if (!q.category.empty() && k.category != q.category) continue;
      if (q.match.as_of && q.require_valid_certificate) {
        const CertE* cert = nullptr;
        for (const auto& c : data_.certs) {
          if (c.id == k.cert) cert = &c;
        }
        if (!CertValidOn(*cert, *q.match.as_of)) continue;
      }
      expected.push_back(k.id);
    }
    std::vector<int64_t> got;
    for (int guard = 0; guard < 500; ++guard) {
      auto page = SearchCapabilities(conn->get(), v, q);
      ASSERT_TRUE(page.ok()) << page.error().ToString();
      const auto matches = static_cast<int64_t>(expected.size());
      if (q.count_limit > 0) {
        EXPECT_EQ(page->total, std::min(matches, q.count_limit));
        EXPECT_EQ(page->total_exact, matches <= q.count_limit);
      } else {
        EXPECT_EQ(page->total, matches);
        EXPECT_TRUE(page->total_exact);
      }
      for (const auto& h : page->items) {
        got.push_back(h.capability_id);
        EXPECT_EQ(h.institution_id, data_.caps[h.capability_id - 1].inst);
        EXPECT_EQ(h.item, data_.caps[h.capability_id - 1].item);
      }
      if (page->next_after_id == 0) break;
      q.after_id = page->next_after_id;
    }
    EXPECT_EQ(got, expected) << "iteration " << iter << " as " << Describe(v);
    nonempty += !expected.empty();
  }
  EXPECT_GT(nonempty, 30);
  // An empty cross-search is refused rather than scanning every row.
  auto empty = SearchCapabilities(conn->get(), Principal::Cli(), CapabilityQuery{});
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code(), "registry.bad-query");
}

// "Which standards does each institution cover" and "which institutions list an abolished
// standard" against the brute force over `data_`.
void CheckStandardsAndAbolished(store::Connection& conn, const Data& data_, uint64_t seed) {
  Principal admin = Principal::Cli();
  for (const auto& i : data_.inst) {
    auto got = StandardsOfInstitution(conn, admin, i.id);
    ASSERT_TRUE(got.ok()) << got.error().ToString();
    std::map<std::string, int64_t> expected;
    for (const auto& k : data_.caps) {
      if (k.inst == i.id) ++expected[k.standard_no];
    }
    ASSERT_EQ(got->size(), expected.size());
    auto it = expected.begin();
    for (const auto& s : *got) {
      EXPECT_EQ(s.standard_no, it->first);
      EXPECT_EQ(s.capability_rows, it->second);
      const StdE* cat = nullptr;
      for (const auto& st : data_.stds) {
        if (st.number == s.standard_no) cat = &st;
      }
      EXPECT_EQ(s.in_catalogue, cat != nullptr);
      if (cat) {
        EXPECT_EQ(s.status, cat->status);
        EXPECT_EQ(s.name, cat->name);
      }
      std::vector<std::string> repl;
      for (const auto& [a, b] : data_.links) {
        if (a == s.standard_no) repl.push_back(b);
      }
      EXPECT_EQ(s.replaced_by, repl);
      ++it;
    }
  }
  // Abolished / replaced, for several dates and viewers.
  std::mt19937_64 rng(seed);
  for (int iter = 0; iter < 30; ++iter) {
    const Principal v = Viewer(rng, data_);
    AbolishedQuery q;
    q.as_of = RandomDate(rng, 2005, 2027);
    if (iter % 3 == 0) q.region_prefix = "37";
    q.page_size = std::uniform_int_distribution<int>(1, 6)(rng);
    auto abolished_on = [&](const std::string& no) {
      for (const auto& s : data_.stds) {
        if (s.number == no && s.status == "abolished" &&
            (!s.abolished_on || *s.abolished_on <= q.as_of)) {
          return true;
        }
      }
      for (const auto& [a, b] : data_.links) {
        if (a != no) continue;
        bool later = false;
        for (const auto& s : data_.stds) {
          later |= s.number == b && s.effective_on && *s.effective_on > q.as_of;
        }
        if (!later) return true;
      }
      return false;
    };
    std::map<int64_t, std::set<std::string>> expected;
    for (const auto& k : data_.caps) {
      const InstE& i = data_.inst[k.inst - 1];
      if (!InScope(v, i) || i.region.rfind(q.region_prefix, 0) != 0) continue;
      if (CapOn(k, q.as_of) && abolished_on(k.standard_no)) expected[i.id].insert(k.standard_no);
    }
    std::map<int64_t, std::set<std::string>> got;
    for (int guard = 0; guard < 100; ++guard) {
      auto page = InstitutionsListingAbolished(conn, v, q);
      ASSERT_TRUE(page.ok()) << page.error().ToString();
      for (const auto& l : page->items) {
        EXPECT_FALSE(got.count(l.institution_id));
        got[l.institution_id] = {l.standards.begin(), l.standards.end()};
      }
      if (page->next_after_id == 0) break;
      q.after_id = page->next_after_id;
    }
    EXPECT_EQ(got, expected) << "as of " << q.as_of << " as " << Describe(v);
  }
}

// Institutions by a standard name alone (served from institution_standards when no date is
// given) against the brute force, for several names and viewers.
void CheckStandardNameSearch(store::Connection& conn, const Data& data, uint64_t seed) {
  std::mt19937_64 rng(seed);
  int nonempty = 0;
  for (const std::string name :
       {"铅的测定", "饮用水", "食品安全", "测定", "菌落", "不存在的名称"}) {
    for (int n = 0; n < 4; ++n) {
      const Principal v = Viewer(rng, data);
      InstitutionQuery q;
      q.today = "2025-06-01";
      q.capability.standard_name = name;
      if (n == 3) q.capability.as_of = RandomDate(rng, 2016, 2026);  // the capability-row path
      q.page_size = kMaxPageSize;
      const auto expected = BruteSearch(data, v, q);
      auto page = SearchInstitutions(conn, v, q);
      ASSERT_TRUE(page.ok()) << page.error().ToString();
      EXPECT_EQ(page->total, static_cast<int64_t>(expected.size())) << name << " " << Describe(v);
      std::vector<int64_t> got, want;
      for (const auto& h : page->items) got.push_back(h.id);
      for (const auto& e : expected) want.push_back(e.id);
      EXPECT_EQ(got, want) << name << " as " << Describe(v);
      nonempty += !want.empty();
    }
  }
  EXPECT_GT(nonempty, 5);
}

TEST_P(QueryTest, StandardsOfInstitutionAndAbolishedListings) {
  auto conn = db_->Acquire();
  ASSERT_TRUE(conn.ok());
  CheckStandardsAndAbolished(conn->get(), data_, 5);
  CheckStandardNameSearch(conn->get(), data_, 6);
}

// institution_standards (0012) is kept by the Registry's writes: deletes, moves of rows between
// institutions, new rows, and catalogue changes (abolished, un-abolished, a new replacement
// link). After them the table equals a recount and every query reading it still agrees with the
// brute force.
TEST_P(QueryTest, CitedStandardsFollowRegistryWrites) {
  FakeClock clock(std::chrono::sys_days(std::chrono::year{2025} / 6 / 1));
  Registry reg(*db_, clock);
  const Principal admin = Principal::Cli();
  std::mt19937_64 rng(11);
  // 1. Deletes through the API path.
  for (int n = 0; n < 25 && !data_.caps.empty(); ++n) {
    const size_t at = rng() % data_.caps.size();
    ASSERT_TRUE(reg.DeleteCapability(admin, data_.caps[at].id, "127.0.0.1").ok());
    data_.caps.erase(data_.caps.begin() + static_cast<std::ptrdiff_t>(at));
  }
  auto conn = db_->Acquire();
  ASSERT_TRUE(conn.ok());
  auto& c = conn->get();
  auto is_catalogued = [&](const std::string& no) {
    return std::any_of(data_.stds.begin(), data_.stds.end(),
                       [&](const StdE& s) { return s.number == no; });
  };
  auto as_model = [](const CapE& k) {
    Capability m;
    m.certificate_id = k.cert;
    m.institution_id = k.inst;
    m.category = k.category;
    m.object = k.object;
    m.item = k.item;
    m.parameter = k.parameter;
    m.standard_no = k.standard_no;
    m.standard_name = k.standard_name;
    m.approved_on = k.approved_on;
    m.valid_from = k.valid_from;
    m.valid_to = k.valid_to;
    return m;
  };
  if (c.backend() == store::Backend::kPostgres) {  // Load wrote the ids itself
    ASSERT_TRUE(c.Query("SELECT setval(pg_get_serial_sequence('capabilities', 'id'), "
                        "(SELECT MAX(id) FROM capabilities))")
                    .ok());
  }
  ASSERT_TRUE(c.Begin(true).ok());
  // 2. Moves: the same business key given another institution (an update of the row).
  int moved = 0;
  for (auto& k : data_.caps) {
    if (moved == 12 || !is_catalogued(k.standard_no) || rng() % 3 != 0) continue;
    k.inst = data_.inst[rng() % data_.inst.size()].id;
    if (!k.valid_from) k.valid_from = k.approved_on;  // the upsert's normalisation
    auto u = reg.UpsertCapability(c, as_model(k));
    ASSERT_TRUE(u.ok()) << u.error().ToString();
    ++moved;
  }
  EXPECT_EQ(moved, 12);
  // 3. New rows, some citing an abolished standard, in one batch.
  std::vector<Capability> fresh;
  std::vector<CapE> fresh_e;
  for (int n = 0; n < 30; ++n) {
    const CertE& ce = data_.certs[rng() % data_.certs.size()];
    CapE k{0,
           ce.id,
           ce.inst,
           "食品",
           "新对象",
           "新项目" + std::to_string(n),
           "",
           n % 2 ? "GB 5009.12-2010" : "GB 4789.2-2022",
           "",
           "新名称",
           "2020-01-01",
           "2020-01-01",
           std::nullopt};
    k.standard_key = Key(k.standard_no);
    fresh.push_back(as_model(k));
    fresh_e.push_back(k);
  }
  auto results = reg.UpsertCapabilities(c, fresh);
  ASSERT_TRUE(results.ok()) << results.error().ToString();
  for (size_t n = 0; n < fresh_e.size(); ++n) {
    ASSERT_TRUE((*results)[n].ok());
    fresh_e[n].id = (*results)[n]->id;
    data_.caps.push_back(fresh_e[n]);
  }
  // 4. The catalogue: GB 4789.2-2022 no longer abolished, HJ 828-2017 abolished, GB 5009.15-2023
  // replaced by a new number.
  auto save = [&](StdE& e, std::vector<std::string> replaced_by) {
    Standard m;
    m.number = e.number;
    m.name = e.name;
    m.status = *ParseStandardStatus(e.status);
    m.effective_on = e.effective_on;
    m.abolished_on = e.abolished_on;
    m.replaced_by = std::move(replaced_by);
    auto u = reg.UpsertStandard(c, m);
    ASSERT_TRUE(u.ok()) << u.error().ToString();
    EXPECT_NE(u->outcome, Outcome::kUnchanged);
  };
  for (auto& e : data_.stds) {
    if (e.number == "GB 4789.2-2022") {
      e.status = "current";
      save(e, {});
    } else if (e.number == "HJ 828-2017") {
      e.status = "abolished";
      e.abolished_on = "2024-01-01";
      save(e, {});
    } else if (e.number == "GB 5009.15-2023") {
      save(e, {"GB 5009.15-2030"});
      data_.links.emplace_back("GB 5009.15-2023", "GB 5009.15-2030");
    }
  }
  // A cited number new to the catalogue, inserted as abolished.
  StdE local{"DB37/T 1234-2020", "地方标准", "abolished", "2020-06-01", "2024-06-01"};
  data_.stds.push_back(local);
  save(data_.stds.back(), {});
  ASSERT_TRUE(c.Commit().ok());

  // The table equals a recount from the rows and the catalogue.
  std::map<std::pair<int64_t, std::string>, std::pair<int64_t, int64_t>> expected;
  for (const auto& k : data_.caps) {
    auto& e = expected[{k.inst, k.standard_no}];
    ++e.first;
    bool retired = false;
    for (const auto& s : data_.stds)
      retired |= s.number == k.standard_no && s.status == "abolished";
    for (const auto& [a, b] : data_.links) retired |= a == k.standard_no;
    e.second = retired ? 1 : 0;
  }
  auto stored = c.Query(
      "SELECT institution_id, standard_no, capability_rows, retired FROM institution_standards");
  ASSERT_TRUE(stored.ok()) << stored.error().ToString();
  std::map<std::pair<int64_t, std::string>, std::pair<int64_t, int64_t>> got;
  for (const auto& r : *stored) got[{r.Int(0), r.Text(1)}] = {r.Int(2), r.Int(3)};
  EXPECT_EQ(got, expected);

  CheckStandardsAndAbolished(c, data_, 12);
  CheckStandardNameSearch(c, data_, 13);
}

TEST_P(QueryTest, ScopeHidesOtherCitiesEverywhere) {
  auto conn = db_->Acquire();
  ASSERT_TRUE(conn.ok());
  Principal jinan;
  jinan.role = Role::kRegulator;
  jinan.region_prefix = "3701";
  InstitutionQuery all;
  all.today = "2025-06-01";
  all.page_size = 200;
  auto page = SearchInstitutions(conn->get(), jinan, all);
  ASSERT_TRUE(page.ok());
  ASSERT_FALSE(page->items.empty());
  for (const auto& h : page->items) EXPECT_EQ(h.region_code.substr(0, 4), "3701");
  // Asking for another city's region inside a Jinan scope yields nothing.
  all.region_prefix = "3702";
  EXPECT_EQ(SearchInstitutions(conn->get(), jinan, all)->total, 0);
  for (const auto& i : data_.inst) {
    const bool inside = i.region.rfind("3701", 0) == 0;
    auto portrait = GetPortrait(conn->get(), jinan, i.id, "2025-06-01");
    auto standards = StandardsOfInstitution(conn->get(), jinan, i.id);
    EXPECT_EQ(portrait.ok(), inside) << i.region;
    EXPECT_EQ(standards.ok(), inside);
    if (!inside) {
      EXPECT_EQ(portrait.error().kind(), Error::Kind::kNotFound);
      EXPECT_EQ(standards.error().kind(), Error::Kind::kNotFound);
    }
  }
  CapabilityQuery cq;
  cq.match.item = "铅";
  cq.page_size = 200;
  auto caps = SearchCapabilities(conn->get(), jinan, cq);
  ASSERT_TRUE(caps.ok());
  for (const auto& h : caps->items) EXPECT_EQ(h.region_code.substr(0, 4), "3701");
  // The public never reaches the scoped reads.
  Principal anonymous;
  auto refused = SearchInstitutions(conn->get(), anonymous, all);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind(), Error::Kind::kPermissionDenied);
  EXPECT_FALSE(GetPortrait(conn->get(), anonymous, 1, "2025-06-01").ok());
}

TEST_P(QueryTest, PortraitAggregatesTheInstitution) {
  auto conn = db_->Acquire();
  ASSERT_TRUE(conn.ok());
  for (const auto& i : data_.inst) {
    auto p = GetPortrait(conn->get(), Principal::Cli(), i.id, "2025-06-01");
    ASSERT_TRUE(p.ok()) << p.error().ToString();
    EXPECT_EQ(p->name, i.name);
    EXPECT_EQ(p->national_centre, i.centre);
    std::map<std::tuple<std::string, std::string, std::string>, int64_t> groups;
    int64_t rows = 0;
    for (const auto& k : data_.caps) {
      if (k.inst == i.id) ++groups[{k.category, k.object, k.item}], ++rows;
    }
    EXPECT_EQ(p->capability_rows, rows);
    ASSERT_EQ(p->capability_groups.size(), groups.size());
    size_t n = 0;
    for (const auto& [key, count] : groups) {
      const auto& g = p->capability_groups[n++];
      EXPECT_EQ(std::tie(g.category, g.object, g.item),
                std::tie(std::get<0>(key), std::get<1>(key), std::get<2>(key)));
      EXPECT_EQ(g.rows, count);
    }
    size_t certs = 0, history = 0;
    for (const auto& c : data_.certs) {
      if (c.inst == i.id) ++certs, history += c.history.size();
    }
    ASSERT_EQ(p->certificates.size(), certs);
    size_t got_history = 0;
    for (const auto& c : p->certificates) got_history += c.history.size();
    EXPECT_EQ(got_history, history);
    size_t credit = 0;
    for (const auto& f : data_.credit) credit += f.inst == i.id;
    EXPECT_EQ(p->credit_flags.size(), credit);
  }
}

TEST_P(QueryTest, PublicLookupShowsCertifiedInstitutionsOnly) {
  auto conn = db_->Acquire();
  ASSERT_TRUE(conn.ok());
  PublicQuery q;
  q.name = "青岛";
  q.limit = 50;
  auto got = PublicLookup(conn->get(), q);
  ASSERT_TRUE(got.ok()) << got.error().ToString();
  std::set<std::string> expected;
  for (const auto& i : data_.inst) {
    bool certified = false;
    for (const auto& c : data_.certs) certified |= c.inst == i.id;
    if (certified && i.name.find("青岛") != std::string::npos) expected.insert(i.uscc);
  }
  std::set<std::string> seen;
  for (const auto& r : *got) {
    seen.insert(r.uscc);
    EXPECT_FALSE(r.certificates.empty());
  }
  EXPECT_EQ(seen, expected);
  ASSERT_FALSE(data_.certs.empty());
  PublicQuery by_cert;
  by_cert.certificate_no = data_.certs.front().number;
  auto one = PublicLookup(conn->get(), by_cert);
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ(one->front().uscc, data_.inst[data_.certs.front().inst - 1].uscc);
  EXPECT_FALSE(PublicLookup(conn->get(), PublicQuery{}).ok());
  PublicQuery short_name;
  short_name.name = "青";
  EXPECT_FALSE(PublicLookup(conn->get(), short_name).ok());
}

TEST_P(QueryTest, BadInputIsRefused) {
  auto conn = db_->Acquire();
  ASSERT_TRUE(conn.ok());
  InstitutionQuery q;
  q.today = "2025-06-01";
  q.cursor = "zz";
  EXPECT_EQ(SearchInstitutions(conn->get(), Principal::Cli(), q).error().code(),
            "registry.bad-cursor");
  q.cursor.clear();
  q.cert_valid_on = "2025-02-30";
  EXPECT_EQ(SearchInstitutions(conn->get(), Principal::Cli(), q).error().code(),
            "registry.bad-query");
  q.cert_valid_on.reset();
  q.page_size = kMaxPageSize + 1;
  EXPECT_FALSE(SearchInstitutions(conn->get(), Principal::Cli(), q).ok());
  q.page_size = 1;
  auto first = SearchInstitutions(conn->get(), Principal::Cli(), q);
  ASSERT_TRUE(first.ok());
  ASSERT_FALSE(first->next_cursor.empty());
  // A cursor is bound to its sort order.
  q.cursor = first->next_cursor;
  q.sort = Sort::kRegion;
  EXPECT_EQ(SearchInstitutions(conn->get(), Principal::Cli(), q).error().code(),
            "registry.bad-cursor");
  q.sort = Sort::kName;
  q.region_prefix = "99";
  q.cursor.clear();
  EXPECT_FALSE(SearchInstitutions(conn->get(), Principal::Cli(), q).ok());
}

ZJ_INSTANTIATE_BACKENDS(QueryTest);

}  // namespace
}  // namespace zhijian::registry::query
