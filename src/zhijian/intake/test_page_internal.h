// Test support (not a public header): builds positioned text by hand, as a text layer would give
// it, for the layout and field-extraction tests.
#pragma once

#include <string>

#include "zhijian/base/utf8.h"
#include "zhijian/intake/layout.h"
#include "zhijian/intake/normalize.h"

namespace zhijian::intake::testing {

// Width of `text` at font size `size`: Chinese characters 1 em, others 0.55 em.
inline double TextWidth(const std::string& text, double size) {
  double w = 0;
  size_t i = 0;
  while (i < text.size()) {
    auto cp = DecodeUtf8(text, &i);
    if (!cp) {
      ++i;
      continue;
    }
    w += IsCjk(*cp) ? size : 0.55 * size;
  }
  return w;
}

// Adds `text` at (x, y) (top-left, points) as words split at spaces, like poppler's text_list.
inline double Put(PageText* page, const std::string& text, double x, double y, double size = 10,
                  double confidence = 1.0) {
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(start, end - start);
    if (!word.empty()) {
      const double w = TextWidth(word, size);
      page->words.push_back({word, {x, y, x + w, y + size}, confidence});
      x += w;
    }
    x += 0.25 * size;
    start = end + 1;
  }
  return x;
}

inline PageText A4() {
  PageText p;
  p.width = 595;
  p.height = 842;
  return p;
}

}  // namespace zhijian::intake::testing
