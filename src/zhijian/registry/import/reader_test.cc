// Tests of the import readers (reader.h): CSV edge cases, encodings, XLSX written with
// libxlsxwriter, JSON and JSON Lines, unreadable files, and garbage that must not crash.
#include "zhijian/registry/import/reader.h"

#include <gtest/gtest.h>
#include <iconv.h>
#include <stdlib.h>
#include <xlsxwriter.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "zhijian/registry/import/reader_internal.h"

namespace zhijian::registry::import {
namespace {

struct Table {
  std::vector<std::string> columns;
  std::vector<Row> rows;
};

Result<Table> ReadAll(std::unique_ptr<Reader> r) {
  Table t;
  Row row;
  while (true) {
    auto more = r->Next(&row);
    if (!more) return more.error();
    if (!*more) break;
    t.rows.push_back(row);
  }
  t.columns = r->columns();
  return t;
}

Result<Table> ReadBytes(std::string bytes, Format f, Encoding e = Encoding::kAuto) {
  ZJ_ASSIGN_OR_RETURN(auto r, OpenReaderFromBytes(std::move(bytes), {f, e}));
  return ReadAll(std::move(r));
}

// Cell texts of a row (CSV gives every cell).
std::vector<std::string> Texts(const Row& row) {
  std::vector<std::string> out;
  for (const auto& c : row.cells) out.push_back(c.text);
  return out;
}

std::string ToGb18030(const std::string& utf8) {
  iconv_t cd = iconv_open("GB18030", "UTF-8");
  EXPECT_NE(cd, reinterpret_cast<iconv_t>(-1));
  std::string out(utf8.size() * 4 + 16, '\0');
  char* in = const_cast<char*>(utf8.data());
  size_t in_left = utf8.size();
  char* o = out.data();
  size_t o_left = out.size();
  EXPECT_NE(iconv(cd, &in, &in_left, &o, &o_left), static_cast<size_t>(-1));
  iconv_close(cd);
  out.resize(out.size() - o_left);
  return out;
}

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/zj-import-XXXXXX";
    EXPECT_NE(mkdtemp(tmpl), nullptr);
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// ---- CSV ----------------------------------------------------------------------------------

TEST(CsvReader, HeaderRowsAndLocations) {
  auto t = ReadBytes("机构名称,统一社会信用代码\n甲,91\n乙,92\n", Format::kCsv);
  ASSERT_TRUE(t.ok()) << t.error().ToString();
  EXPECT_EQ(t->columns, (std::vector<std::string>{"机构名称", "统一社会信用代码"}));
  ASSERT_EQ(t->rows.size(), 2u);
  EXPECT_EQ(Texts(t->rows[1]), (std::vector<std::string>{"乙", "92"}));
  EXPECT_EQ(t->rows[1].line, 3);
  EXPECT_EQ(t->rows[1].cells[1].column, 1);
  auto r = OpenReaderFromBytes("a,b\n1,2\n", {Format::kCsv});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->Where(3, 1), "3:2");
}

TEST(CsvReader, QuotesDoubledQuotesAndEmbeddedNewlines) {
  const std::string csv =
      "a,b,c\r\n"
      "\"x, y\",\"say \"\"hi\"\"\",\"line1\r\nline2\nline3\"\r\n"
      "next,\"\",end\r\n";
  auto t = ReadBytes(csv, Format::kCsv);
  ASSERT_TRUE(t.ok()) << t.error().ToString();
  ASSERT_EQ(t->rows.size(), 2u);
  EXPECT_EQ(Texts(t->rows[0]),
            (std::vector<std::string>{"x, y", "say \"hi\"", "line1\r\nline2\nline3"}));
  EXPECT_EQ(t->rows[0].line, 2);
  // The row after a field spanning three lines starts on line 5.
  EXPECT_EQ(t->rows[1].line, 5);
  EXPECT_EQ(t->rows[1].cells[2].line, 5);
  EXPECT_EQ(Texts(t->rows[1]), (std::vector<std::string>{"next", "", "end"}));
}

TEST(CsvReader, LineEndsBomBlankLinesAndTrailingFields) {
  // BOM, LF, lone CR, CRLF, blank lines (also ",,"), no final newline, a trailing empty field.
  const std::string csv =
      "\xEF\xBB\xBF"
      "h1,h2\n1,2\r3,4\r\n\n,,\n\r\n5,\n6,7";
  auto t = ReadBytes(csv, Format::kCsv);
  ASSERT_TRUE(t.ok()) << t.error().ToString();
  EXPECT_EQ(t->columns, (std::vector<std::string>{"h1", "h2"}));
  ASSERT_EQ(t->rows.size(), 4u);
  EXPECT_EQ(Texts(t->rows[0]), (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(Texts(t->rows[1]), (std::vector<std::string>{"3", "4"}));
  EXPECT_EQ(t->rows[1].line, 3);
  EXPECT_EQ(Texts(t->rows[2]), (std::vector<std::string>{"5", ""}));
  EXPECT_EQ(t->rows[2].line, 7);
  EXPECT_EQ(Texts(t->rows[3]), (std::vector<std::string>{"6", "7"}));
  EXPECT_EQ(t->rows[3].line, 8);
}

TEST(CsvReader, LenientStrayQuotes) {
  auto t = ReadBytes("a,b\n5\"寸,\"x\"y\n", Format::kCsv);
  ASSERT_TRUE(t.ok()) << t.error().ToString();
  ASSERT_EQ(t->rows.size(), 1u);
  EXPECT_EQ(Texts(t->rows[0]), (std::vector<std::string>{"5\"寸", "xy"}));
}

TEST(CsvReader, UnterminatedQuoteIsAnError) {
  auto t = ReadBytes("a,b\n1,2\n3,\"open\n4,5\n", Format::kCsv);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code(), "import.csv-unterminated-quote");
  EXPECT_NE(t.error().detail().find("line 3"), std::string::npos) << t.error().detail();
}

TEST(CsvReader, EmptyFileHasNoHeader) {
  for (std::string s : {"", "\n\n", "\xEF\xBB\xBF", ",,\r\n"}) {
    auto r = OpenReaderFromBytes(s, {Format::kCsv});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code(), "import.empty-file");
  }
}

// A file larger than the 1 MiB chunk: multi-byte characters and quoted fields cross chunk
// boundaries; every row must come back intact with its line.
std::string BigCsv(int rows) {
  std::string s = "编号,名称,备注\n";
  for (int i = 0; i < rows; ++i) {
    s += std::to_string(i) + ",检验检测机构" + std::to_string(i) + "号,\"多行\n备注，含逗号" +
         std::to_string(i) + "\"\n";
  }
  return s;
}

void CheckBig(const Table& t, int rows) {
  ASSERT_EQ(t.rows.size(), static_cast<size_t>(rows));
  for (int i = 0; i < rows; ++i) {
    const Row& r = t.rows[i];
    ASSERT_EQ(r.cells.size(), 3u);
    ASSERT_EQ(r.cells[0].text, std::to_string(i));
    ASSERT_EQ(r.cells[1].text, "检验检测机构" + std::to_string(i) + "号");
    ASSERT_EQ(r.cells[2].text, "多行\n备注，含逗号" + std::to_string(i));
    ASSERT_EQ(r.line, 2 + 2 * i);
  }
}

TEST(CsvReader, LargeFileAcrossChunks) {
  const int n = 40000;  // about 2.5 MB
  std::string csv = BigCsv(n);
  ASSERT_GT(csv.size(), 2 * internal::kChunkSize);
  auto t = ReadBytes(csv, Format::kCsv);
  ASSERT_TRUE(t.ok()) << t.error().ToString();
  CheckBig(*t, n);
}

// ---- encodings ----------------------------------------------------------------------------

TEST(Encoding, Utf8Validation) {
  bool bad = false;
  EXPECT_TRUE(internal::IsValidUtf8("abc 中文 😀"));
  EXPECT_FALSE(internal::IsValidUtf8("\xC0\xAF"));          // overlong
  EXPECT_FALSE(internal::IsValidUtf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(internal::IsValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_EQ(internal::Utf8ValidPrefix("ab\xE4\xB8", &bad), 2u);
  EXPECT_FALSE(bad);  // cut short, not invalid
  EXPECT_EQ(internal::Utf8ValidPrefix("ab\xE4(", &bad), 2u);
  EXPECT_TRUE(bad);
}

TEST(Encoding, Gb18030IsDetectedAndConverted) {
  const std::string utf8 =
      "机构名称,地址\n山东省计量科学研究院,济南市历下区千佛山东路28号\n"
      "𠀀字（四字节）,€\n";
  const std::string gb = ToGb18030(utf8);
  ASSERT_NE(gb, utf8);
  ASSERT_FALSE(internal::IsValidUtf8(gb));
  auto r = OpenReaderFromBytes(gb, {Format::kCsv});
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ((*r)->encoding(), Encoding::kGb18030);
  auto t = ReadAll(std::move(*r));
  ASSERT_TRUE(t.ok()) << t.error().ToString();
  EXPECT_EQ(t->columns, (std::vector<std::string>{"机构名称", "地址"}));
  ASSERT_EQ(t->rows.size(), 2u);
  EXPECT_EQ(Texts(t->rows[0]),
            (std::vector<std::string>{"山东省计量科学研究院", "济南市历下区千佛山东路28号"}));
  EXPECT_EQ(Texts(t->rows[1]), (std::vector<std::string>{"𠀀字（四字节）", "€"}));
  // Explicit encodings: UTF-8 refuses these bytes; GB18030 reads them.
  auto as_utf8 = ReadBytes(gb, Format::kCsv, Encoding::kUtf8);
  ASSERT_FALSE(as_utf8.ok());
  EXPECT_EQ(as_utf8.error().code(), "import.bad-encoding");
  EXPECT_TRUE(ReadBytes(gb, Format::kCsv, Encoding::kGb18030).ok());
}

TEST(Encoding, LargeGb18030AcrossChunks) {
  const int n = 40000;
  auto t = ReadBytes(ToGb18030(BigCsv(n)), Format::kCsv);
  ASSERT_TRUE(t.ok()) << t.error().ToString();
  CheckBig(*t, n);
}

TEST(Encoding, InvalidBytesMakeTheFileUnreadable) {
  // Valid UTF-8 first (so UTF-8 is chosen), a stray byte after the first chunk.
  std::string csv = BigCsv(20000) + "x,\xFF\xFE,y\n";
  auto t = ReadBytes(csv, Format::kCsv);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code(), "import.bad-encoding");
  EXPECT_NE(t.error().detail().find("at byte " + std::to_string(csv.size() - 5)), std::string::npos)
      << t.error().detail();
  // Neither UTF-8 nor GB18030 (0x80 alone is not GB18030).
  auto g = ReadBytes("a,b\n\x80\x80\x80,1\n", Format::kCsv);
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().code(), "import.bad-encoding");
  // A UTF-8 sequence cut by the end of the file.
  auto cut = ReadBytes("a,b\n中,\xE6\x96", Format::kCsv, Encoding::kUtf8);
  ASSERT_FALSE(cut.ok());
  EXPECT_EQ(cut.error().code(), "import.bad-encoding");
}

TEST(Encoding, Gb18030BomIsRemoved) {
  auto t = ReadBytes(std::string("\x84\x31\x95\x33") + ToGb18030("名称\n甲\n"), Format::kCsv);
  ASSERT_TRUE(t.ok()) << t.error().ToString();
  EXPECT_EQ(t->columns, (std::vector<std::string>{"名称"}));
}

// ---- files --------------------------------------------------------------------------------

TEST(Files, MissingFileAndFormats) {
  auto r = OpenReader("/nonexistent/zj.csv", {Format::kCsv});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), "import.unreadable");
  auto x = OpenReader("/nonexistent/zj.xlsx", {Format::kXlsx});
  ASSERT_FALSE(x.ok());
  EXPECT_EQ(x.error().code(), "import.unreadable");
  EXPECT_EQ(*FormatFromPath("a/b.CSV"), Format::kCsv);
  EXPECT_EQ(*FormatFromPath("b.xlsx"), Format::kXlsx);
  EXPECT_EQ(*FormatFromPath("b.jsonl"), Format::kJson);
  EXPECT_FALSE(FormatFromPath("b.xls").ok());
  EXPECT_FALSE(FormatFromPath("dir.csv/file").ok());
  EXPECT_EQ(ColumnLetters(0), "A");
  EXPECT_EQ(ColumnLetters(25), "Z");
  EXPECT_EQ(ColumnLetters(26), "AA");
  EXPECT_EQ(ColumnLetters(16383), "XFD");
}

// ---- XLSX ---------------------------------------------------------------------------------

// Writes a workbook: header, text (shared strings), a number, a date (custom and built-in
// formats), an empty cell, a boolean, a formula; a second sheet that must be ignored.
void WriteXlsx(const std::string& path, bool constant_memory) {
  lxw_workbook_options opts = {};
  opts.constant_memory = constant_memory ? LXW_TRUE : LXW_FALSE;
  lxw_workbook* wb = workbook_new_opt(path.c_str(), &opts);
  ASSERT_NE(wb, nullptr);
  lxw_worksheet* ws = workbook_add_worksheet(wb, "能力");
  lxw_format* date_fmt = workbook_add_format(wb);
  format_set_num_format(date_fmt, "yyyy\"年\"m\"月\"d\"日\"");
  lxw_format* builtin_date = workbook_add_format(wb);
  format_set_num_format_index(builtin_date, 14);
  lxw_format* money = workbook_add_format(wb);
  format_set_num_format(money, "#,##0.00");
  const char* headers[] = {"证书编号", "批准日期",         "罚款金额",
                           "备注",     "是否国家质检中心", "有效期至"};
  for (int c = 0; c < 6; ++c) worksheet_write_string(ws, 0, c, headers[c], nullptr);
  // Row 2: all kinds of cells.
  worksheet_write_string(ws, 1, 0, "230000000123", nullptr);
  lxw_datetime d1 = {2024, 3, 5, 0, 0, 0};
  worksheet_write_datetime(ws, 1, 1, &d1, date_fmt);
  worksheet_write_number(ws, 1, 2, 12500.5, money);
  // column 3 (备注) left empty
  worksheet_write_boolean(ws, 1, 4, 1, nullptr);
  lxw_datetime d2 = {1900, 1, 15, 0, 0, 0};
  worksheet_write_datetime(ws, 1, 5, &d2, builtin_date);
  // Row 3: a repeated shared string, a formula, a date-time.
  worksheet_write_string(ws, 2, 0, "230000000123", nullptr);
  lxw_datetime d3 = {2031, 12, 31, 13, 45, 0};
  worksheet_write_datetime(ws, 2, 1, &d3, date_fmt);
  worksheet_write_formula_num(ws, 2, 2, "=1+2", nullptr, 3);
  worksheet_write_string(ws, 2, 3, "含 \"引号\" & <尖括号>", nullptr);
  worksheet_write_boolean(ws, 2, 4, 0, nullptr);
  // Row 5 (row 4 blank): only column F.
  lxw_datetime d4 = {1900, 3, 1, 0, 0, 0};
  worksheet_write_datetime(ws, 4, 5, &d4, builtin_date);
  lxw_worksheet* other = workbook_add_worksheet(wb, "其他");
  worksheet_write_string(other, 0, 0, "不应读取", nullptr);
  ASSERT_EQ(workbook_close(wb), LXW_NO_ERROR);
}

void CheckXlsx(const Table& t) {
  EXPECT_EQ(t.columns, (std::vector<std::string>{"证书编号", "批准日期", "罚款金额", "备注",
                                                 "是否国家质检中心", "有效期至"}));
  ASSERT_EQ(t.rows.size(), 3u);
  const Row& r2 = t.rows[0];
  EXPECT_EQ(r2.line, 2);
  ASSERT_EQ(r2.cells.size(), 5u);  // the empty cell is absent
  EXPECT_EQ(r2.cells[0].text, "230000000123");
  EXPECT_EQ(r2.cells[0].type, CellType::kText);
  EXPECT_EQ(r2.cells[1].text, "2024-03-05");
  EXPECT_EQ(r2.cells[1].type, CellType::kDate);
  EXPECT_EQ(r2.cells[2].text, "12500.5");
  EXPECT_EQ(r2.cells[2].type, CellType::kNumber);
  EXPECT_EQ(r2.cells[3].column, 4);
  EXPECT_EQ(r2.cells[3].text, "true");
  EXPECT_EQ(r2.cells[3].type, CellType::kBool);
  EXPECT_EQ(r2.cells[4].column, 5);
  EXPECT_EQ(r2.cells[4].text, "1900-01-15");
  const Row& r3 = t.rows[1];
  EXPECT_EQ(r3.line, 3);
  EXPECT_EQ(r3.cells[0].text, "230000000123");
  EXPECT_EQ(r3.cells[1].text, "2031-12-31");  // time of day dropped
  EXPECT_EQ(r3.cells[2].text, "3");           // cached formula result
  EXPECT_EQ(r3.cells[3].text, "含 \"引号\" & <尖括号>");
  EXPECT_EQ(r3.cells[4].text, "false");
  const Row& r5 = t.rows[2];
  EXPECT_EQ(r5.line, 5);
  ASSERT_EQ(r5.cells.size(), 1u);
  EXPECT_EQ(r5.cells[0].text, "1900-03-01");  // after Lotus' phantom 1900-02-29
}

TEST(XlsxReader, ReadsFirstSheetWithTypes) {
  TempDir dir;
  for (bool constant_memory : {false, true}) {  // shared strings / inline strings
    SCOPED_TRACE(constant_memory);
    const std::string path = dir / (constant_memory ? "cm.xlsx" : "t.xlsx");
    WriteXlsx(path, constant_memory);
    auto r = OpenReader(path, {Format::kXlsx});
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    EXPECT_EQ((*r)->Where(17, 2), "C17");
    EXPECT_GT((*r)->progress_total(), 0u);
    auto t = ReadAll(std::move(*r));
    ASSERT_TRUE(t.ok()) << t.error().ToString();
    CheckXlsx(*t);
  }
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(XlsxReader, BrokenFilesAreErrors) {
  TempDir dir;
  const std::string path = dir / "t.xlsx";
  WriteXlsx(path, false);
  const std::string bytes = Slurp(path);
  auto not_zip = ReadBytes("this is no zip", Format::kXlsx);
  ASSERT_FALSE(not_zip.ok());
  EXPECT_EQ(not_zip.error().code(), "import.xlsx-bad-zip");
  auto truncated = ReadBytes(bytes.substr(0, bytes.size() / 2), Format::kXlsx);
  ASSERT_FALSE(truncated.ok());
  EXPECT_EQ(truncated.error().code(), "import.xlsx-bad-zip");
  std::ofstream(dir / "bad.xlsx") << "PK\x03\x04 garbage";
  auto bad_file = OpenReader(dir / "bad.xlsx", {Format::kXlsx});
  ASSERT_FALSE(bad_file.ok());
  EXPECT_EQ(bad_file.error().code(), "import.xlsx-bad-zip");
}

// ---- JSON ---------------------------------------------------------------------------------

TEST(JsonReader, ArrayOfObjects) {
  const std::string json = R"( [
    {"uscc": "91370100", "name": "甲", "amount_yuan": 5000.50, "national_centre": true,
     "domains": ["食品", "机动车"], "address": null},
    {},
    {"name": "乙", "extra": {"nested": 1}, "uscc": "92"}
  ] )";
  auto r = OpenReaderFromBytes(json, {Format::kJson});
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  auto t = ReadAll(std::move(*r));
  ASSERT_TRUE(t.ok()) << t.error().ToString();
  EXPECT_EQ(t->columns, (std::vector<std::string>{"uscc", "name", "amount_yuan", "national_centre",
                                                  "domains", "extra"}));
  ASSERT_EQ(t->rows.size(), 2u);
  EXPECT_EQ(t->rows[0].line, 1);
  EXPECT_EQ(Texts(t->rows[0]),
            (std::vector<std::string>{"91370100", "甲", "5000.50", "true", "食品;机动车"}));
  EXPECT_EQ(t->rows[0].cells[2].type, CellType::kNumber);
  EXPECT_EQ(t->rows[0].cells[3].type, CellType::kBool);
  EXPECT_EQ(t->rows[1].line, 3);  // the empty record 2 is skipped, still counted
  ASSERT_EQ(t->rows[1].cells.size(), 3u);
  EXPECT_EQ(t->rows[1].cells[0].text, "92");  // in column order
  EXPECT_EQ(t->rows[1].cells[2].column, 5);
  EXPECT_EQ(t->rows[1].cells[2].type, CellType::kUnsupported);
  auto r2 = OpenReaderFromBytes(json, {Format::kJson});
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ((*r2)->Where(3, 1), "3:name");
}

TEST(JsonReader, JsonLines) {
  const std::string jsonl =
      "{\"uscc\":\"1\",\"name\":\"a\"}\n\n{\"name\":\"b\",\"uscc\":\"2\"}\r\n"
      "{\"uscc\":\"3\"}";
  auto t = ReadBytes(jsonl, Format::kJson);
  ASSERT_TRUE(t.ok()) << t.error().ToString();
  ASSERT_EQ(t->rows.size(), 3u);
  EXPECT_EQ(t->rows[1].line, 3);
  EXPECT_EQ(Texts(t->rows[1]), (std::vector<std::string>{"2", "b"}));
  EXPECT_EQ(t->rows[2].line, 4);
}

TEST(JsonReader, LargeArrayAcrossChunks) {
  std::string json = "[";
  const int n = 30000;
  for (int i = 0; i < n; ++i) {
    if (i) json += ",\n";
    json += "{\"number\":\"GB " + std::to_string(i) + "-2020\",\"name\":\"标准名称很长很长" +
            std::to_string(i) + "\"}";
  }
  json += "]";
  ASSERT_GT(json.size(), internal::kChunkSize);
  auto t = ReadBytes(json, Format::kJson);
  ASSERT_TRUE(t.ok()) << t.error().ToString();
  ASSERT_EQ(t->rows.size(), static_cast<size_t>(n));
  EXPECT_EQ(t->rows[n - 1].cells[1].text, "标准名称很长很长" + std::to_string(n - 1));
  EXPECT_EQ(t->rows[n - 1].line, n);
}

TEST(JsonReader, Errors) {
  struct Case {
    std::string text, code;
  } cases[] = {
      {"[{\"a\":1}, 5]", "import.json-not-object"},
      {"[[1]]", "import.json-not-object"},
      {"{\"a\":1}\n[1]\n", "import.json-not-object"},
      {"[{\"a\":1}", "import.json-syntax"},
      {"[{\"a\":1}] x", "import.json-syntax"},
      {"{\"a\":1}\n{\"a\":\n", "import.json-syntax"},
      {"{\"a\":1} {\"b\":2}\n", "import.json-syntax"},
      {"[]", "import.empty-file"},
      {"  ", "import.empty-file"},
  };
  for (const auto& c : cases) {
    auto t = ReadBytes(c.text, Format::kJson);
    ASSERT_FALSE(t.ok()) << c.text;
    EXPECT_EQ(t.error().code(), c.code) << c.text << " -> " << t.error().ToString();
  }
  auto line = ReadBytes("{\"a\":1}\n{\"a\":2}\n{bad}\n", Format::kJson);
  ASSERT_FALSE(line.ok());
  EXPECT_NE(line.error().detail().find("line 3"), std::string::npos) << line.error().detail();
}

// ---- garbage must not crash ---------------------------------------------------------------

void Drain(const std::string& bytes, Format f) {
  auto r = OpenReaderFromBytes(bytes, {f});
  if (!r) return;
  Row row;
  for (int i = 0; i < 100000; ++i) {
    auto more = (*r)->Next(&row);
    if (!more || !*more) return;
    for (const auto& c : row.cells) (void)(*r)->Where(row.line, c.column);
  }
}

TEST(Garbage, TruncatedAndMutatedInputsNeverCrash) {
  TempDir dir;
  WriteXlsx(dir / "t.xlsx", false);
  const std::string samples[] = {
      "a,b,\"c\"\r\n1,\"x\"\"y\",\"多\n行\"\n2,3,4\n",
      ToGb18030("机构,地址\n甲,济南\n"),
      "[{\"a\":\"中\",\"b\":[1,2,{\"c\":null}],\"d\":1.5e3}]",
      "{\"a\":1}\n{\"b\":\"x\"}\n",
  };
  const Format formats[] = {Format::kCsv, Format::kCsv, Format::kJson, Format::kJson};
  std::mt19937 rng(12345);
  for (size_t s = 0; s < std::size(samples); ++s) {
    const std::string& in = samples[s];
    for (size_t cut = 0; cut <= in.size(); ++cut) {
      Drain(in.substr(0, cut), formats[s]);
      Drain(in.substr(0, cut), s < 2 ? Format::kJson : Format::kCsv);
    }
    for (int i = 0; i < 2000; ++i) {
      std::string m = in;
      const int edits = 1 + static_cast<int>(rng() % 4);
      for (int e = 0; e < edits; ++e) m[rng() % m.size()] = static_cast<char>(rng() % 256);
      Drain(m, formats[s]);
    }
  }
  // XLSX: truncations and byte flips of a real workbook (zip CRCs catch most, XML the rest).
  const std::string xlsx = Slurp(dir / "t.xlsx");
  for (size_t cut = 0; cut < xlsx.size(); cut += 97) Drain(xlsx.substr(0, cut), Format::kXlsx);
  for (int i = 0; i < 1500; ++i) {
    std::string m = xlsx;
    m[rng() % m.size()] = static_cast<char>(rng() % 256);
    Drain(m, Format::kXlsx);
  }
  SUCCEED();
}

}  // namespace
}  // namespace zhijian::registry::import
