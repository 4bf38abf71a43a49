// The SQLite adapter: one sqlite3* per connection, prepared statements cached (LRU).
#include <sqlite3.h>

#include <algorithm>
#include <list>
#include <string>
#include <unordered_map>
#include <utility>

#include "zhijian/store/db_internal.h"

namespace zhijian::store::internal {
namespace {

constexpr size_t kStatementCacheSize = 64;

class SqliteConnection final : public NativeConnection {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection() override {
    for (auto& entry : lru_) sqlite3_finalize(entry.second);
    sqlite3_close_v2(db_);
  }
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  Backend backend() const override { return Backend::kSqlite; }

  Result<int64_t> Exec(std::string_view sql, std::span<const Value> params) override {
    ZJ_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql, params));
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) return Fail(stmt, rc, sql);
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    return static_cast<int64_t>(sqlite3_changes64(db_));
  }

  Result<std::vector<Row>> Query(std::string_view sql, std::span<const Value> params) override {
    ZJ_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql, params));
    std::vector<Row> rows;
    const int columns = sqlite3_column_count(stmt);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      std::vector<Value> cells;
      cells.reserve(columns);
      for (int c = 0; c < columns; ++c) cells.push_back(Cell(stmt, c));
      rows.emplace_back(std::move(cells));
    }
    if (rc != SQLITE_DONE) return Fail(stmt, rc, sql);
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    return rows;
  }

  Result<void> ExecScript(std::string_view sql) override {
    std::string script(sql);
    char* message = nullptr;
    int rc = sqlite3_exec(db_, script.c_str(), nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
      std::string detail = message ? message : sqlite3_errstr(rc);
      sqlite3_free(message);
      return MapError(sqlite3_extended_errcode(db_), detail);
    }
    return Ok();
  }

  Result<void> Begin(bool write) override {
    return ExecScript(write ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
  }
  Result<void> Commit() override { return ExecScript("COMMIT"); }
  Result<void> Rollback() override { return ExecScript("ROLLBACK"); }

  bool Recycle() override {
    if (broken_) return false;
    if (sqlite3_get_autocommit(db_) == 0) {  // a transaction was left open
      if (!ExecScript("ROLLBACK")) return false;
    }
    return true;
  }

 private:
  Result<sqlite3_stmt*> Prepare(std::string_view sql, std::span<const Value> params) {
    sqlite3_stmt* stmt = nullptr;
    std::string key(sql);
    auto it = index_.find(key);
    if (it != index_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second);  // most recently used first
      stmt = it->second->second;
    } else {
      const char* tail = nullptr;
      int rc = sqlite3_prepare_v3(db_, key.data(), static_cast<int>(key.size()),
                                  SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
      if (rc != SQLITE_OK) {
        return MapError(sqlite3_extended_errcode(db_),
                        std::string(sqlite3_errmsg(db_)) + " in: " + key);
      }
      if (stmt == nullptr) return SqlError("empty statement: " + key);
      for (const char* p = tail; p && *p; ++p) {
        if (*p != ';' && *p != ' ' && *p != '\n' && *p != '\t' && *p != '\r') {
          sqlite3_finalize(stmt);
          return SqlError("more than one statement (use ExecScript): " + key);
        }
      }
      lru_.emplace_front(key, stmt);
      index_.emplace(std::move(key), lru_.begin());
      if (lru_.size() > kStatementCacheSize) {
        index_.erase(lru_.back().first);
        sqlite3_finalize(lru_.back().second);
        lru_.pop_back();
      }
    }
    const int expected = sqlite3_bind_parameter_count(stmt);
    if (expected != static_cast<int>(params.size())) {
      return SqlError("statement takes " + std::to_string(expected) + " parameters, got " +
                      std::to_string(params.size()) + ": " + std::string(sql));
    }
    for (int i = 0; i < expected; ++i) {
      const Value& v = params[i];
      int rc = SQLITE_OK;
      if (std::holds_alternative<std::monostate>(v)) {
        rc = sqlite3_bind_null(stmt, i + 1);
      } else if (const auto* n = std::get_if<int64_t>(&v)) {
        rc = sqlite3_bind_int64(stmt, i + 1, *n);
      } else if (const auto* d = std::get_if<double>(&v)) {
        rc = sqlite3_bind_double(stmt, i + 1, *d);
      } else if (const auto* s = std::get_if<std::string>(&v)) {
        // SQLITE_STATIC: the values outlive the statement's run (Exec and Query step, reset and
        // clear the bindings before they return), so nothing is copied.
        rc = sqlite3_bind_text64(stmt, i + 1, s->data(), s->size(), SQLITE_STATIC, SQLITE_UTF8);
      } else if (const auto* b = std::get_if<Blob>(&v)) {
        rc = sqlite3_bind_blob64(stmt, i + 1, b->bytes.data(), b->bytes.size(), SQLITE_STATIC);
      }
      if (rc != SQLITE_OK) {
        sqlite3_clear_bindings(stmt);
        return MapError(rc, sqlite3_errmsg(db_));
      }
    }
    return stmt;
  }

  static Value Cell(sqlite3_stmt* stmt, int c) {
    switch (sqlite3_column_type(stmt, c)) {
      case SQLITE_INTEGER:
        return static_cast<int64_t>(sqlite3_column_int64(stmt, c));
      case SQLITE_FLOAT:
        return sqlite3_column_double(stmt, c);
      case SQLITE_TEXT: {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
        return std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt, c)));
      }
      case SQLITE_BLOB: {
        const auto* data = static_cast<const char*>(sqlite3_column_blob(stmt, c));
        const auto size = static_cast<size_t>(sqlite3_column_bytes(stmt, c));
        return Blob{data ? std::string(data, size) : std::string()};
      }
      default:
        return std::monostate{};
    }
  }

  Error Fail(sqlite3_stmt* stmt, int rc, std::string_view sql) {
    std::string detail = std::string(sqlite3_errmsg(db_)) + " in: " + std::string(sql);
    int extended = sqlite3_extended_errcode(db_);
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    return MapError(extended != SQLITE_OK ? extended : rc, detail);
  }

  Error MapError(int rc, const std::string& detail) {
    switch (rc & 0xff) {
      case SQLITE_CONSTRAINT:
        return ConstraintError(detail);
      case SQLITE_BUSY:
      case SQLITE_LOCKED:
        return BusyError(detail);
      case SQLITE_IOERR:
      case SQLITE_CORRUPT:
      case SQLITE_NOTADB:
      case SQLITE_CANTOPEN:
        broken_ = true;
        return UnavailableError(detail);
      case SQLITE_FULL:
        return UnavailableError(detail);
      default:
        return SqlError(detail);
    }
  }

  sqlite3* db_;
  bool broken_ = false;
  // Prepared statements by SQL text, most recently used first.
  std::list<std::pair<std::string, sqlite3_stmt*>> lru_;
  std::unordered_map<std::string, std::list<std::pair<std::string, sqlite3_stmt*>>::iterator>
      index_;
};

}  // namespace

Result<std::unique_ptr<NativeConnection>> OpenSqlite(const std::string& path,
                                                     const OpenOptions& options) {
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string detail = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return UnavailableError("cannot open SQLite database " + path + ": " + detail);
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, options.busy_timeout_ms);
  auto conn = std::make_unique<SqliteConnection>(db);
  // temp_store=MEMORY: statement journals and sorter spills stay in memory (a multi-row
  // upsert inside a transaction journals the pages it changes).
  std::string pragmas =
      "PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY; "
      "PRAGMA cache_size=-" +
      std::to_string(int64_t{std::max(1, options.sqlite_cache_mib)} * 1024) + ";";
  if (path != ":memory:") pragmas = "PRAGMA journal_mode=WAL; " + pragmas;
  if (path != ":memory:" && options.sqlite_bulk_journal) {
    // Leaving WAL needs the only connection to the file: otherwise stay in WAL (db.h).
    pragmas = "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY; PRAGMA cache_size=-" +
              std::to_string(int64_t{std::max(1, options.sqlite_cache_mib)} * 1024) + ";";
    if (conn->ExecScript("PRAGMA journal_mode=TRUNCATE; PRAGMA synchronous=FULL")) {
      if (auto r = conn->ExecScript(pragmas); !r) return std::move(r).error();
      return std::unique_ptr<NativeConnection>(std::move(conn));
    }
    pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; " + pragmas;
  }
  if (auto r = conn->ExecScript(pragmas); !r) return std::move(r).error();
  return std::unique_ptr<NativeConnection>(std::move(conn));
}

}  // namespace zhijian::store::internal
