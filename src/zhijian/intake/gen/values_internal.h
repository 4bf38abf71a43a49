// Internal to the report generator: the word lists and value tables of the planned reports
// (units, limits and plausible results of test items; samples, clients, vehicles). Fictional
// companies and people; real units and typical limits of the cited standards.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "zhijian/registry/gen/rng.h"

namespace zhijian::intake::gen {

using registry::gen::Rng;

enum class LimitKind {
  kMax,          // "≤X"
  kMin,          // "≥X"
  kRange,        // "a~b"
  kNotDetected,  // "不得检出"
  kReportOnly,   // limit "/", numeric result, verdict "/"
  kQualitative,  // limit and result words ("无裂纹", "合格")
};

struct ItemSpec {
  std::string_view domain;  // "" = any
  std::string_view item;
  std::string_view unit;  // "/" when none
  LimitKind kind;
  double a = 0, b = 0;    // limit (kMax/kMin: a; kRange: a..b)
  double lo = 0, hi = 0;  // a passing result lies in [lo, hi]
  int decimals = 2;
  std::string_view words = "合格";  // kQualitative: the passing result (limit "/" unless set)
  std::string_view parameter = "";  // vehicle 工况
  int min_days = 0;                 // the shortest test period the method allows (days)
};

// The value specs of an item in a domain: several rows for vehicle items with two 工况, else one
// (a fallback for items without their own row).
std::vector<ItemSpec> SpecsOf(std::string_view domain, std::string_view item);

struct Value {
  std::string unit, limit, result, verdict;
  bool pass = true;
};
// A value for `spec`: passing, or failing when `fail` (result outside the limit). `verdict_words`
// {pass, fail}: {"合格", "不合格"} or {"符合", "不符合"}.
Value MakeValue(const ItemSpec& spec, Rng& rng, bool fail, std::string_view pass_word,
                std::string_view fail_word);

std::string FormatFixed(double v, int decimals);

// Sample name, model and batch for a domain's capability object.
struct Sample {
  std::string name, model, batch;
};
Sample MakeSample(std::string_view domain, std::string_view object, Rng& rng,
                  const std::string& production_date);

std::string MakeClient(std::string_view domain, std::string_view city, Rng& rng);
std::string MakeProject(std::string_view city, Rng& rng);
std::string MakePlate(std::string_view region_code, Rng& rng);
std::string MakeVin(Rng& rng);
std::string MakePhone(Rng& rng);
// The city of an address ("山东省日照市东港区…" -> "日照市"), "" when there is none.
std::string CityOf(std::string_view address);

}  // namespace zhijian::intake::gen
