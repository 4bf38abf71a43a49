#include "zhijian/server/static_files.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <system_error>

namespace zhijian::server::internal {
namespace fs = std::filesystem;

std::string ContentTypeFor(std::string_view filename) {
  static const std::map<std::string, std::string, std::less<>> kTypes = {
      {"html", "text/html; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"ico", "image/x-icon"},
      {"woff2", "font/woff2"},
      {"json", "application/json; charset=utf-8"},
      {"map", "application/json; charset=utf-8"},
      {"txt", "text/plain; charset=utf-8"},
  };
  size_t slash = filename.rfind('/');
  std::string_view base = slash == std::string_view::npos ? filename : filename.substr(slash + 1);
  size_t dot = base.rfind('.');
  if (dot == std::string_view::npos) return "application/octet-stream";
  auto it = kTypes.find(base.substr(dot + 1));
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

bool IsSafeStaticPath(std::string_view path) {
  if (path.empty() || path.front() != '/') return false;
  if (path.find('\0') != std::string_view::npos) return false;
  if (path.find('\\') != std::string_view::npos) return false;
  std::string_view rest = path.substr(1);
  while (true) {
    size_t slash = rest.find('/');
    std::string_view seg = rest.substr(0, slash);
    if (seg == "." || seg == "..") return false;
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return true;
}

StaticFiles::StaticFiles(const std::string& dir) {
  if (dir.empty()) return;
  std::error_code ec;
  fs::path canonical = fs::canonical(dir, ec);
  if (!ec && fs::is_directory(canonical, ec)) root_ = canonical;
}

std::optional<Response> StaticFiles::Serve(std::string_view path) const {
  if (root_.empty() || !IsSafeStaticPath(path)) return std::nullopt;
  std::string relative(path.substr(1));
  if (!relative.empty()) {
    std::error_code ec;
    fs::path candidate = fs::weakly_canonical(root_ / relative, ec);
    if (!ec && fs::is_regular_file(candidate, ec)) {
      if (auto r = ServeFile(candidate, path)) return r;
    }
  }
  // Client-side routes: paths whose last segment has no extension get the app shell.
  std::string_view last = path.substr(path.rfind('/') + 1);
  if (last.find('.') != std::string_view::npos) return std::nullopt;
  return ServeFile(root_ / "index.html", "/index.html");
}

std::optional<Response> StaticFiles::ServeFile(const fs::path& file,
                                               std::string_view url_path) const {
  // Never escape the root: the canonical file must lie strictly inside it (symlinks included).
  std::error_code ec;
  fs::path canonical = fs::canonical(file, ec);
  if (ec) return std::nullopt;
  auto [root_end, _] =
      std::mismatch(root_.begin(), root_.end(), canonical.begin(), canonical.end());
  if (root_end != root_.end() || canonical == root_) return std::nullopt;
  if (!fs::is_regular_file(canonical, ec)) return std::nullopt;
  std::ifstream in(canonical, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream body;
  body << in.rdbuf();
  Response r;
  r.status = 200;
  r.content_type = ContentTypeFor(canonical.filename().string());
  r.body = std::move(body).str();
  if (url_path.starts_with("/assets/")) {
    r.headers.emplace_back("Cache-Control", "public, max-age=31536000, immutable");
  } else {
    r.headers.emplace_back("Cache-Control", "no-cache");
  }
  return r;
}

}  // namespace zhijian::server::internal
