#include "zhijian/intake/normalize.h"

#include "zhijian/base/date.h"
#include "zhijian/base/utf8.h"

namespace zhijian::intake {
namespace {

bool IsIdeograph(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x2FFFF);
}
bool IsDigit(char32_t c) { return c >= '0' && c <= '9'; }
bool IsAsciiLetter(char32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsSpace(char32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == 0x3000 ||
         c == 0x00A0;
}

// ASCII sentence mark -> its full-width form (0 if not one).
char32_t FullWidthMark(char32_t c) {
  switch (c) {
    case ',':
      return 0xFF0C;
    case ';':
      return 0xFF1B;
    case ':':
      return 0xFF1A;
    case '!':
      return 0xFF01;
    case '?':
      return 0xFF1F;
    default:
      return 0;
  }
}

// Step 1: code point folding (no context).
char32_t Fold(char32_t c) {
  if (c == 0xFF08) return '(';
  if (c == 0xFF09) return ')';
  if (c >= 0xFF01 && c <= 0xFF5E) return c - 0xFEE0;
  if (c == 0x3000 || c == 0x00A0 || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
    return ' ';
  }
  if ((c >= 0x2010 && c <= 0x2015) || c == 0x2212 || c == 0xFE58 || c == 0xFE63) return '-';
  if (c == 0x301C) return '~';
  return c;
}

std::u32string NormalizeCps(std::u32string_view in) {
  std::u32string s;
  s.reserve(in.size());
  for (char32_t c : in) {
    // Control characters (NUL, C0 other than whitespace, DEL, C1) are dropped.
    if ((c < 0x20 && !IsSpace(c)) || (c >= 0x7F && c < 0xA0)) continue;
    s.push_back(Fold(c));
  }
  // Sentence marks: full-width next to a Chinese character, ASCII otherwise.
  auto neighbour = [&](size_t i, int dir) -> char32_t {
    for (long j = static_cast<long>(i) + dir; j >= 0 && j < static_cast<long>(s.size()); j += dir) {
      if (s[j] != ' ') return s[j];
    }
    return 0;
  };
  for (size_t i = 0; i < s.size(); ++i) {
    const char32_t fw = FullWidthMark(s[i]);
    if (fw == 0) continue;
    if (IsIdeograph(neighbour(i, -1)) || IsIdeograph(neighbour(i, +1))) s[i] = fw;
  }
  // Whitespace: runs -> one space; none at the ends or next to a Chinese code point.
  std::u32string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != ' ') {
      out.push_back(s[i]);
      continue;
    }
    if (out.empty() || out.back() == ' ' || IsCjk(out.back())) continue;
    size_t j = i;
    while (j < s.size() && s[j] == ' ') ++j;
    if (j == s.size() || IsCjk(s[j])) continue;
    out.push_back(' ');
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

bool IsO(char32_t c) { return c == 'O' || c == 'o'; }
bool IsL(char32_t c) { return c == 'l' || c == 'I' || c == '|'; }

// OCR confusions inside numbers, comparison signs and spaces of values.
std::u32string FixNumberCps(std::u32string s) {
  // Two-character comparison signs.
  std::u32string t;
  t.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const char32_t c = s[i];
    const char32_t n = i + 1 < s.size() ? s[i + 1] : 0;
    if ((c == '<' && n == '=') || (c == '=' && n == '<')) {
      t.push_back(U'≤');
      ++i;
    } else if ((c == '>' && n == '=') || (c == '=' && n == '>')) {
      t.push_back(U'≥');
      ++i;
    } else if (c == 0x2266) {
      t.push_back(U'≤');
    } else if (c == 0x2267) {
      t.push_back(U'≥');
    } else {
      t.push_back(c);
    }
  }
  s = std::move(t);
  // O/o -> 0, l/I/| -> 1 inside numbers, decided on the neighbours as fixed so far: left to right
  // ("1OO" becomes "100"), then right to left ("OO1" becomes "001"), so that one call reaches
  // what a second would (idempotence; a run of confusables next to a digit converts at once).
  auto fix_at = [&s](size_t i) {
    const char32_t c = s[i];
    if (!IsO(c) && !IsL(c)) return;
    const char32_t p = i > 0 ? s[i - 1] : 0;
    const char32_t n = i + 1 < s.size() ? s[i + 1] : 0;
    const char32_t nn = i + 2 < s.size() ? s[i + 2] : 0;
    const bool after_number = IsDigit(p) || (p == '.' && i >= 2 && IsDigit(s[i - 2]));
    const bool before_number = IsDigit(n) || (n == '.' && IsDigit(nn));
    // A neighbouring letter that is itself a confusable ("1OO") does not make this a word.
    auto word_letter = [](char32_t x) { return IsAsciiLetter(x) && !IsO(x) && !IsL(x); };
    bool number = false;
    if (after_number && !word_letter(n)) number = true;
    if (before_number && !word_letter(p)) number = true;
    if (number) s[i] = IsO(c) ? U'0' : U'1';
  };
  for (size_t i = 0; i < s.size(); ++i) fix_at(i);
  for (size_t i = s.size(); i-- > 0;) fix_at(i);
  // "0,05" -> "0.05" (a lone leading zero before a comma).
  for (size_t i = 1; i + 1 < s.size(); ++i) {
    if (s[i] == ',' && s[i - 1] == '0' && IsDigit(s[i + 1]) &&
        (i < 2 || (!IsDigit(s[i - 2]) && s[i - 2] != '.'))) {
      s[i] = '.';
    }
  }
  // No spaces after comparison signs, around '~' and '.', or between a sign and digits.
  std::u32string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == ' ' && !out.empty()) {
      const char32_t p = out.back();
      const char32_t n = i + 1 < s.size() ? s[i + 1] : 0;
      const bool sign = p == U'≤' || p == U'≥' || p == '<' || p == '>' || p == '~' || p == '.' ||
                        p == '-' || p == '+' || p == 0xB1;
      const bool before = n == '~' || n == '.' || (n == '-' && out.size() > 0 && IsDigit(p));
      if (sign || before) continue;
    }
    out.push_back(s[i]);
  }
  return out;
}

bool StartsWith(const std::u32string& s, size_t i, std::u32string_view w) {
  return s.compare(i, w.size(), w) == 0;
}

}  // namespace

bool IsNotStatedMark(std::string_view t) {
  return t == "/" || t == "-" || t == "--" || t == "\\" || t == "—" || t == "／";
}

bool IsCjk(char32_t cp) {
  return IsIdeograph(cp) || (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFF00 && cp <= 0xFFEF);
}

std::string RemoveAllSpaces(std::string_view text) {
  std::u32string s = DecodeUtf8Lossy(text);
  std::u32string out;
  for (char32_t c : s) {
    if (!IsSpace(c)) out.push_back(c);
  }
  return EncodeUtf8(out);
}

std::string NormalizeText(std::string_view text) {
  return EncodeUtf8(NormalizeCps(DecodeUtf8Lossy(text)));
}

namespace {

// Applies `step` until nothing changes (at most 4 times): a replacement can change what another
// rule sees (a "儿" that became "L" no longer makes the colon after it Chinese), and the
// functions promise idempotence.
template <typename Step>
std::string FixedPoint(std::string_view text, Step step) {
  std::string cur = step(text);
  for (int i = 0; i < 3; ++i) {
    std::string next = step(cur);
    if (next == cur) break;
    cur = std::move(next);
  }
  return cur;
}

std::string NumberStep(std::string_view text) {
  return EncodeUtf8(FixNumberCps(NormalizeCps(DecodeUtf8Lossy(text))));
}

std::string UnitStep(std::string_view text);

}  // namespace

std::string NormalizeNumber(std::string_view text) { return FixedPoint(text, NumberStep); }

std::string NormalizeUnit(std::string_view text) { return FixedPoint(text, UnitStep); }

namespace {

std::string UnitStep(std::string_view text) {
  // Spaces go first, so that the number fixes see what they will see on a second pass.
  std::u32string s;
  for (char32_t c : NormalizeCps(DecodeUtf8Lossy(text))) {
    if (c != ' ') s.push_back(c);
  }
  std::u32string t = FixNumberCps(std::move(s));
  // Chinese OCR reads the "L" of litre (and the slash before it) as "儿": "mg/儿", "mg儿L".
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] != U'儿') continue;
    const bool slash = i > 0 && t[i - 1] == '/';
    const bool ell = i + 1 < t.size() && t[i + 1] == 'L';
    if (ell) {
      t.replace(i, 2, slash ? U"L" : U"/L");
    } else {
      t[i] = 'L';
    }
  }
  // OCR reads "μ" as "h", "p" or "u" before "mol" and "g/": "hmol/mol".
  if (t.size() >= 4 && (t[0] == 'h' || t[0] == 'p') &&
      (t.compare(1, 3, U"mol") == 0 || t.compare(1, 2, U"g/") == 0)) {
    t[0] = 'u';
  }
  // The slash OCR lost: "mgL" -> "mg/L".
  for (std::u32string_view whole : {U"mgL", U"ugL", U"mgkg", U"ugkg", U"gkg"}) {
    if (t == whole) t.insert(whole.size() - (whole.back() == 'L' ? 1 : 2), 1, '/');
  }
  std::u32string out;
  for (size_t i = 0; i < t.size(); ++i) {
    const char32_t c = t[i];
    const char32_t p = i > 0 ? t[i - 1] : 0;
    const char32_t n = i + 1 < t.size() ? t[i + 1] : 0;
    if (c == 0xB5) {  // micro sign
      out.push_back(U'μ');
    } else if (c == 'u' && (i == 0 || p == '/' || p == '(') &&
               (n == 'g' || n == 'L' || n == 'l' || n == 'm' || n == 'S')) {
      out.push_back(U'μ');
    } else if ((c == 0xB0 || c == 'o' || c == 0xBA) && n == 'C' && (i == 0 || !IsAsciiLetter(p))) {
      out.push_back(U'℃');
      ++i;
    } else if (c == 'K' && n == 'g' && (i == 0 || p == '/')) {
      out.push_back('k');
    } else if (c == 'm' && (n == '3' || n == '^') && (i + 1 == t.size() - 1 || n == '^')) {
      // "m3" at the end of the unit, or "m^3".
      out.push_back('m');
      out.push_back(U'³');
      i += n == '^' ? 2 : 1;
    } else if (StartsWith(t, i, U"cfu") || StartsWith(t, i, U"Cfu")) {
      out.append(U"CFU");
      i += 2;
    } else if (StartsWith(t, i, U"MPA") || StartsWith(t, i, U"Mpa")) {
      out.append(U"MPa");
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return EncodeUtf8(out);
}

// Reads 1..max digits at s[*i]; -1 when none.
int ReadNumber(const std::u32string& s, size_t* i, int max_digits) {
  int v = 0, n = 0;
  while (*i < s.size() && n < max_digits && IsDigit(s[*i])) {
    v = v * 10 + static_cast<int>(s[*i] - '0');
    ++*i;
    ++n;
  }
  return n == 0 ? -1 : v;
}

// A date starting at s[start] (4 digits of the year); the end index in *end.
std::optional<std::string> DateAt(const std::u32string& s, size_t start, size_t* end) {
  size_t i = start;
  const int year = ReadNumber(s, &i, 4);
  if (year < 1900 || year > 2199 || i - start != 4) return std::nullopt;
  int month = -1, day = -1;
  if (i < s.size() && IsDigit(s[i])) {
    // YYYYMMDD
    size_t j = i;
    const int md = ReadNumber(s, &j, 4);
    if (j - i != 4 || (j < s.size() && IsDigit(s[j]))) return std::nullopt;
    month = md / 100;
    day = md % 100;
    i = j;
  } else {
    if (i >= s.size()) return std::nullopt;
    const char32_t sep = s[i];
    if (sep != U'年' && sep != '.' && sep != '-' && sep != '/') return std::nullopt;
    ++i;
    month = ReadNumber(s, &i, 2);
    if (month < 0 || i >= s.size()) return std::nullopt;
    const char32_t sep2 = s[i];
    const bool ok = sep == U'年' ? sep2 == U'月' : sep2 == sep;
    if (!ok) return std::nullopt;
    ++i;
    day = ReadNumber(s, &i, 2);
    if (day < 0) return std::nullopt;
    if (i < s.size() && (s[i] == U'日' || s[i] == U'号')) ++i;
  }
  if (!IsValidDate(year, month, day)) return std::nullopt;
  *end = i;
  return FormatIsoDate({year, month, day});
}

std::u32string DateCps(std::string_view text) {
  std::u32string s = FixNumberCps(NormalizeCps(DecodeUtf8Lossy(text)));
  std::u32string t;
  for (char32_t c : s) {
    if (c != ' ') t.push_back(c);
  }
  return t;
}

}  // namespace

std::optional<std::string> NormalizeDate(std::string_view text) {
  const std::u32string s = DateCps(text);
  size_t end = 0;
  auto d = DateAt(s, 0, &end);
  if (!d || end != s.size()) return std::nullopt;
  return d;
}

std::vector<std::string> FindDates(std::string_view text) {
  const std::u32string s = DateCps(text);
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    if (IsDigit(s[i]) && (i == 0 || !IsDigit(s[i - 1]))) {
      size_t end = 0;
      if (auto d = DateAt(s, i, &end)) {
        out.push_back(*d);
        i = end;
        continue;
      }
    }
    ++i;
  }
  return out;
}

bool WithinOneEdit(std::u32string_view a, std::u32string_view b) {
  if (a.size() > b.size()) std::swap(a, b);
  if (b.size() - a.size() > 1) return false;
  size_t i = 0;
  while (i < a.size() && a[i] == b[i]) ++i;
  if (a.size() == b.size()) {
    return a.substr(std::min(i + 1, a.size())) == b.substr(std::min(i + 1, b.size()));
  }
  return a.substr(i) == b.substr(i + 1);
}

}  // namespace zhijian::intake
