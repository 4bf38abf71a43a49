#include "zhijian/intake/layout.h"

#include <algorithm>
#include <cmath>
#include <map>

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
  // Fragments: a source line, or a single word when the source has no lines.
  struct Fragment {
    Box box;  // x extent of its words; y extent of its median word
    std::vector<Word> words;
  };
  std::vector<Fragment> frags;
  std::map<int, size_t> by_line;
  for (const Word& w : page.words) {
    if (w.text.empty() || w.box.height() <= 0 || IsRuleNoise(w.text)) continue;
    if (RemoveAllSpaces(w.text).empty()) continue;
    if (w.line >= 0) {
      auto [it, fresh] = by_line.emplace(w.line, frags.size());
      if (fresh) frags.push_back({w.box, {}});
      frags[it->second].words.push_back(w);
    } else {
      frags.push_back({w.box, {w}});
    }
  }
  for (Fragment& f : frags) {
    if (f.words.size() < 2) continue;
    std::vector<double> y0, y1;
    f.box = f.words.front().box;
    for (const Word& w : f.words) {
      f.box.Extend(w.box);
      y0.push_back(w.box.y0);
      y1.push_back(w.box.y1);
    }
    f.box.y0 = Median(y0);
    f.box.y1 = std::max(Median(y1), f.box.y0 + 1);
  }
  std::sort(frags.begin(), frags.end(), [](const Fragment& a, const Fragment& b) {
    if (a.box.cy() != b.box.cy()) return a.box.cy() < b.box.cy();
    return a.box.x0 < b.box.x0;
  });
  struct Acc {
    Box box;              // union of the fragments' boxes
    std::vector<Box> xs;  // the fragments' boxes, for the collision test
    std::vector<Word> words;
  };
  std::vector<Acc> lines;
  for (const Fragment& f : frags) {
    int best = -1;
    double best_ratio = 0.5;
    // Only the last few lines can overlap a fragment sorted by its centre.
    for (int i = static_cast<int>(lines.size()) - 1;
         i >= 0 && i >= static_cast<int>(lines.size()) - 4; --i) {
      const Box& lb = lines[i].box;
      const double overlap = std::min(lb.y1, f.box.y1) - std::max(lb.y0, f.box.y0);
      if (overlap <= 0) continue;
      const double ratio = overlap / std::max(1e-6, std::min(lb.height(), f.box.height()));
      if (ratio <= best_ratio) continue;
      // A fragment that sits on top of one of the line belongs to another line.
      bool collides = false;
      for (const Box& o : lines[i].xs) {
        const double xo = std::min(o.x1, f.box.x1) - std::max(o.x0, f.box.x0);
        if (xo > 0.5 * std::min(o.width(), f.box.width())) {
          collides = true;
          break;
        }
      }
      if (collides) continue;
      best = i;
      best_ratio = ratio;
    }
    if (best < 0) {
      lines.push_back({f.box, {f.box}, f.words});
    } else {
      Acc& a = lines[best];
      a.box.Extend(f.box);
      a.xs.push_back(f.box);
      a.words.insert(a.words.end(), f.words.begin(), f.words.end());
    }
  }
  std::sort(lines.begin(), lines.end(),
            [](const Acc& a, const Acc& b) { return a.box.cy() < b.box.cy(); });
  for (Acc& acc : lines) {
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
