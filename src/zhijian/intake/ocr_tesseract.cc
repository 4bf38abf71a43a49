// The Tesseract 5 adapter of the Ocr seam (sources.h): one TessBaseAPI per thread, initialised
// once per thread and language set and reused for every page (initialisation reads tens of MB of
// language data and takes about a second).
#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>

#include "zhijian/intake/document_internal.h"
#include "zhijian/intake/sources.h"

namespace zhijian::intake {
namespace {

struct Engine {
  std::unique_ptr<tesseract::TessBaseAPI> api;
  std::string key;  // datapath + "|" + languages
};

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
    api->SetImage(image.pixels.data(), image.width, image.height, 1, image.width);
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

  TesseractOptions options_;
};

}  // namespace

std::unique_ptr<Ocr> MakeTesseractOcr(const TesseractOptions& options) {
  return std::make_unique<TesseractOcr>(options);
}

}  // namespace zhijian::intake
