// Tests of the registry data generator: determinism, counts, headers, and an independent
// validation of every generated row (base/ parsers) whose findings must equal labels.jsonl.
#include "zhijian/registry/gen/generator.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "zhijian/base/cma.h"
#include "zhijian/base/region.h"
#include "zhijian/base/standard_no.h"
#include "zhijian/base/uscc.h"

namespace zhijian::registry::gen {
namespace {

namespace fs = std::filesystem;
constexpr const char* kToday = "2025-06-01";

fs::path TempDir(const std::string& tag) {
  fs::path p =
      fs::temp_directory_path() / ("zj-gen-" + tag + "-" + std::to_string(::getpid()) + "-" +
                                   std::to_string(reinterpret_cast<uintptr_t>(&tag) & 0xffff));
  fs::remove_all(p);
  return p;
}

Scale Small() { return Scale{"test", 40, 700, 100, 1600, 4000, 700, "37"}; }

Options Opts(const Scale& s, const fs::path& dir, double rate, uint64_t seed = 7) {
  Options o;
  o.scale = s;
  o.seed = seed;
  o.today = kToday;
  o.defect_rate = rate;
  o.out_dir = dir.string();
  return o;
}

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A minimal RFC 4180 reader (rows never span lines in generated files).
std::vector<std::string> ParseCsvLine(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back().push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back().push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else {
      out.back().push_back(c);
    }
  }
  return out;
}

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // row i is on line i + 2
};

Table ReadCsv(const fs::path& p) {
  Table t;
  std::ifstream in(p, std::ios::binary);
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    auto f = ParseCsvLine(line);
    if (first) {
      t.header = f;
      first = false;
    } else {
      EXPECT_EQ(f.size(), t.header.size()) << p << ": " << line;
      t.rows.push_back(std::move(f));
    }
  }
  return t;
}

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  if (s.empty()) return out;
  size_t start = 0;
  while (true) {
    const size_t p = s.find(';', start);
    out.push_back(s.substr(start, p == std::string::npos ? p : p - start));
    if (p == std::string::npos) break;
    start = p + 1;
  }
  return out;
}

// Day number of "YYYY-MM-DD" (own arithmetic, independent of the generator's).
long DayNo(const std::string& s) {
  EXPECT_EQ(s.size(), 10u) << s;
  int y = std::stoi(s.substr(0, 4)), m = std::stoi(s.substr(5, 2)), d = std::stoi(s.substr(8, 2));
  static const int kCum[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
  auto leap = [](int yy) { return (yy % 4 == 0 && yy % 100 != 0) || yy % 400 == 0; };
  long days = 0;
  for (int yy = 1900; yy < y; ++yy) days += leap(yy) ? 366 : 365;
  days += kCum[m - 1] + (m > 2 && leap(y) ? 1 : 0) + d;
  return days;
}

bool ValidDate(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  const int y = std::stoi(s.substr(0, 4)), m = std::stoi(s.substr(5, 2)),
            d = std::stoi(s.substr(8, 2));
  static const int kLen[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m >= 1 && m <= 12 && d >= 1 && d <= kLen[m - 1] + (m == 2 && leap ? 1 : 0);
}

// GB 11643: region, birth date, sequence, MOD 11-2 check.
bool ValidIdNumber(const std::string& id) {
  if (id.size() != 18) return false;
  for (int i = 0; i < 17; ++i) {
    if (id[i] < '0' || id[i] > '9') return false;
  }
  static const int kW[] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (id[i] - '0') * kW[i];
  if (id[17] != "10X98765432"[sum % 11]) return false;
  if (!RegionTable::Get().IsKnown(id.substr(0, 6))) return false;
  const std::string birth = id.substr(6, 4) + "-" + id.substr(10, 2) + "-" + id.substr(12, 2);
  return ValidDate(birth) && id.substr(14, 3) != "000";
}

using Key = std::tuple<std::string, std::string, long>;  // kind, file, line

// Validates every row of a generated directory; returns the defect findings by kind, file and
// line. Anything invalid that is not one of the defect kinds fails the test directly.
void ValidateInto(const fs::path& dir, const std::string& today_text, std::set<Key>* out) {
  const long today = DayNo(today_text);
  std::set<Key>& found = *out;
  const auto& regions = RegionTable::Get();
  const std::set<std::string> domains(Domains().begin(), Domains().end());

  // Standards.
  Table st = ReadCsv(dir / "standards.csv");
  std::unordered_map<std::string, std::string> std_status;
  std::set<std::string> real_numbers;
  const auto catalogue = RealCatalogue();
  ASSERT_TRUE(catalogue.ok());
  for (const auto& e : *catalogue) real_numbers.insert(e.number);
  for (size_t i = 0; i < st.rows.size(); ++i) {
    const auto& r = st.rows[i];
    auto no = StandardNo::Parse(r[0]);
    ASSERT_TRUE(no.ok()) << r[0];
    EXPECT_EQ(no->str(), r[0]);
    EXPECT_FALSE(r[1].empty());
    EXPECT_TRUE(std_status.emplace(r[0], r[2]).second) << "duplicate standard " << r[0];
    if (!real_numbers.count(r[0])) {
      EXPECT_TRUE(r[1].ends_with("（合成）")) << r[0];
    }
    if (!r[4].empty()) {
      EXPECT_TRUE(ValidDate(r[4]));
      if (r[2] == "现行") {
        EXPECT_LE(DayNo(r[4]), today) << r[0];
      }
      if (r[2] == "即将实施") {
        EXPECT_GT(DayNo(r[4]), today) << r[0];
      }
    }
    if (!r[5].empty()) {
      EXPECT_EQ(r[2], "废止") << r[0];
      EXPECT_LE(DayNo(r[5]), today);
    }
    EXPECT_TRUE(r[2] == "现行" || r[2] == "废止" || r[2] == "即将实施") << r[2];
  }
  for (const auto& r : st.rows) {
    for (const auto& x : SplitList(r[6])) EXPECT_TRUE(std_status.count(x)) << x;
    for (const auto& x : SplitList(r[7])) EXPECT_TRUE(std_status.count(x)) << x;
  }

  // Institutions.
  Table in = ReadCsv(dir / "institutions.csv");
  struct InstInfo {
    long line;
    std::string region;
    bool national;
    std::set<std::string> domains;
    std::set<std::string> categories;
    bool tech = false, quality = false;
  };
  std::unordered_map<std::string, InstInfo> inst;
  for (size_t i = 0; i < in.rows.size(); ++i) {
    const auto& r = in.rows[i];
    const long line = static_cast<long>(i) + 2;
    auto u = Uscc::Parse(r[1]);
    ASSERT_TRUE(u.ok()) << r[1];
    if (u->suspect()) {
      EXPECT_TRUE(u->checks().org_check_ok) << r[1];  // only position 18 is ever broken
      found.insert({"uscc-bad-check", "institutions.csv", line});
    }
    EXPECT_TRUE(u->checks().type_known);
    const std::string type(u->type_code());
    EXPECT_TRUE((type == "91" && r[5] == "企业法人") || (type == "12" && r[5] == "事业单位法人") ||
                (type == "52" && r[5] == "民办非企业单位"))
        << type << " " << r[5];
    EXPECT_EQ(std::string(u->region_code()), r[2]);
    EXPECT_TRUE(regions.IsValid(r[2])) << r[2];
    EXPECT_EQ(regions.Lookup(r[2])->level, RegionLevel::kCounty);
    if (r[0].empty()) found.insert({"missing-required-field", "institutions.csv", line});
    EXPECT_FALSE(r[3].empty());
    EXPECT_TRUE(r[3].starts_with(*regions.FullName(r[2]))) << r[3];
    EXPECT_FALSE(r[4].empty());
    EXPECT_TRUE(r[7] == "是" || r[7] == "否");
    InstInfo info{line, r[2], r[7] == "是", {}, {}};
    for (const auto& d : SplitList(r[6])) {
      EXPECT_TRUE(domains.count(d)) << d;
      info.domains.insert(d);
    }
    EXPECT_FALSE(info.domains.empty());
    EXPECT_TRUE(inst.emplace(r[1], info).second) << "duplicate USCC " << r[1];
  }

  // Certificates.
  Table ce = ReadCsv(dir / "certificates.csv");
  struct CertInfo {
    std::string uscc;
    long issued, expires;
  };
  std::unordered_map<std::string, CertInfo> certs;
  std::unordered_map<std::string, long> latest_expiry;
  for (const auto& r : ce.rows) {
    latest_expiry[r[0]] = std::max(latest_expiry[r[0]], DayNo(r[4]));
  }
  for (size_t i = 0; i < ce.rows.size(); ++i) {
    const auto& r = ce.rows[i];
    const long line = static_cast<long>(i) + 2;
    ASSERT_TRUE(inst.count(r[0])) << r[0];
    const InstInfo& ii = inst[r[0]];
    auto no = CmaCertNo::Parse(r[1]);
    ASSERT_TRUE(no.ok()) << r[1];
    EXPECT_EQ(std::to_string(no->year()), r[3].substr(0, 4));
    if (ii.national) {
      EXPECT_TRUE(no->national());
      EXPECT_EQ(r[2], "国家市场监督管理总局");
    } else {
      EXPECT_EQ(std::string(no->issuer_region_prefix()), ii.region.substr(0, 2));
    }
    EXPECT_TRUE(ValidDate(r[3]) && ValidDate(r[4]));
    EXPECT_EQ(r[4].substr(5), r[3].substr(5) == "02-29" ? "02-28" : r[3].substr(5));
    EXPECT_EQ(std::stoi(r[4].substr(0, 4)) - std::stoi(r[3].substr(0, 4)), 6);  // 6 years
    EXPECT_LE(DayNo(r[3]), today);
    const long exp = DayNo(r[4]);
    if (r[5] == "有效" && exp < today) {
      found.insert({"cert-expired-but-valid", "certificates.csv", line});
    } else if (r[5] == "有效" && exp - today <= 90 && exp >= latest_expiry[r[0]]) {
      found.insert({"cert-expiring-soon", "certificates.csv", line});
    } else if (r[5] == "过期") {
      EXPECT_LT(exp, today + 1);
    } else {
      EXPECT_TRUE(r[5] == "有效" || r[5] == "暂停" || r[5] == "撤销") << r[5];
    }
    EXPECT_TRUE(certs.emplace(r[1], CertInfo{r[0], DayNo(r[3]), exp}).second) << r[1];
  }

  // Capabilities.
  Table ca = ReadCsv(dir / "capabilities.csv");
  std::set<std::string> cap_keys;
  for (size_t i = 0; i < ca.rows.size(); ++i) {
    const auto& r = ca.rows[i];
    const long line = static_cast<long>(i) + 2;
    ASSERT_TRUE(certs.count(r[0])) << r[0];
    const CertInfo& c = certs[r[0]];
    InstInfo& ii = inst[c.uscc];
    EXPECT_TRUE(ii.domains.count(r[1])) << r[1];
    ii.categories.insert(r[1]);
    EXPECT_FALSE(r[2].empty());
    EXPECT_FALSE(r[3].empty());
    EXPECT_FALSE(r[6].empty());
    EXPECT_TRUE(ValidDate(r[8]));
    EXPECT_LE(DayNo(r[8]), today);
    EXPECT_TRUE(
        cap_keys.insert(r[0] + "|" + r[1] + "|" + r[2] + "|" + r[3] + "|" + r[4] + "|" + r[5])
            .second)
        << "duplicate capability line " << line;
    if (r[5].empty()) {
      found.insert({"missing-required-field", "capabilities.csv", line});
      continue;
    }
    ASSERT_TRUE(std_status.count(r[5])) << r[5];
    if (std_status[r[5]] == "废止") {
      found.insert({"capability-abolished-standard", "capabilities.csv", line});
    } else {
      EXPECT_EQ(std_status[r[5]], "现行") << r[5];
      EXPECT_GE(DayNo(r[8]), c.issued) << line;
    }
  }

  // People.
  Table pe = ReadCsv(dir / "people.csv");
  std::unordered_map<std::string, std::string> first_institution_of_id;
  std::set<std::string> ids_in_inst;
  const std::set<std::string> titles = {"技术员", "助理工程师", "工程师", "高级工程师",
                                        "正高级工程师"};
  const std::set<std::string> roles_ok = {"技术负责人", "质量负责人", "授权签字人", "检测人员",
                                          "样品管理员", "设备管理员", "监督员",     "内审员"};
  std::vector<std::pair<long, std::vector<std::string>>> signatory_rows;
  for (size_t i = 0; i < pe.rows.size(); ++i) {
    const auto& r = pe.rows[i];
    const long line = static_cast<long>(i) + 2;
    ASSERT_TRUE(inst.count(r[0])) << r[0];
    EXPECT_TRUE(ValidIdNumber(r[2])) << "line " << line;
    EXPECT_TRUE(ids_in_inst.insert(r[0] + "|" + r[2]).second) << "same person twice, " << line;
    auto [it, fresh] = first_institution_of_id.emplace(r[2], r[0]);
    if (!fresh && it->second != r[0]) {
      found.insert({"person-two-institutions", "people.csv", line});
    }
    if (r[1].empty()) found.insert({"missing-required-field", "people.csv", line});
    EXPECT_TRUE(titles.count(r[3])) << r[3];
    const auto roles = SplitList(r[4]);
    EXPECT_FALSE(roles.empty());
    bool key = false, signatory = false;
    for (const auto& role : roles) {
      EXPECT_TRUE(roles_ok.count(role)) << role;
      if (role == "技术负责人") inst[r[0]].tech = key = true;
      if (role == "质量负责人") inst[r[0]].quality = key = true;
      if (role == "授权签字人") signatory = true;
    }
    if (key || signatory) {
      EXPECT_TRUE(r[3] != "技术员" && r[3] != "助理工程师") << line;
    }
    if (signatory) {
      EXPECT_FALSE(r[5].empty());
      EXPECT_TRUE(ValidDate(r[6]));
      EXPECT_LE(DayNo(r[6]), today);
      if (!r[7].empty()) {
        EXPECT_GT(DayNo(r[7]), today);
      }
      signatory_rows.push_back({line, SplitList(r[5])});
    } else {
      EXPECT_TRUE(r[5].empty() && r[6].empty() && r[7].empty());
    }
  }
  for (const auto& [line, fields] : signatory_rows) {
    const InstInfo& ii = inst[pe.rows[line - 2][0]];
    for (const auto& f : fields) {
      EXPECT_TRUE(domains.count(f)) << f;
      if (!ii.categories.count(f)) {
        found.insert({"signatory-field-not-covered", "people.csv", line});
      }
    }
  }
  for (const auto& [uscc, ii] : inst) {
    if (!ii.tech || !ii.quality)
      found.insert({"key-position-unfilled", "institutions.csv", ii.line});
  }

  // Equipment.
  Table eq = ReadCsv(dir / "equipment.csv");
  std::set<std::string> eq_keys;
  for (size_t i = 0; i < eq.rows.size(); ++i) {
    const auto& r = eq.rows[i];
    const long line = static_cast<long>(i) + 2;
    ASSERT_TRUE(inst.count(r[0]));
    EXPECT_FALSE(r[2].empty());
    EXPECT_FALSE(r[3].empty());
    EXPECT_TRUE(eq_keys.insert(r[0] + "|" + r[3]).second) << "duplicate serial " << line;
    if (r[1].empty()) found.insert({"missing-required-field", "equipment.csv", line});
    EXPECT_TRUE(ValidDate(r[4]));
    if (DayNo(r[4]) < today) found.insert({"calibration-overdue", "equipment.csv", line});
  }

  // Credit and penalties.
  for (const auto& r : ReadCsv(dir / "credit.csv").rows) {
    EXPECT_TRUE(inst.count(r[0]));
    EXPECT_TRUE(r[1] == "严重违法失信名单" || r[1] == "经营异常名录");
    EXPECT_TRUE(ValidDate(r[2]));
    if (!r[3].empty()) {
      EXPECT_LT(DayNo(r[2]), DayNo(r[3]));
    }
  }
  std::set<std::string> decisions;
  for (const auto& r : ReadCsv(dir / "penalties.csv").rows) {
    EXPECT_TRUE(inst.count(r[0]));
    EXPECT_TRUE(decisions.insert(r[1]).second) << r[1];
    EXPECT_TRUE(ValidDate(r[2]));
    EXPECT_GT(std::stod(r[6]), 0);
  }
}

std::set<Key> Validate(const fs::path& dir, const std::string& today_text) {
  std::set<Key> found;
  ValidateInto(dir, today_text, &found);
  return found;
}

std::set<Key> ReadLabels(const fs::path& dir, std::map<std::string, int>* by_kind) {
  std::set<Key> out;
  std::ifstream in(dir / "labels.jsonl");
  std::string line;
  while (std::getline(in, line)) {
    auto v = boost::json::parse(line).as_object();
    const std::string kind(v.at("kind").as_string());
    EXPECT_FALSE(v.at("uscc").as_string().empty());
    EXPECT_TRUE(
        out.insert({kind, std::string(v.at("file").as_string()), v.at("line").as_int64()}).second)
        << line;
    ++(*by_kind)[kind];
  }
  return out;
}

TEST(GeneratorTest, HeadersAreExactlyTheImportFormat) {
  const fs::path dir = TempDir("headers");
  ASSERT_TRUE(Generate(Opts(Small(), dir, 0.02)).ok());
  const std::map<std::string, std::string> expected = {
      {"standards.csv", "标准编号,标准名称,状态,发布日期,实施日期,废止日期,代替标准,被代替标准"},
      {"institutions.csv",
       "机构名称,统一社会信用代码,所在地区代码,地址,法定代表人,机构性质,检验检测领域,"
       "是否国家质检中心"},
      {"certificates.csv", "统一社会信用代码,证书编号,发证机关,发证日期,有效期至,证书状态"},
      {"capabilities.csv",
       "证书编号,类别,产品/对象,项目/参数,参数,标准编号,标准名称,限制范围,批准日期"},
      {"people.csv",
       "统一社会信用代码,姓名,身份证号,职称,岗位/角色,授权签字领域,授权日期,授权截止"},
      {"equipment.csv", "统一社会信用代码,设备名称,型号规格,出厂编号,检定/校准有效期至"},
      {"credit.csv", "统一社会信用代码,名单类型,列入日期,移出日期,决定机关,列入原因"},
      {"penalties.csv",
       "统一社会信用代码,处罚决定书文号,处罚日期,处罚机关,违法行为,处罚依据,罚款金额"},
  };
  ASSERT_EQ(ImportFiles().size(), expected.size());
  for (const auto& f : ImportFiles()) {
    std::ifstream in(dir / f);
    std::string first;
    std::getline(in, first);
    EXPECT_EQ(first, expected.at(f)) << f;
  }
  fs::remove_all(dir);
}

TEST(GeneratorTest, SameInputsGiveIdenticalFilesAndOtherSeedsDiffer) {
  const fs::path a = TempDir("det-a"), b = TempDir("det-b"), c = TempDir("det-c");
  ASSERT_TRUE(Generate(Opts(Small(), a, 0.05, 11)).ok());
  ASSERT_TRUE(Generate(Opts(Small(), b, 0.05, 11)).ok());
  ASSERT_TRUE(Generate(Opts(Small(), c, 0.05, 12)).ok());
  std::vector<std::string> files = ImportFiles();
  files.emplace_back(kLabelsFile);
  int differing = 0;
  for (const auto& f : files) {
    const std::string x = ReadAll(a / f);
    EXPECT_FALSE(x.empty()) << f;
    EXPECT_EQ(x, ReadAll(b / f)) << f;
    if (x != ReadAll(c / f)) ++differing;
  }
  EXPECT_GE(differing, 6);
  // A different today changes dates.
  const fs::path d = TempDir("det-d");
  Options o = Opts(Small(), d, 0.05, 11);
  o.today = "2024-03-15";
  ASSERT_TRUE(Generate(o).ok());
  EXPECT_NE(ReadAll(a / "certificates.csv"), ReadAll(d / "certificates.csv"));
  for (const auto& p : {a, b, c, d}) fs::remove_all(p);
}

TEST(GeneratorTest, WithoutDefectsEveryRowIsValidAndNothingIsLabelled) {
  const fs::path dir = TempDir("valid");
  auto s = Generate(Opts(Small(), dir, 0.0));
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  const auto found = Validate(dir, kToday);
  for (const auto& [k, f, l] : found) ADD_FAILURE() << k << " " << f << ":" << l;
  EXPECT_EQ(ReadAll(dir / "labels.jsonl"), "");
  for (const auto& [k, n] : s->defects) EXPECT_EQ(n, 0) << k;
  fs::remove_all(dir);
}

TEST(GeneratorTest, DefectsAreExactlyTheLabelledOnes) {
  for (uint64_t seed : {3u, 4u}) {
    const fs::path dir = TempDir("defects" + std::to_string(seed));
    auto s = Generate(Opts(Small(), dir, 0.06, seed));
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    std::map<std::string, int> by_kind;
    const auto labels = ReadLabels(dir, &by_kind);
    const auto found = Validate(dir, kToday);
    for (const auto& k : found) {
      if (!labels.count(k)) {
        ADD_FAILURE() << "unlabelled: " << std::get<0>(k) << " " << std::get<1>(k) << ":"
                      << std::get<2>(k);
      }
    }
    for (const auto& k : labels) {
      if (!found.count(k)) {
        ADD_FAILURE() << "labelled but not found: " << std::get<0>(k) << " " << std::get<1>(k)
                      << ":" << std::get<2>(k);
      }
    }
    for (const auto& kind : DefectKinds()) {
      EXPECT_EQ(by_kind[kind], s->defects.at(kind)) << kind;
    }
    // Every kind occurs at this rate and size (the institution-level ones at least once).
    EXPECT_GE(by_kind["capability-abolished-standard"], 5);
    EXPECT_GE(by_kind["calibration-overdue"], 20);
    EXPECT_GE(by_kind["missing-required-field"], 20);
    EXPECT_GE(by_kind["person-two-institutions"], 5);
    fs::remove_all(dir);
  }
  // Institution-level kinds need more institutions to show up reliably.
  const fs::path dir = TempDir("defects-inst");
  Scale sc{"inst", 400, 4000, 900, 4000, 8000, 600, "37"};
  auto s = Generate(Opts(sc, dir, 0.08, 5));
  ASSERT_TRUE(s.ok());
  std::map<std::string, int> by_kind;
  const auto labels = ReadLabels(dir, &by_kind);
  EXPECT_EQ(labels, Validate(dir, kToday));
  for (const auto& kind : DefectKinds()) EXPECT_GE(by_kind[kind], 1) << kind;
  fs::remove_all(dir);
}

TEST(GeneratorTest, DemoScaleCountsAndSkew) {
  const fs::path dir = TempDir("demo");
  auto demo = ScaleByName("demo");
  ASSERT_TRUE(demo.ok());
  auto s = Generate(Opts(*demo, dir, 0.0));
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  std::map<std::string, int64_t> rows;
  for (const auto& f : s->files) rows[f.file] = f.rows;
  EXPECT_EQ(rows["institutions.csv"], demo->institutions);
  EXPECT_EQ(rows["people.csv"], demo->people);
  EXPECT_EQ(rows["equipment.csv"], demo->equipment);
  EXPECT_EQ(rows["standards.csv"], demo->standards);
  EXPECT_GE(rows["capabilities.csv"], demo->capabilities * 97 / 100);
  EXPECT_LE(rows["capabilities.csv"], demo->capabilities);
  // Rows on disk equal the summary; key people as planned; skew: the largest institution has
  // many times the median's capability rows.
  Table ca = ReadCsv(dir / "capabilities.csv");
  EXPECT_EQ(static_cast<int64_t>(ca.rows.size()), rows["capabilities.csv"]);
  std::map<std::string, int> per_cert;
  for (const auto& r : ca.rows) ++per_cert[r[0]];
  std::vector<int> sizes;
  for (const auto& [c, n] : per_cert) sizes.push_back(n);
  std::sort(sizes.begin(), sizes.end());
  EXPECT_GT(sizes.back(), 5 * sizes[sizes.size() / 2]);
  Table pe = ReadCsv(dir / "people.csv");
  int64_t key = 0;
  for (const auto& r : pe.rows) {
    if (r[4].find("技术负责人") != std::string::npos ||
        r[4].find("质量负责人") != std::string::npos) {
      ++key;
    }
  }
  EXPECT_NEAR(static_cast<double>(key), static_cast<double>(demo->key_people),
              demo->key_people * 0.05);
  // Real standards dominate the capability rows of the demo.
  int synthetic = 0;
  for (const auto& r : ca.rows) synthetic += r[6].ends_with("（合成）") ? 1 : 0;
  EXPECT_LT(synthetic, static_cast<int>(ca.rows.size()) / 2);
  // All institutions in 山东 (37), spread over its cities.
  Table in = ReadCsv(dir / "institutions.csv");
  std::set<std::string> cities;
  for (const auto& r : in.rows) {
    EXPECT_EQ(r[2].substr(0, 2), "37");
    cities.insert(r[2].substr(0, 4));
  }
  EXPECT_GE(cities.size(), 14u);
  EXPECT_TRUE(Validate(dir, kToday).empty());
  fs::remove_all(dir);
}

TEST(GeneratorTest, NationalPrefixSpreadsOverProvinces) {
  const fs::path dir = TempDir("national");
  Scale sc{"nat", 300, 2400, 700, 3000, 6000, 1500, ""};
  auto s = Generate(Opts(sc, dir, 0.0));
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  std::set<std::string> provinces;
  for (const auto& r : ReadCsv(dir / "institutions.csv").rows) provinces.insert(r[2].substr(0, 2));
  EXPECT_GE(provinces.size(), 20u);
  EXPECT_TRUE(Validate(dir, kToday).empty());
  fs::remove_all(dir);
}

TEST(GeneratorTest, ScalesAndBadOptions) {
  auto p = ScaleByName("province");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->institutions, 3803);
  EXPECT_EQ(p->people, 158700);
  EXPECT_EQ(p->key_people, 10200);
  EXPECT_EQ(p->standards, 47800);
  EXPECT_EQ(p->equipment, 1250000);
  EXPECT_EQ(p->capabilities, 4790000);
  auto n = ScaleByName("national");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->institutions, 53000);
  EXPECT_NEAR(static_cast<double>(n->capabilities) / n->institutions,
              static_cast<double>(p->capabilities) / p->institutions, 1.0);
  EXPECT_EQ(ScaleByName("huge").error().code(), "gen.bad-option");
  const fs::path dir = TempDir("bad");
  Options o = Opts(Small(), dir, 0.02);
  o.today = "2025-02-30";
  EXPECT_EQ(Generate(o).error().code(), "gen.bad-option");
  o.today = kToday;
  o.defect_rate = 0.9;
  EXPECT_EQ(Generate(o).error().code(), "gen.bad-option");
  o.defect_rate = 0.02;
  o.out_dir = "/proc/zj-cannot-write-here";
  EXPECT_EQ(Generate(o).error().code(), "gen.io");
  fs::remove_all(dir);
}

TEST(CatalogueTest, RealStandardsParseAndLinksResolve) {
  auto cat = RealCatalogue();
  ASSERT_TRUE(cat.ok()) << cat.error().ToString();
  EXPECT_GE(cat->size(), 250u);
  std::map<std::string, CatalogueEntry> by_no;
  for (const auto& e : *cat) {
    auto no = StandardNo::Parse(e.number);
    ASSERT_TRUE(no.ok()) << e.number;
    EXPECT_EQ(no->str(), e.number);
    EXPECT_TRUE(by_no.emplace(e.number, e).second) << e.number;
    EXPECT_FALSE(e.name.ends_with("（合成）"));
  }
  for (const auto& e : *cat) {
    for (const auto& r : e.replaced_by) EXPECT_TRUE(by_no.count(r)) << e.number << " -> " << r;
  }
  EXPECT_EQ(by_no.at("GB 5009.12-2017").name, "食品安全国家标准 食品中铅的测定");
  EXPECT_EQ(by_no.at("GB 5749-2006").abolished_on, "2023-04-01");
  EXPECT_EQ(by_no.at("GB 5749-2006").replaced_by, std::vector<std::string>{"GB 5749-2022"});
  EXPECT_EQ(by_no.at("GB 11914-1989").replaced_by, std::vector<std::string>{"HJ 828-2017"});
  EXPECT_EQ(by_no.at("GB 7488-1987").replaced_by, std::vector<std::string>{"HJ 505-2009"});
  EXPECT_EQ(by_no.at("GB 21861-2014").replaced_by, std::vector<std::string>{"GB 38900-2020"});
  EXPECT_EQ(by_no.at("GB 18565-2016").replaced_by, std::vector<std::string>{"GB 38900-2020"});
  for (int part = 1; part <= 13; ++part) {
    const std::string old = "GB/T 5750." + std::to_string(part) + "-2006";
    EXPECT_EQ(by_no.at(old).replaced_by,
              std::vector<std::string>{"GB/T 5750." + std::to_string(part) + "-2023"});
  }
  std::set<std::string> domains;
  for (const auto& e : *cat) domains.insert(e.domain);
  EXPECT_EQ(domains, std::set<std::string>(Domains().begin(), Domains().end()));
  EXPECT_NE(CatalogueSource().find("SYNTHETIC"), std::string::npos);
}

}  // namespace
}  // namespace zhijian::registry::gen
