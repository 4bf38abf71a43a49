#include "zhijian/export/table.h"

#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace zhijian::exporter {
namespace {

Result<void> CheckShape(const Table& t) {
  if (t.rows.size() > kMaxRows) {
    return Error::Invalid("export.too-large", "导出行数超过上限，请缩小查询范围",
                          "too many rows to export; narrow the query",
                          std::to_string(t.rows.size()) + " > " + std::to_string(kMaxRows));
  }
  for (size_t i = 0; i < t.rows.size(); ++i) {
    if (t.rows[i].size() != t.header.size()) {
      return Error::Invalid("export.bad-table", "表格行宽与表头不一致",
                            "a row's width differs from the header's", "row " + std::to_string(i));
    }
  }
  return {};
}

void CsvCell(std::string& out, std::string_view cell) {
  const bool formula = !cell.empty() && (cell[0] == '=' || cell[0] == '+' || cell[0] == '-' ||
                                         cell[0] == '@' || cell[0] == '\t' || cell[0] == '\r');
  const bool quote = formula || cell.find_first_of(",\"\r\n") != std::string_view::npos;
  if (!quote) {
    out += cell;
    return;
  }
  out += '"';
  if (formula) out += '\'';
  for (char c : cell) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

void CsvRow(std::string& out, const std::vector<std::string>& row) {
  for (size_t i = 0; i < row.size(); ++i) {
    if (i) out += ',';
    CsvCell(out, row[i]);
  }
  out += "\r\n";
}

// Display width of UTF-8 text in "Excel characters": CJK counts double.
double DisplayWidth(std::string_view s) {
  double w = 0;
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    w += len >= 3 ? 2.0 : 1.0;
    i += len;
  }
  return w;
}

Error Io(const std::string& what) {
  return Error(Error::Kind::kUnavailable, "export.io", "无法生成导出文件",
               "the export file could not be written", what);
}

}  // namespace

std::optional<Format> ParseFormat(std::string_view text) {
  if (text == "csv") return Format::kCsv;
  if (text == "xlsx") return Format::kXlsx;
  return std::nullopt;
}

const char* ContentType(Format f) {
  return f == Format::kCsv ? "text/csv; charset=utf-8"
                           : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
}

const char* Extension(Format f) { return f == Format::kCsv ? "csv" : "xlsx"; }

Result<std::string> ToCsv(const Table& table) {
  ZJ_TRY(CheckShape(table));
  std::string out = "\xEF\xBB\xBF";
  CsvRow(out, table.header);
  for (const auto& row : table.rows) CsvRow(out, row);
  return out;
}

Result<std::string> ToXlsx(const Table& table) {
  ZJ_TRY(CheckShape(table));
  const char* tmpdir = std::getenv("TMPDIR");
  std::string path = std::string(tmpdir && *tmpdir ? tmpdir : "/tmp") + "/zj-export-XXXXXX";
  const int fd = mkstemp(path.data());
  if (fd < 0) return Io("mkstemp in " + path);
  close(fd);
  struct Remove {
    std::string p;
    ~Remove() { std::remove(p.c_str()); }
  } remove{path};

  lxw_workbook* wb = workbook_new(path.c_str());
  if (!wb) return Io("workbook_new");
  std::string sheet_name = table.sheet_name.empty() ? "Sheet1" : table.sheet_name;
  // At most 31 characters (counted in code points); cut on a UTF-8 boundary.
  size_t chars = 0, cut = 0;
  while (cut < sheet_name.size() && chars < 31) {
    const unsigned char c = static_cast<unsigned char>(sheet_name[cut]);
    cut += c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    ++chars;
  }
  sheet_name.resize(std::min(cut, sheet_name.size()));
  lxw_worksheet* ws = workbook_add_worksheet(wb, sheet_name.c_str());
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  lxw_format* text = workbook_add_format(wb);
  format_set_num_format(text, "@");

  std::vector<double> widths(table.header.size(), 8.0);
  auto widen = [&widths](size_t col, std::string_view s) {
    widths[col] = std::min(60.0, std::max(widths[col], DisplayWidth(s) + 2));
  };
  for (size_t c = 0; c < table.header.size(); ++c) {
    worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), table.header[c].c_str(), bold);
    widen(c, table.header[c]);
  }
  for (size_t r = 0; r < table.rows.size(); ++r) {
    const auto row = static_cast<lxw_row_t>(r + 1);
    for (size_t c = 0; c < table.header.size(); ++c) {
      const std::string& cell = table.rows[r][c];
      const auto col = static_cast<lxw_col_t>(c);
      const bool numeric = c < table.numeric.size() && table.numeric[c];
      if (cell.empty()) continue;
      char* end = nullptr;
      const double number = numeric ? std::strtod(cell.c_str(), &end) : 0;
      if (numeric && end && *end == '\0') {
        worksheet_write_number(ws, row, col, number, nullptr);
      } else {
        worksheet_write_string(ws, row, col, cell.c_str(), text);
      }
      if (r < 2000) widen(c, cell);  // widths from the first rows are enough
    }
  }
  for (size_t c = 0; c < widths.size(); ++c) {
    worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), widths[c],
                         nullptr);
  }
  worksheet_freeze_panes(ws, 1, 0);
  if (!table.header.empty()) {
    worksheet_autofilter(ws, 0, 0, static_cast<lxw_row_t>(table.rows.size()),
                         static_cast<lxw_col_t>(table.header.size() - 1));
  }
  const lxw_error err = workbook_close(wb);
  if (err != LXW_NO_ERROR) return Io(std::string("workbook_close: ") + lxw_strerror(err));
  std::ifstream in(path, std::ios::binary);
  if (!in) return Io("reopen " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<std::string> Render(const Table& table, Format f) {
  return f == Format::kCsv ? ToCsv(table) : ToXlsx(table);
}

}  // namespace zhijian::exporter
