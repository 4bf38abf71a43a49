// Limits, results and verdicts as test reports print them, for the verdict-consistency rules of
// the compliance checks (compliance.h, category verdict-inconsistent).
//
// Purpose: turn the texts of a result-table row — 标准要求 / 限值 ("≤0.5", "<0.01", "0.5~1.0",
// "≥ 95%", "不得检出"), 检验结果 ("0.12", "96.2%", "1.5×10³", "<0.01", "未检出", "ND") and 单项判定
// ("合格", "不符合") — into values, and decide whether a result satisfies its limit. Anything
// that does not parse is "unknown" (std::nullopt) and no rule judges it: a microbiological
// sampling plan ("n=5,c=2,m=100,M=1000"), a qualitative requirement ("无异味") or a descriptive
// result is never a finding.
//
// Text is normalised first: full-width ASCII folded (＜０.５ → <0.5, ～ → ~), the ideographic
// space removed; ≦ ≧ and <= >= read as ≤ ≥. Chinese comparison words are read as operators:
//   ≤  不大于 不超过 不高于 不多于 小于或等于 小于等于 ≤ <=      <  小于 低于 <
//   ≥  不小于 不低于 不少于 大于或等于 大于等于 ≥ >=            >  大于 高于 超过 >
// A range is "a~b", "a～b", "a-b" (non-negative numbers), "a至b" or "a—b". Numbers may carry a
// power of ten (1.5×10³, 1.5×10^3, 1.5x10^-2, 1.5E3, 1.5e-3); anything after the number is its
// unit and ignored, except that a '%' marks a percentage. "±u" after a result (uncertainty) is
// ignored. Limits: "不得检出", "不得检测出", "不应检出" mean not detected ("不得检出/25g" too).
// Results: "未检出", "未检测出", "ND", "N.D.", "n.d.", "阴性", "<LOD", "低于检出限" mean not
// detected; "检出"/"阳性" mean detected (no value); "<x" / "小于x" / "低于x" is below x (under the
// quantitation limit); ">x" / "大于x" above x.
//
// Satisfies(limit, result) is decided only where the text decides it:
//   ≤h: v ≤ h; not detected → yes; "<x" → yes when x ≤ h; ">x" → no when x ≥ h.
//   <h: v < h; not detected → yes; "<x" → yes when x ≤ h; ">x" → no when x ≥ h.
//   ≥l: v ≥ l; not detected → no when l > 0; "<x" → no when x ≤ l; ">x" → yes when x ≥ l.
//   >l: v > l; not detected → no when l ≥ 0; "<x" → no when x ≤ l; ">x" → yes when x ≥ l.
//   [l, h]: l ≤ v ≤ h; not detected → no when l > 0; "<x" → no when x ≤ l; ">x" → no when x ≥ h.
//   不得检出: not detected or "<x" → yes; detected or a value > 0 → no; 0 → yes.
// A percentage limit and a plain-number result (or the reverse) are taken to be in the same
// unit. Comparisons allow a relative 1e-9 for floating-point noise.
//
// Verdicts: 不合格 不符合 不通过 未通过 不达标 未达标 超标 fail × → fail (checked first, so
// that "不符合" is not read as "符合"); 合格 符合 通过 达标 pass √ → pass; anything else
// ("/", "—", "未判定", "实测", "") → unknown. A conclusion is "fail" when it contains a fail
// word, else "pass" when it contains a pass word.
//
// Thread-safety: pure functions. Errors: none (std::nullopt = cannot be read).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace zhijian::checks {

enum class LimitKind { kAtMost, kLess, kAtLeast, kGreater, kRange, kNotDetected };

struct Limit {
  LimitKind kind = LimitKind::kAtMost;
  double low = 0;   // kAtLeast, kGreater, kRange
  double high = 0;  // kAtMost, kLess, kRange
  bool percent = false;
  friend bool operator==(const Limit&, const Limit&) = default;
};

enum class ResultKind { kValue, kBelow, kAbove, kNotDetected, kDetected };

struct Measured {
  ResultKind kind = ResultKind::kValue;
  double value = 0;  // kValue; the bound of kBelow / kAbove
  bool percent = false;
  friend bool operator==(const Measured&, const Measured&) = default;
};

enum class Verdict { kPass, kFail };

std::optional<Limit> ParseLimit(std::string_view text);
std::optional<Measured> ParseResult(std::string_view text);
std::optional<Verdict> ParseVerdict(std::string_view text);
std::optional<Verdict> ParseConclusion(std::string_view text);

// Whether `result` satisfies `limit`; std::nullopt when the texts do not decide it.
std::optional<bool> Satisfies(const Limit& limit, const Measured& result);

// The normalised form used above: full-width ASCII folded to ASCII and ASCII lower-cased,
// ASCII whitespace and U+3000 removed, ≦ ≧ <= >= → ≤ ≥, U+2212 → '-', superscript digits and
// signs → '^' + ASCII ("10⁻³" → "10^-3").
std::string NormalizeReportText(std::string_view text);
// Whether NormalizeReportText(text) == text, decided without allocating; conservative (false may
// mean "perhaps not"): lower-case ASCII without whitespace, "<=" or ">=", and CJK characters.
bool IsNormalReportText(std::string_view text);

}  // namespace zhijian::checks
