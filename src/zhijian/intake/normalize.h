// Text normalisation of report intake: the spellings that PDF text layers and OCR produce, put
// into the one canonical form that field extraction compares and outputs.
//
// Purpose: pure functions, each idempotent (f(f(x)) == f(x)), so that a value the generator
// prints in canonical form reads back unchanged, and the variants that printing and OCR
// introduce (full-width digits, spaces between Chinese characters, "<=" for "≤", "O" for "0"
// inside a number, "2024年3月5日" for a date) come back to the same text:
//
//   NormalizeText    full-width ASCII forms U+FF01..U+FF5E → ASCII, except the Chinese
//                    sentence marks ，；：！？ between Chinese characters; "（）" → "()";
//                    the ideographic space and NBSP → ' '; the dash family (U+2010..U+2015,
//                    U+2212, U+FE58, U+FE63) → '-'; whitespace runs → one space, none next to
//                    a Chinese character or Chinese punctuation; control characters (C0 but
//                    whitespace, DEL, C1) dropped; trimmed.
//   NormalizeNumber  NormalizeText, then the OCR confusions of measured values and limits:
//                    "<=" "=<" "≦" → "≤", ">=" "=>" "≧" → "≥", "＜" → "<"; O/o → 0 and l/I/| → 1
//                    when they stand between digits or next to a digit and a decimal point
//                    ("O.05" → "0.05", "1O" → "10", "l2.5" → "12.5"); "," as decimal mark in
//                    "0,05" → "0.05"; no spaces inside "≤ 0.2".
//   NormalizeUnit    NormalizeNumber's folding plus the unit spellings: µ (U+00B5) and "u" before
//                    g/L/m/mol → μ (U+03BC); "°C" "oC" "0C" → "℃"; "Kg" → "kg"; "m3"/"m^3" → "m³";
//                    "cfu" → "CFU"; "儿" (OCR for "L", or "/L") → "L" ("mg/儿", "mg儿L" → "mg/L");
//                    spaces removed.
//   NormalizeDate    "2024年3月5日", "2024年03月05日", "2024.03.05", "2024.3.5", "2024-3-5",
//                    "2024/3/5", "20240305" (with any of the above spacing and full-width digits)
//                    → "2024-03-05"; nullopt for anything else or an impossible date.
//   FindDates        every date of those forms in a text, in order (for ranges "A 至 B", "A～B").
//
// Thread-safety: pure functions. Errors: none; invalid UTF-8 bytes are dropped.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zhijian::intake {

std::string NormalizeText(std::string_view text);
std::string NormalizeNumber(std::string_view text);
std::string NormalizeUnit(std::string_view text);
std::optional<std::string> NormalizeDate(std::string_view text);
std::vector<std::string> FindDates(std::string_view text);

// True for the marks reports print for "not stated / not applicable": "/", "-", "--", "\\", "—"
// (after NormalizeText). Intake reads them as "" in every field and table cell.
bool IsNotStatedMark(std::string_view normalized);

// True for the code points intake treats as Chinese (CJK ideographs, CJK punctuation U+3000..
// U+303F, full-width forms U+FF00..U+FFEF): no space is kept next to them.
bool IsCjk(char32_t cp);

// `text` without any whitespace (ASCII and U+3000): for comparing labels such as "报 告 编 号".
std::string RemoveAllSpaces(std::string_view text);

// True when `a` and `b` are at most one edit apart (Levenshtein distance <= 1: one code point
// replaced, inserted or deleted): OCR's misreadings snapped to known words.
bool WithinOneEdit(std::u32string_view a, std::u32string_view b);

}  // namespace zhijian::intake
