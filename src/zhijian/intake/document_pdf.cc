// PDF documents through poppler-cpp: the text layer as word boxes (page::text_list), pages
// rendered to gray pixels (page_renderer). Poppler's own error messages are silenced; failures
// come back as intake errors (sources.h).
#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-image.h>
#include <poppler/cpp/poppler-page-renderer.h>
#include <poppler/cpp/poppler-page.h>

#include <cstring>
#include <limits>
#include <mutex>

#include "zhijian/intake/document_internal.h"

namespace zhijian::intake {
namespace {

void Silence(const std::string&, void*) {}

class PdfDocument final : public Document {
 public:
  PdfDocument(std::unique_ptr<std::string> bytes, std::unique_ptr<poppler::document> doc,
              DocumentLimits limits)
      : bytes_(std::move(bytes)), doc_(std::move(doc)), limits_(limits) {}

  DocumentKind kind() const override { return DocumentKind::kPdf; }
  int page_count() const override { return doc_->pages(); }

  Result<PageText> Text(int index) override {
    std::unique_ptr<poppler::page> page(doc_->create_page(index));
    if (!page) return Damaged("page " + std::to_string(index + 1));
    PageText out;
    const poppler::rectf rect = page->page_rect(poppler::media_box);
    out.width = rect.width();
    out.height = rect.height();
    for (const poppler::text_box& box : page->text_list()) {
      const poppler::byte_array utf8 = box.text().to_utf8();
      Word w;
      w.text.assign(utf8.data(), utf8.size());
      const poppler::rectf b = box.bbox();
      w.box = {b.left(), b.top(), b.right(), b.bottom()};
      w.confidence = 1.0;
      out.words.push_back(std::move(w));
    }
    return out;
  }

  Result<GrayImage> Image(int index, int dpi) override {
    std::unique_ptr<poppler::page> page(doc_->create_page(index));
    if (!page) return Damaged("page " + std::to_string(index + 1));
    const poppler::rectf rect = page->page_rect(poppler::media_box);
    const double px = rect.width() / 72.0 * dpi * rect.height() / 72.0 * dpi;
    if (px > static_cast<double>(limits_.max_pixels)) {
      return Error(Error::Kind::kPayloadTooLarge, "intake.too-large", "页面过大，无法识别",
                   "page too large to render", "page " + std::to_string(index + 1));
    }
    poppler::page_renderer renderer;
    renderer.set_render_hint(poppler::page_renderer::antialiasing, true);
    renderer.set_render_hint(poppler::page_renderer::text_antialiasing, true);
    renderer.set_image_format(poppler::image::format_gray8);
    poppler::image img = renderer.render_page(page.get(), dpi, dpi);
    if (!img.is_valid() || img.format() != poppler::image::format_gray8) {
      return Error(Error::Kind::kUnprocessable, "intake.render", "页面无法渲染",
                   "the page cannot be rendered", "page " + std::to_string(index + 1));
    }
    GrayImage out;
    out.width = img.width();
    out.height = img.height();
    out.dpi = dpi;
    out.pixels.resize(static_cast<size_t>(out.width) * static_cast<size_t>(out.height));
    const char* data = img.const_data();
    for (int y = 0; y < out.height; ++y) {
      std::memcpy(out.pixels.data() + static_cast<size_t>(y) * static_cast<size_t>(out.width),
                  data + static_cast<size_t>(y) * static_cast<size_t>(img.bytes_per_row()),
                  static_cast<size_t>(out.width));
    }
    return out;
  }

 private:
  static Error Damaged(const std::string& detail) {
    return Error(Error::Kind::kUnprocessable, "intake.damaged", "文件已损坏，无法读取",
                 "the document is damaged and cannot be read", detail);
  }

  std::unique_ptr<std::string> bytes_;  // poppler reads these bytes for the document's lifetime
  std::unique_ptr<poppler::document> doc_;
  DocumentLimits limits_;
};

}  // namespace

Result<std::unique_ptr<Document>> OpenPdf(std::string bytes, const DocumentLimits& limits) {
  static std::once_flag silence;
  std::call_once(silence, [] { poppler::set_debug_error_function(Silence, nullptr); });
  if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return Error(Error::Kind::kPayloadTooLarge, "intake.too-large", "文件过大", "file too large");
  }
  auto owned = std::make_unique<std::string>(std::move(bytes));
  std::unique_ptr<poppler::document> doc(
      poppler::document::load_from_raw_data(owned->data(), static_cast<int>(owned->size())));
  if (!doc) {
    // load_from_raw_data returns null for damaged files and for files needing a password.
    if (owned->find("/Encrypt") != std::string::npos) {
      return Error(Error::Kind::kUnprocessable, "intake.encrypted", "文件已加密，需要密码",
                   "the document is encrypted and needs a password");
    }
    return Error(Error::Kind::kUnprocessable, "intake.damaged", "文件已损坏，无法读取",
                 "the document is damaged and cannot be read");
  }
  if (doc->is_locked()) {
    return Error(Error::Kind::kUnprocessable, "intake.encrypted", "文件已加密，需要密码",
                 "the document is encrypted and needs a password");
  }
  const int pages = doc->pages();
  if (pages <= 0) {
    return Error::Invalid("intake.empty", "文件没有页面", "the document has no pages");
  }
  if (pages > limits.max_pages) {
    return Error(Error::Kind::kPayloadTooLarge, "intake.too-large", "页数过多", "too many pages",
                 std::to_string(pages) + " pages");
  }
  return std::unique_ptr<Document>(new PdfDocument(std::move(owned), std::move(doc), limits));
}

}  // namespace zhijian::intake
