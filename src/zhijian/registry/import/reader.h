// Readers of registry import files: CSV, XLSX, JSON and JSON Lines, streamed, with no database.
//
// Purpose: turn a file regulators hold into rows of text cells, each cell with its physical
// location, for the column mapping (registry/import/mapping.h). Readers never interpret the
// values; they only decode the container:
//   - CSV (RFC 4180): comma-separated, fields optionally in double quotes with "" for a quote,
//     CRLF or LF line ends (a lone CR too), newlines inside quoted fields, a UTF-8 BOM. Leniency
//     that real exports need: a quote inside an unquoted field is kept as text, text after a
//     closing quote is appended. An unterminated quoted field is an error (it would swallow
//     the rest of the file). Location: physical line where the cell starts, 1-based column.
//   - Encodings (CSV and JSON): UTF-8 with or without BOM, or GB18030 (converted with glibc
//     iconv). Auto-detection reads the first megabyte: a BOM decides; else valid UTF-8 means
//     UTF-8, else it must convert as GB18030. Bytes later in the file that are invalid in the
//     chosen encoding make the whole file unreadable (never a silently garbled cell).
//   - XLSX (Office Open XML: a zip of XML parts): the first worksheet of the workbook, found
//     through _rels/.rels, xl/workbook.xml and its _rels; shared strings, inline strings,
//     numbers, booleans, formula results (cached values), error values; numbers in a date
//     number format (built-in or custom) become "YYYY-MM-DD" (1900 or 1904 date system).
//     Location: the cell reference ("C17").
//   - JSON: an array of objects (parsed incrementally, so a big file is never held as a DOM)
//     or JSON Lines (one object per line; blank lines skipped). Keys are the column names, in
//     order of first appearance; an array of scalars becomes one multi-valued cell joined with
//     ";". Location: record index (array) or line (JSON Lines) and the key ("4:uscc").
// Rows whose cells are all empty are skipped by every reader.
//
// Why libzip + libxml2 for XLSX: Debian 12 packages no XLSX reader, and the format is a zip of
// XML parts. libzip (libzip-dev) reads entries as streams from a file or from memory and
// checks CRCs; libxml2's xmlTextReader (libxml2-dev) is a pull parser, so a worksheet of
// millions of rows is parsed with constant memory straight out of the zip stream, where a DOM
// parser (pugixml) would need the whole decompressed sheet (often 10-50x the .xlsx) in memory.
// Both are mature, maintained, security-patched Debian libraries; libxml2 is used with network
// access and entity substitution disabled (no XXE), and uncompressed part sizes are capped.
//
// Ownership: a Reader owns its file handle / buffers. Thread-safety: one thread per Reader.
// Errors (kInvalidArgument unless noted), all meaning "the file is unreadable, write nothing":
// "import.unreadable" (kUnavailable: cannot open/read; detail: path and reason),
// "import.bad-format" (unknown extension), "import.bad-encoding" (detail: byte offset),
// "import.empty-file" (no header row), "import.csv-unterminated-quote" (detail: line),
// "import.xlsx-bad-zip", "import.xlsx-no-sheet", "import.xlsx-bad-xml", "import.xlsx-too-big",
// "import.json-syntax", "import.json-not-object".
// Readers never crash or hang on malformed input; they return one of these errors.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "zhijian/base/result.h"

namespace zhijian::registry::import {

enum class Format { kCsv, kXlsx, kJson };  // kJson: a JSON array or JSON Lines
enum class Encoding { kAuto, kUtf8, kGb18030 };

// "csv", "xlsx", "json"; ParseFormat also accepts "jsonl" and "ndjson" (= json).
const char* FormatName(Format f);
Result<Format> ParseFormat(std::string_view name);
// "auto", "utf-8", "gb18030"; ParseEncoding also accepts "utf8", "gbk", "gb2312" (both read
// as GB18030, their superset).
const char* EncodingName(Encoding e);
Result<Encoding> ParseEncoding(std::string_view name);
// The format of a file by its extension (.csv .txt; .xlsx; .json .jsonl .ndjson),
// case-insensitive. Error "import.bad-format".
Result<Format> FormatFromPath(const std::string& path);

// What a cell held in the source. XLSX keeps numbers, booleans and dates apart (so that a date
// column can read a serial number); CSV and JSON strings are kText; JSON numbers kNumber,
// booleans kBool; kUnsupported: a JSON value that is no scalar nor array of scalars.
enum class CellType { kText, kNumber, kBool, kDate, kUnsupported };

struct Cell {
  int32_t column = 0;  // index into Reader::columns()
  CellType type = CellType::kText;
  int64_t line = 0;  // CSV: line where the cell starts; XLSX: sheet row; JSON: record / line
  std::string text;  // UTF-8
};

struct Row {
  int64_t line = 0;         // where the row starts (as Cell::line)
  std::vector<Cell> cells;  // in column order; CSV gives every cell, XLSX and JSON the present
};

class Reader {
 public:
  virtual ~Reader() = default;

  // Column names as written in the file: CSV and XLSX the first row (index = column); JSON the
  // keys in order of first appearance (grows while reading).
  virtual const std::vector<std::string>& columns() const = 0;
  // Reads the next data row into *row. Returns false at the end of the file.
  virtual Result<bool> Next(Row* row) = 0;
  // Progress, in bytes of the file (CSV, JSON) or of the worksheet's XML (XLSX).
  virtual uint64_t progress_done() const = 0;
  virtual uint64_t progress_total() const = 0;
  // The location of column `column` at `line`, as printed after "FILE:": "12:3" (CSV),
  // "C17" (XLSX), "4:uscc" (JSON).
  virtual std::string Where(int64_t line, int32_t column) const = 0;
  // The encoding that was used (kUtf8 for XLSX).
  virtual Encoding encoding() const = 0;
};

struct ReaderOptions {
  Format format = Format::kCsv;
  Encoding encoding = Encoding::kAuto;  // CSV and JSON; XLSX is always UTF-8
};

// Opens `path` and reads its header. Errors: see the top comment.
Result<std::unique_ptr<Reader>> OpenReader(const std::string& path, const ReaderOptions& options);
// The same over bytes in memory (tests, fuzzing).
Result<std::unique_ptr<Reader>> OpenReaderFromBytes(std::string bytes,
                                                    const ReaderOptions& options);

// Spreadsheet column letters of a 0-based index: 0 -> "A", 26 -> "AA".
std::string ColumnLetters(int32_t column);

}  // namespace zhijian::registry::import
