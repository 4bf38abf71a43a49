// Internal helper of the identifier parsers (uscc, cma, region, standard_no): folds the
// spellings people type or OCR produces into plain ASCII before parsing.
//
// Not part of base's contract; other modules should use the parsers, not this.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace zhijian::id_text {

// Decodes UTF-8 and maps: full-width forms U+FF01..U+FF5E to ASCII ("ＧＢ／Ｔ" -> "GB/T",
// "－" -> "-"), the ideographic space U+3000 and NBSP to ' ', and the dash family (U+2010..U+2015,
// U+2212 minus, U+FE58, U+FE63) to '-'. Other code points are kept as UTF-8. Returns nullopt
// for invalid UTF-8 (overlong forms, surrogates, truncated sequences) or an embedded NUL.
std::optional<std::string> FoldToAscii(std::string_view text);

// Removes ASCII whitespace at both ends.
std::string_view Trim(std::string_view s);

// Removes every ASCII whitespace character.
std::string RemoveSpaces(std::string_view s);

// ASCII uppercase; other bytes unchanged.
std::string ToUpper(std::string_view s);

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

}  // namespace zhijian::id_text
