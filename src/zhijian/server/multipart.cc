#include "zhijian/server/multipart.h"

#include <optional>
#include <utility>

#include "zhijian/base/utf8.h"

namespace zhijian::server {
namespace {

constexpr size_t kMaxHeaderBytes = 4096;
constexpr int kMaxHeaderLines = 16;

Error Malformed(std::string detail) {
  return Error::Invalid("request.multipart-malformed", "multipart/form-data 请求体格式错误",
                        "malformed multipart/form-data body", std::move(detail));
}

Error BadBoundary(std::string detail) {
  return Error::Invalid("request.multipart-boundary", "multipart/form-data 缺少或有无效的 boundary",
                        "missing or invalid multipart boundary", std::move(detail));
}

char LowerChar(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = LowerChar(c);
  return out;
}

bool IsTokenChar(char c) {
  if (c >= 'a' && c <= 'z') return true;
  if (c >= 'A' && c <= 'Z') return true;
  if (c >= '0' && c <= '9') return true;
  for (char t : std::string_view("!#$%&'*+-.^_`|~")) {
    if (c == t) return true;
  }
  return false;
}

// RFC 2046 bchars.
bool IsBoundaryChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  for (char t : std::string_view("'()+_,-./:=? ")) {
    if (c == t) return true;
  }
  return false;
}

bool ValidBoundary(std::string_view b) {
  if (b.empty() || b.size() > 70 || b.back() == ' ') return false;
  for (char c : b) {
    if (!IsBoundaryChar(c)) return false;
  }
  return true;
}

void SkipSpaces(std::string_view s, size_t* i) {
  while (*i < s.size() && (s[*i] == ' ' || s[*i] == '\t')) ++*i;
}

// Parameters after the first value: `; name=value` with value a token or quoted-string.
// Returns std::nullopt on a syntax error. Names are lower-cased; a repeated name is an error.
std::optional<std::vector<std::pair<std::string, std::string>>> ParseParams(std::string_view s,
                                                                            size_t i) {
  std::vector<std::pair<std::string, std::string>> out;
  while (true) {
    SkipSpaces(s, &i);
    if (i == s.size()) return out;
    if (s[i] != ';') return std::nullopt;
    ++i;
    SkipSpaces(s, &i);
    const size_t name_start = i;
    while (i < s.size() && IsTokenChar(s[i])) ++i;
    if (i == name_start) return std::nullopt;
    std::string name = Lower(s.substr(name_start, i - name_start));
    SkipSpaces(s, &i);
    if (i == s.size() || s[i] != '=') return std::nullopt;
    ++i;
    SkipSpaces(s, &i);
    std::string value;
    if (i < s.size() && s[i] == '"') {
      ++i;
      bool closed = false;
      while (i < s.size()) {
        char c = s[i++];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c == '\\') {
          if (i == s.size()) return std::nullopt;
          c = s[i++];
        }
        value += c;
      }
      if (!closed) return std::nullopt;
    } else {
      const size_t start = i;
      while (i < s.size() && IsTokenChar(s[i])) ++i;
      if (i == start) return std::nullopt;
      value = std::string(s.substr(start, i - start));
    }
    for (const auto& [n, v] : out) {
      if (n == name) return std::nullopt;
    }
    out.emplace_back(std::move(name), std::move(value));
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 5987 ext-value: UTF-8'[language]'percent-encoded.
std::optional<std::string> DecodeExtValue(std::string_view v) {
  const size_t q1 = v.find('\'');
  if (q1 == std::string_view::npos || Lower(v.substr(0, q1)) != "utf-8") return std::nullopt;
  const size_t q2 = v.find('\'', q1 + 1);
  if (q2 == std::string_view::npos) return std::nullopt;
  std::string out;
  for (size_t i = q2 + 1; i < v.size(); ++i) {
    if (v[i] == '%') {
      if (i + 2 >= v.size()) return std::nullopt;
      const int hi = HexValue(v[i + 1]), lo = HexValue(v[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += v[i];
    }
  }
  return out;
}

bool CleanText(std::string_view s) { return IsValidUtf8(s, /*no_controls=*/true); }

// One part's header block (without the final empty line) into `part`.
Result<void> ParseHeaders(std::string_view block, size_t index, MultipartPart* part) {
  const std::string where = "part " + std::to_string(index + 1);
  bool disposition = false, type = false, encoding = false;
  int lines = 0;
  size_t pos = 0;
  while (pos < block.size()) {
    size_t end = block.find("\r\n", pos);
    if (end == std::string_view::npos) end = block.size();
    std::string_view line = block.substr(pos, end - pos);
    pos = end + 2;
    if (++lines > kMaxHeaderLines) return Malformed(where + ": too many header lines");
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return Malformed(where + ": header line without a name");
    }
    for (char c : line.substr(0, colon)) {
      if (!IsTokenChar(c)) return Malformed(where + ": bad header name");
    }
    for (char c : line) {
      if (c == '\r' || c == '\n' || c == '\0') return Malformed(where + ": control character");
    }
    const std::string name = Lower(line.substr(0, colon));
    std::string_view value = line.substr(colon + 1);
    size_t i = 0;
    SkipSpaces(value, &i);
    value.remove_prefix(i);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    if (name == "content-disposition") {
      if (disposition) return Malformed(where + ": Content-Disposition twice");
      disposition = true;
      size_t k = 0;
      while (k < value.size() && IsTokenChar(value[k])) ++k;
      if (Lower(value.substr(0, k)) != "form-data") {
        return Malformed(where + ": Content-Disposition is not form-data");
      }
      auto params = ParseParams(value, k);
      if (!params) return Malformed(where + ": bad Content-Disposition parameters");
      bool has_name = false;
      std::optional<std::string> ext_filename;
      for (auto& [n, v] : *params) {
        if (n == "name") {
          part->name = std::move(v);
          has_name = true;
        } else if (n == "filename") {
          part->filename = std::move(v);
          part->has_filename = true;
        } else if (n == "filename*") {
          ext_filename = DecodeExtValue(v);
          if (!ext_filename) return Malformed(where + ": bad filename*");
        }
      }
      if (ext_filename) {
        part->filename = std::move(*ext_filename);
        part->has_filename = true;
      }
      if (!has_name || part->name.empty()) return Malformed(where + ": part without a name");
      if (!CleanText(part->name) || !CleanText(part->filename)) {
        return Malformed(where + ": name or filename is not clean UTF-8");
      }
    } else if (name == "content-type") {
      if (type) return Malformed(where + ": Content-Type twice");
      type = true;
      if (value.empty() || !CleanText(value)) return Malformed(where + ": bad Content-Type");
      part->content_type = std::string(value);
    } else if (name == "content-transfer-encoding") {
      if (encoding) return Malformed(where + ": Content-Transfer-Encoding twice");
      encoding = true;
      const std::string v = Lower(value);
      if (v != "7bit" && v != "8bit" && v != "binary") {
        return Malformed(where + ": unsupported Content-Transfer-Encoding " + v);
      }
    } else {
      return Malformed(where + ": unexpected header " + name);
    }
  }
  if (!disposition) return Malformed(where + ": no Content-Disposition");
  return Ok();
}

void AppendQuoted(std::string_view s, std::string* out) {
  *out += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') *out += '\\';
    *out += c;
  }
  *out += '"';
}

}  // namespace

Result<std::string> MultipartBoundary(std::string_view content_type) {
  size_t i = 0;
  while (i < content_type.size() && content_type[i] != ';') ++i;
  std::string_view type = content_type.substr(0, i);
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  if (Lower(type) != "multipart/form-data") return BadBoundary("not multipart/form-data");
  auto params = ParseParams(content_type, i);
  if (!params) return BadBoundary("bad Content-Type parameters");
  for (const auto& [n, v] : *params) {
    if (n != "boundary") continue;
    if (!ValidBoundary(v)) return BadBoundary("bad boundary");
    return v;
  }
  return BadBoundary("no boundary parameter");
}

Result<std::vector<MultipartPart>> ParseMultipart(std::string_view body, std::string_view boundary,
                                                  const MultipartLimits& limits) {
  if (!ValidBoundary(boundary)) return BadBoundary("bad boundary");
  const std::string dash = "--" + std::string(boundary);
  const std::string delimiter = "\r\n" + dash;
  if (body.substr(0, dash.size()) != dash)
    return Malformed("the body does not start with --boundary");
  size_t pos = dash.size();
  std::vector<MultipartPart> parts;
  while (true) {
    // After a delimiter: "--" (the end) or CRLF (a part follows).
    if (body.substr(pos, 2) == "--") return parts;
    if (body.substr(pos, 2) != "\r\n") {
      return Malformed("part " + std::to_string(parts.size() + 1) +
                       ": a delimiter is not followed by CRLF or --");
    }
    pos += 2;
    if (parts.size() >= limits.max_parts) {
      return Error(Error::Kind::kPayloadTooLarge, "request.multipart-too-many-parts",
                   "multipart/form-data 部分过多", "too many parts in the multipart body",
                   "at most " + std::to_string(limits.max_parts));
    }
    MultipartPart part;
    const size_t index = parts.size();
    // Headers end at the first empty line; a part may have none at all only if it starts with
    // CRLF, which RFC 7578 forbids (Content-Disposition is required): ParseHeaders refuses it.
    size_t header_end;
    if (body.substr(pos, 2) == "\r\n") {
      header_end = pos;
    } else {
      header_end = body.find("\r\n\r\n", pos);
      if (header_end == std::string_view::npos || header_end - pos > kMaxHeaderBytes) {
        return Malformed("part " + std::to_string(index + 1) + ": headers not terminated");
      }
    }
    ZJ_TRY(ParseHeaders(body.substr(pos, header_end - pos), index, &part));
    pos = header_end + (header_end == pos ? 2 : 4);
    const size_t end = body.find(delimiter, pos);
    if (end == std::string_view::npos) {
      return Malformed("part " + std::to_string(index + 1) + ": no closing delimiter");
    }
    part.body = std::string(body.substr(pos, end - pos));
    parts.push_back(std::move(part));
    pos = end + delimiter.size();
  }
}

std::string BuildMultipart(const std::vector<MultipartPart>& parts, std::string_view boundary) {
  std::string out;
  for (const auto& p : parts) {
    out += "--";
    out += boundary;
    out += "\r\nContent-Disposition: form-data; name=";
    AppendQuoted(p.name, &out);
    if (p.has_filename) {
      out += "; filename=";
      AppendQuoted(p.filename, &out);
    }
    out += "\r\n";
    if (!p.content_type.empty()) out += "Content-Type: " + p.content_type + "\r\n";
    out += "\r\n";
    out += p.body;
    out += "\r\n";
  }
  out += "--";
  out += boundary;
  out += "--\r\n";
  return out;
}

}  // namespace zhijian::server
