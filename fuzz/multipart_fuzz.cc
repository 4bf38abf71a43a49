// Fuzzes the multipart/form-data parser of uploads (server/multipart.h): the input's first line
// is a Content-Type header value, the rest the body.
//
// Invariants: MultipartBoundary accepts exactly boundaries of 1..70 bchars not ending in a space
// and refuses with "request.multipart-boundary"; ParseMultipart (with that boundary, or "b" when
// the header is refused) either refuses with a documented code and kind, or gives at most
// max_parts parts, each with a non-empty name, clean UTF-8 names and file names, bodies that do
// not contain the delimiter and that fit in the input; BuildMultipart of the parts parses back
// to the same parts (the writer and the reader agree).
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_check.h"
#include "zhijian/base/utf8.h"
#include "zhijian/server/multipart.h"

namespace {

bool BoundaryChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("'()+_,-./:=? ").find(c) != std::string_view::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace zhijian::server;
  const std::string_view text = zhijian::fuzz::AsText(data, size);
  const size_t nl = text.find('\n');
  const std::string_view header = nl == std::string_view::npos ? text : text.substr(0, nl);
  const std::string_view body =
      nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);

  std::string boundary = "b";
  auto b = MultipartBoundary(header);
  if (b.ok()) {
    ZJ_FUZZ_CHECK(!b->empty() && b->size() <= 70 && b->back() != ' ', *b);
    for (char c : *b) ZJ_FUZZ_CHECK(BoundaryChar(c), *b);
    boundary = *b;
  } else {
    ZJ_FUZZ_CHECK(b.error().code() == "request.multipart-boundary", b.error().code());
    ZJ_FUZZ_CHECK(b.error().kind() == zhijian::Error::Kind::kInvalidArgument, "boundary kind");
  }

  const MultipartLimits limits{.max_parts = 8};
  auto parts = ParseMultipart(body, boundary, limits);
  if (!parts.ok()) {
    const std::string& code = parts.error().code();
    if (code == "request.multipart-too-many-parts") {
      ZJ_FUZZ_CHECK(parts.error().kind() == zhijian::Error::Kind::kPayloadTooLarge, code);
    } else {
      ZJ_FUZZ_CHECK(code == "request.multipart-malformed", code);
      ZJ_FUZZ_CHECK(parts.error().kind() == zhijian::Error::Kind::kInvalidArgument, code);
    }
    return 0;
  }
  ZJ_FUZZ_CHECK(parts->size() <= limits.max_parts, "too many parts");
  const std::string delimiter = "\r\n--" + boundary;
  size_t total = 0;
  for (const MultipartPart& p : *parts) {
    ZJ_FUZZ_CHECK(!p.name.empty(), "empty name");
    ZJ_FUZZ_CHECK(zhijian::IsValidUtf8(p.name, true), "name not clean");
    ZJ_FUZZ_CHECK(zhijian::IsValidUtf8(p.filename, true), "filename not clean");
    ZJ_FUZZ_CHECK(p.has_filename || p.filename.empty(), "filename without has_filename");
    ZJ_FUZZ_CHECK(p.body.find(delimiter) == std::string::npos, "delimiter inside a body");
    total += p.body.size();
  }
  ZJ_FUZZ_CHECK(total <= body.size(), "bodies larger than the input");
  const std::string rebuilt = BuildMultipart(*parts, boundary);
  auto again = ParseMultipart(rebuilt, boundary, limits);
  ZJ_FUZZ_CHECK(again.ok(),
                "rebuilt body refused: " + (again.ok() ? "" : again.error().ToString()));
  ZJ_FUZZ_CHECK(*again == *parts, "rebuilt body parses to other parts");
  return 0;
}
