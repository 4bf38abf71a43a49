// Row accessors, transactions, the connection pool and URL handling (backend-independent).
#include <charconv>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <utility>

#include "zhijian/store/db.h"
#include "zhijian/store/db_internal.h"
#include "zhijian/store/migrations.h"

namespace zhijian::store {

// ---------------------------------------------------------------------------------------------
// Row

namespace {

int64_t ParseInt(const std::string& s) {
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec == std::errc() && ptr == s.data() + s.size()) return v;
  // "12.0" or other numeric text: fall back to a double conversion.
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  if (end != s.c_str()) return static_cast<int64_t>(d);
  return 0;
}

std::string FormatDouble(double d) {
  char buf[64];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, d);
  return ec == std::errc() ? std::string(buf, ptr) : std::string();
}

}  // namespace

bool Row::IsNull(size_t i) const { return std::holds_alternative<std::monostate>(cells_.at(i)); }

int64_t Row::Int(size_t i) const {
  const Value& v = cells_.at(i);
  if (const auto* n = std::get_if<int64_t>(&v)) return *n;
  if (const auto* d = std::get_if<double>(&v)) return static_cast<int64_t>(*d);
  if (const auto* s = std::get_if<std::string>(&v)) return ParseInt(*s);
  if (const auto* b = std::get_if<Blob>(&v)) return ParseInt(b->bytes);
  return 0;
}

double Row::Real(size_t i) const {
  const Value& v = cells_.at(i);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* n = std::get_if<int64_t>(&v)) return static_cast<double>(*n);
  if (const auto* s = std::get_if<std::string>(&v)) return std::strtod(s->c_str(), nullptr);
  return 0.0;
}

std::string Row::Text(size_t i) const {
  const Value& v = cells_.at(i);
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* n = std::get_if<int64_t>(&v)) return std::to_string(*n);
  if (const auto* d = std::get_if<double>(&v)) return FormatDouble(*d);
  if (const auto* b = std::get_if<Blob>(&v)) return b->bytes;
  return {};
}

std::optional<std::string> Row::OptText(size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return Text(i);
}

std::optional<int64_t> Row::OptInt(size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return Int(i);
}

std::string Row::Bytes(size_t i) const {
  const Value& v = cells_.at(i);
  if (const auto* b = std::get_if<Blob>(&v)) return b->bytes;
  return Text(i);
}

// ---------------------------------------------------------------------------------------------
// Connection helpers

Result<std::optional<Row>> Connection::QueryOne(std::string_view sql,
                                                std::span<const Value> params) {
  ZJ_ASSIGN_OR_RETURN(std::vector<Row> rows, Query(sql, params));
  if (rows.empty()) return std::optional<Row>();
  return std::optional<Row>(std::move(rows.front()));
}

Result<void> WithTransaction(Connection& conn, const std::function<Result<void>(Connection&)>& fn) {
  auto r = WithTransaction<std::monostate>(conn, [&fn](Connection& c) -> Result<std::monostate> {
    Result<void> inner = fn(c);
    if (!inner) return std::move(inner).error();
    return std::monostate{};
  });
  if (!r) return std::move(r).error();
  return Ok();
}

// ---------------------------------------------------------------------------------------------
// Errors

namespace internal {

Error ConstraintError(const std::string& detail) {
  return Error(Error::Kind::kConflict, "store.constraint", "数据违反唯一性或引用约束",
               "the data violates a uniqueness or reference constraint", detail);
}
Error BusyError(const std::string& detail) {
  return Error(Error::Kind::kUnavailable, "store.busy", "数据库繁忙，请稍后重试",
               "the database is busy; retry later", detail);
}
Error UnavailableError(const std::string& detail) {
  return Error(Error::Kind::kUnavailable, "store.unavailable", "数据库不可用",
               "the database is unavailable", detail);
}
Error SqlError(const std::string& detail) { return Error::Internal("store.sql", detail); }

std::string RedactUrl(const std::string& url) {
  std::string out = url;
  size_t scheme = out.find("://");
  if (scheme == std::string::npos) return out;
  size_t auth_begin = scheme + 3;
  size_t auth_end = out.find_first_of("/?#", auth_begin);
  if (auth_end == std::string::npos) auth_end = out.size();
  size_t at = out.rfind('@', auth_end);
  if (at != std::string::npos && at >= auth_begin) {
    size_t colon = out.find(':', auth_begin);
    if (colon != std::string::npos && colon < at) {
      out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  // Query parameters: password=...
  size_t q = out.find('?');
  while (q != std::string::npos) {
    size_t key = q + 1;
    if (out.compare(key, 9, "password=") == 0) {
      size_t value = key + 9;
      size_t end = out.find('&', value);
      if (end == std::string::npos) end = out.size();
      out.replace(value, end - value, "***");
    }
    q = out.find('&', key);
  }
  return out;
}

}  // namespace internal

// ---------------------------------------------------------------------------------------------
// Pool

struct Database::Impl {
  Backend backend = Backend::kSqlite;
  std::string target;  // the SQLite path or the PostgreSQL URI
  std::string redacted_url;
  OpenOptions options;

  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::unique_ptr<Connection>> idle;  // guarded by mu
  size_t open = 0;                                // idle + lent; guarded by mu

  Result<std::unique_ptr<internal::NativeConnection>> Connect() const {
    return backend == Backend::kSqlite ? internal::OpenSqlite(target, options)
                                       : internal::OpenPostgres(target, options);
  }
};

PooledConnection::PooledConnection(Database* owner, std::unique_ptr<Connection> conn)
    : owner_(owner), conn_(std::move(conn)) {}

PooledConnection::PooledConnection(PooledConnection&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)), conn_(std::move(other.conn_)) {}

PooledConnection& PooledConnection::operator=(PooledConnection&& other) noexcept {
  if (this != &other) {
    if (owner_ && conn_) owner_->Release(std::move(conn_));
    owner_ = std::exchange(other.owner_, nullptr);
    conn_ = std::move(other.conn_);
  }
  return *this;
}

PooledConnection::~PooledConnection() {
  if (owner_ && conn_) owner_->Release(std::move(conn_));
}

Database::Database(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Database::~Database() = default;

Backend Database::backend() const { return impl_->backend; }

const std::string& Database::redacted_url() const { return impl_->redacted_url; }

Result<std::unique_ptr<Database>> Database::Open(const std::string& url,
                                                 const OpenOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  if (impl->options.pool_size == 0) impl->options.pool_size = 1;
  if (url.rfind("sqlite:", 0) == 0) {
    impl->backend = Backend::kSqlite;
    impl->target = url.substr(7);
    if (impl->target.empty()) {
      return Error::Invalid("store.bad-url", "数据库地址无效", "invalid database URL",
                            "sqlite: needs a path or :memory:");
    }
    // Every connection to ":memory:" would be a different database.
    if (impl->target == ":memory:") impl->options.pool_size = 1;
  } else if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    impl->backend = Backend::kPostgres;
    impl->target = url;
  } else {
    return Error::Invalid("store.bad-url", "数据库地址无效", "invalid database URL",
                          "expected sqlite:PATH, sqlite::memory: or postgresql://...");
  }
  impl->redacted_url = internal::RedactUrl(url);

  std::unique_ptr<Database> db(new Database(std::move(impl)));
  // Connect once now, so a wrong URL fails at Open rather than on first use.
  ZJ_ASSIGN_OR_RETURN(PooledConnection conn, db->Acquire());
  if (options.migrate) {
    auto applied = Migrate(conn.get());
    if (!applied) return std::move(applied).error().WithDetail(db->redacted_url());
  }
  return db;
}

Result<PooledConnection> Database::Acquire() {
  std::unique_lock lock(impl_->mu);
  impl_->cv.wait(lock,
                 [this] { return !impl_->idle.empty() || impl_->open < impl_->options.pool_size; });
  if (!impl_->idle.empty()) {
    std::unique_ptr<Connection> conn = std::move(impl_->idle.back());
    impl_->idle.pop_back();
    return PooledConnection(this, std::move(conn));
  }
  ++impl_->open;
  lock.unlock();
  auto conn = impl_->Connect();
  if (!conn) {
    lock.lock();
    --impl_->open;
    impl_->cv.notify_one();
    return std::move(conn).error().WithDetail(impl_->redacted_url);
  }
  return PooledConnection(this, std::unique_ptr<Connection>(std::move(*conn)));
}

void Database::Release(std::unique_ptr<Connection> conn) {
  auto* native = dynamic_cast<internal::NativeConnection*>(conn.get());
  bool reusable = native == nullptr || native->Recycle();
  if (!reusable) conn.reset();  // closed outside the lock
  std::lock_guard lock(impl_->mu);
  if (reusable) {
    impl_->idle.push_back(std::move(conn));
  } else {
    --impl_->open;
  }
  impl_->cv.notify_one();
}

}  // namespace zhijian::store
