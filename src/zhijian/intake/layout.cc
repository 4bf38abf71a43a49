#include "zhijian/intake/layout.h"

#include <algorithm>
#include <cmath>

#include "zhijian/base/utf8.h"
#include "zhijian/intake/normalize.h"

namespace zhijian::intake {
namespace {

char32_t FirstCp(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    if (auto c = DecodeUtf8(s, &i)) return *c;
    ++i;
  }
  return 0;
}

char32_t LastCp(const std::string& s) {
  char32_t last = 0;
  size_t i = 0;
  while (i < s.size()) {
    if (auto c = DecodeUtf8(s, &i)) {
      last = *c;
    } else {
      ++i;
    }
  }
  return last;
}

// Grid lines read by OCR as characters.
bool IsRuleNoise(const std::string& t) {
  return t == "|" || t == "丨" || t == "｜" || t == "||" || t == "_" || t == "__";
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

struct LineAcc {
  Box box;
  std::vector<Word> words;
};

}  // namespace

void Box::Extend(const Box& b) {
  x0 = std::min(x0, b.x0);
  y0 = std::min(y0, b.y0);
  x1 = std::max(x1, b.x1);
  y1 = std::max(y1, b.y1);
}

std::string JoinWords(const std::vector<Word>& words) {
  std::string out;
  const Word* prev = nullptr;
  for (const Word& w : words) {
    if (w.text.empty()) continue;
    if (prev) {
      const double h = std::max(1e-6, std::min(prev->box.height(), w.box.height()));
      const double gap = w.box.x0 - prev->box.x1;
      const bool cjk = IsCjk(LastCp(prev->text)) || IsCjk(FirstCp(w.text));
      if (!cjk && gap > 0.15 * h) out.push_back(' ');
    }
    out += w.text;
    prev = &w;
  }
  return out;
}

PageLayout BuildLayout(const PageText& page, double cell_gap) {
  PageLayout layout;
  layout.width = page.width;
  layout.height = page.height;
  layout.ocr = page.ocr;
  std::vector<const Word*> words;
  for (const Word& w : page.words) {
    if (w.text.empty() || w.box.height() <= 0 || IsRuleNoise(w.text)) continue;
    if (RemoveAllSpaces(w.text).empty()) continue;
    words.push_back(&w);
  }
  std::sort(words.begin(), words.end(), [](const Word* a, const Word* b) {
    if (a->box.cy() != b->box.cy()) return a->box.cy() < b->box.cy();
    return a->box.x0 < b->box.x0;
  });
  std::vector<LineAcc> lines;
  for (const Word* w : words) {
    int best = -1;
    double best_ratio = 0.5;
    // Only the last few lines can overlap a word sorted by its centre.
    for (int i = static_cast<int>(lines.size()) - 1;
         i >= 0 && i >= static_cast<int>(lines.size()) - 4; --i) {
      const Box& lb = lines[i].box;
      const double overlap = std::min(lb.y1, w->box.y1) - std::max(lb.y0, w->box.y0);
      if (overlap <= 0) continue;
      const double ratio = overlap / std::max(1e-6, std::min(lb.height(), w->box.height()));
      if (ratio <= best_ratio) continue;
      // A word that sits on top of a word of the line belongs to another line.
      bool collides = false;
      for (const Word& o : lines[i].words) {
        const double xo = std::min(o.box.x1, w->box.x1) - std::max(o.box.x0, w->box.x0);
        if (xo > 0.5 * std::min(o.box.width(), w->box.width())) {
          collides = true;
          break;
        }
      }
      if (collides) continue;
      best = i;
      best_ratio = ratio;
    }
    if (best < 0) {
      lines.push_back({w->box, {*w}});
    } else {
      lines[best].words.push_back(*w);
      lines[best].box.Extend(w->box);
    }
  }
  std::sort(lines.begin(), lines.end(),
            [](const LineAcc& a, const LineAcc& b) { return a.box.cy() < b.box.cy(); });
  for (LineAcc& acc : lines) {
    std::sort(acc.words.begin(), acc.words.end(),
              [](const Word& a, const Word& b) { return a.box.x0 < b.box.x0; });
    Line line;
    line.box = acc.box;
    std::vector<double> heights;
    for (const Word& w : acc.words) heights.push_back(w.box.height());
    line.height = Median(heights);
    const double gap_limit = cell_gap * std::max(line.height, 1.0);
    Cell cell;
    for (const Word& w : acc.words) {
      if (!cell.words.empty() && w.box.x0 - cell.box.x1 > gap_limit) {
        cell.text = JoinWords(cell.words);
        line.cells.push_back(std::move(cell));
        cell = Cell();
      }
      if (cell.words.empty()) {
        cell.box = w.box;
        cell.confidence = w.confidence;
      } else {
        cell.box.Extend(w.box);
        cell.confidence = std::min(cell.confidence, w.confidence);
      }
      cell.words.push_back(w);
    }
    if (!cell.words.empty()) {
      cell.text = JoinWords(cell.words);
      line.cells.push_back(std::move(cell));
    }
    layout.lines.push_back(std::move(line));
  }
  return layout;
}

}  // namespace zhijian::intake
