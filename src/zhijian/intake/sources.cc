#include "zhijian/intake/sources.h"

#include <unistd.h>

#include <cstdlib>

#include "zhijian/intake/document_internal.h"

namespace zhijian::intake {

std::optional<DocumentKind> SniffKind(std::string_view b) {
  // "%PDF-" may follow a little leading junk (the PDF specification allows up to 1024 bytes).
  const size_t pdf = b.substr(0, 1024).find("%PDF-");
  if (pdf != std::string_view::npos) return DocumentKind::kPdf;
  if (b.size() >= 8 && b.substr(0, 8) == std::string_view("\x89PNG\r\n\x1a\n", 8)) {
    return DocumentKind::kPng;
  }
  if (b.size() >= 3 && b.substr(0, 3) == std::string_view("\xFF\xD8\xFF", 3)) {
    return DocumentKind::kJpeg;
  }
  if (b.size() >= 4 && (b.substr(0, 4) == std::string_view("II*\0", 4) ||
                        b.substr(0, 4) == std::string_view("MM\0*", 4))) {
    return DocumentKind::kTiff;
  }
  return std::nullopt;
}

const char* DocumentKindName(DocumentKind kind) {
  switch (kind) {
    case DocumentKind::kPdf:
      return "pdf";
    case DocumentKind::kPng:
      return "png";
    case DocumentKind::kJpeg:
      return "jpeg";
    case DocumentKind::kTiff:
      return "tiff";
  }
  return "";
}

void EnsureOmpThreadLimit(char** argv) {
  if (std::getenv("OMP_THREAD_LIMIT") != nullptr) return;
  setenv("OMP_THREAD_LIMIT", "1", 1);
  execv("/proc/self/exe", argv);
  // exec failed (no /proc): go on with OpenMP's default, slower but correct.
}

Result<std::unique_ptr<Document>> OpenDocument(std::string bytes, const DocumentLimits& limits) {
  if (bytes.empty()) return Error::Invalid("intake.empty", "文件为空", "the file is empty");
  const auto kind = SniffKind(bytes);
  if (!kind) {
    return Error(Error::Kind::kUnsupportedMedia, "intake.unknown-format",
                 "不支持的文件格式（应为 PDF、PNG、JPEG 或 TIFF）",
                 "unsupported file format (expected PDF, PNG, JPEG or TIFF)");
  }
  if (*kind == DocumentKind::kPdf) return OpenPdf(std::move(bytes), limits);
  return OpenImage(std::move(bytes), *kind, limits);
}

}  // namespace zhijian::intake
