// The PostgreSQL adapter: one libpq PGconn per connection; `?` placeholders rewritten to $n;
// text-format parameters except blobs (binary bytea); results decoded by column type.
#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <memory>
#include <string>
#include <utility>

#include "zhijian/store/db_internal.h"

namespace zhijian::store::internal {

namespace {
bool IsIdentifierChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}
}  // namespace

std::string RewritePlaceholders(std::string_view sql, int* count) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    if (c == '\'' || c == '"') {
      // A literal or a quoted identifier; a doubled quote stays inside. In E'...' strings a
      // backslash escapes the next character.
      const bool escapes = c == '\'' && i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') &&
                           (i < 2 || !IsIdentifierChar(sql[i - 2]));
      size_t j = i + 1;
      while (j < sql.size()) {
        if (escapes && sql[j] == '\\') {
          j += 2;
        } else if (sql[j] == c) {
          if (j + 1 < sql.size() && sql[j + 1] == c) {
            j += 2;
          } else {
            ++j;
            break;
          }
        } else {
          ++j;
        }
      }
      j = std::min(j, sql.size());
      out.append(sql.substr(i, j - i));
      i = j;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {  // line comment
      size_t end = sql.find('\n', i);
      end = end == std::string_view::npos ? sql.size() : end;
      out.append(sql.substr(i, end - i));
      i = end;
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {  // block comment
      size_t end = sql.find("*/", i + 2);
      end = end == std::string_view::npos ? sql.size() : end + 2;
      out.append(sql.substr(i, end - i));
      i = end;
    } else if (c == '?') {
      out += '$';
      out += std::to_string(++n);
      ++i;
    } else {
      out += c;
      ++i;
    }
  }
  if (count) *count = n;
  return out;
}

namespace {

// Type OIDs (pg_type.h) of the columns decoded into non-text Values.
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kOidOid = 26;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 0;
}

// bytea in text output: "\x0a1b..." (bytea_output = hex, which we set on connect).
Blob DecodeBytea(const char* text, size_t len) {
  Blob blob;
  if (len >= 2 && text[0] == '\\' && text[1] == 'x') {
    blob.bytes.reserve((len - 2) / 2);
    for (size_t i = 2; i + 1 < len; i += 2) {
      blob.bytes.push_back(static_cast<char>(HexDigit(text[i]) * 16 + HexDigit(text[i + 1])));
    }
    return blob;
  }
  size_t out_len = 0;  // escape format, should bytea_output have been changed
  unsigned char* raw = PQunescapeBytea(reinterpret_cast<const unsigned char*>(text), &out_len);
  if (raw) {
    blob.bytes.assign(reinterpret_cast<const char*>(raw), out_len);
    PQfreemem(raw);
  }
  return blob;
}

Value DecodeCell(const PGresult* res, int row, int col) {
  if (PQgetisnull(res, row, col)) return std::monostate{};
  const char* text = PQgetvalue(res, row, col);
  const size_t len = static_cast<size_t>(PQgetlength(res, row, col));
  switch (PQftype(res, col)) {
    case kInt8Oid:
    case kInt2Oid:
    case kInt4Oid:
    case kOidOid: {
      int64_t v = 0;
      std::from_chars(text, text + len, v);
      return v;
    }
    case kFloat4Oid:
    case kFloat8Oid:
      return std::strtod(text, nullptr);
    case kBoolOid:
      return static_cast<int64_t>(text[0] == 't' ? 1 : 0);
    case kByteaOid:
      return DecodeBytea(text, len);
    default:
      return std::string(text, len);
  }
}

class PostgresConnection final : public NativeConnection {
 public:
  explicit PostgresConnection(PGconn* conn) : conn_(conn) {}
  ~PostgresConnection() override { PQfinish(conn_); }
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  Backend backend() const override { return Backend::kPostgres; }

  Result<int64_t> Exec(std::string_view sql, std::span<const Value> params) override {
    ZJ_ASSIGN_OR_RETURN(ResultPtr res, Run(sql, params));
    const char* tuples = PQcmdTuples(res.get());
    int64_t changed = 0;
    if (tuples && *tuples)
      std::from_chars(tuples, tuples + std::char_traits<char>::length(tuples), changed);
    return changed;
  }

  Result<std::vector<Row>> Query(std::string_view sql, std::span<const Value> params) override {
    ZJ_ASSIGN_OR_RETURN(ResultPtr res, Run(sql, params));
    const int nrows = PQntuples(res.get());
    const int ncols = PQnfields(res.get());
    std::vector<Row> rows;
    rows.reserve(static_cast<size_t>(nrows));
    for (int r = 0; r < nrows; ++r) {
      std::vector<Value> cells;
      cells.reserve(static_cast<size_t>(ncols));
      for (int c = 0; c < ncols; ++c) cells.push_back(DecodeCell(res.get(), r, c));
      rows.emplace_back(std::move(cells));
    }
    return rows;
  }

  Result<void> ExecScript(std::string_view sql) override {
    std::string script(sql);
    ResultPtr res(PQexec(conn_, script.c_str()));
    ZJ_TRY(Check(res.get(), script));
    return Ok();
  }

  Result<void> Begin(bool /*write*/) override { return ExecScript("BEGIN"); }
  Result<void> Commit() override { return ExecScript("COMMIT"); }
  Result<void> Rollback() override { return ExecScript("ROLLBACK"); }

  bool Recycle() override {
    if (broken_ || PQstatus(conn_) != CONNECTION_OK) return false;
    switch (PQtransactionStatus(conn_)) {
      case PQTRANS_IDLE:
        return true;
      case PQTRANS_INTRANS:
      case PQTRANS_INERROR:
        return ExecScript("ROLLBACK").ok() && PQtransactionStatus(conn_) == PQTRANS_IDLE;
      default:  // PQTRANS_ACTIVE, PQTRANS_UNKNOWN
        return false;
    }
  }

 private:
  Result<ResultPtr> Run(std::string_view sql, std::span<const Value> params) {
    int count = 0;
    std::string text = RewritePlaceholders(sql, &count);
    if (count != static_cast<int>(params.size())) {
      return SqlError("statement takes " + std::to_string(count) + " parameters, got " +
                      std::to_string(params.size()) + ": " + std::string(sql));
    }
    const size_t n = params.size();
    std::vector<std::string> storage(n);
    std::vector<const char*> values(n, nullptr);
    std::vector<int> lengths(n, 0);
    std::vector<int> formats(n, 0);
    std::vector<Oid> types(n, 0);  // 0: let the server infer from context
    for (size_t i = 0; i < n; ++i) {
      const Value& v = params[i];
      if (const auto* num = std::get_if<int64_t>(&v)) {
        storage[i] = std::to_string(*num);
      } else if (const auto* d = std::get_if<double>(&v)) {
        char buf[64];
        auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, *d);
        storage[i] = ec == std::errc() ? std::string(buf, ptr) : "NaN";
      } else if (const auto* s = std::get_if<std::string>(&v)) {
        storage[i] = *s;
      } else if (const auto* b = std::get_if<Blob>(&v)) {
        values[i] = b->bytes.data();
        lengths[i] = static_cast<int>(b->bytes.size());
        formats[i] = 1;
        types[i] = kByteaOid;
        continue;
      } else {
        continue;  // NULL
      }
      values[i] = storage[i].c_str();
      lengths[i] = static_cast<int>(storage[i].size());
    }
    ResultPtr res(PQexecParams(conn_, text.c_str(), static_cast<int>(n), types.data(),
                               values.data(), lengths.data(), formats.data(), 0));
    ZJ_TRY(Check(res.get(), text));
    return res;
  }

  Result<void> Check(const PGresult* res, const std::string& sql) {
    ExecStatusType status = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) {
      return Ok();
    }
    std::string message = res ? PQresultErrorMessage(res) : PQerrorMessage(conn_);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
      message.pop_back();
    }
    std::string detail = message + " in: " + sql;
    const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    std::string sqlstate = state ? state : "";
    if (PQstatus(conn_) != CONNECTION_OK || sqlstate.rfind("08", 0) == 0 ||
        sqlstate.rfind("57P", 0) == 0) {
      broken_ = true;  // connection lost or server shutting down: discard this connection
      return UnavailableError(detail);
    }
    if (sqlstate.rfind("23", 0) == 0) return ConstraintError(detail);
    // serialization failure, deadlock, lock_timeout, statement_timeout
    if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03" || sqlstate == "57014") {
      return BusyError(detail);
    }
    if (sqlstate == "53100" || sqlstate == "53200" || sqlstate == "53300") {
      return UnavailableError(detail);  // disk full, out of memory, too many connections
    }
    return SqlError(detail);
  }

  PGconn* conn_;
  bool broken_ = false;
};

}  // namespace

Result<std::unique_ptr<NativeConnection>> OpenPostgres(const std::string& uri,
                                                       const OpenOptions& options) {
  // Earlier keywords are defaults; the URI (expanded from dbname) overrides them.
  const char* keys[] = {"connect_timeout", "application_name", "dbname", nullptr};
  const char* values[] = {"10", "zhijian", uri.c_str(), nullptr};
  PGconn* raw = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (raw == nullptr) return UnavailableError("libpq: out of memory");
  auto conn = std::make_unique<PostgresConnection>(raw);
  // Server notices ("relation already exists, skipping") are not errors; keep them off stderr.
  PQsetNoticeProcessor(
      raw, [](void*, const char*) {}, nullptr);
  if (PQstatus(raw) != CONNECTION_OK) {
    std::string message = PQerrorMessage(raw);
    while (!message.empty() && message.back() == '\n') message.pop_back();
    return UnavailableError("cannot connect to PostgreSQL: " + message);
  }
  std::string setup = "SET client_encoding = 'UTF8'; SET bytea_output = 'hex';";
  setup += " SET lock_timeout = " + std::to_string(std::max(0, options.busy_timeout_ms)) + ";";
  setup +=
      " SET statement_timeout = " + std::to_string(std::max(0, options.statement_timeout_ms)) + ";";
  if (auto r = conn->ExecScript(setup); !r) return std::move(r).error();
  return std::unique_ptr<NativeConnection>(std::move(conn));
}

}  // namespace zhijian::store::internal
