// User accounts, sign-in sessions and API keys: who a caller is.
//
// Purpose: `Accounts` creates and manages users (admin, regulator, institution, inspector),
// signs them in (Argon2id passwords, password.h; throttling, throttle.h), and turns a session
// token or an API key into the `Principal` every other module works with.
//
// Secrets: the raw session token and the raw API key are returned exactly once (LoginResult,
// NewApiKey) and never stored: the database holds their SHA-256 only (sessions.token_hash,
// api_keys.key_hash). Passwords are stored as Argon2id strings only. Audit records never
// contain a password, token or key.
//
// Scope and rights:
//   - CreateUser, SetDisabled: admins only (the CLI acts as Principal::Cli(), an admin).
//   - ListUsers / GetUser: admin all; regulator: users whose region_prefix starts with its
//     prefix, or whose institution lies in its region; institution user: the users of its own
//     institution; inspector: only itself. Out-of-scope users are "not found".
//   - SetPassword: an admin for anyone (no old password needed); any user for itself, giving
//     the old password (also an admin changing its own password). All of the user's sessions
//     end (the caller signs in again).
//   - API keys: an admin for anyone's keys, any user for its own.
// Scope rules per role: admin: no region prefix, no institution; regulator and inspector: a
// region prefix of 0, 2, 4 or 6 digits ("" = national), no institution; institution: an
// existing institution id, no region prefix.
//
// Auditing: every write (user.create, user.password, user.disable, user.enable, auth.login,
// auth.logout, apikey.create, apikey.revoke) appends an audit record (audit/audit.h) in the
// same transaction; failed sign-ins are audited as auth.login-failed with the attempted
// username (never the password). Two bookkeeping writes are not audited: removing expired
// sessions, and api_keys.last_used_at (updated at most once per `api_key_touch_interval`).
//
// Randomness: tokens, key prefixes and secrets come from libsodium's CSPRNG (randombytes_buf),
// deliberately not injected: tests assert their format and uniqueness, never their value.
// The old-password check of SetPassword is throttled like Login.
//
// Ownership: borrows the Database and the Clock; both must outlive the Accounts object.
// Thread-safety: all methods are safe to call concurrently from any thread.
// Errors (codes are stable): kInvalidArgument "user.bad-username", "user.bad-display-name",
// "user.bad-role", "user.bad-region-prefix", "user.scope-mismatch", "apikey.bad-name",
// "password.*" (password.h); kUnprocessable "user.institution-not-found"; kConflict
// "user.exists"; kNotFound "user.not-found", "apikey.not-found"; kPermissionDenied
// "auth.forbidden", "auth.old-password-wrong", "user.cannot-disable-self"; kUnauthenticated
// "auth.bad-credentials" (unknown user OR wrong password: the same error, and comparable
// time), "auth.user-disabled" (correct password, disabled account), "auth.session-expired"
// (unknown, expired or ended session), "auth.bad-api-key" (malformed, unknown or revoked key,
// or disabled owner); kTooManyRequests "auth.throttled" with detail "retry-after=N" (see
// Error::RetryAfterSeconds); store errors pass through.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "zhijian/accounts/password.h"
#include "zhijian/accounts/throttle.h"
#include "zhijian/base/clock.h"
#include "zhijian/base/principal.h"
#include "zhijian/base/result.h"
#include "zhijian/store/db.h"

namespace zhijian::accounts {

struct User {
  int64_t id = 0;
  std::string username;
  std::string display_name;
  Role role = Role::kPublic;
  std::string region_prefix;
  std::optional<int64_t> institution_id;
  bool disabled = false;
  std::string created_at;  // RFC 3339 UTC

  // The Principal this user acts as, arriving `via` "session", "apikey", ...
  Principal ToPrincipal(const std::string& via) const;
};

struct NewUser {
  std::string username;      // [a-z0-9._-]{3,32}
  std::string display_name;  // 1..64 characters
  Role role = Role::kPublic;
  std::string region_prefix;
  std::optional<int64_t> institution_id;
  std::string password;  // checked against the policy
};

struct LoginResult {
  std::string token;       // raw session token (base64url of 32 random bytes); shown once
  std::string expires_at;  // RFC 3339 UTC
  TimePoint expires;
  User user;
};

struct NewApiKey {
  int64_t id = 0;
  std::string name;
  std::string prefix;  // 8 hex digits, public, identifies the key
  std::string key;     // "zjk_" + prefix + "_" + secret (43 base64url chars); shown once
  std::string created_at;
};

struct ApiKeyInfo {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string username;
  std::string name;
  std::string prefix;
  std::string created_at;
  std::optional<std::string> last_used_at;
  std::optional<std::string> revoked_at;
};

struct AccountsOptions {
  std::chrono::seconds session_ttl{12 * 60 * 60};
  std::chrono::seconds api_key_touch_interval{60};
  PasswordParams password_params = PasswordParams::Default();
  ThrottleOptions throttle;
};

class Accounts {
 public:
  Accounts(store::Database& db, const Clock& clock, AccountsOptions options = {});
  ~Accounts();
  Accounts(const Accounts&) = delete;
  Accounts& operator=(const Accounts&) = delete;

  // Users.
  Result<User> CreateUser(const Principal& actor, const NewUser& user, const std::string& ip);
  Result<std::vector<User>> ListUsers(const Principal& actor);
  Result<User> GetUser(const Principal& actor, const std::string& username);
  // `old_password` is required when the actor changes its own password.
  Result<void> SetPassword(const Principal& actor, const std::string& username,
                           const std::string& new_password,
                           const std::optional<std::string>& old_password, const std::string& ip);
  // Disabling also ends the user's sessions; its API keys stop working while disabled.
  Result<void> SetDisabled(const Principal& actor, const std::string& username, bool disabled,
                           const std::string& ip);

  // Sessions.
  Result<LoginResult> Login(const std::string& username, const std::string& password,
                            const std::string& ip);
  // Ends the session of `token` (no error when it is unknown or already ended).
  Result<void> Logout(const std::string& token, const std::string& ip);
  // The principal (via "session") of a live session.
  Result<Principal> AuthenticateSession(const std::string& token);

  // API keys.
  Result<NewApiKey> CreateApiKey(const Principal& actor, const std::string& username,
                                 const std::string& name, const std::string& ip);
  // Revoking an already revoked key succeeds without a new audit record.
  Result<void> RevokeApiKey(const Principal& actor, int64_t key_id, const std::string& ip);
  // The keys of `username` (no secrets), newest first, revoked ones included.
  Result<std::vector<ApiKeyInfo>> ListApiKeys(const Principal& actor, const std::string& username);
  // The principal (via "apikey") of the key's owner.
  Result<Principal> AuthenticateApiKey(const std::string& raw_key);

  const LoginThrottle& throttle() const { return throttle_; }

 private:
  const std::string& DummyHash();

  store::Database& db_;
  const Clock& clock_;
  AccountsOptions options_;
  LoginThrottle throttle_;
  std::once_flag dummy_once_;
  std::string dummy_hash_;
};

}  // namespace zhijian::accounts
