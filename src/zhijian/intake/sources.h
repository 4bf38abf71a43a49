// The seams of report intake: documents (PDF through poppler-cpp, images through Leptonica)
// and OCR (Tesseract 5), each behind a small interface so that field extraction stays pure and
// tests can put a fake in their place (DESIGN.md §3).
//
//   Document   an opened PDF or image: pages, each with its text layer (words with boxes, in
//              points) and as a gray image. OpenDocument sniffs the format from the bytes
//              ("%PDF-", PNG, JPEG, TIFF magic numbers), not from a file name.
//   Ocr        words with boxes and confidences from a gray image. TesseractOcr keeps one
//              tesseract::TessBaseAPI per thread (thread_local, initialised on the thread's first
//              page — init is slow — and reused), languages "chi_sim+eng" by default. Before the
//              first initialisation OMP_THREAD_LIMIT is set to 1 unless the environment already
//              sets it (Tesseract's OpenMP threads make it several times slower on shared
//              cores). Page segmentation: automatic (PSM 3).
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

class Ocr {
 public:
  virtual ~Ocr() = default;
  // Words of `image` with boxes in its pixels and confidences in [0, 1].
  virtual Result<std::vector<Word>> Recognize(const GrayImage& image) = 0;
};

struct TesseractOptions {
  std::string languages = "chi_sim+eng";
  std::string datapath;  // "" = Tesseract's default (TESSDATA_PREFIX or the built-in path)
};

// A Tesseract-backed Ocr (see the top comment).
std::unique_ptr<Ocr> MakeTesseractOcr(const TesseractOptions& options = {});

}  // namespace zhijian::intake
