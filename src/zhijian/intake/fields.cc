#include "zhijian/intake/fields.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <string_view>

#include "zhijian/base/cma.h"
#include "zhijian/base/region.h"
#include "zhijian/base/standard_no.h"
#include "zhijian/base/uscc.h"
#include "zhijian/base/utf8.h"
#include "zhijian/intake/normalize.h"
#include "zhijian/registry/gen/generator.h"

namespace zhijian::intake {
namespace {

// ---- UTF-32 helpers -------------------------------------------------------------------------

// A label's colon; OCR often reads it as a semicolon.
bool IsColon(char32_t c) { return c == ':' || c == U'：' || c == ';' || c == U'；'; }
bool IsAsciiAlnum(char32_t c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool IsIdeograph(char32_t c) { return c >= 0x3400 && c <= 0x9FFF; }

// Joins two pieces of one value broken across lines: a space only between two ASCII letters or
// digits (a line break that replaced a space).
std::string JoinBroken(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  const std::u32string ua = DecodeUtf8Lossy(a), ub = DecodeUtf8Lossy(b);
  if (!ua.empty() && !ub.empty() && IsAsciiAlnum(ua.back()) && IsAsciiAlnum(ub.front())) {
    return a + " " + b;
  }
  return a + b;
}

// Marks OCR puts before or after a value (quotes, bars, stray commas and dots): trimmed.
bool IsNoise(char32_t c) {
  static const std::u32string_view noise = U"“”\"'‘’|,，;；:：、`·[]{}《》_.。!！?？*^";
  return noise.find(c) != std::u32string_view::npos;
}
std::string TrimNoise(const std::string& text, bool keep_end_marks) {
  std::u32string t = DecodeUtf8Lossy(text);
  size_t a = 0, b = t.size();
  while (a < b && (IsNoise(t[a]) || t[a] == ' ')) ++a;
  while (b > a &&
         (t[b - 1] == ' ' ||
          (IsNoise(t[b - 1]) && !(keep_end_marks && (t[b - 1] == U'。' || t[b - 1] == '.'))))) {
    --b;
  }
  return EncodeUtf8(t.substr(a, b - a));
}

// Hamming distance <= 1 between equal-length strings.
bool WithinOne(std::u32string_view a, std::u32string_view b) {
  if (a.size() != b.size()) return false;
  int d = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i] && ++d > 1) return false;
  }
  return true;
}

// ---- labels ---------------------------------------------------------------------------------

enum Fid {
  kReportNo,
  kUscc,
  kInstName,
  kCert,
  kClient,
  kSample,
  kModel,
  kBatch,
  kCategory,
  kSampling,
  kReceipt,
  kTestDates,
  kTestStart,
  kTestEnd,
  kIssue,
  kConclusion,
  kApprover,
  kReviewer,
  kChief,
  kIgnore,
  kFieldCount
};

struct LabelDef {
  std::u32string text;
  Fid field;
};

const std::vector<LabelDef>& Labels() {
  static const std::vector<LabelDef> labels = [] {
    const std::vector<std::pair<Fid, std::vector<std::string_view>>> table = {
        {kReportNo, {"报告编号", "报告编码", "报告号", "编号"}},
        {kUscc, {"统一社会信用代码", "社会信用代码", "信用代码"}},
        {kInstName,
         {"检验检测机构名称", "检验检测机构", "检验机构", "检测机构", "检验单位", "检测单位",
          "机构名称"}},
        {kCert, {"资质认定证书编号", "资质认定证书号", "资质证书编号", "CMA证书编号", "证书编号"}},
        {kClient, {"委托单位名称", "委托单位", "委托方", "委托人", "送检单位"}},
        {kSample, {"样品名称", "产品名称", "车辆类型", "样品"}},
        {kModel, {"规格型号", "型号规格", "品牌型号", "车辆型号", "规格", "型号"}},
        {kBatch,
         {"生产日期/批号", "生产日期或批号", "生产批号", "样品批号", "炉批号", "批号", "批次",
          "车辆识别代号(VIN)", "车辆识别代号"}},
        {kCategory, {"检验类别", "检测类别", "检验性质", "检验类型", "检测类型"}},
        {kSampling, {"抽样日期", "采样日期", "取样日期"}},
        {kReceipt, {"收样日期", "到样日期", "接样日期", "送检日期", "来样日期", "收样时间"}},
        {kTestDates, {"检验日期", "检测日期", "检验时间", "检测时间", "检验期间", "检测期间"}},
        {kTestStart, {"检验开始日期", "检测开始日期"}},
        {kTestEnd, {"检验完成日期", "检测完成日期", "检验结束日期", "检测结束日期"}},
        {kIssue, {"签发日期", "报告日期", "发出日期", "报告签发日期"}},
        {kConclusion, {"检验检测结论", "检验结论", "检测结论", "评价结论", "结论"}},
        {kApprover, {"批准人", "批准", "授权签字人", "签发人"}},
        {kReviewer, {"审核人", "审核"}},
        {kChief, {"主检人", "主检", "检验人", "检测人", "检验员", "编制"}},
        {kIgnore,
         {"地址",         "电话",       "联系电话",     "邮编",     "邮政编码",   "传真",
          "电子邮箱",     "网址",       "委托单位地址", "生产单位", "受检单位",   "被检单位",
          "生产企业",     "工程名称",   "工程部位",     "使用部位", "检验依据",   "检测依据",
          "判定依据",     "样品数量",   "样品状态",     "样品描述", "样品编号",   "抽样地点",
          "抽样单位",     "抽样人",     "抽样基数",     "检验地点", "检测地点",   "检验项目",
          "检测项目",     "备注",       "号牌号码",     "燃料种类", "里程表读数", "环境条件",
          "检测环境",     "主要仪器",   "主要仪器设备", "代表批量", "龄期",       "见证单位",
          "见证人",       "施工单位",   "建设单位",     "监理单位", "委托编号",   "合同编号",
          "任务编号",     "检测方法",   "注意事项",     "声明",     "说明",       "养护条件",
          "登记日期",     "发动机号码", "使用性质",     "排放标准", "检测线号",   "车辆所有人",
          "注册登记日期", "商标",       "等级",         "生产日期"}},
    };
    std::vector<LabelDef> v;
    for (const auto& [f, words] : table) {
      for (std::string_view w : words) v.push_back({DecodeUtf8Lossy(w), f});
    }
    std::stable_sort(v.begin(), v.end(), [](const LabelDef& a, const LabelDef& b) {
      return a.text.size() > b.text.size();
    });
    return v;
  }();
  return labels;
}

struct LabelMatch {
  Fid field = kIgnore;
  size_t length = 0;  // code points of the label in the space-free text
  bool fuzzy = false;
};

// A label at the start of `t` (normalised, no spaces).
std::optional<LabelMatch> MatchLabel(std::u32string_view t) {
  for (const LabelDef& l : Labels()) {
    if (t.size() < l.text.size() || t.compare(0, l.text.size(), l.text) != 0) continue;
    const size_t n = l.text.size();
    const bool end = t.size() == n;
    bool colon = !end && IsColon(t[n]);
    // OCR puts a stray mark between a label and its colon ("主检-:").
    const bool marked = !end && !colon && (n + 1 == t.size() || IsColon(t[n + 1])) &&
                        (t[n] == '-' || t[n] == '.' || t[n] == U'·' || t[n] == '\'' ||
                         t[n] == '"' || t[n] == U'“' || t[n] == U'”' || t[n] == '_');
    colon |= marked;
    // Short labels only with a colon or alone; longer ones also run into their value.
    if (n <= 2 && !end && !colon) continue;
    if (!end && !colon && n == 3 && IsIdeograph(t[n])) continue;
    return LabelMatch{l.field, n + (marked ? 1 : 0), false};
  }
  for (const LabelDef& l : Labels()) {
    if (l.text.size() < 4 || t.size() < l.text.size()) continue;
    const bool end = t.size() == l.text.size();
    if (!end && !IsColon(t[l.text.size()])) continue;
    if (WithinOne(t.substr(0, l.text.size()), l.text)) {
      return LabelMatch{l.field, l.text.size(), true};
    }
  }
  return std::nullopt;
}

// ---- candidates and votes -------------------------------------------------------------------

struct Cand {
  std::string value;
  double conf = 0;
};

struct Voted {
  std::string value;
  double conf = 0;
  bool found = false;
};

Voted Vote(const std::vector<Cand>& cands) {
  Voted v;
  if (cands.empty()) return v;
  // Non-empty values win over a label printed with no value.
  bool any_value = false;
  for (const Cand& c : cands) any_value |= !c.value.empty();
  std::vector<std::pair<std::string, std::pair<double, double>>> groups;  // value -> (sum, max)
  double total = 0;
  for (const Cand& c : cands) {
    if (any_value && c.value.empty()) continue;
    const double w = std::max(c.conf, 0.01);
    total += w;
    auto it = std::find_if(groups.begin(), groups.end(),
                           [&](const auto& g) { return g.first == c.value; });
    if (it == groups.end()) {
      groups.push_back({c.value, {w, c.conf}});
    } else {
      it->second.first += w;
      it->second.second = std::max(it->second.second, c.conf);
    }
  }
  const auto best = std::max_element(
      groups.begin(), groups.end(),
      [](const auto& a, const auto& b) { return a.second.first < b.second.first; });
  v.value = best->first;
  v.conf = best->second.second * (best->second.first / total);
  v.found = true;
  return v;
}

// ---- value cleaning -------------------------------------------------------------------------

bool IsNotStated(const std::string& v) { return v.empty() || v == "无" || IsNotStatedMark(v); }

std::string StripSpaces(const std::string& s) { return RemoveAllSpaces(s); }

// Snaps OCR text to a closed vocabulary when it differs by at most one character.
// Snaps OCR text to a closed vocabulary when it differs by at most one character, or (with
// `prefix`) when it is the beginning of exactly one word (OCR dropping "格" of "合格").
std::string Snap(const std::string& text, const std::vector<std::string_view>& vocabulary,
                 double* conf, bool prefix = false) {
  const std::u32string t = DecodeUtf8Lossy(text);
  for (std::string_view w : vocabulary) {
    if (text == w) return text;
  }
  for (std::string_view w : vocabulary) {
    if (WithinOne(t, DecodeUtf8Lossy(w)) && t.size() >= 2) {
      *conf *= 0.9;
      return std::string(w);
    }
  }
  if (prefix && !t.empty()) {
    std::string_view only;
    int n = 0;
    for (std::string_view w : vocabulary) {
      const std::u32string uw = DecodeUtf8Lossy(w);
      if (uw.size() > t.size() && uw.compare(0, t.size(), t) == 0) {
        only = w;
        ++n;
      }
    }
    if (n == 1) {
      *conf *= 0.8;
      return std::string(only);
    }
  }
  return text;
}

const std::vector<std::string_view>& Verdicts() {
  static const std::vector<std::string_view> v = {"合格", "不合格", "符合",   "不符合",
                                                  "达标", "不达标", "未判定", "/"};
  return v;
}
const std::vector<std::string_view>& Categories() {
  static const std::vector<std::string_view> v = {
      "委托检验", "监督抽查", "型式检验", "抽样检验", "委托送检", "定期检验",     "注册登记检验",
      "监督抽检", "风险监测", "见证取样", "委托检测", "仲裁检验", "安全技术检验", "排放检验"};
  return v;
}

bool UsccValid(const std::string& t) {
  auto u = Uscc::Parse(t);
  return u && !u->suspect();
}

// One extra character removed, or one character replaced by a look-alike, giving the only code
// whose check characters both hold.
std::optional<std::string> RepairUscc(const std::string& text) {
  std::string t = text;
  for (char& c : t) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::vector<std::string> found;
  auto consider = [&](const std::string& c) {
    if (UsccValid(c) && std::find(found.begin(), found.end(), c) == found.end()) {
      found.push_back(c);
    }
  };
  if (t.size() == 19) {
    for (size_t i = 0; i < t.size(); ++i) consider(t.substr(0, i) + t.substr(i + 1));
  } else if (t.size() == 18) {
    static const std::array<std::pair<char, std::string_view>, 26> confusable = {{
        {'0', "DQU8C"}, {'D', "0"}, {'Q', "0"},  {'U', "0"},  {'1', "7TJ"}, {'7', "1T"},
        {'T', "17"},    {'J', "1"}, {'8', "B3"}, {'B', "8"},  {'3', "8"},   {'6', "G"},
        {'G', "69C"},   {'9', "G"}, {'M', "NW"}, {'N', "MH"}, {'H', "N"},   {'E', "F"},
        {'F', "E"},     {'K', "X"}, {'X', "KY"}, {'Y', "X"},  {'P', "R"},   {'R', "P"},
        {'A', "4"},     {'4', "A"},
    }};
    for (size_t i = 0; i < t.size(); ++i) {
      for (const auto& [from, to] : confusable) {
        if (t[i] != from) continue;
        for (char c : to) {
          std::string cand = t;
          cand[i] = c;
          consider(cand);
        }
      }
    }
  }
  if (found.size() != 1) return std::nullopt;
  return found.front();
}

// A date OCR broke in its separators ("2024404.10", "20244L2.03" for 2024.04.10 / 2024.12.03):
// ten characters with one intact separator at position 4 or 7 get the same at the other.
std::optional<std::string> RepairDate(const std::string& text) {
  std::string t = StripSpaces(NormalizeNumber(TrimNoise(text, false)));
  for (char& c : t) {
    if (c == 'L' || c == 'l' || c == 'I' || c == '|') c = '1';
    if (c == 'O' || c == 'o') c = '0';
  }
  auto is_sep = [](char c) { return c == '.' || c == '-' || c == '/'; };
  // A doubled separator ("2025-.05-05"): OCR read a speck as a second one.
  for (size_t i = 1; i < t.size(); ++i) {
    if (is_sep(t[i]) && is_sep(t[i - 1])) t.erase(i--, 1);
  }
  if (t.size() != 10) return std::nullopt;
  auto sep = [](char c) { return c == '.' || c == '-' || c == '/'; };
  if (sep(t[4]) && !sep(t[7])) t[7] = t[4];
  if (sep(t[7]) && !sep(t[4])) t[4] = t[7];
  // Mixed separators ("2025-04.13"): OCR read one of them wrong.
  if (sep(t[4]) && sep(t[7])) t[7] = t[4];
  return NormalizeDate(t);
}

// Hamming distance between the first a.size() code points of `text` and `a`, or -1 when `text`
// is not longer than `a` (a place name is followed by the rest of the name).
int PrefixDistance(std::u32string_view text, std::u32string_view a) {
  if (text.size() <= a.size()) return -1;
  int d = 0;
  for (size_t i = 0; i < a.size(); ++i) d += text[i] != a[i];
  return d;
}

// The region among `regions` whose name `text` starts with, or (when none) the one region whose
// name of three or more characters `text` starts with but for one character of its stem (the
// suffix 市/区/县/州… must be read right): OCR's "惠庄市" for 枣庄市. nullptr when none or several.
const Region* PlaceAt(std::u32string_view text, const std::vector<const Region*>& regions,
                      bool* exact) {
  const Region* found = nullptr;
  *exact = false;
  for (const Region* r : regions) {
    const std::u32string n = DecodeUtf8Lossy(r->name);
    if (n.size() < 3 || n == U"市辖区" || n.find(U"直辖") != std::u32string::npos) continue;
    const int d = PrefixDistance(text, n);
    if (d == 0) {
      *exact = true;
      return r;
    }
    if (d != 1 || text[n.size() - 1] != n.back()) continue;
    if (found && found->name != r->name) return nullptr;
    found = r;
  }
  return found;
}

// A name (client, institution) whose leading place names OCR misread in one character each:
// the province or prefecture name it starts with, then a county of that prefecture ("吏庄市凤城区
// 机动车…" -> "枣庄市峄城区机动车…", GB/T 2260 names), and the company form "有限X司" ->
// "有限公司". Only places of the province of the report's USCC (its characters 3-8 are the
// registering authority's region) are candidates, and without a valid-looking USCC no place is
// repaired: a name one character from some place in the country ("中庄市场…") is too often right.
// Without a full place name, the short name of the USCC's own prefecture is repaired too:
// "惠庄峰岳…" with 91370404… -> "枣庄峰岳…". Each repair lowers the confidence (x 0.9).
std::string RepairName(const std::string& name, const std::string& uscc, double* conf) {
  std::u32string u = DecodeUtf8Lossy(name);
  if (u.size() < 5) return name;
  const RegionTable& table = RegionTable::Get();
  const bool region_code =
      uscc.size() == 18 && std::all_of(uscc.begin() + 2, uscc.begin() + 8,
                                       [](char ch) { return ch >= '0' && ch <= '9'; });
  std::vector<const Region*> top;
  if (region_code) {
    for (const Region& r : table.rows()) {
      if (r.current && r.level != RegionLevel::kCounty && !r.summary() &&
          r.code.compare(0, 2, uscc, 2, 2) == 0) {
        top.push_back(&r);
      }
    }
  }
  // A real place of another province ("惠州市…" with a Shandong USCC, one character from 德州市)
  // stays as read.
  static const std::vector<const Region*> country = [] {
    std::vector<const Region*> v;
    for (const Region& r : RegionTable::Get().rows()) {
      if (r.current && r.level != RegionLevel::kCounty && !r.summary()) v.push_back(&r);
    }
    return v;
  }();
  size_t at = 0;
  bool exact = false;
  if (PlaceAt(u, country, &exact) && exact) top.clear();
  const Region* place = PlaceAt(u, top, &exact);
  for (int depth = 0; place && depth < 3; ++depth) {
    const std::u32string n = DecodeUtf8Lossy(place->name);
    if (!exact) {
      u.replace(at, n.size(), n);
      *conf *= 0.9;
    }
    at += n.size();
    if (place->level == RegionLevel::kCounty) break;
    std::vector<const Region*> children = table.Children(place->code);
    // A municipality's prefecture is a summary row ("市辖区"): its counties come next.
    std::vector<const Region*> below;
    for (const Region* c : children) {
      if (c->name == "市辖区" || c->name == "县" || c->summary()) {
        for (const Region* g : table.Children(c->code)) below.push_back(g);
      } else {
        below.push_back(c);
      }
    }
    place = PlaceAt(std::u32string_view(u).substr(at), below, &exact);
  }
  if (at == 0 && region_code) {
    // The USCC's prefecture, named short ("枣庄" of 枣庄市).
    const Region* pref = table.Lookup(uscc.substr(2, 4) + "00");
    if (pref && pref->level == RegionLevel::kPrefecture) {
      std::u32string s = DecodeUtf8Lossy(pref->name);
      if (s.size() >= 3 && s.back() == U'市') s.pop_back();
      if (s.size() >= 2 && PrefixDistance(u, s) == 1) {
        u.replace(0, s.size(), s);
        *conf *= 0.9;
      }
    }
  }
  static const std::u32string kCompany = U"有限公司";
  if (u.size() > kCompany.size() + 2) {
    const std::u32string tail = u.substr(u.size() - kCompany.size());
    int d = 0;
    for (size_t i = 0; i < tail.size(); ++i) d += tail[i] != kCompany[i];
    if (d == 1) {
      u.replace(u.size() - kCompany.size(), kCompany.size(), kCompany);
      *conf *= 0.9;
    }
  }
  return EncodeUtf8(u);
}

// A vehicle's "品牌型号" starts with the make and "牌" ("五菱牌LZW6450PF"); a make one character
// from exactly one of the common Chinese makes (CCC/公告 names) is taken for it ("五鞭牌" ->
// "五菱牌").
std::string RepairBrand(const std::string& model, double* conf) {
  static const std::vector<std::u32string> makes = {
      U"五菱",     U"解放",     U"东风",     U"福田", U"江淮",   U"长安",     U"重汽",
      U"陕汽",     U"吉利",     U"长城",     U"奇瑞", U"比亚迪", U"大众汽车", U"东风日产",
      U"广汽本田", U"一汽丰田", U"上汽通用", U"宝骏", U"江铃",   U"金杯",     U"宇通",
      U"金龙",     U"中通",     U"红旗",     U"哈弗", U"荣威",   U"传祺",     U"北汽"};
  const std::u32string u = DecodeUtf8Lossy(model);
  const size_t at = u.find(U'牌');
  if (at == std::u32string::npos || at < 2 || at > 4) return model;
  const std::u32string make = u.substr(0, at);
  if (std::find(makes.begin(), makes.end(), make) != makes.end()) return model;
  const std::u32string* found = nullptr;
  for (const auto& m : makes) {
    if (!WithinOne(make, m)) continue;
    if (found) return model;
    found = &m;
  }
  if (!found) return model;
  *conf *= 0.9;
  return EncodeUtf8(*found + u.substr(at));
}

// The "not stated" mark "/" as OCR reads it alone in a text field: "1", "1/", "l", "I", "|".
bool OcrNotStated(const std::string& v) {
  static const std::set<std::string> marks = {"1", "1/", "/1", "l", "I", "|", "l/", "I/"};
  return marks.count(v) > 0;
}

// Cleans a raw value of field f; adjusts *conf for values failing their check. `ocr`: the value
// was read by OCR (repairs of OCR's typical errors apply; a text layer is taken as printed).
std::string Clean(Fid f, const std::string& raw, double* conf, bool ocr = true) {
  std::string v = TrimNoise(NormalizeText(raw), /*keep_end_marks=*/f == kConclusion);
  if (IsNotStated(v)) return "";
  if (ocr && (f == kModel || f == kClient || f == kSample) && OcrNotStated(v)) return "";
  switch (f) {
    case kReportNo: {
      // OCR reads a leading "J" as "]" (which TrimNoise would drop).
      const std::string raw_norm = NormalizeText(raw);
      if (raw_norm.size() > 1 && raw_norm[0] == ']' && raw_norm[1] >= 'A' && raw_norm[1] <= 'Z') {
        v = "J" + raw_norm.substr(1);
      }
      v = StripSpaces(NormalizeNumber(v));
      // A bracket OCR adds between two capitals ("J]D2025…"); "[2024]" of a number stays.
      if (ocr) {
        for (size_t i = 1; i + 1 < v.size(); ++i) {
          if ((v[i] == ']' || v[i] == '[') && std::isupper(static_cast<unsigned char>(v[i - 1])) &&
              std::isupper(static_cast<unsigned char>(v[i + 1]))) {
            v.erase(i, 1);
            *conf *= 0.9;
          }
        }
      }
      // Mostly capitals with a lower-case letter or two is OCR's case confusion ("jD2025…").
      const auto lower =
          std::count_if(v.begin(), v.end(), [](char c) { return c >= 'a' && c <= 'z'; });
      const auto upper =
          std::count_if(v.begin(), v.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
      if (lower > 0 && lower <= 2 && upper >= 1) {
        for (char& c : v) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        *conf *= 0.9;
      }
      return v;
    }
    case kUscc: {
      std::string t = StripSpaces(v);
      for (char& c : t) {
        if (c == 'O' || c == 'o') c = '0';
        if (c == 'I' || c == 'l') c = '1';
        if (c == 'S' || c == 's') c = '5';
        if (c == 'Z' || c == 'z') c = '2';
        if (c == 'V') c = 'Y';
      }
      auto u = Uscc::Parse(t);
      if (u && !u->suspect()) return u->str();
      // OCR dropped in or misread one character: the two check characters (GB 11714 and
      // GB 32100) admit exactly one repair, or none is made.
      // A text layer shows what was printed: a code whose check characters fail stays as it is
      // (the registry may hold it so; the checks compare it).
      if (auto fixed = ocr ? RepairUscc(t) : std::nullopt) {
        *conf *= 0.8;
        return *fixed;
      }
      *conf *= 0.5;
      return u ? u->str() : t;
    }
    case kCert: {
      std::string t = StripSpaces(NormalizeNumber(v));
      auto c = CmaCertNo::Parse(t);
      if (!c) {
        *conf *= 0.5;
        return t;
      }
      return c->str();
    }
    case kSampling:
    case kReceipt:
    case kTestStart:
    case kTestEnd:
    case kIssue: {
      // A date has no "≤"/"≥": the number re-reading's sign test took a digit's edge for one.
      if (ocr) {
        for (std::string_view sign : {"≤", "≥"}) {
          for (size_t at; (at = v.find(sign)) != std::string::npos;) v.erase(at, sign.size());
        }
      }
      auto dates = FindDates(v);
      if (dates.empty()) {
        if (auto d = RepairDate(v)) {
          *conf *= 0.8;
          return *d;
        }
        *conf *= 0.5;
        return v;
      }
      return dates.front();
    }
    case kApprover:
    case kReviewer:
    case kChief: {
      // Chinese names: ideographs (and the middle dot of transcribed names) only.
      std::u32string out;
      for (char32_t c : DecodeUtf8Lossy(v)) {
        if (IsIdeograph(c) || c == U'·') out.push_back(c);
      }
      if (out.size() != DecodeUtf8Lossy(StripSpaces(v)).size()) *conf *= 0.9;
      return EncodeUtf8(out);
    }
    case kBatch: {
      // A vehicle identification number (GB 16735: 17 characters, never I, O or Q).
      std::string t = StripSpaces(v);
      const bool vin = t.size() == 17 && std::all_of(t.begin(), t.end(), [](char ch) {
                         return (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z');
                       });
      if (vin && std::count_if(t.begin(), t.end(), [](char ch) { return ch >= 'A'; }) >= 3) {
        for (char& ch : t) {
          if (ch == 'O' || ch == 'Q') ch = '0';
          if (ch == 'I') ch = '1';
        }
        return t;
      }
      return v;
    }
    case kCategory:
      return Snap(StripSpaces(v), Categories(), conf);
    case kModel: {
      if (!ocr) return v;
      // A size range's "~" OCR read as "一" ("5一25mm"): never between digits in a model.
      static const std::regex range("([0-9])一([0-9])");
      if (std::regex_search(v, range)) {
        *conf *= 0.9;
        v = std::regex_replace(v, range, "$1~$2");
      }
      return RepairBrand(v, conf);
    }
    default:
      return v;
  }
}

// ---- tables ---------------------------------------------------------------------------------

// kOther: a heading cell OCR garbled; it bounds its column, whose text is dropped.
enum ColKind {
  kIndex,
  kItem,
  kParam,
  kStandard,
  kUnit,
  kLimit,
  kResult,
  kVerdict,
  kOther,
  kColKinds
};

const std::vector<std::pair<std::u32string, ColKind>>& HeaderWords() {
  static const std::vector<std::pair<std::u32string, ColKind>> words = [] {
    const std::vector<std::pair<ColKind, std::vector<std::string_view>>> table = {
        {kIndex, {"序号"}},
        {kItem, {"检验项目名称", "检测项目名称", "检验项目", "检测项目", "项目名称", "项目"}},
        {kParam, {"检测参数", "试验工况", "测试工况", "检测工况", "工况", "参数"}},
        {kStandard,
         {"检验方法依据", "检测方法依据", "检验依据", "检测依据", "检验方法", "检测方法",
          "方法依据", "依据标准", "试验方法", "方法标准"}},
        {kUnit, {"计量单位", "单位"}},
        {kLimit,
         {"标准要求", "技术要求", "标准限值", "指标要求", "技术指标", "标准规定", "标准指标",
          "限量值", "标准值", "限值", "要求"}},
        {kResult, {"检验结果", "检测结果", "实测结果", "实测值", "测定值", "检测值", "结果"}},
        {kVerdict,
         {"单项判定结果", "单项判定", "单项结论", "单项评价", "判定结果", "判定", "结论"}},
    };
    std::vector<std::pair<std::u32string, ColKind>> v;
    for (const auto& [k, ws] : table) {
      for (std::string_view w : ws) v.push_back({DecodeUtf8Lossy(w), k});
    }
    std::stable_sort(v.begin(), v.end(),
                     [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
    return v;
  }();
  return words;
}

// Splits a header cell's text into heading words (longest first); empty when it is not made of
// headings only. A unit in parentheses after a heading ("检验结果(mg/kg)") is allowed.
std::vector<std::pair<ColKind, size_t>> SegmentHeader(std::u32string_view t) {
  std::vector<std::pair<ColKind, size_t>> out;  // kind, code points consumed
  size_t i = 0;
  while (i < t.size()) {
    bool matched = false;
    for (const auto& [w, k] : HeaderWords()) {
      if (t.compare(i, w.size(), w) == 0) {
        size_t len = w.size();
        if (i + len < t.size() && t[i + len] == '(') {
          const size_t close = t.find(')', i + len);
          if (close != std::u32string_view::npos) len = close + 1 - i;
        }
        out.push_back({k, len});
        i += len;
        matched = true;
        break;
      }
    }
    if (!matched) return {};
  }
  return out;
}

struct Column {
  ColKind kind;
  double x0, x1;          // heading extent
  double lo = 0, hi = 0;  // column boundaries
};

// The columns of a header line, or empty.
// A heading cell's text without spaces and the punctuation OCR adds ("检测结果。").
std::u32string HeadingText(const std::string& text) {
  std::u32string out;
  for (char32_t c : DecodeUtf8Lossy(StripSpaces(NormalizeText(text)))) {
    if (IsIdeograph(c) || IsAsciiAlnum(c) || c == '(' || c == ')' || c == '/') out.push_back(c);
  }
  return out;
}

// The columns of a header line, or empty. At least three kinds, among them the item and the
// result or verdict, must be read, and most cells must be headings (one may be garbled).
std::vector<Column> HeaderColumns(const Line& line) {
  if (line.cells.size() < 3) return {};
  std::vector<Column> cols;
  std::array<bool, kColKinds> seen{};
  int unknown = 0;
  for (const Cell& c : line.cells) {
    const std::u32string t = HeadingText(c.text);
    auto seg = SegmentHeader(t);
    if (seg.empty() && t.size() >= 3) {
      for (const auto& [w, k] : HeaderWords()) {
        // One character misread, or the last one dropped ("单项判" for 单项判定).
        if (w.size() >= 3 &&
            (WithinOne(t, w) || (t.size() + 1 == w.size() && w.compare(0, t.size(), t) == 0))) {
          seg = {{k, t.size()}};
          break;
        }
      }
    }
    if (seg.empty()) {
      if (t.size() > 8 || ++unknown > 1) return {};
      cols.push_back({kOther, c.box.x0, c.box.x1});
      continue;
    }
    double x = c.box.x0;
    const double per = c.box.width() / static_cast<double>(std::max<size_t>(t.size(), 1));
    for (const auto& [k, len] : seg) {
      if (seen[k]) return {};
      seen[k] = true;
      cols.push_back({k, x, x + per * static_cast<double>(len)});
      x += per * static_cast<double>(len);
    }
  }
  int kinds = 0;
  for (int k = 0; k < kOther; ++k) kinds += seen[k];
  if (kinds < 3 || !seen[kItem] || !(seen[kResult] || seen[kVerdict])) return {};
  std::sort(cols.begin(), cols.end(), [](const Column& a, const Column& b) { return a.x0 < b.x0; });
  for (size_t i = 0; i < cols.size(); ++i) {
    cols[i].lo = i == 0 ? -1e9 : (cols[i - 1].x1 + cols[i].x0) / 2;
    cols[i].hi = i + 1 == cols.size() ? 1e9 : (cols[i].x1 + cols[i + 1].x0) / 2;
  }
  return cols;
}

double Overlap(double a0, double a1, double b0, double b1) {
  return std::max(0.0, std::min(a1, b1) - std::max(a0, b0));
}

int BestColumn(const std::vector<Column>& cols, double x0, double x1, double* share) {
  int best = 0;
  double best_ov = -1;
  for (size_t i = 0; i < cols.size(); ++i) {
    const double ov = Overlap(x0, x1, cols[i].lo, cols[i].hi);
    if (ov > best_ov) {
      best_ov = ov;
      best = static_cast<int>(i);
    }
  }
  if (share) *share = x1 > x0 ? best_ov / (x1 - x0) : 1.0;
  return best;
}

bool IsEndOfTable(const std::string& line_text) {
  static const std::array<std::string_view, 5> marks = {"以下空白", "以下无内容", "以下无正文",
                                                        "本页以下空白", "以下无数据"};
  for (std::string_view m : marks) {
    if (line_text.find(m) != std::string::npos) return true;
  }
  return false;
}

std::string LineText(const Line& line) {
  std::string t;
  for (const Cell& c : line.cells) t += c.text;
  return StripSpaces(NormalizeText(t));
}

struct PageCount {
  int page = 0, total = 0;
};

std::optional<PageCount> MatchPageCount(const std::string& text) {
  static const std::regex a("第([0-9]{1,3})页[/,，]?共([0-9]{1,3})页");
  static const std::regex b("共([0-9]{1,3})页[/,，]?第([0-9]{1,3})页");
  static const std::regex c("[Pp]age([0-9]{1,3})of([0-9]{1,3})");
  std::smatch m;
  if (std::regex_search(text, m, a)) return PageCount{std::stoi(m[1]), std::stoi(m[2])};
  if (std::regex_search(text, m, b)) return PageCount{std::stoi(m[2]), std::stoi(m[1])};
  if (std::regex_search(text, m, c)) return PageCount{std::stoi(m[1]), std::stoi(m[2])};
  return std::nullopt;
}

bool StartsWithLabel(const Line& line) {
  if (line.cells.empty()) return false;
  const std::u32string t = DecodeUtf8Lossy(StripSpaces(NormalizeText(line.cells.front().text)));
  auto m = MatchLabel(t);
  return m.has_value();
}

struct Row {
  std::array<std::string, kColKinds> cells;
  double conf = 1;
  std::array<double, kColKinds> col_conf{};  // per column: its words' lowest (else conf)
  bool ocr = false;
};

struct TableResult {
  std::vector<Row> rows;
};

// Reads the table whose header is lines[h]; marks the lines it used in `used`.
void ReadTable(const PageLayout& page, size_t h, const std::vector<Column>& cols,
               std::vector<bool>* used, std::vector<Row>* rows) {
  (*used)[h] = true;
  bool has_index = false;
  for (const Column& c : cols) has_index |= c.kind == kIndex;
  double prev_bottom = page.lines[h].box.y1;
  bool in_table_row = false;
  for (size_t i = h + 1; i < page.lines.size(); ++i) {
    const Line& line = page.lines[i];
    const std::string text = LineText(line);
    if (IsEndOfTable(text)) {
      (*used)[i] = true;
      break;
    }
    if (MatchPageCount(text) || StartsWithLabel(line)) break;
    if (!HeaderColumns(line).empty()) break;
    const double h_line = std::max(line.height, 1.0);
    // (Generous: OCR may lose a whole row.)
    if (line.box.y0 - prev_bottom > 6 * h_line) break;
    // Assign cells (or, for a cell spanning two columns, its words) to columns.
    std::array<std::vector<Word>, kColKinds> parts;
    double conf = 1;
    for (const Cell& c : line.cells) {
      double share = 0;
      const int col = BestColumn(cols, c.box.x0, c.box.x1, &share);
      if (share >= 0.6) {
        for (const Word& w : c.words) parts[cols[col].kind].push_back(w);
      } else {
        for (const Word& w : c.words) {
          const int wc = BestColumn(cols, w.box.x0, w.box.x1, nullptr);
          parts[cols[wc].kind].push_back(w);
        }
      }
      conf = std::min(conf, c.confidence);
    }
    std::array<std::string, kColKinds> cells;
    for (int k = 0; k < kColKinds; ++k) cells[k] = NormalizeText(JoinWords(parts[k]));
    std::array<double, kColKinds> col_conf;
    for (int k = 0; k < kColKinds; ++k) {
      col_conf[k] = 1.0;
      for (const Word& w : parts[k]) col_conf[k] = std::min(col_conf[k], w.confidence);
    }
    // A row's first line has every cell's first line (cells are top-aligned): its number, or
    // without a number column its item with a result or verdict. Lines with neither continue the
    // row above (an item or a standard number wrapped in its cell).
    const bool starts =
        has_index ? !cells[kIndex].empty()
                  : !cells[kItem].empty() && (!cells[kResult].empty() || !cells[kVerdict].empty());
    (*used)[i] = true;
    prev_bottom = line.box.y1;
    if (starts || rows->empty() || !in_table_row) {
      Row r;
      r.cells = cells;
      r.conf = conf;
      r.col_conf = col_conf;
      r.ocr = page.ocr;
      rows->push_back(std::move(r));
      in_table_row = true;
    } else {
      Row& r = rows->back();
      for (int k = 0; k < kColKinds; ++k) r.cells[k] = JoinBroken(r.cells[k], cells[k]);
      r.conf = std::min(r.conf, conf);
      for (int k = 0; k < kColKinds; ++k) {
        if (!cells[k].empty()) r.col_conf[k] = std::min(r.col_conf[k], col_conf[k]);
      }
    }
  }
}

// A measured value or limit OCR padded with a stray mark or two ("0.012四", "”<0.01"): the one
// number in it, with its sign.
std::string OcrValue(const std::string& text, double* conf) {
  std::string t = TrimNoise(text, false);
  // A decimal point OCR read as a space: "≥20 0", "≤0 001".
  static const std::regex lost_point("^((?:<|>|≤|≥)?[0-9]+) ([0-9]{1,4})$");
  if (std::regex_match(t, lost_point)) {
    t = std::regex_replace(t, lost_point, "$1.$2");
    *conf *= 0.8;
  }
  // The table's end mark "以下空白" OCR joined to the last row's value ("0.03以下空").
  static const std::regex end_mark("^((?:<|>|≤|≥)?[0-9]+(?:\\.[0-9]+)?) ?以.{0,12}$");
  if (std::regex_match(t, end_mark)) {
    t = std::regex_replace(t, end_mark, "$1");
    *conf *= 0.8;
  }
  // (std::regex works on bytes: multi-byte signs must be alternatives, not a bracket.)
  static const std::regex number("(?:<|>|≤|≥)?[0-9]+(\\.[0-9]+)?");
  auto begin = std::sregex_iterator(t.begin(), t.end(), number);
  const auto end = std::sregex_iterator();
  if (std::distance(begin, end) != 1) return t;
  const std::string n = begin->str();
  if (n == t) return t;
  const size_t extra = DecodeUtf8Lossy(t).size() - DecodeUtf8Lossy(n).size();
  if (extra > 2) return t;
  *conf *= 0.8;
  return n;
}

// A standard number whose "/T" OCR garbled: "JGJIT 70-2009", "JGJT 70-2009",
// "DB37丰900814-2012", "DB37/901019-2020", "GB厅T 18883-2022" -> "<prefix>/T <number>": up to
// three characters between a known prefix and the number stand for "/T".
std::string OcrStandard(const std::string& text) {
  std::string plain = TrimNoise(text, false);
  // Up to four characters of the cell before OCR read into it ("台格”,GB 4706.1-2005").
  if (!plain.empty() && !(plain[0] >= 'A' && plain[0] <= 'Z')) {
    const std::u32string u = DecodeUtf8Lossy(plain);
    size_t k = 0;
    while (k < u.size() && k <= 5 && !(u[k] >= 'A' && u[k] <= 'Z')) ++k;
    if (k <= 5 && k < u.size() && StandardNo::Parse(EncodeUtf8(u.substr(k)))) {
      plain = EncodeUtf8(u.substr(k));
    } else if (k <= 5 && k < u.size() && u[0] > 0x7F) {
      plain = EncodeUtf8(u.substr(k));  // Chinese text before a code is never part of it
    }
  }
  std::string t = RemoveAllSpaces(plain);
  // The code before the number: lower-case letters are OCR's ("Hj", "TIZJHc"); "J" of HJ read
  // as "I", "j", "|" or ")" ("HIj 644-2013", "Hj| 962-2018"); "/" of a group standard "T/" as
  // "I", "l" or "|" ("TIZJHC").
  {
    size_t end = 0;
    while (end < t.size() && !(t[end] >= '0' && t[end] <= '9')) ++end;
    std::string code = t.substr(0, end);
    for (char& ch : code) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (code.size() >= 2 && code[0] == 'H' &&
        code.find_first_not_of("IJ|)", 1) == std::string::npos && code.size() <= 4) {
      code = "HJ";
    } else if (code.size() >= 4 && code[0] == 'T' &&
               (code[1] == 'I' || code[1] == 'L' || code[1] == '|' || code[1] == '1')) {
      code[1] = '/';
    }
    if (end > 0 && code != t.substr(0, end)) {
      const std::string rest = t.substr(end);
      t = code + rest;
      if (auto s = StandardNo::Parse(code + " " + rest)) return s->str();
    }
  }
  static const std::regex shape("^([A-Z]{1,4})([0-9]{0,4})(.{0,9}?)([0-9][0-9.]*-[0-9]{4})$");
  std::smatch m;
  if (!std::regex_match(t, m, shape)) return plain;
  static const std::set<std::string> codes = {"GB", "GBZ", "HJ",  "JGJ", "NY", "SN", "YY",
                                              "JG", "JC",  "CJJ", "DL",  "HG", "QB", "WS",
                                              "RB", "SL",  "JT",  "DB",  "GA", "SB", "LY"};
  std::string letters = m[1].str();
  const std::string digits = m[2].str(), number = m[4].str();
  std::string middle = m[3].str();
  auto known = [&](const std::string& code) { return codes.count(code) > 0; };
  // The longest known code the letters start with; the letters after it belong to the middle
  // ("JGJIT": "JGJ" + "IT").
  if (digits.empty() && !known(letters)) {
    for (size_t k = letters.size() - 1; k >= 1; --k) {
      if (known(letters.substr(0, k))) {
        middle = letters.substr(k) + middle;
        letters = letters.substr(0, k);
        break;
      }
    }
  }
  std::string guess;
  if (middle.empty()) {
    guess = letters + digits + " " + number;
  } else if (middle == "/T" || middle == "/Z") {
    guess = letters + digits + middle + " " + number;
  } else if (known(letters)) {
    guess = letters + digits + "/T " + number;
  } else {
    return plain;
  }
  return StandardNo::Parse(guess) ? guess : plain;
}

// Units of measurement reports use (legal units, GB 3100/3101, and the counts of microbiology):
// OCR's reading one edit away from exactly one of them is taken for it ("mg/ms" -> "mg/m³").
std::optional<std::string> SnapUnit(const std::string& unit) {
  static const std::vector<std::u32string> units = {
      U"mg/kg",    U"μg/kg", U"g/kg",      U"mg/L",  U"μg/L",  U"g/L",    U"g/100g",
      U"mg/100g",  U"mg/m³", U"μg/m³",     U"Bq/m³", U"CFU/g", U"CFU/mL", U"CFU/m³",
      U"MPN/g",    U"MPN/L", U"MPN/100mL", U"%",     U"℃",     U"MPa",    U"kN",
      U"mm",       U"min",   U"dB(A)",     U"NTU",   U"度",    U"无量纲", U"μS/cm",
      U"μmol/mol", U"m-1",   U"级",        U"cd",    U"km/h",  U"mL",     U"kg"};
  const std::u32string u = DecodeUtf8Lossy(unit);
  if (u.empty() || std::find(units.begin(), units.end(), u) != units.end()) return std::nullopt;
  const std::u32string* found = nullptr;
  bool several = false;
  for (const auto& c : units) {
    if (!WithinOneEdit(u, c)) continue;
    several = found != nullptr;
    if (several) break;
    found = &c;
  }
  if (found && !several) return EncodeUtf8(*found);
  found = nullptr;
  // OCR's look-alikes in units, folded on both sides before the same one-edit test: "³" read as
  // "3", "a" or "s" ("mg/mas", "mgma"), "μ" as "H", "h" or "u" ("Hg/m³"), "/" as "y" ("mgyms",
  // "hmoymol"), "g" as "9" ("9/1009g"), "%" as "多". A folded reading that two units share
  // decides nothing.
  static const auto fold = [](std::u32string s) {
    for (char32_t& c : s) {
      if (c == U'3' || c == U'a' || c == U's') c = U'³';
      if (c == U'H' || c == U'h' || c == U'u') c = U'μ';
      if (c == U'y') c = U'/';
      if (c == U'9') c = U'g';
      if (c == U'多') c = U'%';
    }
    return s;
  };
  const std::u32string fu = fold(u);
  for (bool exact : {true, false}) {
    for (const auto& c : units) {
      const std::u32string fc = fold(c);
      if (exact ? fc != fu : !(fu.size() >= 2 && WithinOneEdit(fu, fc))) continue;
      if (found) return std::nullopt;
      found = &c;
    }
    if (found) return EncodeUtf8(*found);
  }
  return std::nullopt;
}

// Test conditions (工况) of vehicle emission tests (GB 18285-2018, GB 3847-2018): a reading one
// character away from exactly one is taken for it ("高驴速" -> "高怠速").
const std::vector<std::string_view>& Conditions() {
  static const std::vector<std::string_view> v = {
      "怠速",         "高怠速",   "双怠速",   "稳态工况", "瞬态工况",
      "简易瞬态工况", "加载减速", "自由加速", "ASM5025",  "ASM2540"};
  return v;
}

// The test items the standards catalogue lists under `standard` (any edition of its number).
const std::vector<std::u32string>& ItemsOfStandard(const std::string& standard) {
  static const std::map<std::string, std::vector<std::u32string>> by_number = [] {
    std::map<std::string, std::vector<std::u32string>> m;
    auto cat = registry::gen::RealCatalogue();
    if (!cat) return m;
    for (const auto& e : *cat) {
      auto s = StandardNo::Parse(e.number);
      if (!s) continue;
      auto& items = m[s->WithoutYear()];
      for (const auto& i : e.items) items.push_back(DecodeUtf8Lossy(NormalizeText(i)));
    }
    return m;
  }();
  static const std::vector<std::u32string> none;
  auto s = StandardNo::Parse(standard);
  if (!s) return none;
  auto it = by_number.find(s->WithoutYear());
  return it == by_number.end() ? none : it->second;
}

// An item of two or more characters one edit away from exactly one item the catalogue lists
// under the line's standard ("氨氨" -> "氨氮" under HJ 535): the standard read on the same line
// narrows the candidates that the whole catalogue leaves ambiguous (二氧化氯/硫/氮).
std::optional<std::string> SnapItemOfStandard(const std::string& item,
                                              const std::string& standard) {
  const std::vector<std::u32string>& items = ItemsOfStandard(standard);
  const std::u32string t = DecodeUtf8Lossy(item);
  if (t.size() < 2 || std::find(items.begin(), items.end(), t) != items.end()) return std::nullopt;
  const std::u32string* found = nullptr;
  for (const auto& i : items) {
    if (i.size() < 2 || !WithinOneEdit(t, i)) continue;
    if (found && *found != i) return std::nullopt;
    found = &i;
  }
  if (!found) return std::nullopt;
  return EncodeUtf8(*found);
}

// A range limit's "~" OCR read as "一" or doubled with a dash ("6.5一8.5", "0.95~-1.05").
std::string OcrRange(const std::string& limit) {
  static const std::regex range("^([0-9.]+)(?:一|~-|-~|~~|~一|一~)([0-9.]+)$");
  return std::regex_replace(limit, range, "$1~$2");
}

// Cells OCR ended with a dash of the rule or the next cell ("合格-", "氨气-"): words do not
// end in one.
std::string TrimDash(const std::string& text) {
  std::string t = text;
  while (t.size() > 1 && t.back() == '-') t.pop_back();
  return t;
}

const std::vector<std::string_view>& ResultWords() {
  static const std::vector<std::string_view> v = {"符合", "不符合", "合格",   "不合格", "未检出",
                                                  "检出", "无裂纹", "有裂纹", "无异常"};
  return v;
}

// The test items of the standards catalogue (data/standards/catalogue.tsv): OCR's reading of an
// item that differs from exactly one of them in one character of three or more is taken for it.
std::optional<std::string> SnapItem(const std::string& item) {
  static const std::vector<std::u32string> items = [] {
    std::vector<std::u32string> v;
    auto cat = registry::gen::RealCatalogue();
    if (!cat) return v;
    for (const auto& e : *cat) {
      for (const auto& i : e.items) v.push_back(DecodeUtf8Lossy(NormalizeText(i)));
    }
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
  }();
  const std::u32string t = DecodeUtf8Lossy(item);
  if (t.size() < 3) return std::nullopt;
  if (std::binary_search(items.begin(), items.end(), t)) return std::nullopt;
  const std::u32string* found = nullptr;
  for (const auto& i : items) {
    if (!WithinOne(t, i)) continue;
    if (found) return std::nullopt;
    found = &i;
  }
  if (!found) return std::nullopt;
  return EncodeUtf8(*found);
}

ledger::TestLine ToTestLine(const Row& r, double* conf) {
  ledger::TestLine t;
  t.item = NormalizeText(r.cells[kItem]);
  t.parameter = NormalizeText(r.cells[kParam]);
  std::string std_text = NormalizeNumber(r.cells[kStandard]);
  if (r.ocr) std_text = OcrStandard(std_text);
  if (auto s = StandardNo::Parse(std_text)) {
    t.standard = s->str();
  } else {
    t.standard = NormalizeText(r.cells[kStandard]);
    if (!t.standard.empty()) *conf *= 0.8;
  }
  t.unit = NormalizeUnit(r.cells[kUnit]);
  t.limit = NormalizeNumber(r.cells[kLimit]);
  // OCR reads "≤"/"≥" of a limit as "<"/">"; limits are written with the former.
  if (r.ocr && (t.limit.rfind("<", 0) == 0 || t.limit.rfind(">", 0) == 0)) {
    t.limit = (t.limit[0] == '<' ? "≤" : "≥") + t.limit.substr(1);
    *conf *= 0.9;
  }
  t.result = NormalizeNumber(r.cells[kResult]);
  if (r.ocr) {
    t.result = OcrValue(t.result, conf);
    if (const std::string range = OcrRange(StripSpaces(t.limit)); range != StripSpaces(t.limit)) {
      t.limit = range;
      *conf *= 0.9;
    }
    t.limit = OcrValue(t.limit, conf);
    t.item = TrimDash(TrimNoise(t.item, false));
    t.parameter = TrimNoise(t.parameter, false);
    if (!t.parameter.empty()) {
      double pc = 1;
      t.parameter = Snap(StripSpaces(t.parameter), Conditions(), &pc);
      *conf *= pc;
    }
    t.unit = TrimNoise(t.unit, false);
    // The end mark "以下空白" OCR joined to the last row ("级以下", "以下空").
    if (const size_t end = t.unit.find("以下"); end != std::string::npos) {
      t.unit = t.unit.substr(0, end);
      *conf *= 0.8;
    }
    if (auto u = SnapUnit(t.unit)) {
      t.unit = *u;
      *conf *= 0.85;
    }
  }
  double c = 1;
  std::string verdict = r.cells[kVerdict];
  if (r.ocr) {
    verdict = TrimDash(TrimNoise(verdict, false));
    // "台" is OCR's "合" of small type ("台格", "人台格": a stroke of the rule read before it).
    std::u32string v = DecodeUtf8Lossy(StripSpaces(verdict));
    for (char32_t& ch : v) {
      if (ch == U'台') ch = U'合';
    }
    if (v.size() == 3 && (v.substr(1) == U"合格" || v.substr(1) == U"符合") && v[0] != U'不') {
      v = v.substr(1);
    }
    if (EncodeUtf8(v) != StripSpaces(verdict)) c *= 0.9;
    verdict = EncodeUtf8(v);
  }
  t.verdict = Snap(StripSpaces(verdict), Verdicts(), &c, /*prefix=*/true);
  if (r.ocr) {
    t.result = Snap(StripSpaces(t.result), ResultWords(), &c);
    if (auto item = SnapItemOfStandard(t.item, t.standard)) {
      t.item = *item;
      c *= 0.85;
    } else if (auto any = SnapItem(t.item)) {
      t.item = *any;
      c *= 0.85;
    }
  }
  *conf *= c;
  for (std::string* cell : {&t.parameter, &t.standard, &t.unit, &t.limit, &t.result, &t.verdict}) {
    if (IsNotStatedMark(*cell)) cell->clear();
  }
  return t;
}

const std::vector<std::u32string>& InstitutionSuffixes() {
  static const std::vector<std::u32string> v = {U"有限公司", U"有限责任公司", U"中心",   U"研究院",
                                                U"研究所",   U"检测站",       U"检验所", U"检测院",
                                                U"检验院",   U"监测站",       U"检测所", U"实验室"};
  return v;
}

bool EndsWith(std::u32string_view s, std::u32string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

double MedianLineHeight(const PageLayout& page) {
  std::vector<double> h;
  for (const Line& l : page.lines) h.push_back(l.height);
  if (h.empty()) return 0;
  std::nth_element(h.begin(), h.begin() + h.size() / 2, h.end());
  return h[h.size() / 2];
}

const char* FieldName(Fid f) {
  switch (f) {
    case kReportNo:
      return "report_no";
    case kUscc:
      return "institution";
    case kInstName:
      return "institution_name";
    case kCert:
      return "certificate";
    case kClient:
      return "client";
    case kSample:
      return "sample";
    case kModel:
      return "sample_model";
    case kBatch:
      return "sample_batch";
    case kCategory:
      return "test_category";
    case kSampling:
      return "sampling_date";
    case kReceipt:
      return "receipt_date";
    case kTestStart:
      return "test_start_date";
    case kTestEnd:
      return "test_end_date";
    case kIssue:
      return "issue_date";
    case kConclusion:
      return "conclusion";
    case kApprover:
      return "approver";
    case kReviewer:
      return "reviewer";
    case kChief:
      return "chief_tester";
    default:
      return "";
  }
}

// The text of `cell` after a label of `label_len` code points (counted without spaces), with
// leading colons and spaces removed; normalised.
std::string AfterLabel(const std::string& cell_text, size_t label_len) {
  const std::u32string t = DecodeUtf8Lossy(NormalizeText(cell_text));
  size_t i = 0, n = 0;
  while (i < t.size() && n < label_len) {
    if (t[i] != ' ') ++n;
    ++i;
  }
  while (i < t.size() && (t[i] == ' ' || IsColon(t[i]))) ++i;
  return EncodeUtf8(t.substr(i));
}

// Splits a value at an inner "label：" (two labelled values glued into one cell).
std::pair<std::string, std::string> SplitAtInnerLabel(const std::string& value) {
  const std::u32string t = DecodeUtf8Lossy(value);
  for (size_t i = 1; i < t.size(); ++i) {
    if (t[i - 1] != ' ' && !IsIdeograph(t[i - 1]) && !IsAsciiAlnum(t[i - 1])) continue;
    const std::u32string rest = DecodeUtf8Lossy(StripSpaces(EncodeUtf8(t.substr(i))));
    auto m = MatchLabel(rest);
    if (m && m->length >= 4 && rest.size() > m->length && IsColon(rest[m->length])) {
      std::string head = EncodeUtf8(t.substr(0, i));
      while (!head.empty() && head.back() == ' ') head.pop_back();
      return {head, EncodeUtf8(t.substr(i))};
    }
  }
  return {value, ""};
}

bool IsConclusionStop(const std::string& text) {
  static const std::array<std::string_view, 7> stops = {
      "检验检测专用章", "专用章", "(盖章)", "盖章", "以下空白", "签发日期", "(印章)"};
  for (std::string_view s : stops) {
    if (text.find(s) != std::string::npos) return true;
  }
  return false;
}

// ---- report contents (report_facts.h "Report contents"; docs/intake.md) ----

// The seal: its caption or its own text, a short text that ends in 专用章 / 公章 / 盖章
// ("（检验检测 专用章）", "检验检测机构公章"); a sentence that mentions the seal
// ("报告无“检验检测专用章”…无效") is longer and ends otherwise.
bool IsSealText(const std::string& t) {
  std::u32string u;
  for (char32_t c : DecodeUtf8Lossy(t)) {
    if (c != U'(' && c != U')' && c != U'（' && c != U'）' && c != U'[' && c != U']' &&
        c != U'【' && c != U'】') {
      u += c;
    }
  }
  if (u.size() < 2 || u.size() > 14) return false;
  return EndsWith(u, U"专用章") || EndsWith(u, U"公章") || EndsWith(u, U"盖章");
}

bool IsEndMark(const std::string& line_text) {
  return IsEndOfTable(line_text) || line_text.find("报告结束") != std::string::npos;
}

// The value of a labelled line ("检测地点：…", or the label cell and the value in the next cell);
// "" when the line does not start with one of `labels`, "/" or "—" alone are "not stated".
std::optional<std::string> LabelledValue(const Line& line,
                                         const std::vector<std::string_view>& labels) {
  if (line.cells.empty()) return std::nullopt;
  const std::string first = NormalizeText(line.cells.front().text);
  const std::string bare = StripSpaces(first);
  for (std::string_view l : labels) {
    if (bare.rfind(l, 0) != 0) continue;
    std::string rest = bare.substr(l.size());
    for (std::string_view colon : {std::string_view("："), std::string_view(":")}) {
      if (rest.rfind(colon, 0) == 0) rest = rest.substr(colon.size());
    }
    std::string value;
    if (!rest.empty()) {
      // Keep the spacing of the value as printed (NormalizeText), after the label and colon.
      const size_t at = first.find(rest.substr(0, std::min<size_t>(rest.size(), 3)));
      value = at == std::string::npos ? rest : first.substr(at);
    } else if (line.cells.size() > 1) {
      value = NormalizeText(line.cells[1].text);
    }
    if (IsNotStatedMark(value)) value.clear();
    return value;
  }
  return std::nullopt;
}

void ReadContents(const std::vector<PageLayout>& pages, Extraction* ex) {
  auto& f = ex->facts;
  if (pages.empty()) return;
  const bool ocr = std::any_of(pages.begin(), pages.end(), [](const auto& p) { return p.ocr; });
  struct Seen {
    bool found = false;
    double conf = 0;
    void Add(const Line& line) {
      double c = 1;
      for (const Cell& cell : line.cells) c = std::min(c, cell.confidence);
      found = true;
      conf = std::max(conf, c);
    }
  };
  Seen seal, end, sample_statement, copy_statement, site, subcontracting;
  int numbered = 0;
  double page_conf = 1;
  for (const PageLayout& page : pages) {
    bool page_numbered = false;
    for (const Line& line : page.lines) {
      const std::string text = LineText(line);
      if (auto pc = MatchPageCount(text)) {
        double c = 1;
        for (const Cell& cell : line.cells) c = std::min(c, cell.confidence);
        if (!page_numbered) page_conf = std::min(page_conf, c);
        page_numbered = true;
      }
      bool seal_here = IsSealText(text);
      for (const Cell& cell : line.cells) {
        seal_here = seal_here || IsSealText(StripSpaces(NormalizeText(cell.text)));
      }
      if (seal_here) seal.Add(line);
      if (IsEndMark(text)) end.Add(line);
      if (text.find("仅对") != std::string::npos && text.find("负责") != std::string::npos) {
        sample_statement.Add(line);
      }
      if (text.find("部分复制") != std::string::npos) copy_statement.Add(line);
      if (auto v = LabelledValue(line, {"检验检测地点", "检测地点", "检验地点", "测试地点"});
          v && f.test_site.empty()) {
        f.test_site = *v;
        if (!v->empty()) site.Add(line);
      }
      if (auto v = LabelledValue(line, {"分包情况", "分包项目", "分包说明", "分包"});
          v && f.subcontracting.empty()) {
        f.subcontracting = *v;
        if (!v->empty()) subcontracting.Add(line);
      }
    }
    numbered += page_numbered;
  }
  // Not finding a text is as sure as reading the page is: less so on OCR pages. A document with
  // neither a report number nor results is no report: its contents stay unknown.
  const bool report_like = !f.report.report_no.empty() || !f.report.test_lines.empty();
  const double absent = ocr ? 0.6 : 0.9;
  auto flag = [&](const char* name, const Seen& seen, std::optional<bool>* out) {
    if (!report_like) {
      ex->confidence[name] = 0;
      return;
    }
    *out = seen.found;
    ex->confidence[name] = seen.found ? seen.conf : absent;
  };
  // The seal's caption lies under the seal's ink, which OCR rarely reads through: on OCR pages
  // a seal not read is unknown, not absent.
  if (ocr && !seal.found) {
    ex->confidence["seal"] = 0;
  } else {
    flag("seal", seal, &f.seal);
  }
  flag("end_mark", end, &f.end_mark);
  flag("sample_statement", sample_statement, &f.sample_statement);
  flag("copy_statement", copy_statement, &f.copy_statement);
  Seen numbering;
  numbering.found = numbered == static_cast<int>(pages.size());
  numbering.conf = page_conf;
  // OCR misses small footers: numbers read on some pages but not all leave it unknown.
  if (ocr && !numbering.found && numbered > 0) {
    ex->confidence["page_numbering"] = 0;
  } else {
    flag("page_numbering", numbering, &f.page_numbering);
  }
  if (ocr && OcrNotStated(f.test_site)) {
    f.test_site.clear();
    site.found = false;
  }
  ex->confidence["test_site"] = site.found ? site.conf : 0.0;
  ex->confidence["subcontracting"] = subcontracting.found ? subcontracting.conf : 0.0;
}

}  // namespace

int Extraction::found() const {
  int n = 0;
  for (const auto& [k, v] : confidence) n += v > 0;
  return n;
}

const std::vector<std::string>& FieldNames() {
  static const std::vector<std::string> names = {"report_no",
                                                 "institution",
                                                 "institution_name",
                                                 "certificate",
                                                 "cma_mark",
                                                 "client",
                                                 "sample",
                                                 "sample_model",
                                                 "sample_batch",
                                                 "test_category",
                                                 "sampling_date",
                                                 "receipt_date",
                                                 "test_start_date",
                                                 "test_end_date",
                                                 "issue_date",
                                                 "test_lines",
                                                 "approver",
                                                 "reviewer",
                                                 "chief_tester",
                                                 "signatories",
                                                 "conclusion",
                                                 "page_count",
                                                 "seal",
                                                 "page_numbering",
                                                 "end_mark",
                                                 "sample_statement",
                                                 "copy_statement",
                                                 "test_site",
                                                 "subcontracting"};
  return names;
}

Extraction ExtractFields(const std::vector<PageLayout>& pages) {
  Extraction ex;
  ex.pages = static_cast<int>(pages.size());
  std::array<std::vector<Cand>, kFieldCount> cands;
  std::vector<Row> rows;
  std::vector<std::vector<bool>> used(pages.size());
  std::vector<std::vector<bool>> consumed_cells(pages.size());

  // 1. Tables.
  for (size_t p = 0; p < pages.size(); ++p) {
    const PageLayout& page = pages[p];
    used[p].assign(page.lines.size(), false);
    for (size_t i = 0; i < page.lines.size(); ++i) {
      if (used[p][i]) continue;
      auto cols = HeaderColumns(page.lines[i]);
      if (cols.empty()) continue;
      ReadTable(page, i, cols, &used[p], &rows);
    }
  }

  // 2. Labelled values, page counts.
  struct ConclusionAt {
    size_t page, line;
    double x0;
  };
  std::vector<ConclusionAt> conclusions;
  std::map<int, std::pair<int, double>> totals;  // printed total -> (pages, best confidence)
  // (page, line, cell) of cells used as a value or a label, for the institution-name fallback.
  std::vector<std::vector<std::vector<bool>>> taken(pages.size());
  for (size_t p = 0; p < pages.size(); ++p) {
    const PageLayout& page = pages[p];
    taken[p].resize(page.lines.size());
    for (size_t li = 0; li < page.lines.size(); ++li) {
      const Line& line = page.lines[li];
      taken[p][li].assign(line.cells.size(), false);
      if (used[p][li]) continue;
      const std::string text = LineText(line);
      if (auto pc = MatchPageCount(text)) {
        double c = 1;
        for (const Cell& cell : line.cells) c = std::min(c, cell.confidence);
        auto& t = totals[pc->total];
        t.first += 1;
        t.second = std::max(t.second, c);
      }
      for (size_t ci = 0; ci < line.cells.size(); ++ci) {
        const Cell& cell = line.cells[ci];
        std::string rest_text = TrimNoise(NormalizeText(cell.text), true);
        double conf = cell.confidence;
        while (!rest_text.empty()) {
          const std::u32string t = DecodeUtf8Lossy(StripSpaces(rest_text));
          auto m = MatchLabel(t);
          if (!m) break;
          taken[p][li][ci] = true;
          std::string value = AfterLabel(rest_text, m->length);
          auto [head, tail] = SplitAtInnerLabel(value);
          value = head;
          rest_text = tail;
          double c = conf * (m->fuzzy ? 0.9 : 1.0);
          if (value.empty() && tail.empty() && ci + 1 < line.cells.size()) {
            const Cell& next = line.cells[ci + 1];
            const std::u32string nt = DecodeUtf8Lossy(StripSpaces(NormalizeText(next.text)));
            if (!MatchLabel(nt) && !MatchPageCount(StripSpaces(NormalizeText(next.text)))) {
              value = NormalizeText(next.text);
              c = std::min(c, next.confidence);
              taken[p][li][ci + 1] = true;
              ++ci;
            }
          }
          // A date OCR split into two cells ("签发日期:\2024 | 年05月31日").
          const bool date_field = m->field == kSampling || m->field == kReceipt ||
                                  m->field == kTestStart || m->field == kTestEnd ||
                                  m->field == kIssue || m->field == kTestDates;
          if (date_field && !value.empty() && tail.empty() && FindDates(value).empty() &&
              ci + 1 < line.cells.size()) {
            const Cell& next = line.cells[ci + 1];
            const std::string joined = value + NormalizeText(next.text);
            if (!MatchLabel(DecodeUtf8Lossy(StripSpaces(NormalizeText(next.text)))) &&
                !FindDates(joined).empty()) {
              value = joined;
              c = std::min(c, next.confidence);
              taken[p][li][ci + 1] = true;
              ++ci;
            }
          }
          if (m->field == kIgnore) continue;
          if (m->field == kTestDates) {
            auto dates = FindDates(value);
            if (!dates.empty()) {
              cands[kTestStart].push_back({dates.front(), c});
              cands[kTestEnd].push_back({dates.back(), c});
            } else if (IsNotStated(NormalizeText(value))) {
              cands[kTestStart].push_back({"", c});
              cands[kTestEnd].push_back({"", c});
            }
            continue;
          }
          if (m->field == kConclusion) conclusions.push_back({p, li, cell.box.x0});
          double cc = c;
          std::string clean = Clean(m->field, value, &cc, pages[p].ocr);
          cands[m->field].push_back({std::move(clean), cc});
        }
      }
    }
  }

  // 3. Conclusion continuation lines.
  if (!conclusions.empty()) {
    // The first labelled conclusion (the conclusion box, not a "单项结论" heading).
    const ConclusionAt at = conclusions.front();
    const PageLayout& page = pages[at.page];
    std::string text;
    for (const Cand& c : cands[kConclusion]) {
      if (!c.value.empty()) {
        text = c.value;
        break;
      }
    }
    double conf = cands[kConclusion].empty() ? 0 : cands[kConclusion].front().conf;
    double prev_bottom = page.lines[at.line].box.y1;
    const double tol = page.lines[at.line].height * 0.5;
    for (size_t li = at.line + 1; li < page.lines.size(); ++li) {
      const Line& line = page.lines[li];
      if (used[at.page][li] || line.cells.empty()) break;
      const std::string lt = LineText(line);
      if (StartsWithLabel(line) || IsConclusionStop(lt) || MatchPageCount(lt)) break;
      if (line.box.y0 - prev_bottom > 1.8 * std::max(line.height, 1.0)) break;
      if (line.cells.front().box.x0 + tol < at.x0) break;
      std::string piece;
      for (const Cell& c : line.cells) {
        piece = JoinBroken(piece, NormalizeText(c.text));
        conf = std::min(conf, c.confidence);
      }
      text = JoinBroken(text, piece);
      prev_bottom = line.box.y1;
    }
    text = NormalizeText(text);
    // The seal's caption, or the seal's own text, OCR read after the sentence ("…合格。(办验检测
    // 专用齐)", "…合格。人(6旺检测坦抽)"): a short bracketed tail after the last "。".
    if (page.ocr) {
      const std::u32string u = DecodeUtf8Lossy(text);
      const size_t stop = u.rfind(U'。');
      if (stop != std::u32string::npos && stop + 1 < u.size() && u.size() - stop - 1 <= 14 &&
          u.find(U'(', stop) != std::u32string::npos) {
        text = EncodeUtf8(u.substr(0, stop + 1));
        conf *= 0.9;
      }
    }
    cands[kConclusion] = {{text, conf}};
  }

  // 4. CMA mark and the certificate number under it (page 1).
  bool mark = false;
  double mark_conf = 0;
  if (!pages.empty()) {
    const PageLayout& page = pages[0];
    const double body = MedianLineHeight(page);
    for (const Line& line : page.lines) {
      for (const Cell& cell : line.cells) {
        for (const Word& w : cell.words) {
          std::string t = StripSpaces(NormalizeText(w.text));
          for (char& ch : t) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
          if (t != "CMA") continue;
          if (w.box.cy() > 0.5 * page.height || w.box.height() < 1.3 * body) continue;
          mark = true;
          mark_conf = std::max(mark_conf, w.confidence);
          // The number under it.
          for (const Line& l2 : page.lines) {
            for (const Cell& c2 : l2.cells) {
              // The cell's own box: the number may share a line with a title beside the mark.
              if (c2.box.y0 < w.box.y1 - 1 || c2.box.y0 > w.box.y1 + 5 * w.box.height()) continue;
              const double ov = Overlap(c2.box.x0, c2.box.x1, w.box.x0 - 2 * w.box.width(),
                                        w.box.x1 + 2 * w.box.width());
              if (ov <= 0) continue;
              std::string digits = StripSpaces(NormalizeNumber(c2.text));
              if (digits.size() != 12 || !std::all_of(digits.begin(), digits.end(), [](char d) {
                    return d >= '0' && d <= '9';
                  })) {
                continue;
              }
              double cc = c2.confidence;
              std::string clean = Clean(kCert, digits, &cc);
              cands[kCert].push_back({clean, cc});
            }
          }
        }
      }
    }
  }

  // 4b. The mark's own number: a 12-digit certificate number standing alone (no label) in the
  // upper part of page 1. OCR often cannot read the letters of the mark, a graphic, but reads
  // the number printed under it.
  if (!mark && !pages.empty()) {
    const PageLayout& page = pages[0];
    for (size_t li = 0; li < page.lines.size(); ++li) {
      if (used[0][li]) continue;
      const Line& line = page.lines[li];
      if (line.box.cy() > 0.3 * page.height) continue;
      for (size_t ci = 0; ci < line.cells.size(); ++ci) {
        if (taken[0][li][ci]) continue;
        const std::string digits = StripSpaces(NormalizeNumber(line.cells[ci].text));
        if (digits.size() != 12 || !CmaCertNo::Parse(digits)) continue;
        mark = true;
        mark_conf = std::max(mark_conf, 0.85 * line.cells[ci].confidence);
        cands[kCert].push_back({digits, line.cells[ci].confidence});
      }
    }
  }

  // 5. Institution name fallback: lines ending in 有限公司, 中心, ... that are no labelled value:
  // the largest of page 1, and the page headers (top 12%) of every page.
  if (cands[kInstName].empty()) {
    for (size_t p = 0; p < pages.size(); ++p) {
      const PageLayout& page = pages[p];
      double best_h = 0;
      Cand best;
      for (size_t li = 0; li < page.lines.size(); ++li) {
        if (used[p][li]) continue;
        const Line& line = page.lines[li];
        if (p > 0 && line.box.cy() > 0.12 * page.height) continue;
        for (size_t ci = 0; ci < line.cells.size(); ++ci) {
          if (taken[p][li][ci]) continue;
          const std::string t = StripSpaces(NormalizeText(line.cells[ci].text));
          const std::u32string u = DecodeUtf8Lossy(t);
          if (u.size() < 6 || u.find(U'：') != std::u32string::npos) continue;
          // "国家…检验中心(临沂)": the suffix comes before a trailing place in parentheses.
          std::u32string stem = u;
          if (!stem.empty() && stem.back() == ')') {
            const size_t open = stem.rfind('(');
            if (open != std::u32string::npos && open > 0) stem = stem.substr(0, open);
          }
          bool suffix = false;
          for (const auto& sfx : InstitutionSuffixes()) suffix |= EndsWith(stem, sfx);
          if (!suffix) continue;
          if (line.height > best_h + 0.5) {
            best_h = line.height;
            best = {t, line.cells[ci].confidence * (p == 0 ? 0.9 : 0.8)};
          }
        }
      }
      if (best_h > 0) cands[kInstName].push_back(best);
    }
  }

  // 6. Decide.
  auto& facts = ex.facts;
  auto& r = facts.report;
  // An institution name OCR read in part ("科岳水质检测有限公司") loses to a reading that contains
  // it ("菏泽科岳水质检测有限公司"): OCR drops characters of large type more often than it adds
  // some.
  for (Cand& a : cands[kInstName]) {
    for (const Cand& b : cands[kInstName]) {
      if (b.value.size() > a.value.size() && !a.value.empty() &&
          b.value.find(a.value) != std::string::npos) {
        a.value = b.value;
        a.conf = std::min(a.conf, b.conf);
      }
    }
  }
  std::array<Voted, kFieldCount> v;
  for (int f = 0; f < kIgnore; ++f) v[f] = Vote(cands[f]);
  auto set = [&](Fid f, std::string* out) {
    *out = v[f].value;
    ex.confidence[FieldName(f)] = v[f].found ? v[f].conf : 0.0;
  };
  set(kReportNo, &r.report_no);
  set(kUscc, &r.institution);
  set(kInstName, &facts.institution_name);
  set(kCert, &r.certificate);
  set(kClient, &r.client);
  set(kSample, &r.sample);
  set(kModel, &facts.sample_model);
  set(kBatch, &facts.sample_batch);
  set(kCategory, &facts.test_category);
  set(kSampling, &r.sampling_date);
  set(kReceipt, &r.receipt_date);
  set(kTestStart, &r.test_start_date);
  set(kTestEnd, &r.test_end_date);
  set(kIssue, &r.issue_date);
  set(kConclusion, &r.conclusion);
  set(kApprover, &facts.approver);
  set(kReviewer, &facts.reviewer);
  set(kChief, &facts.chief_tester);
  // Place names in the client's and the institution's names, checked against the places of the
  // USCC's province (RepairName).
  if (std::any_of(pages.begin(), pages.end(), [](const PageLayout& p) { return p.ocr; })) {
    facts.institution_name =
        RepairName(facts.institution_name, r.institution, &ex.confidence["institution_name"]);
    r.client = RepairName(r.client, r.institution, &ex.confidence["client"]);
  }
  if (!facts.approver.empty()) r.signatories = {facts.approver};
  ex.confidence["signatories"] = ex.confidence["approver"];

  facts.cma_mark = mark;
  ex.confidence["cma_mark"] =
      pages.empty() ? 0.0 : (mark ? std::max(0.5, mark_conf) * 0.95 : (pages[0].ocr ? 0.7 : 0.9));

  double table_conf = 0;
  for (const Row& row : rows) {
    double c = row.conf;
    ledger::TestLine t = ToTestLine(row, &c);
    if (t.item.empty() && t.result.empty()) continue;
    r.test_lines.push_back(std::move(t));
    ex.line_confidence.push_back(c);
    // Per cell that has words: their confidence, times the line's repairs (c / row.conf).
    const double repairs = row.conf > 0 ? c / row.conf : 1.0;
    std::map<std::string, double> cells;
    for (auto [name, k] : {std::pair<const char*, ColKind>{"item", kItem},
                           {"parameter", kParam},
                           {"standard", kStandard},
                           {"unit", kUnit},
                           {"limit", kLimit},
                           {"result", kResult},
                           {"verdict", kVerdict}}) {
      if (!row.cells[k].empty()) cells[name] = std::min(1.0, row.col_conf[k] * repairs);
    }
    ex.cell_confidence.push_back(std::move(cells));
  }
  if (!ex.line_confidence.empty()) {
    table_conf = 1;
    for (double c : ex.line_confidence) table_conf = std::min(table_conf, c);
  }
  ex.confidence["test_lines"] = table_conf;

  const int n = static_cast<int>(pages.size());
  // The total most pages print; a total OCR read on one page only that differs from the pages
  // read is taken for a misreading.
  int printed_total = 0, votes = 0;
  double page_conf = 0;
  for (const auto& [total, t] : totals) {
    if (t.first > votes || (t.first == votes && total == n)) {
      printed_total = total;
      votes = t.first;
      page_conf = t.second;
    }
  }
  const bool ocr_any =
      std::any_of(pages.begin(), pages.end(), [](const PageLayout& p) { return p.ocr; });
  if (printed_total > 0 && printed_total != n && votes == 1 && ocr_any) {
    facts.page_count = n;
    ex.confidence["page_count"] = 0.5;
  } else if (printed_total > 0) {
    facts.page_count = printed_total;
    ex.confidence["page_count"] = printed_total == n ? page_conf : page_conf * 0.5;
  } else {
    facts.page_count = n;
    ex.confidence["page_count"] = n > 0 ? 0.6 : 0.0;
  }
  for (size_t p = 0; p < pages.size(); ++p) {
    if (pages[p].ocr) ex.warnings.push_back("page " + std::to_string(p + 1) + ": read by OCR");
  }
  ReadContents(pages, &ex);
  return ex;
}

}  // namespace zhijian::intake
