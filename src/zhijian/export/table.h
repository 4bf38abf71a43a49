// Tabular exports: one table (a header row and text rows) as CSV or XLSX bytes.
//
// Purpose: the one way the platform hands lists to spreadsheet users — registry search results,
// data-quality defect lists, statistics. CSV is UTF-8 with a byte-order mark (so that Excel on
// Chinese Windows opens it as UTF-8, not GBK), CRLF line ends and RFC 4180 quoting; a cell that
// starts with = + - @ (or a tab/CR) gets a leading apostrophe so that a spreadsheet never
// evaluates data as a formula (CSV injection). XLSX is written with libxlsxwriter (Debian's
// well-kept writer; it can only write to a file, so the bytes go through a private temporary
// file that is removed before returning): one sheet, bold frozen header row, autofilter, column
// widths from the content, cells as text (USCCs and certificate numbers must not turn into
// numbers) unless a column is declared numeric.
//
// Ownership: plain values. Thread-safety: pure functions (XLSX uses its own temporary file).
// Errors: "export.too-large" (kInvalidArgument: more than kMaxRows rows), "export.io"
// (kUnavailable: the temporary XLSX file could not be written or read), "export.bad-table"
// (kInvalidArgument: a row's width differs from the header's).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zhijian/base/result.h"

namespace zhijian::exporter {

struct Table {
  std::string sheet_name = "Sheet1";  // XLSX only; at most 31 characters are kept
  std::vector<std::string> header;
  std::vector<bool> numeric;  // per column (may be shorter than header: the rest are text)
  std::vector<std::vector<std::string>> rows;
};

inline constexpr size_t kMaxRows = 1'000'000;  // an XLSX sheet holds 1,048,576 rows

enum class Format { kCsv, kXlsx };
// "csv" or "xlsx" (case-sensitive); nullopt otherwise.
std::optional<Format> ParseFormat(std::string_view text);
// The MIME type and file extension of a format.
const char* ContentType(Format f);
const char* Extension(Format f);

Result<std::string> ToCsv(const Table& table);
Result<std::string> ToXlsx(const Table& table);
Result<std::string> Render(const Table& table, Format f);

}  // namespace zhijian::exporter
