// Fuzzes the PostgreSQL adapter's `?` -> `$n` rewriting, store::internal::RewritePlaceholders.
// It is private to the store module (store/db_internal.h); this target includes that internal
// header on purpose, as the store's own tests do: the fuzz targets are tests of their module.
//
// Invariants, checked against an independent lexer written here as a state machine: the number
// of placeholders equals the number of `?` outside '...' literals (with '' and, in E'...'
// strings, backslash escapes), "..." identifiers (with ""), -- line comments and /* */ block
// comments; the output is the input with exactly those `?` replaced by $1, $2, ... in order and
// every other byte unchanged.
//
// Known limitations of the rewriting, not checked here (the statements are written by the
// project's developers, never by users): PostgreSQL's nested block comments, dollar-quoted
// strings ($$ ... $$), U&'...' escapes, and the jsonb `?` operators are not recognised.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_check.h"
#include "zhijian/store/db_internal.h"

namespace {

bool IdentifierByte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

enum class State { kCode, kLiteral, kEscapeLiteral, kEscaped, kIdentifier, kLine, kBlock };

// The expected rewriting and placeholder count.
std::string Reference(std::string_view sql, int* count) {
  std::string out;
  int n = 0;
  State st = State::kCode;
  for (size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    const char next = i + 1 < sql.size() ? sql[i + 1] : '\0';
    switch (st) {
      case State::kCode:
        if (c == '?') {
          out += "$" + std::to_string(++n);
          continue;
        }
        if (c == '\'') {
          const bool e_prefix = i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') &&
                                (i < 2 || !IdentifierByte(sql[i - 2]));
          st = e_prefix ? State::kEscapeLiteral : State::kLiteral;
        } else if (c == '"') {
          st = State::kIdentifier;
        } else if (c == '-' && next == '-') {
          st = State::kLine;
        } else if (c == '/' && next == '*') {
          out += "/*";
          ++i;
          st = State::kBlock;
          continue;
        }
        break;
      case State::kLiteral:
      case State::kEscapeLiteral:
      case State::kIdentifier: {
        const char quote = st == State::kIdentifier ? '"' : '\'';
        if (st == State::kEscapeLiteral && c == '\\') {
          st = State::kEscaped;
        } else if (c == quote) {
          if (next == quote) {  // a doubled quote stays inside
            out += c;
            ++i;
          } else {
            st = State::kCode;
          }
        }
        break;
      }
      case State::kEscaped:
        st = State::kEscapeLiteral;
        break;
      case State::kLine:
        if (c == '\n') st = State::kCode;
        break;
      case State::kBlock:
        if (c == '*' && next == '/') {
          out += "*/";
          ++i;
          st = State::kCode;
          continue;
        }
        break;
    }
    out += c;
  }
  *count = n;
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view sql = zhijian::fuzz::AsText(data, size);
  int count = -1;
  const std::string out = zhijian::store::internal::RewritePlaceholders(sql, &count);
  int want_count = -1;
  const std::string want = Reference(sql, &want_count);
  ZJ_FUZZ_CHECK(count == want_count, "placeholder count " + std::to_string(count) + ", expected " +
                                         std::to_string(want_count));
  ZJ_FUZZ_CHECK(out == want, "rewritten text differs from the reference");
  // Independent of any lexing: each placeholder removed one '?' and added "$k".
  size_t added = 0;
  for (int k = 1; k <= count; ++k) added += 1 + std::to_string(k).size();
  ZJ_FUZZ_CHECK(out.size() == sql.size() - static_cast<size_t>(count) + added, "output length");
  // The count is optional.
  ZJ_FUZZ_CHECK(zhijian::store::internal::RewritePlaceholders(sql) == out, "count pointer");
  return 0;
}
