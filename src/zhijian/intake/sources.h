// The seams of report intake: documents (PDF through poppler-cpp, images through Leptonica)
// and OCR (Tesseract 5), each behind a small interface so that field extraction stays pure and
// tests can put a fake in their place (DESIGN.md §3).
//
//   Document   an opened PDF or image: pages, each with its text layer (words with boxes, in
//              points) and as a gray image. OpenDocument sniffs the format from the bytes
//              ("%PDF-", PNG, JPEG, TIFF magic numbers), not from a file name.
//   Ocr        words with boxes and confidences from a gray image. TesseractOcr keeps one
//              tesseract::TessBaseAPI per thread (thread_local, initialised on the thread's first
//              page — init is slow — and reused); languages and page segmentation mode are
//              options (docs/intake.md has the measurements behind the defaults); words carry
//              Tesseract's text-line number. Before OCR, marks lighter than the text (the
//              seal) are turned into paper; after it, numbers are read again for their decimal
//              points and "≤"/"≥" signs (TesseractOptions).
//              Debian's libtesseract uses OpenMP, whose runtime reads OMP_THREAD_LIMIT once, when
//              the process loads it: setting the variable later has no effect. A process that
//              OCRs must therefore START with OMP_THREAD_LIMIT=1 (measured: 3.5 s instead of
//              12 s for a page on 2 shared cores); EnsureOmpThreadLimit does that by re-executing
//              the program, and `zhijian` calls it first thing.
//
// Ownership: a Document owns its bytes and library objects; TesseractOcr owns nothing shared (the
// per-thread engines live until their thread ends).
// Thread-safety: a Document is used by one thread at a time; TesseractOcr::Recognize may be
// called from several threads at once.
// Errors: "intake.unknown-format" (kUnsupportedMedia: not PDF/PNG/JPEG/TIFF), "intake.empty"
// (kInvalidArgument: no bytes or no pages), "intake.encrypted" (kUnprocessable: a password is
// needed), "intake.damaged" (kUnprocessable: the library cannot parse it), "intake.too-large"
// (kPayloadTooLarge: more pages or pixels than the limits), "intake.render" (kUnprocessable: a
// page cannot be rendered), "intake.ocr-unavailable" (kUnavailable: Tesseract or its language
// data cannot be loaded), "intake.ocr-failed" (kUnprocessable).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zhijian/base/result.h"
#include "zhijian/intake/layout.h"

namespace zhijian::intake {

// 8-bit gray pixels, row-major, `width` bytes a row; 0 black, 255 white.
struct GrayImage {
  int width = 0, height = 0;
  double dpi = 0;  // pixels per inch (0 = unknown)
  std::vector<uint8_t> pixels;
};

enum class DocumentKind { kPdf, kPng, kJpeg, kTiff };
std::optional<DocumentKind> SniffKind(std::string_view bytes);
const char* DocumentKindName(DocumentKind kind);  // "pdf", "png", "jpeg", "tiff"

struct DocumentLimits {
  int max_pages = 200;
  int64_t max_pixels = 60'000'000;  // per image page (a 300 dpi A3 page is 17.5 M)
};

class Document {
 public:
  virtual ~Document() = default;
  virtual DocumentKind kind() const = 0;
  virtual int page_count() const = 0;
  // The page's text layer: words in points, confidence 1 (no words for images and scans).
  virtual Result<PageText> Text(int page) = 0;
  // The page as gray pixels: a PDF page rendered at `dpi`; an image page as stored (its own
  // resolution in GrayImage::dpi; when the file states none, or an implausible one, the width of
  // an A4 page is assumed).
  virtual Result<GrayImage> Image(int page, int dpi) = 0;
};

Result<std::unique_ptr<Document>> OpenDocument(std::string bytes,
                                               const DocumentLimits& limits = {});

// kPage: a whole page with its layout (columns, blocks, lines); kSparse: scattered text in a
// region, however it is laid out (the number under a graphic such as the CMA mark).
enum class OcrMode { kPage, kSparse };

class Ocr {
 public:
  virtual ~Ocr() = default;
  // Words of `image` with boxes in its pixels and confidences in [0, 1].
  virtual Result<std::vector<Word>> Recognize(const GrayImage& image,
                                              OcrMode mode = OcrMode::kPage) = 0;
};

// Defaults measured on the generated corpus (docs/intake.md "OCR settings"): "chi_sim" alone
// reads more fields right than "chi_sim+eng" (0.828 against 0.803 of 1,211 fields on 24 scans;
// with English, Chinese names and words come back as English ones: "袁春东" -> "STR") and is
// faster; chi_sim's own Latin letters and digits suffice. Page segmentation 3 (automatic) and 4
// (one column) read alike here (0.828, 0.824); 3 is Tesseract's default and a little faster.
struct TesseractOptions {
  std::string languages = "chi_sim";
  // Tesseract's page segmentation mode for OcrMode::kPage (3 automatic, 4 one column of text
  // of various sizes, 6 one block); kSparse always uses 11.
  int page_segmentation = 3;
  std::string datapath;  // "" = Tesseract's default (TESSDATA_PREFIX or the built-in path)
  // Before OCR, every pixel lighter than `clip` of the way from the page's ink level (its
  // darkest 0.5%) to its paper level (its median) becomes paper: the seal (red, a middle gray in
  // a gray scan) leaves the issue date and names under it. 0: the page as scanned. 0.62 read
  // 0.912 of the bench's scan fields, 0.55 0.896, 0.70 0.872 (docs/intake.md "OCR settings").
  double clip = 0.62;
  // Words of a kPage pass that read as a number are read again one by one with this model
  // ("" = not), as one line of digits, "." and "<"/">" (a whitelist), left-extended over a sign
  // the page pass dropped or misread as one character; the second reading is kept only with the
  // same digits (it adds a decimal point, never changes a digit), and a "≥"/"≤" left of the
  // digits is recognised by its shape (chi_sim has no such characters). About 10-20 ms a word.
  std::string numbers_languages = "eng";
};

// A Tesseract-backed Ocr (see the top comment).
std::unique_ptr<Ocr> MakeTesseractOcr(const TesseractOptions& options = {});

// When OMP_THREAD_LIMIT is not set: sets it to 1 and re-executes /proc/self/exe with `argv`
// (returns only if that fails). Call at the very start of main, before any thread exists.
void EnsureOmpThreadLimit(char** argv);

}  // namespace zhijian::intake
