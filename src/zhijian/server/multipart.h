// multipart/form-data request bodies (RFC 7578 over RFC 2046 §5.1): the one parser of uploads.
//
// Purpose: Boost.Beast has no multipart parser; this is a small, strict one for file uploads
// (POST /api/v1/checks with report documents). `MultipartBoundary` takes the boundary from the
// Content-Type; `ParseMultipart` splits a whole body (already read and size-limited by the
// server) into parts. What it accepts, exactly:
//   - the body starts with "--BOUNDARY" (no preamble); parts are separated by
//     "\r\n--BOUNDARY\r\n" and the last one ends with "\r\n--BOUNDARY--", after which anything
//     (the epilogue, usually "\r\n") is ignored; no whitespace after a delimiter;
//   - a part's header lines end with CRLF, at most 16 lines of at most 4 KiB together, then an
//     empty line; names are case-insensitive; only Content-Disposition, Content-Type and
//     Content-Transfer-Encoding (7bit, 8bit or binary only) are allowed, each once;
//   - Content-Disposition must be "form-data" with a `name` parameter and optionally
//     `filename` (quoted-string with backslash escapes, or token) or `filename*` (RFC 5987,
//     UTF-8 only, percent-decoded; it wins over `filename`); names and file names must be
//     valid UTF-8 without control characters;
//   - a boundary is 1..70 characters of RFC 2046's bchars, not ending in a space.
// A part's body is a view-free copy of its bytes. `BuildMultipart` writes parts in the same form
// (for clients and tests); ParseMultipart(BuildMultipart(p, b), b) == p for every valid p whose
// bodies do not contain the delimiter.
//
// Errors (kInvalidArgument, 400, detail names the part): "request.multipart-boundary" (missing
// or bad boundary parameter), "request.multipart-malformed" (framing, headers, disposition);
// kPayloadTooLarge (413) "request.multipart-too-many-parts" beyond `max_parts`.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "zhijian/base/result.h"

namespace zhijian::server {

struct MultipartPart {
  std::string name;           // the form field's name
  std::string filename;       // "" when the part is not a file
  bool has_filename = false;  // a filename parameter was present (it may be empty)
  std::string content_type;   // "" when absent (text/plain by RFC 7578)
  std::string body;

  bool operator==(const MultipartPart&) const = default;
};

struct MultipartLimits {
  size_t max_parts = 64;
};

// The boundary parameter of a "multipart/form-data; boundary=…" Content-Type (quoted or not).
Result<std::string> MultipartBoundary(std::string_view content_type);

Result<std::vector<MultipartPart>> ParseMultipart(std::string_view body, std::string_view boundary,
                                                  const MultipartLimits& limits = {});

// The body of `parts` with `boundary` (names and file names are written as quoted-strings with
// '"' and '\' escaped).
std::string BuildMultipart(const std::vector<MultipartPart>& parts, std::string_view boundary);

}  // namespace zhijian::server
