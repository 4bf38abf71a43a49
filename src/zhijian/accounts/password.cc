#include "zhijian/accounts/password.h"

#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <mutex>

namespace zhijian::accounts {
namespace {

// Counts UTF-8 code points (bytes that are not continuation bytes).
size_t CodePoints(std::string_view s) {
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

PasswordParams PasswordParams::Default() {
  return {crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

PasswordParams PasswordParams::Fast() {
  return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
}

Result<void> EnsureSodium() {
  static std::once_flag once;
  static int status = -1;
  std::call_once(once, [] { status = sodium_init(); });
  if (status < 0) return Error::Internal("sodium.init", "sodium_init failed");
  return Ok();
}

Result<std::string> HashPassword(std::string_view password, const PasswordParams& params) {
  ZJ_TRY(EnsureSodium());
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), params.opslimit, params.memlimit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Error::Internal("password.hash", "crypto_pwhash_str_alg failed (out of memory?)");
  }
  return std::string(out);
}

bool VerifyPassword(std::string_view hash, std::string_view password) {
  if (!EnsureSodium()) return false;
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  std::string h(hash);  // NUL-terminated copy
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

bool NeedsRehash(std::string_view hash, const PasswordParams& params) {
  if (!EnsureSodium()) return false;
  if (hash.size() >= crypto_pwhash_STRBYTES) return true;
  std::string h(hash);
  if (h.rfind("$argon2id$", 0) != 0) return true;
  return crypto_pwhash_str_needs_rehash(h.c_str(), params.opslimit, params.memlimit) != 0;
}

Result<void> CheckPasswordPolicy(std::string_view password, std::string_view username) {
  size_t n = CodePoints(password);
  if (n < 10) {
    return Error::Invalid("password.too-short", "密码至少需要 10 个字符",
                          "the password must have at least 10 characters");
  }
  if (n > 128 || password.size() > 512) {
    return Error::Invalid("password.too-long", "密码不能超过 128 个字符",
                          "the password must have at most 128 characters");
  }
  bool letter = false, digit = false, other = false;
  for (char c : password) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x80 && std::isalpha(u)) {
      letter = true;
    } else if (u < 0x80 && std::isdigit(u)) {
      digit = true;
    } else {
      other = true;  // punctuation, spaces, and any non-ASCII character (e.g. 汉字)
    }
  }
  bool one_char =
      std::all_of(password.begin(), password.end(), [&](char c) { return c == password.front(); });
  if (letter + digit + other < 2 || one_char) {
    return Error::Invalid("password.too-simple",
                          "密码过于简单：至少包含字母、数字、其他字符中的两类",
                          "the password is too simple: use at least two of letters, digits "
                          "and other characters");
  }
  if (!username.empty() && Lower(password).find(Lower(username)) != std::string::npos) {
    return Error::Invalid("password.contains-username", "密码不能包含用户名",
                          "the password must not contain the username");
  }
  return Ok();
}

}  // namespace zhijian::accounts
