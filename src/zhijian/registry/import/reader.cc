// Reader dispatch: formats, encodings, opening files and buffers.
#include <algorithm>
#include <string>

#include "zhijian/registry/import/reader_internal.h"

namespace zhijian::registry::import {

namespace {
std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}
}  // namespace

const char* FormatName(Format f) {
  switch (f) {
    case Format::kCsv:
      return "csv";
    case Format::kXlsx:
      return "xlsx";
    case Format::kJson:
      return "json";
  }
  return "csv";
}

Result<Format> ParseFormat(std::string_view name) {
  const std::string n = Lower(name);
  if (n == "csv") return Format::kCsv;
  if (n == "xlsx") return Format::kXlsx;
  if (n == "json" || n == "jsonl" || n == "ndjson") return Format::kJson;
  return Error::Invalid("import.bad-format", "不支持的文件格式（应为 csv、xlsx 或 json）",
                        "unsupported file format (expected csv, xlsx or json)", std::string(name));
}

const char* EncodingName(Encoding e) {
  switch (e) {
    case Encoding::kAuto:
      return "auto";
    case Encoding::kUtf8:
      return "utf-8";
    case Encoding::kGb18030:
      return "gb18030";
  }
  return "auto";
}

Result<Encoding> ParseEncoding(std::string_view name) {
  const std::string n = Lower(name);
  if (n == "auto" || n.empty()) return Encoding::kAuto;
  if (n == "utf-8" || n == "utf8") return Encoding::kUtf8;
  if (n == "gb18030" || n == "gbk" || n == "gb2312") return Encoding::kGb18030;
  return Error::Invalid("import.bad-encoding-name", "不支持的编码（应为 utf-8 或 gb18030）",
                        "unsupported encoding (expected utf-8 or gb18030)", std::string(name));
}

Result<Format> FormatFromPath(const std::string& path) {
  const size_t dot = path.rfind('.');
  const size_t slash = path.rfind('/');
  if (dot != std::string::npos && (slash == std::string::npos || dot > slash)) {
    const std::string ext = Lower(path.substr(dot + 1));
    if (ext == "csv" || ext == "txt") return Format::kCsv;
    if (ext == "xlsx") return Format::kXlsx;
    if (ext == "json" || ext == "jsonl" || ext == "ndjson") return Format::kJson;
  }
  return Error::Invalid(
      "import.bad-format",
      "无法从扩展名判断文件格式（.csv、.xlsx、.json、.jsonl），请用 --format 指定",
      "cannot tell the format from the extension (.csv, .xlsx, .json, .jsonl); "
      "give --format",
      path);
}

std::string ColumnLetters(int32_t column) {
  if (column < 0) return "?";
  std::string s;
  int64_t n = static_cast<int64_t>(column) + 1;
  while (n > 0) {
    const int64_t rem = (n - 1) % 26;
    s.push_back(static_cast<char>('A' + rem));
    n = (n - 1) / 26;
  }
  std::reverse(s.begin(), s.end());
  return s;
}

namespace {
Result<std::unique_ptr<Reader>> OpenText(std::unique_ptr<internal::ByteSource> src,
                                         const ReaderOptions& options) {
  ZJ_ASSIGN_OR_RETURN(auto input, internal::TextInput::Open(std::move(src), options.encoding));
  if (options.format == Format::kCsv) return internal::OpenCsv(std::move(input));
  return internal::OpenJson(std::move(input));
}
}  // namespace

Result<std::unique_ptr<Reader>> OpenReader(const std::string& path, const ReaderOptions& options) {
  if (options.format == Format::kXlsx) {
    // Distinguish a missing / unreadable file from a broken zip.
    ZJ_ASSIGN_OR_RETURN(auto probe, internal::ByteSource::OpenFile(path));
    probe.reset();
    return internal::OpenXlsxFile(path);
  }
  ZJ_ASSIGN_OR_RETURN(auto src, internal::ByteSource::OpenFile(path));
  return OpenText(std::move(src), options);
}

Result<std::unique_ptr<Reader>> OpenReaderFromBytes(std::string bytes,
                                                    const ReaderOptions& options) {
  if (options.format == Format::kXlsx) return internal::OpenXlsxBytes(std::move(bytes));
  return OpenText(internal::ByteSource::FromBytes(std::move(bytes)), options);
}

}  // namespace zhijian::registry::import
