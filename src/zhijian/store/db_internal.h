// Private to the store module: the backend adapters behind `Connection` and helpers shared by
// db.cc, sqlite.cc, postgres.cc and migrations.cc. Not part of any contract.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "zhijian/base/result.h"
#include "zhijian/store/db.h"

namespace zhijian::store::internal {

// The base of both adapters: what the pool needs to know about a connection.
class NativeConnection : public Connection {
 public:
  // Called when the connection goes back to the pool: rolls back a transaction the borrower
  // left open. Returns false when the connection is unusable (it saw a fatal error, e.g. the
  // PostgreSQL server went away) and must be discarded.
  virtual bool Recycle() = 0;
};

// Opens one SQLite connection on `path` (a file path or ":memory:").
Result<std::unique_ptr<NativeConnection>> OpenSqlite(const std::string& path,
                                                     const OpenOptions& options);

// Opens one PostgreSQL connection on a libpq connection URI.
Result<std::unique_ptr<NativeConnection>> OpenPostgres(const std::string& uri,
                                                       const OpenOptions& options);

// Rewrites `?` placeholders to `$1..$n`, leaving '...' literals, "..." identifiers and
// comments untouched. Sets *count to the number of placeholders.
std::string RewritePlaceholders(std::string_view sql, int* count = nullptr);

// The URL with the password (user-info or `password=` parameter) replaced by "***".
std::string RedactUrl(const std::string& url);

// Error constructors shared by the adapters.
Error ConstraintError(const std::string& detail);
Error BusyError(const std::string& detail);
Error UnavailableError(const std::string& detail);
Error SqlError(const std::string& detail);

}  // namespace zhijian::store::internal
