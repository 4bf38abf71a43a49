// Private: serving the built web UI from a directory.
//
// Thread-safety: StaticFiles is immutable after construction; Serve() may run concurrently.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "zhijian/server/router.h"

namespace zhijian::server::internal {

// Content type for a file name by its extension; "application/octet-stream" when unknown.
std::string ContentTypeFor(std::string_view filename);

// True when a decoded path may name a file: it starts with '/', has no NUL, no backslash and no
// "." or ".." segment.
bool IsSafeStaticPath(std::string_view path);

class StaticFiles {
 public:
  // `dir` may be empty (no static files) or not exist (every request is a 404).
  explicit StaticFiles(const std::string& dir);

  // The file for `path` (percent-decoded), index.html for extension-less paths (client-side
  // routes), or std::nullopt (→ 404). The body is always filled; the caller drops it for HEAD.
  std::optional<Response> Serve(std::string_view path) const;

 private:
  std::optional<Response> ServeFile(const std::filesystem::path& file,
                                    std::string_view url_path) const;
  std::filesystem::path root_;  // canonical; empty = none
};

}  // namespace zhijian::server::internal
