// The storage API: one interface over SQLite (embedded default) and PostgreSQL 15 (scale).
//
// Purpose: every module reads and writes through `Database` / `Connection`; only this module
// knows SQL dialect differences and the native client libraries (libsqlite3, libpq).
//
// SQL written by modules is portable SQL with `?` positional placeholders; the PostgreSQL
// adapter rewrites them to `$1..$n` (outside string literals). Dialect-specific DDL lives only in
// migrations, through the tokens documented in migrations.h. Values:
//   - NULL, 64-bit integers, doubles, text (UTF-8) and blobs (`Blob`).
//   - Dates are stored as TEXT "YYYY-MM-DD", instants as TEXT RFC 3339 UTC (base/clock.h).
//   - Booleans are INTEGER 0/1 on both backends.
//
// Ownership: `Database::Open` returns the owning handle; it owns a pool of connections.
// `Acquire()` lends one connection for the lifetime of the returned `PooledConnection`, which
// gives it back on destruction. A lent connection must not outlive its Database.
//
// Thread-safety: `Database` is thread-safe (Acquire from any thread). A `Connection` is used by
// one thread at a time.
//
// Errors: every call returns Result; failures carry kind kUnavailable (cannot connect or
// connection lost: "store.unavailable"; busy/locked beyond the timeout, deadlock, serialization
// failure: "store.busy"), kConflict (unique, foreign-key, not-null or check violation, code
// "store.constraint"), kInvalidArgument (bad URL, "store.bad-url"), or kInternal (SQL error, a
// bug: "store.sql"), with the backend's message and the SQL in detail. Nothing here throws
// (WithTransaction rethrows what `fn` throws).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "zhijian/base/result.h"

namespace zhijian::store {

enum class Backend { kSqlite, kPostgres };

struct Blob {
  std::string bytes;
  bool operator==(const Blob&) const = default;
};

// A bound parameter or a result cell.
using Value = std::variant<std::monostate, int64_t, double, std::string, Blob>;

inline Value Null() { return std::monostate{}; }
// Text or NULL.
inline Value OptText(const std::optional<std::string>& s) {
  return s ? Value(*s) : Value(std::monostate{});
}

// One result row. Accessors convert leniently between integer and text representations
// (PostgreSQL results arrive as text); asking for a NULL cell as a non-optional returns the
// zero value.
class Row {
 public:
  explicit Row(std::vector<Value> cells) : cells_(std::move(cells)) {}
  size_t size() const { return cells_.size(); }
  bool IsNull(size_t i) const;
  int64_t Int(size_t i) const;
  double Real(size_t i) const;
  std::string Text(size_t i) const;
  std::optional<std::string> OptText(size_t i) const;
  std::optional<int64_t> OptInt(size_t i) const;
  std::string Bytes(size_t i) const;  // blob contents (or text bytes)
  const Value& at(size_t i) const { return cells_.at(i); }

 private:
  std::vector<Value> cells_;
};

class Connection {
 public:
  virtual ~Connection() = default;
  virtual Backend backend() const = 0;

  // Runs a statement that returns no rows; returns the number of rows changed.
  virtual Result<int64_t> Exec(std::string_view sql, std::span<const Value> params = {}) = 0;
  // Runs a query and returns all rows.
  virtual Result<std::vector<Row>> Query(std::string_view sql,
                                         std::span<const Value> params = {}) = 0;
  // Runs a query expected to return at most one row.
  Result<std::optional<Row>> QueryOne(std::string_view sql, std::span<const Value> params = {});
  // Runs several statements separated by ';' without parameters (DDL, migrations). Outside a
  // transaction, PostgreSQL runs the whole script as one implicit transaction; SQLite runs the
  // statements one by one.
  virtual Result<void> ExecScript(std::string_view sql) = 0;

  // Transactions. Prefer `WithTransaction` below. `Begin(true)` starts a write transaction
  // (SQLite: BEGIN IMMEDIATE, so writers queue on the busy timeout instead of failing late).
  virtual Result<void> Begin(bool write = true) = 0;
  virtual Result<void> Commit() = 0;
  virtual Result<void> Rollback() = 0;
};

// Runs `fn` inside a transaction: commits when it returns ok, rolls back otherwise (also when
// it throws, after which the exception is rethrown). Returns fn's result.
template <typename T>
Result<T> WithTransaction(Connection& conn, const std::function<Result<T>(Connection&)>& fn);
Result<void> WithTransaction(Connection& conn, const std::function<Result<void>(Connection&)>& fn);

// Implementation of the template above (callers name T: `WithTransaction<int64_t>(conn, fn)`).
template <typename T>
Result<T> WithTransaction(Connection& conn, const std::function<Result<T>(Connection&)>& fn) {
  ZJ_TRY(conn.Begin(true));
  try {
    Result<T> result = fn(conn);
    if (!result) {
      (void)conn.Rollback();
      return result;
    }
    Result<void> committed = conn.Commit();
    if (!committed) {
      (void)conn.Rollback();
      return std::move(committed).error();
    }
    return result;
  } catch (...) {
    (void)conn.Rollback();
    throw;
  }
}

class Database;

// A connection lent by the pool; returns it on destruction.
class PooledConnection {
 public:
  PooledConnection(Database* owner, std::unique_ptr<Connection> conn);
  PooledConnection(PooledConnection&&) noexcept;
  PooledConnection& operator=(PooledConnection&&) noexcept;
  ~PooledConnection();
  Connection& operator*() { return *conn_; }
  Connection* operator->() { return conn_.get(); }
  Connection& get() { return *conn_; }

 private:
  Database* owner_;
  std::unique_ptr<Connection> conn_;
};

struct OpenOptions {
  size_t pool_size = 8;               // connections kept open at most
  int busy_timeout_ms = 5000;         // SQLite busy timeout; PostgreSQL lock_timeout
  bool migrate = true;                // apply pending migrations on open
  int statement_timeout_ms = 300000;  // PostgreSQL statement_timeout (0 = none)
  // SQLite page cache per connection, in MiB (PRAGMA cache_size). Bulk loaders raise it: a
  // transaction whose dirty pages outgrow the cache spills them to the WAL and rewrites them
  // there, which made imports several times slower (docs/performance.md).
  int sqlite_cache_mib = 32;
  // SQLite bulk loading (`zhijian reports register`): a rollback journal (journal_mode=TRUNCATE)
  // with synchronous=FULL instead of WAL. Pages appended to the file are then written once
  // (WAL writes every page twice: to the WAL, then to the database at the checkpoint); only
  // the original content of changed pages goes to the journal. Each commit is durable and a
  // crash (even of the machine) rolls back the open transaction on the next open. Costs:
  // readers wait while a commit writes; the next ordinary open switches the file back to WAL.
  // When another connection has the file open in WAL mode the switch is not possible and the
  // connection stays in WAL (no error).
  bool sqlite_bulk_journal = false;
};

class Database {
 public:
  // Opens by URL:
  //   "sqlite:PATH"                 (file, created if missing; WAL, foreign keys on)
  //   "sqlite::memory:"             (private in-memory database; pool size forced to 1)
  //   "postgresql://user:pw@host:port/db?..." or "postgres://..." (libpq connection URI)
  // Applies pending migrations when options.migrate (store/migrations.h).
  static Result<std::unique_ptr<Database>> Open(const std::string& url,
                                                const OpenOptions& options = {});
  ~Database();

  Backend backend() const;
  // The URL with any password replaced by "***", for logs.
  const std::string& redacted_url() const;

  // Lends a connection; blocks while all `pool_size` are lent out (so a thread must not
  // acquire a second connection of a pool of one, e.g. "sqlite::memory:", while holding one).
  // Connections are created lazily; one that saw a fatal error is closed instead of returned,
  // and a transaction left open by the borrower is rolled back on return.
  Result<PooledConnection> Acquire();

 private:
  friend class PooledConnection;
  struct Impl;
  explicit Database(std::unique_ptr<Impl> impl);
  void Release(std::unique_ptr<Connection> conn);
  std::unique_ptr<Impl> impl_;
};

}  // namespace zhijian::store
