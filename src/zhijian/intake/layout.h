// Positioned text of a report document, and its grouping into lines and cells.
//
// Purpose: the one representation that both text sources produce — the PDF text layer (poppler
// word boxes) and OCR (Tesseract word boxes) — and that field extraction (fields.h) reads. A
// page is a list of words with boxes in PDF points (1/72 inch, origin at the top-left corner, y
// downwards) and a confidence in [0, 1] (1 for a text layer). `BuildLines` groups words into
// lines (by vertical overlap) and each line into cells (by horizontal gaps wider than about one
// character), joining the words of a cell with a space only between two non-Chinese words
// (normalize.h IsCjk), so that OCR's "报 告 编 号" and a text layer's "报告编号" become the same.
//
// Words that the source put on one line (Word::line, from OCR) are grouped as a fragment first,
// with the vertical extent of its median word (OCR boxes of single characters are sometimes much
// taller than the text); fragments then form lines by vertical overlap like single words, so that
// columns OCR read as separate blocks still meet on one line.
//
// Ownership: plain values. Thread-safety: pure functions.
// Errors: none (empty pages give no lines).
#pragma once

#include <string>
#include <vector>

namespace zhijian::intake {

struct Box {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // points; x0 <= x1, y0 <= y1
  double width() const { return x1 - x0; }
  double height() const { return y1 - y0; }
  double cx() const { return (x0 + x1) / 2; }
  double cy() const { return (y0 + y1) / 2; }
  void Extend(const Box& b);
  friend bool operator==(const Box&, const Box&) = default;
};

struct Word {
  std::string text;  // UTF-8 as the source gave it (not normalised)
  Box box;
  double confidence = 1.0;  // [0, 1]
  int line = -1;            // the source's own line (OCR text lines), -1 when it has none
};

struct PageText {
  double width = 0, height = 0;  // points
  std::vector<Word> words;
  bool ocr = false;  // words come from OCR (else from a text layer)
};

struct Cell {
  std::string text;  // words joined (see the top comment), not normalised
  Box box;
  double confidence = 1.0;  // the lowest word confidence of the cell
  std::vector<Word> words;  // the cell's words, left to right
};

struct Line {
  std::vector<Cell> cells;  // left to right
  Box box;
  double height = 0;  // median word height: the line's font size, roughly
};

struct PageLayout {
  double width = 0, height = 0;
  bool ocr = false;
  std::vector<Line> lines;  // top to bottom
};

// Groups the page's words into lines and cells. `cell_gap` is the gap, in multiples of the
// line height, above which two words belong to different cells.
PageLayout BuildLayout(const PageText& page, double cell_gap = 0.9);

// Joins word texts as a cell does (no space next to Chinese text, one between other words
// whose gap exceeds 0.15 of the height).
std::string JoinWords(const std::vector<Word>& words);

}  // namespace zhijian::intake
