#include "zhijian/registry/gen/generator.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <numeric>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "zhijian/base/cma.h"
#include "zhijian/base/region.h"
#include "zhijian/base/standard_no.h"
#include "zhijian/base/uscc.h"
#include "zhijian/registry/gen/rng.h"
#include "zhijian/registry/gen/tables.h"

namespace zhijian::registry::gen {
namespace {

constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

// ---- CSV output ------------------------------------------------------------------------------

class CsvFile {
 public:
  CsvFile() = default;
  CsvFile(const CsvFile&) = delete;
  CsvFile& operator=(const CsvFile&) = delete;
  ~CsvFile() {
    if (f_) std::fclose(f_);
  }

  Result<void> Open(const std::filesystem::path& path, std::initializer_list<std::string_view> h) {
    name_ = path.filename().string();
    f_ = std::fopen(path.c_str(), "wb");
    if (!f_) return IoError("cannot create " + path.string());
    if (h.size() > 0) Fields(h);
    rows_ = 0;  // the header is not a row
    return {};
  }
  // Writes one data row; its 1-based line number (the header is line 1) is line() afterwards.
  void Row(std::initializer_list<std::string_view> fields) { Fields(fields); }
  void Raw(std::string_view text) {
    buf_.append(text);
    ++rows_;
    MaybeFlush();
  }
  int64_t line() const { return rows_ + 1; }
  int64_t rows() const { return rows_; }
  int64_t bytes() const { return bytes_ + static_cast<int64_t>(buf_.size()); }
  const std::string& name() const { return name_; }

  Result<void> Close() {
    if (!f_) return {};
    Flush();
    const bool bad = std::ferror(f_) != 0;
    const bool close_failed = std::fclose(f_) != 0;
    f_ = nullptr;
    if (bad || close_failed || failed_) return IoError("write failed: " + name_);
    return {};
  }

 private:
  static Error IoError(std::string detail) {
    return Error(Error::Kind::kUnavailable, "gen.io", "无法写入生成的数据文件",
                 "cannot write a generated data file", std::move(detail));
  }
  void Fields(std::initializer_list<std::string_view> fields) {
    bool first = true;
    for (std::string_view v : fields) {
      if (!first) buf_.push_back(',');
      first = false;
      if (v.find_first_of(",\"\r\n") == std::string_view::npos) {
        buf_.append(v);
      } else {
        buf_.push_back('"');
        for (char c : v) {
          if (c == '"') buf_.push_back('"');
          buf_.push_back(c);
        }
        buf_.push_back('"');
      }
    }
    buf_.push_back('\n');
    ++rows_;
    MaybeFlush();
  }
  void MaybeFlush() {
    if (buf_.size() >= (1 << 20)) Flush();
  }
  void Flush() {
    if (!f_ || buf_.empty()) return;
    if (std::fwrite(buf_.data(), 1, buf_.size(), f_) != buf_.size()) failed_ = true;
    bytes_ += static_cast<int64_t>(buf_.size());
    buf_.clear();
  }

  std::FILE* f_ = nullptr;
  std::string name_;
  std::string buf_;
  int64_t rows_ = 0;
  int64_t bytes_ = 0;
  bool failed_ = false;
};

// ---- standards ---------------------------------------------------------------------------------

struct Std {
  std::string number;
  std::string name;
  std::string published_on, effective_on, abolished_on;  // as written ("" = unknown)
  std::vector<std::string> replaces, replaced_by;
  int domain = 0;
  std::vector<std::string> items;
  int64_t eff_day = 0;        // effective (estimated when unknown)
  int64_t abol_day = kNever;  // abolished (derived from the replacement when unknown)
  int predecessor = -1;       // an abolished standard this one replaces (real catalogue index)
};

const char* StatusText(const Std& s, int64_t today) {
  if (s.abol_day <= today) return "废止";
  if (s.eff_day > today) return "即将实施";
  return "现行";
}

std::string Join(const std::vector<std::string>& v, std::string_view sep = ";") {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out.append(sep);
    out.append(v[i]);
  }
  return out;
}

int DomainIndex(std::string_view name) {
  const auto& t = DomainTable();
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

Result<std::vector<Std>> LoadReal(int64_t today) {
  auto cat = RealCatalogue();
  if (!cat) return cat.error();
  std::vector<Std> out;
  std::unordered_map<std::string, int> index;
  for (const auto& e : *cat) {
    Std s;
    auto no = StandardNo::Parse(e.number);
    if (!no || no->str() != e.number || !no->year()) {
      return Error::Internal("gen.catalogue", "not a canonical standard number: " + e.number);
    }
    s.number = e.number;
    s.name = e.name;
    s.published_on = e.published_on;
    s.effective_on = e.effective_on;
    s.abolished_on = e.abolished_on;
    s.replaced_by = e.replaced_by;
    s.items = e.items;
    s.domain = DomainIndex(e.domain);
    if (s.domain < 0) return Error::Internal("gen.catalogue", "unknown domain " + e.domain);
    auto eff = ParseDay(e.effective_on);
    auto pub = ParseDay(e.published_on);
    if ((!e.effective_on.empty() && !eff) || (!e.published_on.empty() && !pub) ||
        (!e.abolished_on.empty() && !ParseDay(e.abolished_on))) {
      return Error::Internal("gen.catalogue", "bad date in row " + e.number);
    }
    s.eff_day = eff ? *eff : pub ? *pub + 180 : DaysFromCivil(*no->year() + 1, 1, 1);
    if (auto ab = ParseDay(e.abolished_on)) s.abol_day = *ab;
    index[s.number] = static_cast<int>(out.size());
    out.push_back(std::move(s));
  }
  // Replacement links: inverse lists and derived abolition dates.
  for (size_t i = 0; i < out.size(); ++i) {
    for (const auto& r : out[i].replaced_by) {
      auto it = index.find(r);
      if (it == index.end()) return Error::Internal("gen.catalogue", "unknown replacement " + r);
      Std& newer = out[it->second];
      newer.replaces.push_back(out[i].number);
      if (out[i].abolished_on.empty()) {
        out[i].abol_day = std::min(out[i].abol_day, newer.eff_day);
        if (!newer.effective_on.empty() && newer.eff_day <= today) {
          out[i].abolished_on = FormatDay(out[i].abol_day);
        }
      }
    }
  }
  for (auto& s : out) {
    for (const auto& r : s.replaces) {
      const Std& old = out[index[r]];
      if (old.abol_day <= today && s.predecessor < 0) s.predecessor = index[r];
    }
  }
  return out;
}

// Synthetic standards: rows in groups of 10; group g belongs to domain g % D; rows 0-8 of a
// group are current standards, row 9 the older edition of row 8 (abolished, replaced by it).
class Synthetic {
 public:
  Synthetic(uint64_t seed, int64_t count, int64_t today, std::string region_prefix)
      : seed_(seed),
        count_(std::max<int64_t>(count, 0)),
        today_(today),
        prefix_(std::move(region_prefix)) {
    const auto& t = DomainTable();
    pools_.resize(t.size());
    today_year_ = CivilFromDays(today).year;
  }
  void AddPoolItem(int domain, const std::string& item) {
    auto& p = pools_[domain];
    if (std::find(p.begin(), p.end(), item) == p.end()) p.push_back(item);
  }
  int64_t count() const { return count_; }
  int64_t groups() const { return (count_ + 9) / 10; }
  // Groups of domain d: g = d + D * t.
  int64_t GroupsOf(int d) const {
    const int64_t D = static_cast<int64_t>(DomainTable().size());
    const int64_t g = groups();
    return g > d ? (g - d + D - 1) / D : 0;
  }

  Std Row(int64_t r) const {
    Std s = Base(r);
    const int64_t j = r % 10;
    if (j == 9) {
      const Std newer = Base(r - 1);
      s.abol_day = newer.eff_day;
      s.abolished_on = newer.effective_on;
      s.replaced_by = {newer.number};
    } else if (j == 8 && r + 1 < count_) {
      s.replaces = {Base(r + 1).number};
    }
    return s;
  }

 private:
  // Number, name, items and dates of row r, without replacement links.
  Std Base(int64_t r) const {
    const int64_t D = static_cast<int64_t>(DomainTable().size());
    const int64_t g = r / 10, j = r % 10;
    const int64_t base = j == 9 ? r - 1 : r;  // the row whose content an old edition shares
    Std s;
    s.domain = static_cast<int>(g % D);
    std::string pp = prefix_;
    if (pp.empty()) {
      const auto& pw = ProvinceWeights();
      pp = std::string(pw[static_cast<size_t>((g / D) % static_cast<int64_t>(pw.size()))].word);
    }
    const bool group_std = Mix(seed_ ^ 0x6A09E667ULL, static_cast<uint64_t>(g)) % 5 == 0;
    const std::string code = group_std ? "T/ZJHC" : "DB" + pp + "/T";
    const int64_t number = 900001 + base;
    const int new_year = NewYear(base);
    const int year = j == 9 ? new_year - 3 - static_cast<int>(Mix(seed_, r) % 4) : new_year;
    s.number = code + " " + std::to_string(number) + "-" + std::to_string(year);
    const auto& pool = pools_[s.domain];
    const uint64_t h = Mix(seed_ ^ 0xBB67AE85ULL, static_cast<uint64_t>(base));
    const size_t a = h % pool.size();
    size_t b = (h >> 20) % pool.size();
    if (b == a) b = (a + 1) % pool.size();
    s.items = {pool[a]};
    if (b != a) s.items.push_back(pool[b]);
    s.name = Join(s.items, "、") + "的测定 " + std::string(DomainTable()[s.domain].name) +
             "检测方法（合成）";
    const int64_t pub = DaysFromCivil(year, 1, 1) + static_cast<int64_t>(Mix(seed_, r * 7) % 300);
    s.published_on = FormatDay(pub);
    s.eff_day = std::min(pub + 90, today_ - 30);
    s.effective_on = FormatDay(s.eff_day);
    return s;
  }

  int NewYear(int64_t base) const {
    const int last = std::max(2013, today_year_ - 1);
    return 2012 + static_cast<int>(Mix(seed_ ^ 0x3C6EF372ULL, base) % (last - 2012 + 1));
  }
  uint64_t seed_;
  int64_t count_;
  int64_t today_;
  int today_year_ = 2025;
  std::string prefix_;
  std::vector<std::vector<std::string>> pools_;
};

// ---- helpers -----------------------------------------------------------------------------------

uint64_t Gcd(uint64_t a, uint64_t b) {
  while (b) {
    const uint64_t t = a % b;
    a = b;
    b = t;
  }
  return a;
}

// A random bijection of [0, m): i -> (a + i * b) mod m with gcd(b, m) = 1.
struct Stride {
  uint64_t m = 1, a = 0, b = 1;
  Stride() = default;
  Stride(Rng& rng, uint64_t mod) : m(std::max<uint64_t>(mod, 1)) {
    a = rng.Below(m);
    b = m > 1 ? 1 + rng.Below(m - 1) : 1;
    while (Gcd(b, m) != 1) b = b + 1 >= m ? 1 : b + 1;
  }
  uint64_t At(uint64_t i) const {
    return static_cast<uint64_t>((static_cast<U128>(i) * b + a) % m);
  }
};

// Splits `total` over weights with a minimum each; the parts sum exactly to `total` when
// total >= n * minimum (cumulative rounding).
std::vector<int64_t> Allocate(const std::vector<double>& w, int64_t total, int64_t minimum) {
  const int64_t n = static_cast<int64_t>(w.size());
  std::vector<int64_t> out(w.size(), minimum);
  const int64_t rest = total - n * minimum;
  if (rest <= 0 || n == 0) return out;
  const double sum = std::accumulate(w.begin(), w.end(), 0.0);
  double cum = 0;
  int64_t given = 0;
  for (int64_t i = 0; i < n; ++i) {
    cum += w[i];
    const int64_t upto =
        i == n - 1 ? rest
                   : static_cast<int64_t>(std::llround(cum / sum * static_cast<double>(rest)));
    out[i] += std::max<int64_t>(0, upto - given);
    given = std::max(given, upto);
  }
  return out;
}

size_t PickWeighted(Rng& rng, const std::vector<int>& cum) {
  const int64_t x = static_cast<int64_t>(rng.Below(static_cast<uint64_t>(cum.back())));
  return static_cast<size_t>(std::upper_bound(cum.begin(), cum.end(), x) - cum.begin());
}

std::string Fmt(const char* f, int64_t v, int width) {
  char buf[32];
  std::snprintf(buf, sizeof buf, f, width, static_cast<long long>(v));
  return buf;
}

char IdCheck(std::string_view first17) {
  static constexpr int kW[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (first17[i] - '0') * kW[i];
  return "10X98765432"[sum % 11];
}

struct ProvinceInfo {
  std::string prefix;       // "37"
  std::string name;         // "山东省"
  std::string issuer_code;  // CMA digits 3-4
  std::vector<const Region*> counties;
};

std::string ShortCity(const std::string& name) {
  static constexpr std::string_view kShi = "市";
  if (name.size() > kShi.size() && name.ends_with(kShi)) return name.substr(0, name.size() - 3);
  return name;
}

struct PersonRef {
  std::string name, id, uscc;
};

struct Counts {
  int64_t people = 0, key_extra = 0, equipment = 0, capabilities = 0;
  double size = 1;
};

// ---- the generator -----------------------------------------------------------------------------

class Generator {
 public:
  Generator(const Options& o, const ProgressFn& progress)
      : o_(o),
        progress_(progress),
        synthetic_(o.seed, 0, 0, o.scale.region_prefix),
        regions_(RegionTable::Get()) {}

  Result<Summary> Run() {
    auto today = ParseDay(o_.today);
    if (!today) return BadOption("today must be YYYY-MM-DD", o_.today);
    today_ = *today;
    if (!(o_.defect_rate >= 0 && o_.defect_rate <= 0.5)) {
      return BadOption("defect rate must be within [0, 0.5]", std::to_string(o_.defect_rate));
    }
    if (o_.scale.institutions <= 0) return BadOption("no institutions", o_.scale.name);
    if (o_.out_dir.empty()) return BadOption("no output directory", "");
    rate_ = o_.defect_rate;
    auto real = LoadReal(today_);
    if (!real) return real.error();
    real_ = std::move(*real);
    if (auto r = PrepareRegions(); !r) return r.error();
    PrepareStandards();

    std::error_code ec;
    std::filesystem::create_directories(o_.out_dir, ec);
    const std::filesystem::path dir(o_.out_dir);
    const auto& names = ImportFiles();
    CsvFile* files[8] = {&standards_, &institutions_, &certificates_, &capabilities_,
                         &people_,    &equipment_,    &credit_,       &penalties_};
    const std::initializer_list<std::string_view> headers[8] = {
        {"标准编号", "标准名称", "状态", "发布日期", "实施日期", "废止日期", "代替标准",
         "被代替标准"},
        {"机构名称", "统一社会信用代码", "所在地区代码", "地址", "法定代表人", "机构性质",
         "检验检测领域", "是否国家质检中心"},
        {"统一社会信用代码", "证书编号", "发证机关", "发证日期", "有效期至", "证书状态"},
        {"证书编号", "类别", "产品/对象", "项目/参数", "参数", "标准编号", "标准名称", "限制范围",
         "批准日期"},
        {"统一社会信用代码", "姓名", "身份证号", "职称", "岗位/角色", "授权签字领域", "授权日期",
         "授权截止"},
        {"统一社会信用代码", "设备名称", "型号规格", "出厂编号", "检定/校准有效期至"},
        {"统一社会信用代码", "名单类型", "列入日期", "移出日期", "决定机关", "列入原因"},
        {"统一社会信用代码", "处罚决定书文号", "处罚日期", "处罚机关", "违法行为", "处罚依据",
         "罚款金额"},
    };
    for (int i = 0; i < 8; ++i) {
      if (auto r = files[i]->Open(dir / names[i], headers[i]); !r) return r.error();
    }
    if (auto r = labels_.Open(dir / std::string(kLabelsFile), {}); !r) return r.error();
    for (const auto& k : DefectKinds()) summary_.defects[k] = 0;

    WriteStandards();
    PlanSizes();
    const int64_t n = o_.scale.institutions;
    for (int64_t i = 0; i < n; ++i) {
      Institution(i);
      if (progress_ && (i % 16 == 15 || i == n - 1)) {
        progress_(Progress{"institutions", i + 1, n, TotalRows()});
      }
    }
    for (CsvFile* f : files) {
      summary_.files.push_back(FileStat{f->name(), f->rows(), f->bytes()});
      summary_.rows += f->rows();
      if (auto r = f->Close(); !r) return r.error();
    }
    summary_.files.push_back(FileStat{labels_.name(), labels_.rows(), labels_.bytes()});
    if (auto r = labels_.Close(); !r) return r.error();
    return std::move(summary_);
  }

 private:
  static Error BadOption(std::string en, std::string detail) {
    return Error::Invalid("gen.bad-option", "数据生成参数无效", std::move(en), std::move(detail));
  }

  int64_t TotalRows() const {
    return standards_.rows() + institutions_.rows() + certificates_.rows() + capabilities_.rows() +
           people_.rows() + equipment_.rows() + credit_.rows() + penalties_.rows();
  }

  // ---- setup ----

  Result<void> PrepareRegions() {
    std::unordered_map<std::string, size_t> by_prefix;
    for (const auto& pw : ProvinceWeights()) {
      const std::string pp(pw.word);
      if (!o_.scale.region_prefix.empty() && o_.scale.region_prefix.substr(0, 2) != pp) continue;
      ProvinceInfo p;
      p.prefix = pp;
      const Region* r = regions_.Lookup(pp + "0000");
      if (!r) return BadOption("unknown province", pp);
      p.name = r->name;
      for (int c = 1; c <= 31; ++c) {
        const std::string cc = Fmt("%0*lld", c, 2);
        auto no = CmaCertNo::Parse("15" + cc + "00000001");
        if (no && no->issuer_region_prefix() == pp) p.issuer_code = cc;
      }
      if (p.issuer_code.empty()) return BadOption("no CMA issuer for province", pp);
      by_prefix[pp] = provinces_.size();
      province_weight_cum_.push_back(
          (province_weight_cum_.empty() ? 0 : province_weight_cum_.back()) + pw.weight);
      provinces_.push_back(std::move(p));
    }
    if (provinces_.empty()) return BadOption("unknown region prefix", o_.scale.region_prefix);
    for (const auto& r : regions_.rows()) {
      if (r.level != RegionLevel::kCounty || !r.current) continue;
      if (!o_.scale.region_prefix.empty() && !r.code.starts_with(o_.scale.region_prefix)) continue;
      auto it = by_prefix.find(r.code.substr(0, 2));
      if (it != by_prefix.end()) provinces_[it->second].counties.push_back(&r);
    }
    for (const auto& p : provinces_) {
      if (p.counties.empty()) return BadOption("no counties in region", p.prefix);
    }
    // Birth regions of people: any current county of the country.
    for (const auto& r : regions_.rows()) {
      if (r.level == RegionLevel::kCounty && r.current && r.code < "710000") {
        birth_counties_.push_back(&r);
      }
    }
    return {};
  }

  void PrepareStandards() {
    const auto& dt = DomainTable();
    usable_.assign(dt.size(), {});
    for (size_t i = 0; i < real_.size(); ++i) {
      const Std& s = real_[i];
      const bool current = s.abol_day > today_ && s.eff_day <= today_;
      if (!current) continue;
      for (size_t k = 0; k < s.items.size(); ++k) {
        usable_[s.domain].push_back({static_cast<int>(i), static_cast<int>(k)});
      }
    }
    const int64_t synthetic =
        std::max<int64_t>(0, o_.scale.standards - static_cast<int64_t>(real_.size()));
    synthetic_ = Synthetic(o_.seed, synthetic, today_, o_.scale.region_prefix);
    for (const auto& s : real_) {
      for (const auto& it : s.items) {
        // Judgement rows of limit standards ("污染物限量判定") are no analytes.
        if (!it.ends_with("判定")) synthetic_.AddPoolItem(s.domain, it);
      }
    }
  }

  void WriteStandards() {
    for (const Std& s : real_) WriteStandard(s);
    const int64_t n = synthetic_.count();
    for (int64_t r = 0; r < n; ++r) {
      WriteStandard(synthetic_.Row(r));
      if (progress_ && (r % 4096 == 4095 || r == n - 1)) {
        progress_(Progress{"standards", r + 1, n, TotalRows()});
      }
    }
  }

  void WriteStandard(const Std& s) {
    standards_.Row({s.number, s.name, StatusText(s, today_), s.published_on, s.effective_on,
                    s.abol_day <= today_ ? s.abolished_on : "", Join(s.replaces),
                    Join(s.replaced_by)});
  }

  void PlanSizes() {
    const Scale& sc = o_.scale;
    const int64_t n = sc.institutions;
    Rng rng(o_.seed, 0xC0FFEE);
    std::vector<double> size(n), wp(n), we(n), wc(n);
    for (int64_t i = 0; i < n; ++i) {
      size[i] = std::exp(1.0 * rng.Normal());
      wp[i] = size[i] * std::exp(0.3 * rng.Normal());
      we[i] = size[i] * std::exp(0.35 * rng.Normal());
      wc[i] = size[i] * std::exp(0.4 * rng.Normal());
    }
    const auto people = Allocate(wp, sc.people, 6);
    const auto equipment = Allocate(we, sc.equipment, 8);
    const auto caps = Allocate(wc, sc.capabilities, 12);
    const auto extra = Allocate(size, std::max<int64_t>(0, sc.key_people - 2 * n), 0);
    counts_.resize(n);
    for (int64_t i = 0; i < n; ++i) {
      counts_[i] = Counts{people[i], std::min(extra[i], std::max<int64_t>(0, people[i] / 6)),
                          equipment[i], caps[i], size[i]};
    }
    // The person-number permutation: (birth day, sequence) pairs, unique for every person.
    birth_first_ = DaysFromCivil(1962, 1, 1);
    birth_days_ = static_cast<uint64_t>(DaysFromCivil(2001, 12, 31) - birth_first_ + 1);
    person_space_ = birth_days_ * 999;
    Rng prng(o_.seed, 0xB1D);
    person_perm_ = Stride(prng, person_space_);
  }

  // ---- per institution ----

  struct Inst {
    int64_t index = 0;
    std::string uscc, name, region, legal_form;
    const ProvinceInfo* province = nullptr;
    std::string city_short, city_full;
    std::vector<int> domains;
    bool national = false;
    // current certificate
    std::string cert_no;
    int64_t cert_issued = 0, cert_expires = 0;
  };

  std::string PersonName(Rng& rng) {
    if (surname_cum_.empty()) {
      for (const auto& s : Surnames()) {
        surname_cum_.push_back((surname_cum_.empty() ? 0 : surname_cum_.back()) + s.weight);
      }
    }
    std::string name(Surnames()[PickWeighted(rng, surname_cum_)].word);
    const int given = rng.Chance(0.7) ? 2 : 1;
    for (int k = 0; k < given; ++k) name += rng.Pick(GivenChars());
    return name;
  }

  std::string IdNumber(Rng& rng) {
    const uint64_t q = person_perm_.At(person_counter_++);
    const int64_t birth = birth_first_ + static_cast<int64_t>(q % birth_days_);
    const int64_t seq = static_cast<int64_t>(q / birth_days_) + 1;  // 001-999
    const CivilDate b = CivilFromDays(birth);
    std::string id = rng.Pick(birth_counties_)->code;
    id += Fmt("%0*lld", b.year, 4) + Fmt("%0*lld", b.month, 2) + Fmt("%0*lld", b.day, 2);
    id += Fmt("%0*lld", seq, 3);
    id.push_back(IdCheck(id));
    return id;
  }

  std::string MakeUscc(const std::string& type, const std::string& region, int64_t index) {
    // Organisation code body: unique per institution (a bijection of the index).
    std::string body;
    if (type == "91") {
      uint64_t v = org91_.At(static_cast<uint64_t>(index));
      body = "MA";
      for (int k = 0; k < 6; ++k) {
        body.insert(2, 1, kUsccCharset[v % 31]);
        v /= 31;
      }
    } else {
      uint64_t v = orgdigits_.At(static_cast<uint64_t>(index));
      body = Fmt("%0*lld", static_cast<int64_t>(v), 8);
    }
    std::string code = type + region + body;
    code.push_back(*Uscc::ComputeOrgCheckChar(body));
    code.push_back(*Uscc::ComputeCheckChar(code));
    return code;
  }

  // One line of labels.jsonl: kind, entity, file, line, then the key fields.
  void Label(std::string_view kind, std::string_view entity, std::string_view file, int64_t line,
             std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
    boost::json::object obj;
    obj["kind"] = kind;
    obj["entity"] = entity;
    obj["file"] = file;
    obj["line"] = line;
    for (const auto& [k, v] : fields) obj[k] = v;
    labels_.Raw(boost::json::serialize(obj) + "\n");
    ++summary_.defects[std::string(kind)];
  }

  void Institution(int64_t index) {
    if (index == 0) {
      Rng orng(o_.seed, 0x0A6);
      org91_ = Stride(orng, 887503681ULL);  // 31^6
      orgdigits_ = Stride(orng, 100000000ULL);
    }
    Rng rng(o_.seed, 1000 + static_cast<uint64_t>(index));
    const Counts& cnt = counts_[index];
    const auto& dt = DomainTable();
    Inst in;
    in.index = index;
    // Region.
    const size_t pi = provinces_.size() == 1 ? 0 : PickWeighted(rng, province_weight_cum_);
    in.province = &provinces_[pi];
    const Region* county = rng.Pick(in.province->counties);
    in.region = county->code;
    const Region* city = regions_.Lookup(county->parent);
    if (!city || city->level == RegionLevel::kProvince || city->summary()) city = nullptr;
    in.city_full = city                                             ? city->name
                   : county->parent == in.province->prefix + "0000" ? in.province->name
                                                                    : county->name;
    in.city_short = ShortCity(in.city_full);
    // Domains: the main one by weight, more for larger institutions.
    if (domain_cum_.empty()) {
      for (const auto& d : dt) {
        domain_cum_.push_back((domain_cum_.empty() ? 0 : domain_cum_.back()) + d.weight);
      }
    }
    const int main_domain = static_cast<int>(PickWeighted(rng, domain_cum_));
    in.domains.push_back(main_domain);
    int want = 1 + (rng.Chance(0.3) ? 1 : 0) + (rng.Chance(0.1) ? 1 : 0);
    if (cnt.capabilities > 4000) want = std::max(want, 3);
    if (cnt.capabilities > 12000) want = std::max(want, 4);
    while (static_cast<int>(in.domains.size()) < want) {
      const int d = static_cast<int>(PickWeighted(rng, domain_cum_));
      if (std::find(in.domains.begin(), in.domains.end(), d) == in.domains.end()) {
        in.domains.push_back(d);
      }
    }
    // Legal form, national centre.
    in.national = rng.Chance(0.02);
    const double form = rng.Unit();
    std::string type;
    if (in.national || form < 0.16) {
      in.legal_form = "事业单位法人";
      type = "12";
    } else if (form < 0.18) {
      in.legal_form = "民办非企业单位";
      type = "52";
    } else {
      in.legal_form = "企业法人";
      type = "91";
    }
    in.uscc = MakeUscc(type, in.region, index);
    const bool bad_check = rng.Chance(rate_);
    if (bad_check) {
      const size_t v = kUsccCharset.find(in.uscc[17]);
      in.uscc[17] = kUsccCharset[(v + 1 + rng.Below(30)) % 31];
    }
    // Name.
    const DomainInfo& md = dt[main_domain];
    for (int attempt = 0; attempt < 8; ++attempt) {
      std::string trade =
          std::string(rng.Pick(TradeNameChars())) + std::string(rng.Pick(TradeNameChars()));
      if (in.national) {
        in.name = "国家" + std::string(md.centre_word) + "监督检验中心（" + in.city_short + "）";
        if (attempt > 0)
          in.name = "国家" + std::string(md.centre_word) + "检验检测中心（" + in.city_short +
                    trade + "）";
      } else if (type == "12") {
        in.name = attempt == 0
                      ? in.city_full + county->name + std::string(md.centre_word) + "检验检测中心"
                      : in.city_full + trade + std::string(md.centre_word) + "检测研究院";
      } else if (type == "52") {
        in.name = in.city_short + trade + std::string(md.company_word) + "研究所";
      } else {
        static constexpr std::string_view kSuffix[] = {"有限公司", "技术有限公司",
                                                       "技术服务有限公司", "股份有限公司"};
        in.name = in.city_short + trade + std::string(md.company_word) +
                  std::string(kSuffix[rng.Below(4)]);
      }
      if (names_.insert(in.name).second) break;
    }
    auto full = regions_.FullName(county->code);
    const std::string address = (full ? *full : county->name) + std::string(rng.Pick(Roads())) +
                                std::to_string(rng.Range(1, 3999)) + "号";
    const std::string legal_rep = PersonName(rng);
    std::vector<std::string> domain_names;
    for (int d : in.domains) domain_names.emplace_back(dt[d].name);
    const bool drop_tech_or_quality = rng.Chance(rate_);
    const bool drop_tech = rng.Chance(0.5);
    institutions_.Row({in.name, in.uscc, in.region, address, legal_rep, in.legal_form,
                       Join(domain_names), in.national ? "是" : "否"});
    const int64_t inst_line = institutions_.line();
    if (bad_check) {
      Label("uscc-bad-check", "institution", "institutions.csv", inst_line, {{"uscc", in.uscc}});
    }
    if (drop_tech_or_quality) {
      Label("key-position-unfilled", "institution", "institutions.csv", inst_line,
            {{"uscc", in.uscc}, {"field", drop_tech ? "技术负责人" : "质量负责人"}});
    }
    Certificates(rng, in);
    Capabilities(rng, in, cnt);
    People(rng, in, cnt, drop_tech_or_quality ? (drop_tech ? 1 : 2) : 0);
    EquipmentRows(rng, in, cnt);
    CreditAndPenalties(rng, in);
  }

  std::string CertNo(int64_t issued, const Inst& in) {
    const auto& dt = DomainTable();
    const int year = CivilFromDays(issued).year;
    const std::string issuer = in.national ? "00" : in.province->issuer_code;
    std::string discipline(dt[in.domains[0]].discipline);
    for (int d : in.domains) {
      if (dt[d].name == "食品") discipline = "00";  // any food capability is coded 00
    }
    if (in.domains.size() >= 3 && discipline != "00") discipline = "20";
    const std::string industry(dt[in.domains[0]].industry);
    int& serial = serials_[issuer + Fmt("%0*lld", year % 100, 2)];
    ++serial;
    return Fmt("%0*lld", year % 100, 2) + issuer + discipline + industry +
           Fmt("%0*lld", 1 + (serial - 1) % 9999, 4);
  }

  void Certificates(Rng& rng, Inst& in) {
    const int64_t six = AddYears(today_, -6) - today_;  // about -2191 days
    const int64_t first_ok = DaysFromCivil(2015, 1, 1);
    const double u = rng.Unit();
    int defect = 0;  // 1 expired-but-valid, 2 expiring soon
    int64_t issued =
        today_ + six + 91 +
        static_cast<int64_t>(rng.Below(static_cast<uint64_t>(std::max<int64_t>(1, -six - 92))));
    if (u < rate_) {
      const int64_t cand = today_ + six - 1 - static_cast<int64_t>(rng.Below(365));
      if (cand >= first_ok) {
        issued = cand;
        defect = 1;
      }
    } else if (u < 2 * rate_) {
      const int64_t cand = today_ + six + static_cast<int64_t>(rng.Below(90));
      if (cand >= first_ok) {
        issued = cand;
        defect = 2;
      }
    }
    issued = std::max(issued, first_ok);
    // A previous certificate, expired when this one was issued.
    const int64_t prev_issued = AddYears(issued, -6);
    if (defect == 0 && prev_issued >= first_ok && rng.Chance(0.5)) {
      const std::string prev = CertNo(prev_issued, in);
      certificates_.Row({in.uscc, prev, Issuer(in), FormatDay(prev_issued),
                         FormatDay(AddYears(prev_issued, 6)), "过期"});
    }
    in.cert_issued = issued;
    in.cert_expires = AddYears(issued, 6);
    in.cert_no = CertNo(issued, in);
    std::string status = "有效";
    if (defect == 0) {
      const double s = rng.Unit();
      if (s < 0.01) status = "暂停";
      if (s < 0.003) status = "撤销";
    }
    certificates_.Row({in.uscc, in.cert_no, Issuer(in), FormatDay(in.cert_issued),
                       FormatDay(in.cert_expires), status});
    if (defect) {
      Label(defect == 1 ? "cert-expired-but-valid" : "cert-expiring-soon", "certificate",
            "certificates.csv", certificates_.line(),
            {{"uscc", in.uscc},
             {"certificate_no", in.cert_no},
             {"expires_on", FormatDay(in.cert_expires)}});
    }
  }

  std::string Issuer(const Inst& in) const {
    return in.national ? "国家市场监督管理总局" : in.province->name + "市场监督管理局";
  }

  int64_t DayBetween(Rng& rng, int64_t lo, int64_t hi) {
    if (hi <= lo) return lo;
    return lo + static_cast<int64_t>(rng.Below(static_cast<uint64_t>(hi - lo + 1)));
  }

  void Capabilities(Rng& rng, const Inst& in, const Counts& cnt) {
    const auto& dt = DomainTable();
    const int nd = static_cast<int>(in.domains.size());
    std::vector<double> w(nd);
    for (int k = 0; k < nd; ++k) w[k] = k == 0 ? 2.0 : 0.5 + rng.Unit();
    const auto per_domain = Allocate(w, cnt.capabilities, 4);
    const int64_t last_day = std::min(today_, in.cert_expires - 1);
    std::unordered_set<std::string> defect_keys;
    for (int k = 0; k < nd; ++k) {
      const int d = in.domains[k];
      const auto& objects = dt[d].objects;
      const uint64_t nobj = objects.size();
      const auto& pairs = usable_[d];
      const uint64_t real_space = pairs.size() * nobj;
      const uint64_t syn_groups = static_cast<uint64_t>(synthetic_.GroupsOf(d));
      const uint64_t syn_space = syn_groups * 9 * 2 * nobj;
      const int64_t want = per_domain[k];
      int64_t n_real =
          std::min<int64_t>(static_cast<int64_t>(real_space),
                            std::llround(static_cast<double>(want) * (0.5 + 0.35 * rng.Unit())));
      int64_t n_syn = std::min<int64_t>(static_cast<int64_t>(syn_space), want - n_real);
      n_real = std::min<int64_t>(static_cast<int64_t>(real_space), want - n_syn);
      Stride rs(rng, real_space), ss(rng, syn_space);
      // Real standards.
      int64_t made = 0;
      for (uint64_t i = 0; i < real_space && made < n_real; ++i) {
        const uint64_t x = rs.At(i);
        const auto [si, ii] = pairs[x / nobj];
        const Std& s = real_[si];
        const std::string object(objects[x % nobj]);
        if (std::max(in.cert_issued, s.eff_day) > last_day) continue;
        ++made;
        CapabilityRow(rng, in, d, object, s.items[ii], s, defect_keys);
      }
      made = 0;
      for (uint64_t i = 0; i < syn_space && made < n_syn; ++i) {
        const uint64_t x = ss.At(i);
        const std::string object(objects[x % nobj]);
        const uint64_t rest = x / nobj;
        const uint64_t item = rest % 2;
        const uint64_t row = (rest / 2) % 9;
        const uint64_t t = rest / 18;
        const int64_t r =
            (static_cast<int64_t>(d) + static_cast<int64_t>(dt.size()) * static_cast<int64_t>(t)) *
                10 +
            static_cast<int64_t>(row);
        if (r >= synthetic_.count()) continue;
        const Std s = synthetic_.Row(r);
        if (item >= s.items.size()) continue;
        if (std::max(in.cert_issued, s.eff_day) > last_day) continue;
        ++made;
        std::optional<Std> pred;
        if (!s.replaces.empty()) pred = synthetic_.Row(r + 1);
        CapabilityRow(rng, in, d, object, s.items[item], s, defect_keys, pred ? &*pred : nullptr);
      }
    }
  }

  void CapabilityRow(Rng& rng, const Inst& in, int d, const std::string& object,
                     const std::string& item, const Std& s,
                     std::unordered_set<std::string>& defect_keys,
                     const Std* synthetic_pred = nullptr) {
    const int64_t last_day = std::min(today_, in.cert_expires - 1);
    const std::string_view category = DomainTable()[d].name;
    const std::string limitation =
        rng.Chance(0.04) ? std::string(rng.Pick(Limitations())) : std::string();
    const Std* pred =
        synthetic_pred ? synthetic_pred : (s.predecessor >= 0 ? &real_[s.predecessor] : nullptr);
    const double u = rng.Unit();
    if (pred && u < rate_) {
      const std::string key = std::string(object) + "|" + item + "|" + pred->number;
      if (defect_keys.insert(key).second) {
        const int64_t lo = std::max(in.cert_issued, pred->eff_day);
        const int64_t approved =
            lo < pred->abol_day ? DayBetween(rng, lo, pred->abol_day - 1) : in.cert_issued;
        capabilities_.Row({in.cert_no, category, object, item, "", pred->number, pred->name,
                           limitation, FormatDay(approved)});
        Label("capability-abolished-standard", "capability", "capabilities.csv",
              capabilities_.line(),
              {{"uscc", in.uscc}, {"certificate_no", in.cert_no}, {"standard_no", pred->number}});
        return;
      }
    }
    const int64_t approved = DayBetween(rng, std::max(in.cert_issued, s.eff_day), last_day);
    // An empty 标准编号 must not make two rows of the same object and item collide.
    const bool missing =
        u >= rate_ && u < 2 * rate_ && defect_keys.insert("-|" + object + "|" + item).second;
    capabilities_.Row({in.cert_no, category, object, item, "", missing ? "" : s.number, s.name,
                       limitation, FormatDay(approved)});
    if (missing) {
      Label("missing-required-field", "capability", "capabilities.csv", capabilities_.line(),
            {{"uscc", in.uscc}, {"certificate_no", in.cert_no}, {"field", "标准编号"}});
    }
  }

  // drop: 0 none, 1 no 技术负责人, 2 no 质量负责人.
  void People(Rng& rng, const Inst& in, const Counts& cnt, int drop) {
    const auto& dt = DomainTable();
    const int64_t n = cnt.people;
    const int64_t tech = 1 + cnt.key_extra;
    const int64_t signatories = std::max<int64_t>(1, std::llround(static_cast<double>(n) * 0.12));
    std::vector<std::string> fields;
    for (int d : in.domains) fields.emplace_back(dt[d].name);
    std::unordered_set<std::string> copied;
    std::vector<PersonRef> mine;
    for (int64_t k = 0; k < n; ++k) {
      std::vector<std::string> roles;
      bool key = false, signatory = false;
      if (k < tech) {
        if (drop != 1) {
          roles.push_back("技术负责人");
          key = true;
        }
        roles.push_back("授权签字人");
        signatory = true;
      } else if (k == tech) {
        if (drop != 2) {
          roles.push_back("质量负责人");
          key = true;
        }
        roles.push_back("内审员");
      } else if (k < tech + signatories) {
        roles = {"授权签字人", "检测人员"};
        signatory = true;
      } else if (k == tech + signatories) {
        roles = {"样品管理员"};
      } else if (k == tech + signatories + 1) {
        roles = {"设备管理员", "检测人员"};
      } else if (k == tech + signatories + 2) {
        roles = {"监督员", "检测人员"};
      } else {
        roles = {"检测人员"};
      }
      if (roles.empty()) roles = {"检测人员"};
      // Title: signatories and key people hold 中级 or higher.
      std::string title;
      const double t = rng.Unit();
      if (key || signatory) {
        title = t < 0.5 ? "工程师" : t < 0.9 ? "高级工程师" : "正高级工程师";
      } else {
        title = t < 0.2    ? "技术员"
                : t < 0.5  ? "助理工程师"
                : t < 0.85 ? "工程师"
                : t < 0.98 ? "高级工程师"
                           : "正高级工程师";
      }
      std::string name = PersonName(rng);
      std::string id = IdNumber(rng);
      // At most one person-level defect.
      const double u = rng.Unit();
      int defect = 0;  // 1 two institutions, 2 missing name, 3 signatory field not covered
      std::string other_uscc;
      if (u < rate_ && !recent_.empty()) {
        const PersonRef& src = recent_[rng.Below(recent_.size())];
        if (copied.insert(src.id).second) {
          name = src.name;
          id = src.id;
          other_uscc = src.uscc;
          defect = 1;
        }
      } else if (u >= rate_ && u < 2 * rate_ && !key) {
        defect = 2;
      } else if (u >= 2 * rate_ && u < 3 * rate_ && signatory && fields.size() < dt.size()) {
        defect = 3;
      }
      std::vector<std::string> sig;
      std::string from, to;
      std::string extra_field;
      if (signatory) {
        for (const auto& f : fields) {
          if (sig.empty() || rng.Chance(0.6)) sig.push_back(f);
        }
        if (defect == 3) {
          while (true) {
            const std::string cand(dt[rng.Below(dt.size())].name);
            if (std::find(fields.begin(), fields.end(), cand) == fields.end()) {
              extra_field = cand;
              break;
            }
          }
          sig.push_back(extra_field);
        }
        from = FormatDay(DayBetween(rng, in.cert_issued, std::min(today_, in.cert_expires - 1)));
        if (in.cert_expires > today_ && rng.Chance(0.3)) to = FormatDay(in.cert_expires);
      }
      people_.Row({in.uscc, defect == 2 ? "" : name, id, title, Join(roles), Join(sig), from, to});
      const int64_t line = people_.line();
      if (defect == 1) {
        Label("person-two-institutions", "person", "people.csv", line,
              {{"uscc", in.uscc}, {"name", name}, {"other_uscc", other_uscc}});
      } else if (defect == 2) {
        Label("missing-required-field", "person", "people.csv", line,
              {{"uscc", in.uscc}, {"field", "姓名"}});
      } else if (defect == 3) {
        Label("signatory-field-not-covered", "person", "people.csv", line,
              {{"uscc", in.uscc}, {"name", name}, {"field", extra_field}});
      } else if (mine.size() < 64) {
        mine.push_back(PersonRef{name, id, in.uscc});
      }
    }
    // Remember some people of this institution for later duplicates (bounded ring).
    for (auto& p : mine) {
      if (recent_.size() < 4096) {
        recent_.push_back(std::move(p));
      } else {
        recent_[recent_next_++ % recent_.size()] = std::move(p);
      }
    }
  }

  void EquipmentRows(Rng& rng, const Inst& in, const Counts& cnt) {
    const auto& dt = DomainTable();
    for (int64_t k = 0; k < cnt.equipment; ++k) {
      const EquipmentKind& kind =
          rng.Chance(0.25) ? rng.Pick(CommonEquipment())
                           : rng.Pick(dt[in.domains[rng.Below(in.domains.size())]].equipment);
      const std::string model(rng.Pick(kind.models));
      const int yy =
          static_cast<int>(rng.Range(10, std::max(10, CivilFromDays(today_).year % 100)));
      const std::string serial =
          std::string(kind.serial_prefix) + Fmt("%0*lld", yy, 2) + Fmt("%0*lld", k + 1, 5);
      const double u = rng.Unit();
      const bool overdue = u < rate_;
      const bool missing = u >= rate_ && u < 2 * rate_;
      const int64_t due = overdue ? today_ - 1 - static_cast<int64_t>(rng.Below(365))
                                  : today_ + 1 + static_cast<int64_t>(rng.Below(365));
      equipment_.Row(
          {in.uscc, missing ? "" : std::string(kind.name), model, serial, FormatDay(due)});
      if (overdue) {
        Label("calibration-overdue", "equipment", "equipment.csv", equipment_.line(),
              {{"uscc", in.uscc}, {"serial", serial}, {"calibration_due", FormatDay(due)}});
      } else if (missing) {
        Label("missing-required-field", "equipment", "equipment.csv", equipment_.line(),
              {{"uscc", in.uscc}, {"serial", serial}, {"field", "设备名称"}});
      }
    }
  }

  void CreditAndPenalties(Rng& rng, const Inst& in) {
    const std::string authority = in.city_full + "市场监督管理局";
    if (rng.Chance(0.015)) {
      const int64_t listed = today_ - 30 - static_cast<int64_t>(rng.Below(1000));
      std::string removed;
      const int64_t rm = listed + 30 + static_cast<int64_t>(rng.Below(300));
      if (rng.Chance(0.5) && rm < today_) removed = FormatDay(rm);
      credit_.Row({in.uscc, "经营异常名录", FormatDay(listed), removed, authority,
                   rng.Chance(0.5) ? "未按照规定的期限公示年度报告"
                                   : "通过登记的住所或者经营场所无法联系"});
    }
    if (rng.Chance(0.002)) {
      const int64_t listed = today_ - 30 - static_cast<int64_t>(rng.Below(1000));
      credit_.Row({in.uscc, "严重违法失信名单", FormatDay(listed), "",
                   in.province->name + "市场监督管理局", "因出具虚假检验检测报告受到较重行政处罚"});
    }
    if (rng.Chance(0.03)) {
      const int n = rng.Chance(0.25) ? 2 : 1;
      for (int k = 0; k < n; ++k) {
        static constexpr std::string_view kBasis[] = {
            "《检验检测机构监督管理办法》第二十六条", "《检验检测机构资质认定管理办法》第三十六条",
            "《检验检测机构监督管理办法》第二十五条", "《检验检测机构监督管理办法》第二十六条",
            "《检验检测机构监督管理办法》第二十五条", "《检验检测机构监督管理办法》第二十五条"};
        const size_t v = rng.Below(Violations().size());
        const int64_t decided = today_ - 20 - static_cast<int64_t>(rng.Below(1800));
        const int year = CivilFromDays(decided).year;
        static constexpr int64_t kAmounts[] = {5000, 10000, 20000, 30000};
        ++penalty_counter_;
        const std::string no = in.city_short + "市监处罚〔" + std::to_string(year) + "〕" +
                               std::to_string(penalty_counter_) + "号";
        penalties_.Row({in.uscc, no, FormatDay(decided), authority, std::string(Violations()[v]),
                        std::string(kBasis[v % 6]), std::to_string(kAmounts[rng.Below(4)])});
      }
    }
  }

  const Options& o_;
  const ProgressFn& progress_;
  Synthetic synthetic_;
  const RegionTable& regions_;
  int64_t today_ = 0;
  double rate_ = 0;
  std::vector<Std> real_;
  std::vector<std::vector<std::pair<int, int>>> usable_;  // per domain: (standard, item)
  std::vector<ProvinceInfo> provinces_;
  std::vector<int> province_weight_cum_, domain_cum_, surname_cum_;
  std::vector<const Region*> birth_counties_;
  std::vector<Counts> counts_;
  int64_t birth_first_ = 0;
  uint64_t birth_days_ = 1, person_space_ = 1, person_counter_ = 0;
  Stride person_perm_, org91_, orgdigits_;
  std::unordered_map<std::string, int> serials_;
  std::unordered_set<std::string> names_;
  std::vector<PersonRef> recent_;
  size_t recent_next_ = 0;
  int64_t penalty_counter_ = 0;
  CsvFile standards_, institutions_, certificates_, capabilities_, people_, equipment_, credit_,
      penalties_, labels_;
  Summary summary_;
};

}  // namespace

Result<Scale> ScaleByName(std::string_view name) {
  if (name == "demo") {
    return Scale{"demo", 300, 12000, 800, 30000, 90000, 3000, "37"};
  }
  if (name == "province") {
    return Scale{"province", 3803, 158700, 10200, 1250000, 4790000, 47800, "37"};
  }
  if (name == "national") {
    // 53,000 institutions with the province's per-institution figures (x 53000/3803).
    return Scale{"national", 53000, 2211700, 142150, 17420000, 66756000, 140000, ""};
  }
  return Error::Invalid("gen.bad-option", "未知的数据规模（demo、province 或 national）",
                        "unknown scale (demo, province or national)", std::string(name));
}

const std::vector<std::string>& ImportFiles() {
  static const std::vector<std::string> v = {
      "standards.csv", "institutions.csv", "certificates.csv", "capabilities.csv",
      "people.csv",    "equipment.csv",    "credit.csv",       "penalties.csv"};
  return v;
}

const std::vector<std::string>& DefectKinds() {
  static const std::vector<std::string> v = {
      "cert-expired-but-valid",  "cert-expiring-soon",          "capability-abolished-standard",
      "person-two-institutions", "calibration-overdue",         "uscc-bad-check",
      "missing-required-field",  "signatory-field-not-covered", "key-position-unfilled"};
  return v;
}

const std::vector<std::string>& Domains() {
  static const std::vector<std::string> v = [] {
    std::vector<std::string> out;
    for (const auto& d : DomainTable()) out.emplace_back(d.name);
    return out;
  }();
  return v;
}

Result<Summary> Generate(const Options& options, const ProgressFn& progress) {
  Generator g(options, progress);
  return g.Run();
}

}  // namespace zhijian::registry::gen
