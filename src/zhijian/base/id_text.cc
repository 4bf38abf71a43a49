#include "zhijian/base/id_text.h"

#include <cstdint>

#include "zhijian/base/utf8.h"

namespace zhijian::id_text {

std::optional<std::string> FoldToAscii(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    auto cp = DecodeUtf8(text, &i);
    if (!cp || *cp == 0) return std::nullopt;
    char32_t c = *cp;
    if (c >= 0xFF01 && c <= 0xFF5E) {
      c = c - 0xFF01 + 0x21;
    } else if (c == 0x3000 || c == 0x00A0) {
      c = ' ';
    } else if ((c >= 0x2010 && c <= 0x2015) || c == 0x2212 || c == 0xFE58 || c == 0xFE63) {
      c = '-';
    }
    AppendUtf8(c, &out);
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::string RemoveSpaces(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (!IsSpace(c)) out.push_back(c);
  }
  return out;
}

std::string ToUpper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

}  // namespace zhijian::id_text
