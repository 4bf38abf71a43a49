// XLSX: the first worksheet of an Office Open XML workbook, streamed out of the zip (libzip)
// through libxml2's xmlTextReader. See reader.h for why these two libraries.
#include <libxml/xmlreader.h>
#include <zip.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

#include "zhijian/registry/import/reader_internal.h"

namespace zhijian::registry::import::internal {
namespace {

constexpr int32_t kMaxColumns = 16384;  // XFD
constexpr int64_t kMaxRows = 1048576;   // Excel's limit
constexpr uint64_t kMaxSharedBytes = 1ULL << 30;
constexpr int kXmlOptions = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                            XML_PARSE_COMPACT | XML_PARSE_NOCDATA;

Error BadZip(const std::string& detail) {
  return Error::Invalid("import.xlsx-bad-zip", "不是有效的 XLSX 文件（zip 结构损坏）",
                        "not a valid XLSX file (broken zip)", detail);
}
Error BadXml(const std::string& part, const std::string& detail) {
  return Error::Invalid("import.xlsx-bad-xml", "XLSX 文件内容损坏", "the XLSX content is broken",
                        part + ": " + detail);
}

void SilentXmlErrors(void*, const char*, ...) {}

// One zip entry, read as a stream.
class ZipStream {
 public:
  ZipStream(zip_file_t* f, uint64_t size) : f_(f), size_(size) {}
  ~ZipStream() { zip_fclose(f_); }
  ZipStream(const ZipStream&) = delete;
  ZipStream& operator=(const ZipStream&) = delete;

  static int Read(void* ctx, char* buf, int len) {
    auto* self = static_cast<ZipStream*>(ctx);
    zip_int64_t got = zip_fread(self->f_, buf, static_cast<zip_uint64_t>(len));
    if (got < 0) {
      self->failed_ = true;
      self->error_ = zip_file_strerror(self->f_);
      return -1;
    }
    self->done_ += static_cast<uint64_t>(got);
    return static_cast<int>(got);
  }
  static int Close(void*) { return 0; }

  uint64_t done() const { return done_; }
  uint64_t size() const { return size_; }
  bool failed() const { return failed_; }
  const std::string& error() const { return error_; }

 private:
  zip_file_t* f_;
  uint64_t size_;
  uint64_t done_ = 0;
  bool failed_ = false;
  std::string error_;
};

// A pull parser over a zip entry.
class Xml {
 public:
  Xml(std::unique_ptr<ZipStream> stream, std::string part)
      : stream_(std::move(stream)), part_(std::move(part)) {
    r_ = xmlReaderForIO(&ZipStream::Read, &ZipStream::Close, stream_.get(), part_.c_str(), nullptr,
                        kXmlOptions);
    if (r_) xmlTextReaderSetErrorHandler(r_, &Xml::OnError, this);
  }
  ~Xml() {
    if (r_) xmlFreeTextReader(r_);
  }
  Xml(const Xml&) = delete;
  Xml& operator=(const Xml&) = delete;

  // Advances; false at the end. Errors: broken XML or zip data.
  Result<bool> Read() {
    if (!r_) return BadXml(part_, "cannot create the XML reader");
    int rc = xmlTextReaderRead(r_);
    if (rc == 1) return true;
    if (rc == 0 && error_.empty()) return false;
    if (stream_->failed()) return BadZip(part_ + ": " + stream_->error());
    return BadXml(part_, error_.empty() ? "parse error" : error_);
  }
  int type() const { return xmlTextReaderNodeType(r_); }
  bool IsElement(const char* name) const {
    return type() == XML_READER_TYPE_ELEMENT && NameIs(name);
  }
  bool IsEnd(const char* name) const {
    return type() == XML_READER_TYPE_END_ELEMENT && NameIs(name);
  }
  bool NameIs(const char* name) const {
    const xmlChar* n = xmlTextReaderConstLocalName(r_);
    return n && std::strcmp(reinterpret_cast<const char*>(n), name) == 0;
  }
  bool empty() const { return xmlTextReaderIsEmptyElement(r_) == 1; }
  bool IsText() const {
    int t = type();
    return t == XML_READER_TYPE_TEXT || t == XML_READER_TYPE_CDATA ||
           t == XML_READER_TYPE_SIGNIFICANT_WHITESPACE || t == XML_READER_TYPE_WHITESPACE;
  }
  std::string_view value() const {
    const xmlChar* v = xmlTextReaderConstValue(r_);
    return v ? std::string_view(reinterpret_cast<const char*>(v)) : std::string_view();
  }
  // The attribute with local name `name` (any namespace unless `namespaced`: then only one
  // with a prefix, like r:id). "" when absent.
  std::string Attr(const char* name, bool namespaced = false) {
    std::string out;
    if (xmlTextReaderMoveToFirstAttribute(r_) != 1) return out;
    do {
      const xmlChar* local = xmlTextReaderConstLocalName(r_);
      const xmlChar* prefix = xmlTextReaderConstPrefix(r_);
      if (local && std::strcmp(reinterpret_cast<const char*>(local), name) == 0 &&
          (!namespaced || prefix)) {
        out = std::string(value());
        break;
      }
    } while (xmlTextReaderMoveToNextAttribute(r_) == 1);
    xmlTextReaderMoveToElement(r_);
    return out;
  }
  const ZipStream& stream() const { return *stream_; }

 private:
  static void OnError(void* arg, const char* msg, xmlParserSeverities severity,
                      xmlTextReaderLocatorPtr) {
    auto* self = static_cast<Xml*>(arg);
    if (severity == XML_PARSER_SEVERITY_ERROR || severity == XML_PARSER_SEVERITY_VALIDITY_ERROR) {
      if (self->error_.empty()) {
        self->error_ = msg ? msg : "error";
        while (!self->error_.empty() && self->error_.back() == '\n') self->error_.pop_back();
      }
    }
  }

  std::unique_ptr<ZipStream> stream_;
  std::string part_;
  xmlTextReaderPtr r_ = nullptr;
  std::string error_;
};

struct Relationship {
  std::string id, type, target;
};

// "xl" + "worksheets/sheet1.xml" -> "xl/worksheets/sheet1.xml"; "/xl/a.xml" -> "xl/a.xml";
// ".." segments resolved.
std::string ResolvePart(const std::string& dir, const std::string& target) {
  std::string joined = !target.empty() && target[0] == '/' ? target.substr(1)
                       : dir.empty()                       ? target
                                                           : dir + "/" + target;
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= joined.size()) {
    size_t slash = joined.find('/', start);
    if (slash == std::string::npos) slash = joined.size();
    std::string seg = joined.substr(start, slash - start);
    if (seg == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!seg.empty() && seg != ".") {
      parts.push_back(seg);
    }
    start = slash + 1;
  }
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

std::string DirOf(const std::string& part) {
  size_t slash = part.rfind('/');
  return slash == std::string::npos ? "" : part.substr(0, slash);
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Whether a number format code shows a date (y or d outside quotes, brackets and escapes).
bool IsDateFormatCode(std::string_view code) {
  bool quoted = false;
  for (size_t i = 0; i < code.size(); ++i) {
    char c = code[i];
    if (quoted) {
      if (c == '"') quoted = false;
      continue;
    }
    if (c == '"') {
      quoted = true;
    } else if (c == '\\' || c == '_' || c == '*') {
      ++i;
    } else if (c == '[') {
      size_t close = code.find(']', i);
      if (close == std::string_view::npos) return false;
      i = close;
    } else if (c == 'y' || c == 'Y' || c == 'd' || c == 'D') {
      return true;
    }
  }
  return false;
}

bool IsBuiltinDateFormat(int id) {
  return (id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 31) || id == 36 ||
         (id >= 50 && id <= 54) || id == 57 || id == 58;
}

// Days since 1970-01-01 to "YYYY-MM-DD" (proleptic Gregorian).
std::string CivilDate(int64_t days) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t doe = days - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", static_cast<int>(y % 10000), static_cast<int>(m),
                static_cast<int>(d));
  return buf;
}

// "C17" -> column 2, row 17. False when malformed or out of Excel's range.
bool ParseCellRef(std::string_view ref, int32_t* column, int64_t* row) {
  size_t i = 0;
  int64_t col = 0;
  while (i < ref.size() && ((ref[i] >= 'A' && ref[i] <= 'Z') || (ref[i] >= 'a' && ref[i] <= 'z'))) {
    col = col * 26 + ((ref[i] | 0x20) - 'a' + 1);
    if (col > kMaxColumns) return false;
    ++i;
  }
  if (i == 0 || i == ref.size()) return false;
  int64_t r = 0;
  for (; i < ref.size(); ++i) {
    if (ref[i] < '0' || ref[i] > '9') return false;
    r = r * 10 + (ref[i] - '0');
    if (r > kMaxRows) return false;
  }
  if (r == 0) return false;
  *column = static_cast<int32_t>(col - 1);
  *row = r;
  return true;
}

bool ParseUint(std::string_view s, int64_t* out) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < 0) return false;
  *out = v;
  return true;
}

class XlsxReader final : public Reader {
 public:
  XlsxReader() { xmlSetGenericErrorFunc(nullptr, &SilentXmlErrors); }
  ~XlsxReader() override {
    sheet_.reset();
    if (zip_) zip_discard(zip_);
  }

  Result<void> OpenFile(const std::string& path) {
    int err = 0;
    zip_ = zip_open(path.c_str(), ZIP_RDONLY, &err);
    if (!zip_) {
      zip_error_t ze;
      zip_error_init_with_code(&ze, err);
      std::string msg = zip_error_strerror(&ze);
      zip_error_fini(&ze);
      if (err == ZIP_ER_OPEN || err == ZIP_ER_READ || err == ZIP_ER_NOENT) {
        return Unreadable(path + ": " + msg);
      }
      return BadZip(msg);
    }
    return Init();
  }

  Result<void> OpenBytes(std::string bytes) {
    bytes_ = std::move(bytes);
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t* src = zip_source_buffer_create(bytes_.data(), bytes_.size(), 0, &ze);
    if (!src) {
      std::string msg = zip_error_strerror(&ze);
      zip_error_fini(&ze);
      return BadZip(msg);
    }
    zip_ = zip_open_from_source(src, ZIP_RDONLY, &ze);
    if (!zip_) {
      zip_source_free(src);
      std::string msg = zip_error_strerror(&ze);
      zip_error_fini(&ze);
      return BadZip(msg);
    }
    zip_error_fini(&ze);
    return Init();
  }

  const std::vector<std::string>& columns() const override { return columns_; }

  Result<bool> Next(Row* row) override {
    while (true) {
      ZJ_ASSIGN_OR_RETURN(bool any, NextSheetRow(row));
      if (!any) return false;
      bool blank = true;
      for (const auto& c : row->cells) blank = blank && c.text.empty();
      if (!blank) return true;
    }
  }

  uint64_t progress_done() const override { return sheet_ ? sheet_->stream().done() : 0; }
  uint64_t progress_total() const override { return sheet_ ? sheet_->stream().size() : 0; }
  std::string Where(int64_t line, int32_t column) const override {
    return ColumnLetters(column) + std::to_string(line);
  }
  Encoding encoding() const override { return Encoding::kUtf8; }

 private:
  // Opens an entry as a pull parser; nullptr when absent.
  Result<std::unique_ptr<Xml>> OpenPart(const std::string& name) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat(zip_, name.c_str(), ZIP_FL_NOCASE, &st) != 0) return std::unique_ptr<Xml>();
    zip_file_t* f = zip_fopen(zip_, name.c_str(), ZIP_FL_NOCASE);
    if (!f) return BadZip(name + ": " + zip_strerror(zip_));
    uint64_t size = (st.valid & ZIP_STAT_SIZE) ? st.size : 0;
    return std::make_unique<Xml>(std::make_unique<ZipStream>(f, size), name);
  }

  Result<std::vector<Relationship>> ReadRels(const std::string& name) {
    std::vector<Relationship> rels;
    ZJ_ASSIGN_OR_RETURN(auto xml, OpenPart(name));
    if (!xml) return rels;
    while (true) {
      ZJ_ASSIGN_OR_RETURN(bool more, xml->Read());
      if (!more) break;
      if (xml->IsElement("Relationship")) {
        rels.push_back({xml->Attr("Id"), xml->Attr("Type"), xml->Attr("Target")});
      }
    }
    return rels;
  }

  Result<void> Init() {
    // The workbook part, from the package relationships.
    std::string workbook = "xl/workbook.xml";
    ZJ_ASSIGN_OR_RETURN(auto root_rels, ReadRels("_rels/.rels"));
    for (const auto& r : root_rels) {
      if (EndsWith(r.type, "/officeDocument")) workbook = ResolvePart("", r.target);
    }
    const std::string dir = DirOf(workbook);
    std::string sheet_rid;
    {
      ZJ_ASSIGN_OR_RETURN(auto xml, OpenPart(workbook));
      if (!xml) {
        return Error::Invalid("import.xlsx-no-sheet", "XLSX 文件中没有工作簿",
                              "the XLSX file holds no workbook", workbook);
      }
      while (true) {
        ZJ_ASSIGN_OR_RETURN(bool more, xml->Read());
        if (!more) break;
        if (xml->IsElement("workbookPr")) {
          std::string v = xml->Attr("date1904");
          date1904_ = v == "1" || v == "true";
        } else if (xml->IsElement("sheet") && sheet_rid.empty()) {
          sheet_rid = xml->Attr("id", true);
          if (sheet_rid.empty()) sheet_rid = "\x01";  // a sheet without r:id: use the default
        }
      }
    }
    const std::string rels_name = (dir.empty() ? "" : dir + "/") + "_rels/" +
                                  workbook.substr(dir.empty() ? 0 : dir.size() + 1) + ".rels";
    ZJ_ASSIGN_OR_RETURN(auto rels, ReadRels(rels_name));
    std::string sheet_part, styles_part = ResolvePart(dir, "styles.xml"),
                            shared_part = ResolvePart(dir, "sharedStrings.xml");
    for (const auto& r : rels) {
      if (r.id == sheet_rid) sheet_part = ResolvePart(dir, r.target);
      if (EndsWith(r.type, "/styles")) styles_part = ResolvePart(dir, r.target);
      if (EndsWith(r.type, "/sharedStrings")) shared_part = ResolvePart(dir, r.target);
    }
    if (sheet_part.empty()) sheet_part = ResolvePart(dir, "worksheets/sheet1.xml");
    ZJ_TRY(ReadStyles(styles_part));
    ZJ_TRY(ReadSharedStrings(shared_part));
    ZJ_ASSIGN_OR_RETURN(sheet_, OpenPart(sheet_part));
    if (!sheet_) {
      return Error::Invalid("import.xlsx-no-sheet", "XLSX 文件中没有工作表",
                            "the XLSX file holds no worksheet", sheet_part);
    }
    // The header: the first non-blank row.
    Row header;
    ZJ_ASSIGN_OR_RETURN(bool any, Next(&header));
    if (!any) {
      return Error::Invalid("import.empty-file", "文件为空（没有表头行）",
                            "the file is empty (no header row)");
    }
    for (auto& c : header.cells) {
      if (static_cast<size_t>(c.column) >= columns_.size()) columns_.resize(c.column + 1);
      columns_[c.column] = std::move(c.text);
    }
    return Ok();
  }

  Result<void> ReadStyles(const std::string& part) {
    ZJ_ASSIGN_OR_RETURN(auto xml, OpenPart(part));
    if (!xml) return Ok();
    std::unordered_map<int64_t, bool> custom;  // numFmtId -> is a date
    bool in_cell_xfs = false;
    while (true) {
      ZJ_ASSIGN_OR_RETURN(bool more, xml->Read());
      if (!more) break;
      if (xml->IsElement("numFmt")) {
        int64_t id = 0;
        if (ParseUint(xml->Attr("numFmtId"), &id))
          custom[id] = IsDateFormatCode(xml->Attr("formatCode"));
      } else if (xml->IsElement("cellXfs")) {
        in_cell_xfs = !xml->empty();
      } else if (xml->IsEnd("cellXfs")) {
        in_cell_xfs = false;
      } else if (in_cell_xfs && xml->IsElement("xf")) {
        int64_t id = 0;
        bool date = false;
        if (ParseUint(xml->Attr("numFmtId"), &id)) {
          auto it = custom.find(id);
          date = it != custom.end() ? it->second : IsBuiltinDateFormat(static_cast<int>(id));
        }
        date_styles_.push_back(date);
        if (date_styles_.size() > 1000000) return BadXml(part, "too many styles");
      }
    }
    return Ok();
  }

  Result<void> ReadSharedStrings(const std::string& part) {
    ZJ_ASSIGN_OR_RETURN(auto xml, OpenPart(part));
    if (!xml) return Ok();
    uint64_t bytes = 0;
    bool in_si = false, in_t = false;
    int rph = 0;
    std::string cur;
    while (true) {
      ZJ_ASSIGN_OR_RETURN(bool more, xml->Read());
      if (!more) break;
      if (xml->IsElement("si")) {
        in_si = true;
        cur.clear();
        if (xml->empty()) {
          shared_.emplace_back();
          in_si = false;
        }
      } else if (xml->IsEnd("si")) {
        bytes += cur.size() + 32;
        if (bytes > kMaxSharedBytes) {
          return Error::Invalid("import.xlsx-too-big", "XLSX 共享字符串过大",
                                "the XLSX shared strings are too large", part);
        }
        shared_.push_back(std::move(cur));
        cur.clear();
        in_si = false;
      } else if (xml->IsElement("rPh")) {
        if (!xml->empty()) ++rph;
      } else if (xml->IsEnd("rPh")) {
        if (rph > 0) --rph;
      } else if (xml->IsElement("t")) {
        in_t = in_si && rph == 0 && !xml->empty();
      } else if (xml->IsEnd("t")) {
        in_t = false;
      } else if (in_t && xml->IsText()) {
        cur.append(xml->value());
      }
    }
    return Ok();
  }

  Result<void> FinishCell(Row* row) {
    Cell cell;
    cell.column = cell_col_;
    cell.line = row_num_;
    if (cell_t_ == "s") {
      int64_t idx = -1;
      if (!ParseUint(value_, &idx) || static_cast<uint64_t>(idx) >= shared_.size()) {
        return BadXml("sheet", "bad shared string index at " + Where(row_num_, cell_col_));
      }
      cell.text = shared_[static_cast<size_t>(idx)];
    } else if (cell_t_ == "inlineStr") {
      cell.text = std::move(inline_);
    } else if (cell_t_ == "b") {
      if (value_.empty()) return Ok();
      cell.type = CellType::kBool;
      cell.text = value_ == "1" || value_ == "true" ? "true" : "false";
    } else if (cell_t_ == "str" || cell_t_ == "e") {
      cell.text = std::move(value_);
    } else if (cell_t_ == "d") {
      cell.type = CellType::kDate;
      cell.text = value_.substr(0, value_.find('T'));
    } else {  // "n" or absent: a number
      if (value_.empty()) return Ok();
      cell.type = CellType::kNumber;
      cell.text = std::move(value_);
      if (cell_s_ >= 0 && static_cast<size_t>(cell_s_) < date_styles_.size() &&
          date_styles_[static_cast<size_t>(cell_s_)]) {
        double serial = 0;
        auto [p, ec] =
            std::from_chars(cell.text.data(), cell.text.data() + cell.text.size(), serial);
        if (ec == std::errc() && p == cell.text.data() + cell.text.size() &&
            std::isfinite(serial) && serial >= (date1904_ ? 0 : 1) && serial < 2958466) {
          int64_t whole = static_cast<int64_t>(std::floor(serial));
          if (date1904_) {
            cell.text = CivilDate(whole - 24107);
          } else if (whole == 60) {
            cell.text = "1900-02-29";  // Lotus' phantom leap day; refused by date parsing
          } else {
            cell.text = CivilDate(whole + (whole < 60 ? -25568 : -25569));
          }
          cell.type = CellType::kDate;
        }
      }
    }
    if (!cell.text.empty()) row->cells.push_back(std::move(cell));
    return Ok();
  }

  // The next <row> of the sheet (possibly blank).
  Result<bool> NextSheetRow(Row* row) {
    if (!sheet_ || sheet_done_) return false;
    *row = Row();
    bool in_row = false;
    while (true) {
      ZJ_ASSIGN_OR_RETURN(bool more, sheet_->Read());
      if (!more) {
        sheet_done_ = true;
        return in_row;
      }
      Xml& x = *sheet_;
      const int type = x.type();
      if (type == XML_READER_TYPE_ELEMENT) {
        if (x.NameIs("row")) {
          int64_t r = 0;
          std::string ra = x.Attr("r");
          if (!ra.empty()) {
            if (!ParseUint(ra, &r) || r < 1 || r > kMaxRows) {
              return BadXml("sheet", "bad row number \"" + ra.substr(0, 20) + "\"");
            }
          } else {
            r = row_num_ + 1;
          }
          row_num_ = r;
          next_col_ = 0;
          row->line = r;
          if (x.empty()) return true;
          in_row = true;
        } else if (x.NameIs("c") && in_row) {
          std::string ref = x.Attr("r");
          int64_t r = row_num_;
          if (!ref.empty()) {
            if (!ParseCellRef(ref, &cell_col_, &r)) {
              return BadXml("sheet", "bad cell reference \"" + ref.substr(0, 20) + "\"");
            }
          } else {
            if (next_col_ >= kMaxColumns) return BadXml("sheet", "too many columns");
            cell_col_ = next_col_;
          }
          next_col_ = cell_col_ + 1;
          cell_t_ = x.Attr("t");
          int64_t s = -1;
          std::string sa = x.Attr("s");
          if (sa.empty() || !ParseUint(sa, &s)) s = -1;
          cell_s_ = s;
          value_.clear();
          inline_.clear();
          in_cell_ = !x.empty();
        } else if (in_cell_ && x.NameIs("v")) {
          capture_ = x.empty() ? kNone : kValue;
        } else if (in_cell_ && x.NameIs("rPh")) {
          if (!x.empty()) ++rph_;
        } else if (in_cell_ && x.NameIs("t") && rph_ == 0) {
          capture_ = x.empty() ? kNone : kInline;
        }
      } else if (type == XML_READER_TYPE_END_ELEMENT) {
        if (x.NameIs("v") || x.NameIs("t")) {
          capture_ = kNone;
        } else if (x.NameIs("rPh")) {
          if (rph_ > 0) --rph_;
        } else if (x.NameIs("c") && in_cell_) {
          in_cell_ = false;
          capture_ = kNone;
          ZJ_TRY(FinishCell(row));
        } else if (x.NameIs("row") && in_row) {
          return true;
        } else if (x.NameIs("sheetData")) {
          sheet_done_ = true;
          return in_row;
        }
      } else if (capture_ != kNone && x.IsText()) {
        (capture_ == kValue ? value_ : inline_).append(x.value());
        if (value_.size() + inline_.size() > (1u << 24)) return BadXml("sheet", "cell too large");
      }
    }
  }

  zip_t* zip_ = nullptr;
  std::string bytes_;  // the zip in memory (OpenBytes)
  bool date1904_ = false;
  std::vector<bool> date_styles_;  // per cellXfs index
  std::vector<std::string> shared_;
  std::unique_ptr<Xml> sheet_;
  bool sheet_done_ = false;
  std::vector<std::string> columns_;
  // Sheet parsing state.
  enum Capture { kNone, kValue, kInline };
  Capture capture_ = kNone;
  int64_t row_num_ = 0;
  int32_t next_col_ = 0;
  int32_t cell_col_ = 0;
  int64_t cell_s_ = -1;
  std::string cell_t_;
  std::string value_, inline_;
  bool in_cell_ = false;
  int rph_ = 0;
};

}  // namespace

Result<std::unique_ptr<Reader>> OpenXlsxFile(const std::string& path) {
  auto r = std::make_unique<XlsxReader>();
  ZJ_TRY(r->OpenFile(path));
  return std::unique_ptr<Reader>(std::move(r));
}

Result<std::unique_ptr<Reader>> OpenXlsxBytes(std::string bytes) {
  auto r = std::make_unique<XlsxReader>();
  ZJ_TRY(r->OpenBytes(std::move(bytes)));
  return std::unique_ptr<Reader>(std::move(r));
}

}  // namespace zhijian::registry::import::internal
