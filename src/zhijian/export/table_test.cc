// The exports are read back with the registry's own import readers (CSV and XLSX), so a file
// we hand to a regulator is one we could import again.
#include "zhijian/export/table.h"

#include <gtest/gtest.h>

#include "zhijian/registry/import/reader.h"

namespace zhijian::exporter {
namespace {

namespace imp = registry::import;

Table Sample() {
  Table t;
  t.sheet_name = "机构查询结果（导出）超过三十一个字符的工作表名称会被截断为三十一个字符";
  t.header = {"机构名称", "统一社会信用代码", "能力条数"};
  t.numeric = {false, false, true};
  t.rows = {{"山东省食品药品检验研究院", "12370000495571427Q", "1234"},
            {"含,逗号\"引号\"与\n换行", "000000000000000000", "0"},
            {"=HYPERLINK(\"http://x\")", "-1", ""}};
  return t;
}

std::vector<std::vector<std::string>> ReadBack(const std::string& bytes, imp::Format f,
                                               std::vector<std::string>* columns) {
  imp::ReaderOptions o;
  o.format = f;
  auto r = imp::OpenReaderFromBytes(bytes, o);
  EXPECT_TRUE(r.ok()) << r.error().ToString();
  if (!r.ok()) return {};
  *columns = (*r)->columns();
  std::vector<std::vector<std::string>> rows;
  imp::Row row;
  for (;;) {
    auto more = (*r)->Next(&row);
    EXPECT_TRUE(more.ok()) << more.error().ToString();
    if (!more.ok() || !*more) break;
    std::vector<std::string> cells(columns->size());
    for (const auto& c : row.cells) cells.at(static_cast<size_t>(c.column)) = c.text;
    rows.push_back(cells);
  }
  return rows;
}

TEST(ExportTest, CsvHasBomQuotesAndDefusesFormulas) {
  auto csv = ToCsv(Sample());
  ASSERT_TRUE(csv.ok());
  EXPECT_EQ(csv->substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_NE(csv->find("\r\n"), std::string::npos);
  std::vector<std::string> cols;
  auto rows = ReadBack(*csv, imp::Format::kCsv, &cols);
  EXPECT_EQ(cols, Sample().header);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], Sample().rows[0]);
  EXPECT_EQ(rows[1][0], "含,逗号\"引号\"与\n换行");
  // A leading = or - is prefixed with an apostrophe; nothing else changes.
  EXPECT_EQ(rows[2][0], "'=HYPERLINK(\"http://x\")");
  EXPECT_EQ(rows[2][1], "'-1");
}

TEST(ExportTest, XlsxRoundTripsThroughTheImportReader) {
  auto xlsx = ToXlsx(Sample());
  ASSERT_TRUE(xlsx.ok()) << xlsx.error().ToString();
  EXPECT_EQ(xlsx->substr(0, 2), "PK");
  std::vector<std::string> cols;
  auto rows = ReadBack(*xlsx, imp::Format::kXlsx, &cols);
  EXPECT_EQ(cols, Sample().header);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], Sample().rows[0]);
  EXPECT_EQ(rows[1][0], Sample().rows[1][0]);
  // Text stays text in XLSX (no formula there: written as a string cell).
  EXPECT_EQ(rows[2][0], "=HYPERLINK(\"http://x\")");
  EXPECT_EQ(rows[2][1], "-1");
  EXPECT_EQ(rows[2][2], "");
}

TEST(ExportTest, RejectsRaggedRows) {
  Table t = Sample();
  t.rows[1].pop_back();
  for (Format f : {Format::kCsv, Format::kXlsx}) {
    auto r = Render(t, f);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code(), "export.bad-table");
  }
}

TEST(ExportTest, FormatNames) {
  EXPECT_EQ(ParseFormat("csv"), Format::kCsv);
  EXPECT_EQ(ParseFormat("xlsx"), Format::kXlsx);
  EXPECT_FALSE(ParseFormat("xls"));
  EXPECT_STREQ(Extension(Format::kXlsx), "xlsx");
}

}  // namespace
}  // namespace zhijian::exporter
