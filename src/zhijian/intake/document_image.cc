// Image documents (PNG, JPEG, TIFF with one or more pages) through Leptonica: decoded to 8-bit
// gray. The header is read first so that an image of absurd size is refused before decoding.
#include <leptonica/allheaders.h>

#include <cstring>
#include <mutex>

#include "zhijian/intake/document_internal.h"

namespace zhijian::intake {
namespace {

constexpr double kA4WidthInches = 8.27;
constexpr double kA4HeightInches = 11.69;

Error Damaged(const std::string& detail = {}) {
  return Error(Error::Kind::kUnprocessable, "intake.damaged", "图像已损坏，无法读取",
               "the image is damaged and cannot be read", detail);
}

struct PixDeleter {
  void operator()(PIX* p) const { pixDestroy(&p); }
};
using PixPtr = std::unique_ptr<PIX, PixDeleter>;

// One page as 8-bit gray, with its resolution (or the A4 assumption).
Result<GrayImage> ToGray(PIX* pix) {
  PixPtr gray(pixConvertTo8(pix, 0));
  if (!gray) return Damaged("conversion to gray");
  l_int32 w = 0, h = 0, d = 0;
  pixGetDimensions(gray.get(), &w, &h, &d);
  GrayImage out;
  out.width = w;
  out.height = h;
  const l_int32 wpl = pixGetWpl(gray.get());
  l_uint32* data = pixGetData(gray.get());
  out.pixels.resize(static_cast<size_t>(w) * static_cast<size_t>(h));
  for (l_int32 y = 0; y < h; ++y) {
    l_uint32* line = data + static_cast<size_t>(y) * static_cast<size_t>(wpl);
    uint8_t* dst = out.pixels.data() + static_cast<size_t>(y) * static_cast<size_t>(w);
    for (l_int32 x = 0; x < w; ++x) dst[x] = static_cast<uint8_t>(GET_DATA_BYTE(line, x));
  }
  const double res = pixGetXRes(pix);
  const double assumed = (w > h ? w / kA4HeightInches : w / kA4WidthInches);
  // Trust the stated resolution when it gives a page between A6 and A2 in width.
  const double inches = res > 0 ? w / res : 0;
  out.dpi = (res >= 70 && res <= 1200 && inches >= 4 && inches <= 17) ? res : assumed;
  return out;
}

class ImageDocument final : public Document {
 public:
  ImageDocument(DocumentKind kind, std::vector<GrayImage> pages)
      : kind_(kind), pages_(std::move(pages)) {}
  DocumentKind kind() const override { return kind_; }
  int page_count() const override { return static_cast<int>(pages_.size()); }
  Result<PageText> Text(int page) override {
    PageText t;
    t.width = pages_[page].width * 72.0 / pages_[page].dpi;
    t.height = pages_[page].height * 72.0 / pages_[page].dpi;
    return t;
  }
  Result<GrayImage> Image(int page, int) override { return pages_[page]; }

 private:
  DocumentKind kind_;
  std::vector<GrayImage> pages_;
};

}  // namespace

void QuietLeptonica() {
  static std::once_flag once;
  std::call_once(once, [] { setMsgSeverity(L_SEVERITY_NONE); });
}

Result<std::unique_ptr<Document>> OpenImage(std::string bytes, DocumentKind kind,
                                            const DocumentLimits& limits) {
  QuietLeptonica();
  const auto* data = reinterpret_cast<const l_uint8*>(bytes.data());
  l_int32 format = 0, w = 0, h = 0, bps = 0, spp = 0, cmap = 0;
  if (pixReadHeaderMem(data, bytes.size(), &format, &w, &h, &bps, &spp, &cmap) != 0 || w <= 0 ||
      h <= 0) {
    return Damaged("header");
  }
  if (static_cast<int64_t>(w) * h > limits.max_pixels) {
    return Error(Error::Kind::kPayloadTooLarge, "intake.too-large", "图像过大", "image too large",
                 std::to_string(w) + "x" + std::to_string(h));
  }
  std::vector<GrayImage> pages;
  if (kind == DocumentKind::kTiff) {
    PIXA* pixa = pixaReadMemMultipageTiff(data, bytes.size());
    if (!pixa) return Damaged("tiff");
    const l_int32 n = pixaGetCount(pixa);
    Result<void> status;
    for (l_int32 i = 0; i < n && status.ok(); ++i) {
      if (i >= limits.max_pages) {
        status = Error(Error::Kind::kPayloadTooLarge, "intake.too-large", "页数过多",
                       "too many pages", std::to_string(n) + " pages");
        break;
      }
      PixPtr pix(pixaGetPix(pixa, i, L_CLONE));
      l_int32 pw = 0, ph = 0, pd = 0;
      if (!pix || pixGetDimensions(pix.get(), &pw, &ph, &pd) != 0 ||
          static_cast<int64_t>(pw) * ph > limits.max_pixels) {
        status = Damaged("tiff page " + std::to_string(i + 1));
        break;
      }
      auto g = ToGray(pix.get());
      if (!g) {
        status = g.error();
        break;
      }
      pages.push_back(std::move(*g));
    }
    pixaDestroy(&pixa);
    if (!status) return status.error();
  } else {
    PixPtr pix(pixReadMem(data, bytes.size()));
    if (!pix) return Damaged();
    ZJ_ASSIGN_OR_RETURN(GrayImage g, ToGray(pix.get()));
    pages.push_back(std::move(g));
  }
  if (pages.empty())
    return Error::Invalid("intake.empty", "图像没有页面", "the image has no pages");
  return std::unique_ptr<Document>(new ImageDocument(kind, std::move(pages)));
}

}  // namespace zhijian::intake
