// The project's one error model.
//
// Purpose: expected failures (bad input, not found, permission, conflicts, unavailable
// backends) travel as values: `Result<T>` holds either a T or an `Error`. Exceptions thrown by
// libraries are caught at the adapter that calls them and turned into an `Error`; they never
// cross a module's public header.
//
// An `Error` carries a `Kind` (which decides the HTTP status in exactly one place,
// server/problem.h), a stable machine `code` such as "uscc.bad-length" that clients may switch
// on, and a human message in Chinese and English. `detail` holds optional context (the field,
// the file:line:column) that is safe to show to the caller; never put secrets in it.
//
// Thread-safety: plain values; safe to copy between threads.
#pragma once

#include <cassert>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace zhijian {

class Error {
 public:
  enum class Kind {
    kInvalidArgument,   // malformed input (400)
    kUnauthenticated,   // no or bad credentials (401)
    kPermissionDenied,  // authenticated but not allowed (403)
    kNotFound,          // absent, or out of scope where existence must not leak (404)
    kConflict,          // already exists / version conflict (409)
    kPayloadTooLarge,   // (413)
    kUnsupportedMedia,  // wrong content type (415)
    kUnprocessable,     // well-formed but semantically refused (422)
    kTooManyRequests,   // rate limited (429)
    kUnavailable,       // a backend is down (503)
    kInternal,          // a bug or an unexpected library failure (500)
  };

  Error(Kind kind, std::string code, std::string message_zh, std::string message_en,
        std::string detail = {})
      : kind_(kind),
        code_(std::move(code)),
        message_zh_(std::move(message_zh)),
        message_en_(std::move(message_en)),
        detail_(std::move(detail)) {}

  Kind kind() const { return kind_; }
  const std::string& code() const { return code_; }
  const std::string& message_zh() const { return message_zh_; }
  const std::string& message_en() const { return message_en_; }
  const std::string& detail() const { return detail_; }

  // Returns a copy with `detail` set (or prefixed, when one is already present).
  Error WithDetail(const std::string& detail) const {
    Error e = *this;
    e.detail_ = detail_.empty() ? detail : detail + ": " + detail_;
    return e;
  }

  // "code: message_en (detail)" for logs and CLI output.
  std::string ToString() const {
    std::string s = code_ + ": " + message_en_;
    if (!detail_.empty()) s += " (" + detail_ + ")";
    return s;
  }

  // Convenience constructors for the common kinds.
  static Error Invalid(std::string code, std::string zh, std::string en, std::string detail = {}) {
    return Error(Kind::kInvalidArgument, std::move(code), std::move(zh), std::move(en),
                 std::move(detail));
  }
  static Error NotFound(std::string code, std::string zh, std::string en, std::string detail = {}) {
    return Error(Kind::kNotFound, std::move(code), std::move(zh), std::move(en), std::move(detail));
  }
  // A rate-limit refusal (429). The wait is carried in `detail` as "retry-after=N", which the
  // HTTP layer turns into a Retry-After header.
  static Error TooManyRequests(std::string code, std::string zh, std::string en,
                               int64_t retry_after_seconds) {
    return Error(Kind::kTooManyRequests, std::move(code), std::move(zh), std::move(en),
                 "retry-after=" + std::to_string(retry_after_seconds));
  }
  // The wait of a TooManyRequests error, if it carries one.
  std::optional<int64_t> RetryAfterSeconds() const {
    static constexpr std::string_view kKey = "retry-after=";
    if (kind_ != Kind::kTooManyRequests || detail_.rfind(kKey, 0) != 0) return std::nullopt;
    int64_t v = 0;
    for (size_t i = kKey.size(); i < detail_.size(); ++i) {
      if (detail_[i] < '0' || detail_[i] > '9' || v > 1'000'000'000) return std::nullopt;
      v = v * 10 + (detail_[i] - '0');
    }
    return detail_.size() > kKey.size() ? std::optional<int64_t>(v) : std::nullopt;
  }

  static Error Internal(std::string code, std::string detail) {
    return Error(Kind::kInternal, std::move(code), "内部错误", "internal error", std::move(detail));
  }

 private:
  Kind kind_;
  std::string code_;
  std::string message_zh_;
  std::string message_en_;
  std::string detail_;
};

// Result<T>: a T or an Error. Result<void> holds nothing or an Error.
//
//   Result<Uscc> r = Uscc::Parse(text);
//   if (!r) return r.error();
//   use(*r);
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}      // NOLINT(implicit)
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT(implicit)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& {
    assert(!ok());
    return std::get<1>(v_);
  }
  Error&& error() && {
    assert(!ok());
    return std::get<1>(std::move(v_));
  }

  T value_or(T fallback) const& { return ok() ? value() : std::move(fallback); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), has_error_(true) {}  // NOLINT(implicit)

  bool ok() const { return !has_error_; }
  explicit operator bool() const { return ok(); }
  const Error& error() const& {
    assert(!ok());
    return error_;
  }
  Error&& error() && {
    assert(!ok());
    return std::move(error_);
  }

 private:
  Error error_{Error::Kind::kInternal, "", "", ""};
  bool has_error_ = false;
};

inline Result<void> Ok() { return {}; }

}  // namespace zhijian

// Propagates an error from an expression returning Result<...>:
//   ZJ_TRY(conn.Exec(...));
// (__COUNTER__ keeps nested uses, e.g. inside a lambda passed to another ZJ_TRY, distinct.)
#define ZJ_TRY(expr) ZJ_TRY_IMPL_(ZJ_CONCAT_(zj_try_result_, __COUNTER__), expr)
#define ZJ_TRY_IMPL_(tmp, expr)              \
  do {                                       \
    auto tmp = (expr);                       \
    if (!tmp) return std::move(tmp).error(); \
  } while (0)

#define ZJ_CONCAT_INNER_(a, b) a##b
#define ZJ_CONCAT_(a, b) ZJ_CONCAT_INNER_(a, b)
// Declares `lhs` from the value of a Result, or returns its error:
//   ZJ_ASSIGN_OR_RETURN(auto rows, conn.Query(...));
#define ZJ_ASSIGN_OR_RETURN(lhs, expr) \
  ZJ_ASSIGN_OR_RETURN_IMPL_(ZJ_CONCAT_(zj_result_, __COUNTER__), lhs, expr)
#define ZJ_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp) return std::move(tmp).error();        \
  lhs = std::move(tmp).value()
