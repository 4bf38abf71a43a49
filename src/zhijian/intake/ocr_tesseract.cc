// The Tesseract 5 adapter of the Ocr seam (sources.h): one TessBaseAPI per thread, initialised
// once per thread and language set and reused for every page (initialisation reads tens of MB of
// language data and takes about a second), and a second one per thread for numbers (English,
// one line, a whitelist of digits, "." and "<"/">"). A page is cleared of marks lighter than its
// text before OCR (Prepare); words that read as numbers are read again (ReadNumbers). The
// measurements behind both are in docs/intake.md "OCR settings".
#include <leptonica/allheaders.h>
#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>

#include "zhijian/intake/document_internal.h"
#include "zhijian/intake/sources.h"

namespace zhijian::intake {
namespace {

struct PixDeleter {
  void operator()(PIX* p) const { pixDestroy(&p); }
};
using PixPtr = std::unique_ptr<PIX, PixDeleter>;

PixPtr ToPix(const GrayImage& image) {
  PixPtr pix(pixCreate(image.width, image.height, 8));
  if (!pix) return pix;
  const l_int32 wpl = pixGetWpl(pix.get());
  l_uint32* data = pixGetData(pix.get());
  for (int y = 0; y < image.height; ++y) {
    l_uint32* line = data + static_cast<size_t>(y) * static_cast<size_t>(wpl);
    const uint8_t* src = image.pixels.data() + static_cast<size_t>(y) * image.width;
    for (int x = 0; x < image.width; ++x) SET_DATA_BYTE(line, x, src[x]);
  }
  return pix;
}

// Ink and paper levels: the 0.5th percentile and the median of the page's gray levels (every
// other pixel of every other row).
void Levels(PIX* pix, int* ink, int* paper) {
  std::array<uint64_t, 256> hist{};
  l_int32 w = pixGetWidth(pix), h = pixGetHeight(pix), wpl = pixGetWpl(pix);
  l_uint32* data = pixGetData(pix);
  uint64_t n = 0;
  for (l_int32 y = 0; y < h; y += 2) {
    l_uint32* line = data + static_cast<size_t>(y) * static_cast<size_t>(wpl);
    for (l_int32 x = 0; x < w; x += 2) {
      ++hist[GET_DATA_BYTE(line, x)];
      ++n;
    }
  }
  uint64_t acc = 0;
  *ink = -1;
  *paper = 255;
  for (int v = 0; v < 256; ++v) {
    acc += hist[v];
    if (*ink < 0 && acc * 1000 >= n * 5) *ink = v;
    if (acc * 2 >= n) {
      *paper = v;
      break;
    }
  }
  if (*ink < 0) *ink = 0;
}

// The page as Tesseract gets it: every pixel lighter than `clip` of the way from the page's ink
// level to its paper level becomes paper; darker ones stay as scanned. Marks lighter than the
// text — the seal, whose red a gray scan shows as a middle gray, over the issue date and the
// signatures — vanish; the text keeps its antialiased edges. clip <= 0: the page as it is.
PixPtr Prepare(const GrayImage& image, double clip) {
  PixPtr pix = ToPix(image);
  if (!pix || clip <= 0) return pix;
  int ink = 0, paper = 255;
  Levels(pix.get(), &ink, &paper);
  const double top = ink + clip * (paper - ink);
  if (top < ink + 10) return pix;  // no contrast to speak of: leave it
  std::array<l_int32, 256> map{};
  for (int v = 0; v < 256; ++v) map[v] = v >= top ? paper : v;
  const l_int32 w = pixGetWidth(pix.get()), h = pixGetHeight(pix.get()), wpl = pixGetWpl(pix.get());
  l_uint32* data = pixGetData(pix.get());
  for (l_int32 y = 0; y < h; ++y) {
    l_uint32* line = data + static_cast<size_t>(y) * static_cast<size_t>(wpl);
    for (l_int32 x = 0; x < w; ++x) SET_DATA_BYTE(line, x, map[GET_DATA_BYTE(line, x)]);
  }
  return pix;
}

struct Engine {
  std::unique_ptr<tesseract::TessBaseAPI> api;
  std::string key;                                 // datapath + "|" + languages
  std::unique_ptr<tesseract::TessBaseAPI> digits;  // numbers re-read (see ReadNumbers)
  std::string digits_key;
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Whether a single character the page pass read just before a number may be a misread
// "≥"/"≤" of small table text (it reads them as ">", "二", "和", "E", other letters or
// nothing): not a digit, a Latin letter of a code ("K258236"), the separators of a date or a
// range, or the characters around the numbers of dates and page numbers.
bool SignLike(const std::string& s) {
  if (s.empty()) return false;
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  if (n != 1 || IsDigit(s[0])) return false;
  if (s.size() == 1 &&
      ((s[0] >= 'A' && s[0] <= 'Z' && s[0] != 'E') || (s[0] >= 'a' && s[0] <= 'z'))) {
    return false;
  }
  static const char* const kNot[] = {"-",  ".",  "/",  ":",  "：", "~",  "～", "—",  "年",
                                     "月", "日", "第", "共", "页", "至", "(",  "（", ","};
  for (const char* k : kNot) {
    if (s == k) return false;
  }
  return true;
}

// "≥" or "≤" when the ink of [x0, x1] x [y0, y1] of an 8-bit page is one such sign of a text
// `height` high ("⩾"/"⩽" alike): the ink is one glyph about a character wide and high whose top
// quarter has its ink in the left third ("≥": the arms of ">" start there) or in the right
// third ("≤"), at least twice as much as in the other; "" otherwise (blank, a rule line, a
// digit, another character).
std::string SignGlyph(PIX* pix, int x0, int x1, int y0, int y1, double height) {
  const int w = pixGetWidth(pix), h = pixGetHeight(pix), wpl = pixGetWpl(pix);
  x0 = std::max(0, x0);
  y0 = std::max(0, y0);
  x1 = std::min(w - 1, x1);
  y1 = std::min(h - 1, y1);
  if (x1 - x0 < 3 || y1 - y0 < 3) return {};
  l_uint32* data = pixGetData(pix);
  auto ink = [&](int x, int y) {
    return GET_DATA_BYTE(data + static_cast<size_t>(y) * static_cast<size_t>(wpl), x) < 128;
  };
  // The ink's bounding box; columns that are ink from top to bottom are a rule line.
  int gx0 = x1 + 1, gx1 = -1, gy0 = y1 + 1, gy1 = -1;
  for (int x = x0; x <= x1; ++x) {
    int n = 0;
    for (int y = y0; y <= y1; ++y) n += ink(x, y);
    if (n == 0 || n > 0.9 * (y1 - y0 + 1)) continue;
    for (int y = y0; y <= y1; ++y) {
      if (!ink(x, y)) continue;
      gx0 = std::min(gx0, x);
      gx1 = std::max(gx1, x);
      gy0 = std::min(gy0, y);
      gy1 = std::max(gy1, y);
    }
  }
  const int gw = gx1 - gx0 + 1, gh = gy1 - gy0 + 1;
  if (gx1 < 0 || gw < 0.35 * height || gw > 1.2 * height || gh < 0.5 * height ||
      gh > 1.3 * height) {
    return {};
  }
  // Upper quarter: ink in the left and in the right third.
  int left = 0, right = 0;
  for (int y = gy0; y < gy0 + std::max(2, gh / 4); ++y) {
    for (int x = gx0; x <= gx1; ++x) {
      if (!ink(x, y)) continue;
      if (3 * (x - gx0) < gw) ++left;
      if (3 * (gx1 - x) < gw) ++right;
    }
  }
  if (left > 2 * right && left > 3) return "≥";
  if (right > 2 * left && right > 3) return "≤";
  return {};
}

// The digits of a number reading, without its point and sign; "" when it is not one: an
// optional sign-like prefix of at most one character (ASCII or not), then digits with at most
// one point.
std::string NumberDigits(const std::string& text, std::string* prefix) {
  size_t i = 0;
  if (!text.empty() && !IsDigit(text[0])) {
    i = 1;
    const unsigned char c = static_cast<unsigned char>(text[0]);
    if (c >= 0xC0) {
      while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
    }
  }
  *prefix = text.substr(0, i);
  std::string digits;
  int points = 0;
  for (size_t k = i; k < text.size(); ++k) {
    if (IsDigit(text[k])) {
      digits.push_back(text[k]);
    } else if (text[k] == '.' && k > i && k + 1 < text.size()) {
      ++points;
    } else {
      return {};
    }
  }
  if (points > 1 || digits.empty() || digits.size() > 8) return {};
  return digits;
}

Engine& ThreadEngine() {
  thread_local Engine engine;
  return engine;
}

class TesseractOcr final : public Ocr {
 public:
  explicit TesseractOcr(TesseractOptions options) : options_(std::move(options)) {}

  Result<std::vector<Word>> Recognize(const GrayImage& image, OcrMode mode) override {
    if (image.width <= 0 || image.height <= 0 ||
        image.pixels.size() !=
            static_cast<size_t>(image.width) * static_cast<size_t>(image.height)) {
      return Error(Error::Kind::kUnprocessable, "intake.ocr-failed", "图像无效", "invalid image");
    }
    ZJ_ASSIGN_OR_RETURN(tesseract::TessBaseAPI * api, Api());
    api->SetPageSegMode(mode == OcrMode::kSparse
                            ? tesseract::PSM_SPARSE_TEXT
                            : static_cast<tesseract::PageSegMode>(options_.page_segmentation));
    PixPtr pix = Prepare(image, options_.clip);
    if (!pix) {
      return Error(Error::Kind::kUnprocessable, "intake.ocr-failed", "图像无效", "invalid image");
    }
    api->SetImage(pix.get());
    if (image.dpi > 0) api->SetSourceResolution(static_cast<int>(image.dpi + 0.5));
    if (api->Recognize(nullptr) != 0) {
      api->Clear();
      return Error(Error::Kind::kUnprocessable, "intake.ocr-failed", "文字识别失败",
                   "text recognition failed");
    }
    std::vector<Word> words;
    std::unique_ptr<tesseract::ResultIterator> it(api->GetIterator());
    int line = -1;
    if (it) {
      do {
        if (it->IsAtBeginningOf(tesseract::RIL_TEXTLINE)) ++line;
        std::unique_ptr<char[]> text(it->GetUTF8Text(tesseract::RIL_WORD));
        if (!text || !*text.get()) continue;
        int l = 0, t = 0, r = 0, b = 0;
        if (!it->BoundingBox(tesseract::RIL_WORD, &l, &t, &r, &b)) continue;
        Word w;
        w.text = text.get();
        w.box = {static_cast<double>(l), static_cast<double>(t), static_cast<double>(r),
                 static_cast<double>(b)};
        w.confidence = std::clamp(it->Confidence(tesseract::RIL_WORD) / 100.0, 0.0, 1.0);
        w.line = line;
        words.push_back(std::move(w));
      } while (it->Next(tesseract::RIL_WORD));
    }
    api->Clear();
    if (mode == OcrMode::kPage && !options_.numbers_languages.empty()) {
      ReadNumbers(pix.get(), image.dpi, &words);
    }
    return words;
  }

 private:
  Result<tesseract::TessBaseAPI*> Api() {
    QuietLeptonica();
    Engine& e = ThreadEngine();
    const std::string key = options_.datapath + "|" + options_.languages;
    if (e.api && e.key == key) return e.api.get();
    auto api = std::make_unique<tesseract::TessBaseAPI>();
    if (api->Init(options_.datapath.empty() ? nullptr : options_.datapath.c_str(),
                  options_.languages.c_str(), tesseract::OEM_LSTM_ONLY) != 0) {
      return Error(Error::Kind::kUnavailable, "intake.ocr-unavailable",
                   "文字识别引擎不可用（缺少 Tesseract 语言数据）",
                   "OCR unavailable (Tesseract language data missing)", options_.languages);
    }
    api->SetVariable("debug_file", "/dev/null");
    e.api = std::move(api);
    e.key = key;
    return e.api.get();
  }

  // Small table text loses decimal points and its "≤"/"≥" signs (which chi_sim's character set
  // lacks: it reads "≥" as ">", "二" or nothing). Every word that reads as a number is read
  // again on its own, as one line of digits, points and "<"/">" (whitelist), with the English
  // model (options_.numbers_languages); extended to the left by about a character when nothing
  // or a single character was read there, for a sign the page pass dropped or misread. The
  // second reading is taken only when it has the same digits (or the same after a first symbol
  // that stands for the sign glyph): it may add or move a point, never change a digit. The sign
  // itself is recognised by its shape (SignGlyph), since no model here has "≤"/"≥".
  void ReadNumbers(PIX* pix, double dpi, std::vector<Word>* words) {
    auto engine = DigitsApi();
    if (!engine) return;
    tesseract::TessBaseAPI* d = *engine;
    d->SetImage(pix);
    if (dpi > 0) d->SetSourceResolution(static_cast<int>(dpi + 0.5));
    const int pw = pixGetWidth(pix), ph = pixGetHeight(pix);
    std::vector<Box> boxes;
    for (const Word& w : *words) boxes.push_back(w.box);
    for (size_t i = 0; i < words->size(); ++i) {
      Word& w = (*words)[i];
      std::string prefix;
      const std::string digits = NumberDigits(w.text, &prefix);
      if (digits.empty()) continue;
      const Box& b = boxes[i];
      const double h = b.height();
      double x0 = b.x0 - 0.25 * h;
      int absorbed = -1;  // a word taken for the number's sign
      if (prefix.empty()) {
        // Left, up to a character's width, unless another word is there; a single character
        // just left of the number may be the sign misread ("二", "E") and is read with it.
        double left = b.x0 - 1.1 * h;
        for (size_t k = 0; k < boxes.size(); ++k) {
          if (k == i) continue;
          const Box& o = boxes[k];
          if (!(o.y1 > b.y0 && o.y0 < b.y1 && o.x1 <= b.x0 && o.x1 > left)) continue;
          const bool one_char =
              SignLike((*words)[k].text) && o.width() < 1.2 * h && b.x0 - o.x1 < 0.6 * h;
          if (one_char && absorbed < 0) {
            absorbed = static_cast<int>(k);
            left = o.x0 - 1;
          } else {
            left = o.x1 + 1;
            absorbed = -1;
          }
        }
        x0 = std::min(x0, left);
      }
      const int rx = std::clamp(static_cast<int>(x0), 0, pw - 1);
      const int ry = std::clamp(static_cast<int>(b.y0 - 0.3 * h), 0, ph - 1);
      const int rr = std::clamp(static_cast<int>(b.x1 + 0.25 * h), rx + 1, pw);
      const int rb = std::clamp(static_cast<int>(b.y1 + 0.3 * h), ry + 1, ph);
      d->SetRectangle(rx, ry, rr - rx, rb - ry);
      if (d->Recognize(nullptr) != 0) continue;
      // The symbols read, with their boxes.
      std::vector<std::pair<std::string, Box>> symbols;
      std::unique_ptr<tesseract::ResultIterator> sit(d->GetIterator());
      if (sit) {
        do {
          std::unique_ptr<char[]> t(sit->GetUTF8Text(tesseract::RIL_SYMBOL));
          int l = 0, t0 = 0, r = 0, bt = 0;
          if (!t || !*t.get() || !sit->BoundingBox(tesseract::RIL_SYMBOL, &l, &t0, &r, &bt)) {
            continue;
          }
          symbols.push_back({t.get(),
                             {static_cast<double>(l), static_cast<double>(t0),
                              static_cast<double>(r), static_cast<double>(bt)}});
        } while (sit->Next(tesseract::RIL_SYMBOL));
      }
      // The digits and point of the second reading: all its symbols, or all but a first one
      // that stands for a sign glyph.
      std::string again;
      size_t first = 0;
      for (size_t k = 0; k < symbols.size(); ++k) again += symbols[k].first;
      std::string none;
      if (NumberDigits(again, &none) != digits || !none.empty()) {
        again.clear();
        for (size_t k = 1; k < symbols.size(); ++k) again += symbols[k].first;
        if ((prefix.empty() && absorbed < 0) || symbols.size() < 2 ||
            NumberDigits(again, &none) != digits || !none.empty())
          continue;
        first = 1;
      }
      // A sign: the ink left of the first digit within the reading's rectangle, when the page
      // pass read a sign-like character there or nothing ("-" of a date range, "K" of a
      // number, "月" of a date are not signs).
      std::string sign;
      if (prefix.empty() || SignLike(prefix)) {
        sign = SignGlyph(pix, rx, static_cast<int>(symbols[first].second.x0) - 1,
                         static_cast<int>(b.y0 - 0.1 * h), static_cast<int>(b.y1 + 0.1 * h), h);
      }
      const std::string read = (sign.empty() ? prefix : sign) + again;
      if (!sign.empty() && absorbed >= 0) {
        (*words)[absorbed].text.clear();
        w.box.x0 = std::min(w.box.x0, (*words)[absorbed].box.x0);
      }
      if (read == w.text) continue;
      w.text = read;
    }
    words->erase(
        std::remove_if(words->begin(), words->end(), [](const Word& x) { return x.text.empty(); }),
        words->end());
    d->Clear();
  }

  Result<tesseract::TessBaseAPI*> DigitsApi() {
    Engine& e = ThreadEngine();
    const std::string& lang = options_.numbers_languages;
    const std::string key = options_.datapath + "|" + lang;
    if (e.digits && e.digits_key == key) return e.digits.get();
    auto api = std::make_unique<tesseract::TessBaseAPI>();
    if (api->Init(options_.datapath.empty() ? nullptr : options_.datapath.c_str(), lang.c_str(),
                  tesseract::OEM_LSTM_ONLY) != 0) {
      return Error(Error::Kind::kUnavailable, "intake.ocr-unavailable",
                   "文字识别引擎不可用（缺少 Tesseract 语言数据）",
                   "OCR unavailable (Tesseract language data missing)", lang);
    }
    api->SetVariable("debug_file", "/dev/null");
    api->SetVariable("tessedit_char_whitelist", "0123456789.<>");
    api->SetPageSegMode(tesseract::PSM_SINGLE_LINE);
    e.digits = std::move(api);
    e.digits_key = key;
    return e.digits.get();
  }

  TesseractOptions options_;
};

}  // namespace

std::unique_ptr<Ocr> MakeTesseractOcr(const TesseractOptions& options) {
  return std::make_unique<TesseractOcr>(options);
}

}  // namespace zhijian::intake
