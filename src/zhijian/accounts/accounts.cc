#include "zhijian/accounts/accounts.h"

#include <sodium.h>

#include <algorithm>
#include <boost/json/object.hpp>
#include <utility>

#include "zhijian/audit/audit.h"
#include "zhijian/base/digest.h"
#include "zhijian/store/scope.h"

namespace zhijian::accounts {
namespace {

using store::Value;

constexpr const char* kUserColumns =
    "u.id, u.username, u.display_name, u.role, u.region_prefix, u.institution_id, u.disabled, "
    "u.created_at";
constexpr size_t kUserColumnCount = 8;
constexpr const char* kApiKeyTag = "zjk_";
constexpr size_t kPrefixLen = 8;
constexpr size_t kSecretBytes = 32;
constexpr size_t kSecretLen = 43;  // base64url without padding of 32 bytes
constexpr size_t kApiKeyLen = 4 + kPrefixLen + 1 + kSecretLen;

// ---- errors ------------------------------------------------------------------------------

Error Forbidden() {
  return Error(Error::Kind::kPermissionDenied, "auth.forbidden", "无权执行此操作",
               "you are not allowed to do this");
}
Error UserNotFound(const std::string& username) {
  return Error::NotFound("user.not-found", "用户不存在", "no such user", username);
}
Error BadCredentials() {
  return Error(Error::Kind::kUnauthenticated, "auth.bad-credentials", "用户名或密码错误",
               "wrong username or password");
}
Error SessionExpired() {
  return Error(Error::Kind::kUnauthenticated, "auth.session-expired", "登录已失效，请重新登录",
               "the session has expired; sign in again");
}
Error BadApiKey() {
  return Error(Error::Kind::kUnauthenticated, "auth.bad-api-key", "API 密钥无效",
               "invalid API key");
}
Error Throttled(int64_t seconds) {
  return Error::TooManyRequests("auth.throttled", "登录失败次数过多，请稍后再试",
                                "too many failed sign-in attempts; try again later", seconds);
}

// ---- helpers -----------------------------------------------------------------------------

size_t CodePoints(const std::string& s) {
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// 1..max characters, not blank, no control characters.
bool ValidLabel(const std::string& s, size_t max) {
  size_t n = CodePoints(s);
  if (n < 1 || n > max) return false;
  bool blank = true;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return false;
    if (u != ' ') blank = false;
  }
  return !blank;
}

bool ValidUsername(const std::string& s) {
  if (s.size() < 3 || s.size() > 32) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  });
}

bool ValidRegionPrefix(const std::string& s) {
  if (s.size() != 0 && s.size() != 2 && s.size() != 4 && s.size() != 6) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string RandomBase64Url(size_t n) {
  std::string bytes(n, '\0');
  randombytes_buf(bytes.data(), n);
  const int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_ENCODED_LEN(n, variant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), n,
                    variant);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

std::string RandomHex(size_t n) {
  std::string bytes(n, '\0');
  randombytes_buf(bytes.data(), n);
  return HexEncode(bytes);
}

bool IsBase64UrlChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

User UserFromRow(const store::Row& row) {
  User u;
  u.id = row.Int(0);
  u.username = row.Text(1);
  u.display_name = row.Text(2);
  u.role = ParseRole(row.Text(3)).value_or(Role::kPublic);
  u.region_prefix = row.Text(4);
  u.institution_id = row.OptInt(5);
  u.disabled = row.Int(6) != 0;
  u.created_at = row.Text(7);
  return u;
}

struct StoredUser {
  User user;
  std::string password_hash;  // "" when none is set
};

Result<std::optional<StoredUser>> LoadUser(store::Connection& conn, const std::string& username) {
  std::vector<Value> params = {Value(username)};
  ZJ_ASSIGN_OR_RETURN(std::optional<store::Row> row,
                      conn.QueryOne(std::string("SELECT ") + kUserColumns +
                                        ", u.password_hash FROM users u WHERE u.username = ?",
                                    params));
  if (!row) return std::optional<StoredUser>();
  return std::optional<StoredUser>(
      StoredUser{UserFromRow(*row), row->OptText(kUserColumnCount).value_or("")});
}

// Where records about `user` belong for audit scoping: a regulator's or inspector's prefix, or
// its institution's region and id.
struct Location {
  std::string region_code;
  std::optional<int64_t> institution_id;
};

Result<Location> LocationOf(store::Connection& conn, const User& user) {
  if (!user.institution_id) return Location{user.region_prefix, std::nullopt};
  std::vector<Value> params = {Value(*user.institution_id)};
  ZJ_ASSIGN_OR_RETURN(std::optional<store::Row> row,
                      conn.QueryOne("SELECT region_code FROM institutions WHERE id = ?", params));
  return Location{row ? row->Text(0) : std::string(), user.institution_id};
}

audit::AuditEvent UserEvent(std::string action, const User& user, const Location& loc) {
  audit::AuditEvent e;
  e.action = std::move(action);
  e.target_type = "user";
  e.target_id = user.username;
  e.region_code = loc.region_code;
  e.institution_id = loc.institution_id;
  return e;
}

// The users `actor` may see, as a predicate over `users u LEFT JOIN institutions i`.
store::ScopePredicate UserScope(const Principal& actor) {
  switch (actor.role) {
    case Role::kAdmin:
      return {"(1=1)", {}};
    case Role::kRegulator: {
      store::ScopeColumns own_columns;
      own_columns.region_column = "u.region_prefix";
      store::ScopeColumns inst_columns;
      inst_columns.region_column = "i.region_code";
      store::ScopePredicate own = store::ScopeFor(actor, own_columns);
      store::ScopePredicate inst = store::ScopeFor(actor, inst_columns);
      store::ScopePredicate p{"(" + own.sql + " OR " + inst.sql + ")", own.params};
      p.params.insert(p.params.end(), inst.params.begin(), inst.params.end());
      return p;
    }
    case Role::kInstitution: {
      store::ScopeColumns columns;
      columns.institution_column = "u.institution_id";
      return store::ScopeFor(actor, columns);
    }
    case Role::kInspector:
      return {"(u.id = ?)", {Value(actor.user_id)}};
    case Role::kPublic:
      break;
  }
  return {"(1=0)", {}};
}

bool IsSelf(const Principal& actor, const std::string& username) {
  return actor.user_id > 0 && actor.username == username;
}

Principal Anonymous() { return Principal{}; }

}  // namespace

Principal User::ToPrincipal(const std::string& via) const {
  Principal p;
  p.role = role;
  p.user_id = id;
  p.username = username;
  p.region_prefix = region_prefix;
  p.institution_id = institution_id;
  p.via = via;
  return p;
}

Accounts::Accounts(store::Database& db, const Clock& clock, AccountsOptions options)
    : db_(db), clock_(clock), options_(options), throttle_(clock, options.throttle) {}

Accounts::~Accounts() = default;

const std::string& Accounts::DummyHash() {
  std::call_once(dummy_once_, [this] {
    Result<std::string> h = HashPassword(RandomBase64Url(16), options_.password_params);
    if (h) dummy_hash_ = *h;
  });
  return dummy_hash_;
}

// ---- users -------------------------------------------------------------------------------

Result<User> Accounts::CreateUser(const Principal& actor, const NewUser& nu,
                                  const std::string& ip) {
  if (actor.role != Role::kAdmin) return Forbidden();
  if (!ValidUsername(nu.username)) {
    return Error::Invalid("user.bad-username", "用户名须为 3–32 位小写字母、数字或 . _ -",
                          "the username must be 3-32 characters of a-z, 0-9, '.', '_', '-'",
                          "username");
  }
  if (!ValidLabel(nu.display_name, 64)) {
    return Error::Invalid("user.bad-display-name", "显示名称须为 1–64 个字符",
                          "the display name must have 1-64 characters", "display_name");
  }
  if (nu.role == Role::kPublic) {
    return Error::Invalid("user.bad-role", "角色须为 admin、regulator、institution 或 inspector",
                          "the role must be admin, regulator, institution or inspector", "role");
  }
  if (!ValidRegionPrefix(nu.region_prefix)) {
    return Error::Invalid("user.bad-region-prefix", "区域前缀须为空或 2、4、6 位数字",
                          "the region prefix must be empty or 2, 4 or 6 digits", "region_prefix");
  }
  bool scope_ok = false;
  switch (nu.role) {
    case Role::kAdmin:
      scope_ok = nu.region_prefix.empty() && !nu.institution_id;
      break;
    case Role::kRegulator:
    case Role::kInspector:
      scope_ok = !nu.institution_id;
      break;
    case Role::kInstitution:
      scope_ok = nu.region_prefix.empty() && nu.institution_id.has_value();
      break;
    case Role::kPublic:
      break;
  }
  if (!scope_ok) {
    return Error::Invalid(
        "user.scope-mismatch",
        "角色与范围不一致：管理员无范围，监管/检查人员需区域前缀，机构用户需机构",
        "role and scope do not match: admin has none, regulator/inspector a region prefix, "
        "institution an institution id");
  }
  ZJ_TRY(CheckPasswordPolicy(nu.password, nu.username));
  ZJ_ASSIGN_OR_RETURN(std::string hash, HashPassword(nu.password, options_.password_params));

  TimePoint now = clock_.Now();
  std::string at = FormatInstant(now);
  ZJ_ASSIGN_OR_RETURN(store::PooledConnection pc, db_.Acquire());
  Result<User> created =
      store::WithTransaction<User>(pc.get(), [&](store::Connection& tx) -> Result<User> {
        Location loc{nu.region_prefix, std::nullopt};
        if (nu.institution_id) {
          std::vector<Value> p = {Value(*nu.institution_id)};
          ZJ_ASSIGN_OR_RETURN(std::optional<store::Row> inst,
                              tx.QueryOne("SELECT region_code FROM institutions WHERE id = ?", p));
          if (!inst) {
            return Error(Error::Kind::kUnprocessable, "user.institution-not-found", "机构不存在",
                         "no such institution", std::to_string(*nu.institution_id));
          }
          loc = Location{inst->Text(0), nu.institution_id};
        }
        std::vector<Value> p = {Value(nu.username)};
        ZJ_ASSIGN_OR_RETURN(std::optional<store::Row> existing,
                            tx.QueryOne("SELECT id FROM users WHERE username = ?", p));
        if (existing) {
          return Error(Error::Kind::kConflict, "user.exists", "用户名已存在",
                       "the username is taken", nu.username);
        }
        std::vector<Value> ins = {Value(nu.username),
                                  Value(nu.display_name),
                                  Value(std::string(RoleName(nu.role))),
                                  Value(nu.region_prefix),
                                  nu.institution_id ? Value(*nu.institution_id) : store::Null(),
                                  Value(hash),
                                  Value(at),
                                  Value(at)};
        ZJ_ASSIGN_OR_RETURN(
            std::optional<store::Row> id_row,
            tx.QueryOne("INSERT INTO users (username, display_name, role, region_prefix, "
                        "institution_id, password_hash, disabled, created_at, updated_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?) RETURNING id",
                        ins));
        if (!id_row) return Error::Internal("user.insert", "INSERT returned no id");
        User u;
        u.id = id_row->Int(0);
        u.username = nu.username;
        u.display_name = nu.display_name;
        u.role = nu.role;
        u.region_prefix = nu.region_prefix;
        u.institution_id = nu.institution_id;
        u.created_at = at;
        audit::AuditEvent e = UserEvent("user.create", u, loc);
        e.detail["username"] = u.username;
        e.detail["display_name"] = u.display_name;
        e.detail["role"] = std::string(RoleName(u.role));
        e.detail["region_prefix"] = u.region_prefix;
        if (u.institution_id) e.detail["institution_id"] = *u.institution_id;
        ZJ_TRY(audit::Append(tx, actor, ip, e, now));
        return u;
      });
  if (!created && created.error().code() == "store.constraint") {
    return Error(Error::Kind::kConflict, "user.exists", "用户名已存在", "the username is taken",
                 nu.username);
  }
  return created;
}

Result<std::vector<User>> Accounts::ListUsers(const Principal& actor) {
  std::string sql = std::string("SELECT ") + kUserColumns +
                    " FROM users u LEFT JOIN institutions i ON i.id = u.institution_id WHERE 1=1";
  std::vector<Value> params;
  store::AppendScope(UserScope(actor), &sql, &params);
  sql += " ORDER BY u.username";
  ZJ_ASSIGN_OR_RETURN(store::PooledConnection pc, db_.Acquire());
  ZJ_ASSIGN_OR_RETURN(std::vector<store::Row> rows, pc->Query(sql, params));
  std::vector<User> users;
  users.reserve(rows.size());
  for (const store::Row& row : rows) users.push_back(UserFromRow(row));
  return users;
}

Result<User> Accounts::GetUser(const Principal& actor, const std::string& username) {
  std::string sql = std::string("SELECT ") + kUserColumns +
                    " FROM users u LEFT JOIN institutions i ON i.id = u.institution_id "
                    "WHERE u.username = ?";
  std::vector<Value> params = {Value(username)};
  store::AppendScope(UserScope(actor), &sql, &params);
  ZJ_ASSIGN_OR_RETURN(store::PooledConnection pc, db_.Acquire());
  ZJ_ASSIGN_OR_RETURN(std::optional<store::Row> row, pc->QueryOne(sql, params));
  if (!row) return UserNotFound(username);
  return UserFromRow(*row);
}

Result<void> Accounts::SetPassword(const Principal& actor, const std::string& username,
                                   const std::string& new_password,
                                   const std::optional<std::string>& old_password,
                                   const std::string& ip) {
  bool self = IsSelf(actor, username);
  if (!self && actor.role != Role::kAdmin) return Forbidden();
  ZJ_ASSIGN_OR_RETURN(store::PooledConnection pc, db_.Acquire());
  ZJ_ASSIGN_OR_RETURN(std::optional<StoredUser> target, LoadUser(pc.get(), username));
  if (!target) return UserNotFound(username);
  if (self) {
    // Guessing the old password through this call is throttled like sign-in.
    if (int64_t wait = throttle_.Check(username, ip); wait > 0) return Throttled(wait);
    if (!old_password || !VerifyPassword(target->password_hash, *old_password)) {
      throttle_.RecordFailure(username, ip);
      return Error(Error::Kind::kPermissionDenied, "auth.old-password-wrong", "原密码不正确",
                   "the current password is wrong");
    }
  }
  ZJ_TRY(CheckPasswordPolicy(new_password, username));
  ZJ_ASSIGN_OR_RETURN(std::string hash, HashPassword(new_password, options_.password_params));
  TimePoint now = clock_.Now();
  const User& u = target->user;
  return store::WithTransaction(pc.get(), [&](store::Connection& tx) -> Result<void> {
    std::vector<Value> p = {Value(hash), Value(FormatInstant(now)), Value(u.id)};
    ZJ_TRY(tx.Exec("UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?", p));
    std::vector<Value> s = {Value(u.id)};
    ZJ_ASSIGN_OR_RETURN(int64_t ended, tx.Exec("DELETE FROM sessions WHERE user_id = ?", s));
    ZJ_ASSIGN_OR_RETURN(Location loc, LocationOf(tx, u));
    audit::AuditEvent e = UserEvent("user.password", u, loc);
    e.detail["by_self"] = self;
    e.detail["sessions_ended"] = ended;
    ZJ_TRY(audit::Append(tx, actor, ip, e, now));
    return Ok();
  });
}

Result<void> Accounts::SetDisabled(const Principal& actor, const std::string& username,
                                   bool disabled, const std::string& ip) {
  if (actor.role != Role::kAdmin) return Forbidden();
  if (disabled && IsSelf(actor, username)) {
    return Error(Error::Kind::kPermissionDenied, "user.cannot-disable-self", "不能停用自己的账号",
                 "you cannot disable your own account");
  }
  TimePoint now = clock_.Now();
  ZJ_ASSIGN_OR_RETURN(store::PooledConnection pc, db_.Acquire());
  return store::WithTransaction(pc.get(), [&](store::Connection& tx) -> Result<void> {
    ZJ_ASSIGN_OR_RETURN(std::optional<StoredUser> target, LoadUser(tx, username));
    if (!target) return UserNotFound(username);
    const User& u = target->user;
    if (u.disabled == disabled) return Ok();  // nothing changes, nothing to record
    std::vector<Value> p = {Value(int64_t{disabled ? 1 : 0}), Value(FormatInstant(now)),
                            Value(u.id)};
    ZJ_TRY(tx.Exec("UPDATE users SET disabled = ?, updated_at = ? WHERE id = ?", p));
    int64_t ended = 0;
    if (disabled) {
      std::vector<Value> s = {Value(u.id)};
      ZJ_ASSIGN_OR_RETURN(ended, tx.Exec("DELETE FROM sessions WHERE user_id = ?", s));
    }
    ZJ_ASSIGN_OR_RETURN(Location loc, LocationOf(tx, u));
    audit::AuditEvent e = UserEvent(disabled ? "user.disable" : "user.enable", u, loc);
    if (disabled) e.detail["sessions_ended"] = ended;
    ZJ_TRY(audit::Append(tx, actor, ip, e, now));
    return Ok();
  });
}

// ---- sessions ----------------------------------------------------------------------------

Result<LoginResult> Accounts::Login(const std::string& username, const std::string& password,
                                    const std::string& ip) {
  // Bounded throttle keys: an attacker's huge "usernames" must not grow memory.
  const std::string throttle_name = username.substr(0, 64);
  if (int64_t wait = throttle_.Check(throttle_name, ip); wait > 0) return Throttled(wait);
  // Made on the first sign-in of any user, so that the first unknown-user attempt is not
  // slower than a wrong-password one.
  const std::string& dummy_hash = DummyHash();
  ZJ_ASSIGN_OR_RETURN(store::PooledConnection pc, db_.Acquire());
  std::optional<StoredUser> stored;
  if (ValidUsername(username)) {
    ZJ_ASSIGN_OR_RETURN(stored, LoadUser(pc.get(), username));
  }
  // Hash outside any transaction (it is slow); for an unknown user, hash anyway.
  bool password_ok = false;
  if (stored && !stored->password_hash.empty()) {
    password_ok = VerifyPassword(stored->password_hash, password);
  } else {
    (void)VerifyPassword(dummy_hash, password);
  }

  if (!password_ok || stored->user.disabled) {
    std::string reason = !stored ? "unknown-user" : !password_ok ? "wrong-password" : "disabled";
    bool locked = throttle_.RecordFailure(throttle_name, ip);
    TimePoint now = clock_.Now();
    Result<void> failure_recorded =
        store::WithTransaction(pc.get(), [&](store::Connection& tx) -> Result<void> {
          audit::AuditEvent e;
          e.action = "auth.login-failed";
          e.target_type = "user";
          e.target_id = username.substr(0, 64);
          if (stored) {
            ZJ_ASSIGN_OR_RETURN(Location loc, LocationOf(tx, stored->user));
            e.region_code = loc.region_code;
            e.institution_id = loc.institution_id;
          }
          e.detail["username"] = e.target_id;
          e.detail["reason"] = reason;
          e.detail["lockout"] = locked;
          ZJ_TRY(audit::Append(tx, Anonymous(), ip, e, now));
          return Ok();
        });
    if (!failure_recorded) return std::move(failure_recorded).error();
    if (password_ok) {
      return Error(Error::Kind::kUnauthenticated, "auth.user-disabled", "账号已停用",
                   "the account is disabled");
    }
    return BadCredentials();
  }

  throttle_.RecordSuccess(throttle_name);
  const User& u = stored->user;
  std::optional<std::string> rehash;
  if (NeedsRehash(stored->password_hash, options_.password_params)) {
    Result<std::string> h = HashPassword(password, options_.password_params);
    if (h) rehash = *h;
  }
  LoginResult out;
  out.token = RandomBase64Url(32);
  out.user = u;
  TimePoint now = clock_.Now();
  out.expires = now + options_.session_ttl;
  out.expires_at = FormatInstant(out.expires);
  std::string now_text = FormatInstant(now);
  Result<void> session_recorded =
      store::WithTransaction(pc.get(), [&](store::Connection& tx) -> Result<void> {
        std::vector<Value> purge = {Value(now_text)};
        ZJ_TRY(tx.Exec("DELETE FROM sessions WHERE expires_at <= ?", purge));
        std::vector<Value> p = {Value(Sha256Hex(out.token)), Value(u.id), Value(now_text),
                                Value(out.expires_at), Value(ip)};
        ZJ_TRY(
            tx.Exec("INSERT INTO sessions (token_hash, user_id, created_at, expires_at, ip) "
                    "VALUES (?, ?, ?, ?, ?)",
                    p));
        if (rehash) {
          std::vector<Value> r = {Value(*rehash), Value(u.id)};
          ZJ_TRY(tx.Exec("UPDATE users SET password_hash = ? WHERE id = ?", r));
        }
        ZJ_ASSIGN_OR_RETURN(Location loc, LocationOf(tx, u));
        audit::AuditEvent e = UserEvent("auth.login", u, loc);
        e.detail["expires_at"] = out.expires_at;
        if (rehash) e.detail["password_rehashed"] = true;
        ZJ_TRY(audit::Append(tx, u.ToPrincipal("session"), ip, e, now));
        return Ok();
      });
  if (!session_recorded) return std::move(session_recorded).error();
  return out;
}

Result<void> Accounts::Logout(const std::string& token, const std::string& ip) {
  if (token.empty()) return Ok();
  std::string token_hash = Sha256Hex(token);
  TimePoint now = clock_.Now();
  ZJ_ASSIGN_OR_RETURN(store::PooledConnection pc, db_.Acquire());
  return store::WithTransaction(pc.get(), [&](store::Connection& tx) -> Result<void> {
    std::vector<Value> p = {Value(token_hash)};
    ZJ_ASSIGN_OR_RETURN(
        std::optional<store::Row> row,
        tx.QueryOne(std::string("SELECT ") + kUserColumns +
                        " FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?",
                    p));
    if (!row) return Ok();
    User u = UserFromRow(*row);
    ZJ_TRY(tx.Exec("DELETE FROM sessions WHERE token_hash = ?", p));
    ZJ_ASSIGN_OR_RETURN(Location loc, LocationOf(tx, u));
    ZJ_TRY(audit::Append(tx, u.ToPrincipal("session"), ip, UserEvent("auth.logout", u, loc), now));
    return Ok();
  });
}

Result<Principal> Accounts::AuthenticateSession(const std::string& token) {
  if (token.empty() || token.size() > 128) return SessionExpired();
  std::vector<Value> p = {Value(Sha256Hex(token))};
  ZJ_ASSIGN_OR_RETURN(store::PooledConnection pc, db_.Acquire());
  ZJ_ASSIGN_OR_RETURN(
      std::optional<store::Row> row,
      pc->QueryOne(std::string("SELECT ") + kUserColumns +
                       ", s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id "
                       "WHERE s.token_hash = ?",
                   p));
  if (!row) return SessionExpired();
  User u = UserFromRow(*row);
  TimePoint expires;
  if (!ParseInstant(row->Text(kUserColumnCount), &expires) || clock_.Now() >= expires ||
      u.disabled) {
    return SessionExpired();
  }
  return u.ToPrincipal("session");
}

// ---- API keys ----------------------------------------------------------------------------

Result<NewApiKey> Accounts::CreateApiKey(const Principal& actor, const std::string& username,
                                         const std::string& name, const std::string& ip) {
  if (!IsSelf(actor, username) && actor.role != Role::kAdmin) return Forbidden();
  if (!ValidLabel(name, 64)) {
    return Error::Invalid("apikey.bad-name", "密钥名称须为 1–64 个字符",
                          "the key name must have 1-64 characters", "name");
  }
  ZJ_TRY(EnsureSodium());
  TimePoint now = clock_.Now();
  std::string at = FormatInstant(now);
  ZJ_ASSIGN_OR_RETURN(store::PooledConnection pc, db_.Acquire());
  // The 32-bit public prefix may collide with an existing one; draw again then.
  for (int attempt = 0; attempt < 5; ++attempt) {
    NewApiKey key;
    key.name = name;
    key.prefix = RandomHex(kPrefixLen / 2);
    key.key = kApiKeyTag + key.prefix + "_" + RandomBase64Url(kSecretBytes);
    key.created_at = at;
    bool collided = false;
    Result<void> r = store::WithTransaction(pc.get(), [&](store::Connection& tx) -> Result<void> {
      ZJ_ASSIGN_OR_RETURN(std::optional<StoredUser> owner, LoadUser(tx, username));
      if (!owner) return UserNotFound(username);
      std::vector<Value> q = {Value(key.prefix)};
      ZJ_ASSIGN_OR_RETURN(std::optional<store::Row> taken,
                          tx.QueryOne("SELECT id FROM api_keys WHERE prefix = ?", q));
      if (taken) {
        collided = true;
        return Ok();
      }
      std::vector<Value> p = {Value(owner->user.id), Value(name), Value(key.prefix),
                              Value(Sha256Hex(key.key)), Value(at)};
      ZJ_ASSIGN_OR_RETURN(
          std::optional<store::Row> id_row,
          tx.QueryOne("INSERT INTO api_keys (user_id, name, prefix, key_hash, created_at) "
                      "VALUES (?, ?, ?, ?, ?) RETURNING id",
                      p));
      if (!id_row) return Error::Internal("apikey.insert", "INSERT returned no id");
      key.id = id_row->Int(0);
      ZJ_ASSIGN_OR_RETURN(Location loc, LocationOf(tx, owner->user));
      audit::AuditEvent e;
      e.action = "apikey.create";
      e.target_type = "apikey";
      e.target_id = std::to_string(key.id);
      e.region_code = loc.region_code;
      e.institution_id = loc.institution_id;
      e.detail["username"] = username;
      e.detail["name"] = name;
      e.detail["prefix"] = key.prefix;
      ZJ_TRY(audit::Append(tx, actor, ip, e, now));
      return Ok();
    });
    if (!r) return std::move(r).error();
    if (!collided) return key;
  }
  return Error::Internal("apikey.prefix", "could not draw an unused key prefix");
}

Result<void> Accounts::RevokeApiKey(const Principal& actor, int64_t key_id, const std::string& ip) {
  TimePoint now = clock_.Now();
  ZJ_ASSIGN_OR_RETURN(store::PooledConnection pc, db_.Acquire());
  return store::WithTransaction(pc.get(), [&](store::Connection& tx) -> Result<void> {
    std::vector<Value> p = {Value(key_id)};
    ZJ_ASSIGN_OR_RETURN(std::optional<store::Row> row,
                        tx.QueryOne(std::string("SELECT ") + kUserColumns +
                                        ", k.prefix, k.name, k.revoked_at FROM api_keys k "
                                        "JOIN users u ON u.id = k.user_id WHERE k.id = ?",
                                    p));
    // Someone else's key is "not found" for a non-admin: its existence does not leak.
    if (!row || (actor.role != Role::kAdmin && actor.user_id != row->Int(0))) {
      return Error::NotFound("apikey.not-found", "API 密钥不存在", "no such API key",
                             std::to_string(key_id));
    }
    if (!row->IsNull(kUserColumnCount + 2)) return Ok();  // already revoked
    User owner = UserFromRow(*row);
    std::vector<Value> u = {Value(FormatInstant(now)), Value(key_id)};
    ZJ_TRY(tx.Exec("UPDATE api_keys SET revoked_at = ? WHERE id = ?", u));
    ZJ_ASSIGN_OR_RETURN(Location loc, LocationOf(tx, owner));
    audit::AuditEvent e;
    e.action = "apikey.revoke";
    e.target_type = "apikey";
    e.target_id = std::to_string(key_id);
    e.region_code = loc.region_code;
    e.institution_id = loc.institution_id;
    e.detail["username"] = owner.username;
    e.detail["prefix"] = row->Text(kUserColumnCount);
    e.detail["name"] = row->Text(kUserColumnCount + 1);
    ZJ_TRY(audit::Append(tx, actor, ip, e, now));
    return Ok();
  });
}

Result<std::vector<ApiKeyInfo>> Accounts::ListApiKeys(const Principal& actor,
                                                      const std::string& username) {
  if (!IsSelf(actor, username) && actor.role != Role::kAdmin) return Forbidden();
  ZJ_ASSIGN_OR_RETURN(store::PooledConnection pc, db_.Acquire());
  ZJ_ASSIGN_OR_RETURN(std::optional<StoredUser> owner, LoadUser(pc.get(), username));
  if (!owner) return UserNotFound(username);
  std::vector<Value> p = {Value(owner->user.id)};
  ZJ_ASSIGN_OR_RETURN(
      std::vector<store::Row> rows,
      pc->Query("SELECT id, user_id, name, prefix, created_at, last_used_at, revoked_at "
                "FROM api_keys WHERE user_id = ? ORDER BY id DESC",
                p));
  std::vector<ApiKeyInfo> keys;
  for (const store::Row& row : rows) {
    ApiKeyInfo k;
    k.id = row.Int(0);
    k.user_id = row.Int(1);
    k.username = username;
    k.name = row.Text(2);
    k.prefix = row.Text(3);
    k.created_at = row.Text(4);
    k.last_used_at = row.OptText(5);
    k.revoked_at = row.OptText(6);
    keys.push_back(std::move(k));
  }
  return keys;
}

Result<Principal> Accounts::AuthenticateApiKey(const std::string& raw_key) {
  if (raw_key.size() != kApiKeyLen || raw_key.compare(0, 4, kApiKeyTag) != 0 ||
      raw_key[4 + kPrefixLen] != '_') {
    return BadApiKey();
  }
  std::string prefix = raw_key.substr(4, kPrefixLen);
  if (!std::all_of(prefix.begin(), prefix.end(),
                   [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }) ||
      !std::all_of(raw_key.begin() + 4 + kPrefixLen + 1, raw_key.end(), IsBase64UrlChar)) {
    return BadApiKey();
  }
  ZJ_TRY(EnsureSodium());
  ZJ_ASSIGN_OR_RETURN(store::PooledConnection pc, db_.Acquire());
  std::vector<Value> p = {Value(prefix)};
  ZJ_ASSIGN_OR_RETURN(
      std::optional<store::Row> row,
      pc->QueryOne(std::string("SELECT ") + kUserColumns +
                       ", k.id, k.key_hash, k.revoked_at, k.last_used_at FROM api_keys k "
                       "JOIN users u ON u.id = k.user_id WHERE k.prefix = ?",
                   p));
  if (!row) return BadApiKey();
  std::string expected = row->Text(kUserColumnCount + 1);
  std::string actual = Sha256Hex(raw_key);
  if (expected.size() != actual.size() ||
      sodium_memcmp(expected.data(), actual.data(), actual.size()) != 0) {
    return BadApiKey();
  }
  User u = UserFromRow(*row);
  if (!row->IsNull(kUserColumnCount + 2) || u.disabled) return BadApiKey();

  // Bookkeeping, best effort: a failure here must not refuse a valid key.
  TimePoint now = clock_.Now();
  TimePoint last;
  std::optional<std::string> last_text = row->OptText(kUserColumnCount + 3);
  if (!last_text || !ParseInstant(*last_text, &last) ||
      now - last >= options_.api_key_touch_interval) {
    std::vector<Value> t = {Value(FormatInstant(now)), Value(row->Int(kUserColumnCount))};
    (void)pc->Exec("UPDATE api_keys SET last_used_at = ? WHERE id = ?", t);
  }
  return u.ToPrincipal("apikey");
}

}  // namespace zhijian::accounts
