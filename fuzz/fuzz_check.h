// Helpers shared by the libFuzzer targets in this folder (not part of any module).
//
// ZJ_FUZZ_CHECK(cond, what) aborts with a message when an invariant fails; libFuzzer reports the
// abort as a crash and keeps the input. It stays active in release builds (assert() would not).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#define ZJ_FUZZ_CHECK(cond, what)                                                           \
  do {                                                                                      \
    if (!(cond)) {                                                                          \
      std::fprintf(stderr, "%s:%d: invariant failed: %s (%s)\n", __FILE__, __LINE__, #cond, \
                   std::string(what).c_str());                                              \
      std::abort();                                                                         \
    }                                                                                       \
  } while (0)

namespace zhijian::fuzz {

inline std::string_view AsText(const uint8_t* data, size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

// An independent UTF-8 validator (RFC 3629: no overlong forms, no surrogates, at most
// U+10FFFF), used to check the parsers' "bad-encoding" decisions. NUL counts as invalid, as it
// does for the identifier parsers.
inline bool IsCleanUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b == 0) return false;
    if (b < 0x80) {
      ++i;
      continue;
    }
    size_t n = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (b >= 0xC2 && b <= 0xDF) {
      n = 1;
    } else if (b == 0xE0) {
      n = 2, lo = 0xA0;
    } else if (b == 0xED) {
      n = 2, hi = 0x9F;
    } else if (b >= 0xE1 && b <= 0xEF) {
      n = 2;
    } else if (b == 0xF0) {
      n = 3, lo = 0x90;
    } else if (b == 0xF4) {
      n = 3, hi = 0x8F;
    } else if (b >= 0xF1 && b <= 0xF3) {
      n = 3;
    } else {
      return false;
    }
    if (s.size() - i <= n) return false;
    for (size_t k = 1; k <= n; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if (k == 1 ? (c < lo || c > hi) : (c < 0x80 || c > 0xBF)) return false;
    }
    i += n + 1;
  }
  return true;
}

// ASCII text re-spelt in full-width forms (U+FF01..U+FF5E); spaces stay.
inline std::string ToFullWidth(std::string_view ascii) {
  std::string out;
  for (char c : ascii) {
    if (c < 0x21 || c > 0x7E) {
      out += c;
      continue;
    }
    const char32_t cp = static_cast<char32_t>(c) - 0x21 + 0xFF01;
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return out;
}

inline std::string ToLowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace zhijian::fuzz
