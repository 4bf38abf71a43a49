// Helpers shared by the `zhijian` subcommands: one way to report an error and to open the
// database from a --db URL.
#pragma once

#include <memory>
#include <string>

#include "zhijian/base/result.h"
#include "zhijian/store/db.h"

namespace zhijian::cli {

// Prints `error` on stderr in English then Chinese, prefixed by `where` (a file name, or the
// command) when given; returns the exit code 1.
int Fail(const Error& error, const std::string& where = "");

// Opens the database of `url`, creating the parent directory of a "sqlite:PATH" file first so
// that a fresh checkout works; applies pending migrations.
// `bulk`: for commands that write many rows in one transaction (import, gen --load,
// demo-init): a 1 GiB SQLite page cache per connection (store::OpenOptions::sqlite_cache_mib).
// `bulk_journal`: SQLite's rollback journal instead of WAL while this process has the file
// (store::OpenOptions::sqlite_bulk_journal; `reports register`).
Result<std::unique_ptr<store::Database>> OpenDatabase(const std::string& url, bool bulk = false,
                                                      bool bulk_journal = false);

}  // namespace zhijian::cli
