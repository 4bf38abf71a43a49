// UTF-8 code points: the one decoder and encoder of the platform (identifier folding, name
// normalisation in the quality rules, signed-note text checks).
//
// Thread-safety: pure functions. Errors: none; malformed input is reported by nullopt.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace zhijian {

// Decodes the code point at s[*i] (i < s.size()) and advances *i past it. Strict: nullopt,
// with *i unchanged, for a truncated sequence, a bad continuation byte, an overlong form, a
// surrogate or a value above U+10FFFF.
std::optional<char32_t> DecodeUtf8(std::string_view s, size_t* i);

// Appends the UTF-8 encoding of `cp` (a Unicode scalar value) to *out.
void AppendUtf8(char32_t cp, std::string* out);

// The code points of `s`, bytes that do not decode dropped (for text that is read, not checked:
// OCR and PDF text layers).
std::u32string DecodeUtf8Lossy(std::string_view s);

// The UTF-8 encoding of `s` (Unicode scalar values).
std::string EncodeUtf8(std::u32string_view s);

// True when all of `s` decodes (DecodeUtf8) and holds no NUL; with `no_controls`, also no other
// C0 control character and no DEL.
bool IsValidUtf8(std::string_view s, bool no_controls = false);

}  // namespace zhijian
