// The registry import loader: one file -> validated rows -> Registry::Upsert* in one transaction.
//
// Purpose: the database half of `zhijian import <kind> FILE`. `ImportFile`
//   1. hashes the file (SHA-256, streamed) and opens it with the reader of its format
//      (reader.h); maps the header (mapping.h). An unreadable file (missing, broken zip, bad
//      encoding, malformed CSV/JSON) or a missing required column is an Error: nothing written.
//   2. in ONE write transaction: maps and validates each row, resolves references by business
//      key (USCC -> institution, certificate number -> certificate; cached per file; an unknown
//      one is a row error), and upserts the valid rows by business key (registry.h), counting
//      inserted / updated / unchanged. Bad rows are reported (file, location, reason in English
//      and Chinese) and skipped.
//      A bulk load of capabilities on SQLite defers the table's query indexes to the end of
//      the same transaction (ImportOptions::bulk_min_rows).
//   3. appends one audit event (action "registry.import", target_type "file", target_id = the
//      file's base name, detail {kind, file, format, encoding, sha256, dry_run, counts}) in the
//      same transaction, and commits, or rolls back when `dry_run` (so look-ups still see the
//      database; nothing is written, not even the audit event).
// If reading fails midway (e.g. an invalid byte in the last megabyte), the transaction is
// rolled back and the Error returned: a file is imported entirely or not at all.
//
// Ownership: borrows the Database, Registry and Clock. Thread-safety: ImportFile may run on
// several threads with separate files (the write transactions serialise).
// Errors: the reader's and mapping's file-level errors (reader.h, mapping.h), "import.id-key"
// (the ID hash key cannot be loaded; people only), store errors (rolled back).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "zhijian/base/clock.h"
#include "zhijian/base/principal.h"
#include "zhijian/base/result.h"
#include "zhijian/registry/import/mapping.h"
#include "zhijian/registry/import/reader.h"
#include "zhijian/registry/registry.h"
#include "zhijian/store/db.h"

namespace zhijian::registry::import {

// An issue with its file and printable location.
struct LocatedIssue {
  std::string file;   // as given
  std::string where;  // "12:3", "C17", "4:uscc"; "" for the file as a whole
  Issue issue;
  // "FILE:WHERE: reason (detail)" in English, then " / " and the Chinese reason.
  std::string ToString() const;
};

struct ImportOptions {
  std::optional<Format> format;  // default: from the extension
  Encoding encoding = Encoding::kAuto;
  bool dry_run = false;
  std::string id_key_file = "var/keys/id-hash.key";  // people: the IdHasher key
  Principal actor = Principal::Cli();
  std::string ip = "local";
  // Called for every issue, in file order (e.g. to write an errors CSV).
  std::function<void(const LocatedIssue&)> on_issue;
  // Called about every 1000 rows and at the end with the reader's progress.
  std::function<void(uint64_t done, uint64_t total, int64_t rows)> on_progress;
  size_t keep_issues = 1000;  // how many issues ImportReport keeps (all are counted)
  // Capabilities on SQLite: a file estimated at this many rows or more (file size / 100 bytes),
  // and at least twice the rows stored, is a bulk load: the table's query indexes are dropped
  // at the start of the import's transaction and built again at its end (sorting each once
  // instead of inserting every row into each). A crash or error rolls both back with the rows,
  // so the indexes are never missing. The UNIQUE business key stays.
  int64_t bulk_min_rows = 200'000;
};

struct ImportReport {
  std::string file;
  std::string sha256;
  Kind kind = Kind::kInstitutions;
  Format format = Format::kCsv;
  Encoding encoding = Encoding::kUtf8;
  bool dry_run = false;
  int64_t rows_read = 0;  // data rows (blank rows not counted)
  int64_t inserted = 0;
  int64_t updated = 0;
  int64_t unchanged = 0;
  int64_t rejected = 0;              // rows with at least one error
  int64_t warnings = 0;              // warning issues (a row may have several)
  int64_t errors = 0;                // error issues
  std::vector<LocatedIssue> issues;  // the first `keep_issues`
  double seconds = 0;
  std::optional<int64_t> audit_seq;  // the audit record (none on a dry run)
  int64_t indexes_rebuilt = 0;       // a bulk load's indexes dropped and built again
  double index_seconds = 0;          // time of building them again
};

// Imports one file of `kind` (see the top comment).
Result<ImportReport> ImportFile(store::Database& db, Registry& registry, const Clock& clock,
                                Kind kind, const std::string& path, const ImportOptions& options);

// Lower-case hex SHA-256 of a file, streamed. Error "import.unreadable".
Result<std::string> FileSha256(const std::string& path);

}  // namespace zhijian::registry::import
