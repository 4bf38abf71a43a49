#include "zhijian/accounts/accounts.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "tests/support/backend_fixture.h"
#include "zhijian/audit/audit.h"
#include "zhijian/store/db.h"

namespace zhijian::accounts {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using store::Value;

const TimePoint kT0 = FromUnixMillis(1'772'323'200'000);  // 2026-03-01T00:00:00.000Z
const std::string kIp = "198.51.100.7";

class AccountsTest : public testing::BackendTest {
 protected:
  void SetUp() override {
    testing::BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    db_ = OpenDb();
    ASSERT_TRUE(db_);
    AccountsOptions o;
    o.password_params = PasswordParams::Fast();  // hashing cost is not under test here
    accounts_ = std::make_unique<Accounts>(*db_, clock_, o);
    inst_jinan_ = AddInstitution("91370102MA3C000001", "济南检测", "370102");
    inst_shenzhen_ = AddInstitution("91440300MA5F000002", "深圳检测", "440300");
  }
  void TearDown() override {
    accounts_.reset();
    db_.reset();
    testing::BackendTest::TearDown();
  }

  int64_t AddInstitution(const std::string& uscc, const std::string& name,
                         const std::string& region) {
    auto conn = db_->Acquire();
    EXPECT_TRUE(conn);
    const std::string at = "2026-01-01T00:00:00.000Z";
    std::vector<Value> p = {Value(uscc), Value(name), Value(region), Value(at), Value(at)};
    auto row = conn->get().QueryOne(
        "INSERT INTO institutions (uscc, name, region_code, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?) RETURNING id",
        p);
    EXPECT_TRUE(row && *row);
    return (row && *row) ? (**row).Int(0) : 0;
  }

  std::vector<store::Row> Rows(const std::string& sql, std::vector<Value> params = {}) {
    auto conn = db_->Acquire();
    EXPECT_TRUE(conn);
    auto rows = conn->get().Query(sql, params);
    EXPECT_TRUE(rows) << rows.error().ToString();
    return rows ? *rows : std::vector<store::Row>{};
  }

  int64_t CountAudit(const std::string& action) {
    return Rows("SELECT COUNT(*) FROM audit_log WHERE action = ?", {Value(action)})[0].Int(0);
  }

  audit::VerifyReport VerifyAudit() {
    auto conn = db_->Acquire();
    EXPECT_TRUE(conn);
    auto r = audit::Verify(conn->get());
    EXPECT_TRUE(r);
    return r ? *r : audit::VerifyReport{};
  }

  User Create(const std::string& username, Role role, const std::string& prefix = "",
              std::optional<int64_t> institution = std::nullopt,
              const std::string& password = "Secret-pass-1") {
    NewUser nu{username, "名字 " + username, role, prefix, institution, password};
    Result<User> u = accounts_->CreateUser(Principal::Cli(), nu, "");
    EXPECT_TRUE(u) << u.error().ToString();
    return u ? *u : User{};
  }

  // Admin, two regulators in Shandong, one in Guangdong, two institution users, an inspector.
  void CreateCast() {
    Create("root", Role::kAdmin);
    Create("shandong", Role::kRegulator, "37");
    Create("jinan", Role::kRegulator, "3701");
    Create("guangdong", Role::kRegulator, "44");
    Create("nat", Role::kRegulator, "");
    Create("lab1", Role::kInstitution, "", inst_jinan_);
    Create("lab2", Role::kInstitution, "", inst_shenzhen_);
    Create("insp", Role::kInspector, "37");
  }

  Principal As(const std::string& username) {
    Result<User> u = accounts_->GetUser(Principal::Cli(), username);
    EXPECT_TRUE(u);
    return u ? u->ToPrincipal("session") : Principal{};
  }

  std::vector<std::string> VisibleUsers(const Principal& p) {
    Result<std::vector<User>> users = accounts_->ListUsers(p);
    EXPECT_TRUE(users) << users.error().ToString();
    std::vector<std::string> names;
    if (users) {
      for (const User& u : *users) names.push_back(u.username);
    }
    return names;
  }

  FakeClock clock_{kT0};
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<Accounts> accounts_;
  int64_t inst_jinan_ = 0;
  int64_t inst_shenzhen_ = 0;
};

std::string Code(const Result<User>& r) { return r ? "ok" : r.error().code(); }

TEST_P(AccountsTest, CreateUserStoresArgon2idAndAudits) {
  User u = Create("alice", Role::kRegulator, "3701");
  EXPECT_GT(u.id, 0);
  EXPECT_EQ(u.role, Role::kRegulator);
  EXPECT_EQ(u.region_prefix, "3701");
  EXPECT_EQ(u.created_at, "2026-03-01T00:00:00.000Z");
  auto rows = Rows("SELECT password_hash FROM users WHERE username = 'alice'");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].Text(0).rfind("$argon2id$", 0), 0u);
  EXPECT_EQ(rows[0].Text(0).find("Secret-pass-1"), std::string::npos);

  auto audit_rows =
      Rows("SELECT actor, via, target_id, region_code, detail FROM audit_log WHERE action = ?",
           {Value(std::string("user.create"))});
  ASSERT_EQ(audit_rows.size(), 1u);
  EXPECT_EQ(audit_rows[0].Text(0), "cli");
  EXPECT_EQ(audit_rows[0].Text(1), "cli");
  EXPECT_EQ(audit_rows[0].Text(2), "alice");
  EXPECT_EQ(audit_rows[0].Text(3), "3701");
  EXPECT_EQ(audit_rows[0].Text(4).find("Secret"), std::string::npos);
  EXPECT_TRUE(VerifyAudit().ok);
}

TEST_P(AccountsTest, CreateUserValidates) {
  auto create = [&](NewUser nu, const Principal& actor = Principal::Cli()) {
    return accounts_->CreateUser(actor, nu, kIp);
  };
  const std::string pw = "Secret-pass-1";
  EXPECT_EQ(Code(create({"Al", "A", Role::kAdmin, "", {}, pw})), "user.bad-username");
  EXPECT_EQ(Code(create({"Alice", "A", Role::kAdmin, "", {}, pw})), "user.bad-username");
  EXPECT_EQ(Code(create({std::string(33, 'a'), "A", Role::kAdmin, "", {}, pw})),
            "user.bad-username");
  EXPECT_EQ(Code(create({"a b", "A", Role::kAdmin, "", {}, pw})), "user.bad-username");
  EXPECT_EQ(Code(create({"alice", "", Role::kAdmin, "", {}, pw})), "user.bad-display-name");
  EXPECT_EQ(Code(create({"alice", "A", Role::kPublic, "", {}, pw})), "user.bad-role");
  EXPECT_EQ(Code(create({"alice", "A", Role::kRegulator, "3", {}, pw})), "user.bad-region-prefix");
  EXPECT_EQ(Code(create({"alice", "A", Role::kRegulator, "37a1", {}, pw})),
            "user.bad-region-prefix");
  EXPECT_EQ(Code(create({"alice", "A", Role::kAdmin, "37", {}, pw})), "user.scope-mismatch");
  EXPECT_EQ(Code(create({"alice", "A", Role::kRegulator, "37", inst_jinan_, pw})),
            "user.scope-mismatch");
  EXPECT_EQ(Code(create({"alice", "A", Role::kInstitution, "", {}, pw})), "user.scope-mismatch");
  EXPECT_EQ(Code(create({"alice", "A", Role::kInstitution, "37", inst_jinan_, pw})),
            "user.scope-mismatch");
  Result<User> missing = create({"alice", "A", Role::kInstitution, "", 9999, pw});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), "user.institution-not-found");
  EXPECT_EQ(missing.error().kind(), Error::Kind::kUnprocessable);
  EXPECT_EQ(Code(create({"alice", "A", Role::kAdmin, "", {}, "short"})), "password.too-short");
  EXPECT_EQ(Code(create({"alice", "A", Role::kAdmin, "", {}, "my-alice-pass-1"})),
            "password.contains-username");
  // Nothing above was written.
  EXPECT_EQ(Rows("SELECT COUNT(*) FROM users")[0].Int(0), 0);
  EXPECT_EQ(Rows("SELECT COUNT(*) FROM audit_log")[0].Int(0), 0);

  EXPECT_EQ(Code(create({"alice", "Alice", Role::kRegulator, "", {}, pw})), "ok");
  Result<User> dup = create({"alice", "Alice 2", Role::kAdmin, "", {}, pw});
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code(), "user.exists");
  EXPECT_EQ(dup.error().kind(), Error::Kind::kConflict);
}

TEST_P(AccountsTest, OnlyAdminsCreateUsers) {
  CreateCast();
  for (const char* who : {"shandong", "nat", "lab1", "insp"}) {
    Result<User> r = accounts_->CreateUser(
        As(who), {"newbie", "N", Role::kInspector, "37", {}, "Secret-pass-1"}, kIp);
    ASSERT_FALSE(r) << who;
    EXPECT_EQ(r.error().kind(), Error::Kind::kPermissionDenied) << who;
  }
  Result<User> r = accounts_->CreateUser(
      As("root"), {"newbie", "N", Role::kInspector, "37", {}, "Secret-pass-1"}, kIp);
  ASSERT_TRUE(r) << r.error().ToString();
  auto rows = Rows("SELECT actor, actor_role, via, ip FROM audit_log WHERE target_id = 'newbie'");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].Text(0), "root");
  EXPECT_EQ(rows[0].Text(1), "admin");
  EXPECT_EQ(rows[0].Text(3), kIp);
}

TEST_P(AccountsTest, ListUsersIsScoped) {
  CreateCast();
  using V = std::vector<std::string>;
  EXPECT_EQ(VisibleUsers(As("root")),
            (V{"guangdong", "insp", "jinan", "lab1", "lab2", "nat", "root", "shandong"}));
  EXPECT_EQ(VisibleUsers(As("nat")),
            (V{"guangdong", "insp", "jinan", "lab1", "lab2", "nat", "root", "shandong"}));
  EXPECT_EQ(VisibleUsers(As("shandong")), (V{"insp", "jinan", "lab1", "shandong"}));
  EXPECT_EQ(VisibleUsers(As("jinan")), (V{"jinan", "lab1"}));
  EXPECT_EQ(VisibleUsers(As("guangdong")), (V{"guangdong", "lab2"}));
  EXPECT_EQ(VisibleUsers(As("lab1")), (V{"lab1"}));
  EXPECT_EQ(VisibleUsers(As("insp")), (V{"insp"}));
  EXPECT_EQ(VisibleUsers(Principal{}), V{});

  EXPECT_TRUE(accounts_->GetUser(As("shandong"), "lab1"));
  Result<User> hidden = accounts_->GetUser(As("shandong"), "lab2");
  ASSERT_FALSE(hidden);
  EXPECT_EQ(hidden.error().code(), "user.not-found");
  EXPECT_EQ(Code(accounts_->GetUser(As("root"), "nobody")), "user.not-found");
  Result<User> lab1 = accounts_->GetUser(As("lab1"), "lab1");
  ASSERT_TRUE(lab1);
  EXPECT_EQ(lab1->institution_id, inst_jinan_);
}

TEST_P(AccountsTest, LoginCreatesASessionStoredOnlyAsAHash) {
  CreateCast();
  Result<LoginResult> login = accounts_->Login("lab1", "Secret-pass-1", kIp);
  ASSERT_TRUE(login) << login.error().ToString();
  EXPECT_EQ(login->token.size(), 43u);  // base64url of 32 bytes
  EXPECT_TRUE(std::regex_match(login->token, std::regex("[A-Za-z0-9_-]{43}")));
  EXPECT_EQ(login->expires_at, "2026-03-01T12:00:00.000Z");
  EXPECT_EQ(login->user.username, "lab1");

  auto sessions = Rows("SELECT token_hash, ip FROM sessions");
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_EQ(sessions[0].Text(0).size(), 64u);
  EXPECT_EQ(sessions[0].Text(0).find(login->token), std::string::npos);
  EXPECT_EQ(sessions[0].Text(1), kIp);

  Result<Principal> p = accounts_->AuthenticateSession(login->token);
  ASSERT_TRUE(p) << p.error().ToString();
  EXPECT_EQ(p->role, Role::kInstitution);
  EXPECT_EQ(p->username, "lab1");
  EXPECT_EQ(p->user_id, login->user.id);
  EXPECT_EQ(p->institution_id, inst_jinan_);
  EXPECT_EQ(p->via, "session");

  // A second login is a second session; a wrong or empty token is refused.
  Result<LoginResult> again = accounts_->Login("lab1", "Secret-pass-1", kIp);
  ASSERT_TRUE(again);
  EXPECT_NE(again->token, login->token);
  EXPECT_EQ(accounts_->AuthenticateSession(login->token + "x").error().code(),
            "auth.session-expired");
  EXPECT_EQ(accounts_->AuthenticateSession("").error().code(), "auth.session-expired");

  auto audit_rows = Rows(
      "SELECT actor, via, institution_id, region_code, ip FROM audit_log WHERE action = "
      "'auth.login'");
  ASSERT_EQ(audit_rows.size(), 2u);
  EXPECT_EQ(audit_rows[0].Text(0), "lab1");
  EXPECT_EQ(audit_rows[0].Text(1), "session");
  EXPECT_EQ(audit_rows[0].Int(2), inst_jinan_);
  EXPECT_EQ(audit_rows[0].Text(3), "370102");
  // No audit record contains the token.
  for (const auto& row : Rows("SELECT detail FROM audit_log")) {
    EXPECT_EQ(row.Text(0).find(login->token), std::string::npos);
  }
}

TEST_P(AccountsTest, UnknownUserAndWrongPasswordFailAlike) {
  CreateCast();
  Result<LoginResult> wrong = accounts_->Login("shandong", "Wrong-pass-99", kIp);
  Result<LoginResult> unknown = accounts_->Login("ghost", "Wrong-pass-99", kIp);
  Result<LoginResult> invalid = accounts_->Login("NOT VALID", "Wrong-pass-99", kIp);
  ASSERT_FALSE(wrong);
  ASSERT_FALSE(unknown);
  ASSERT_FALSE(invalid);
  for (const Result<LoginResult>* r : {&unknown, &invalid}) {
    EXPECT_EQ(r->error().kind(), wrong.error().kind());
    EXPECT_EQ(r->error().code(), wrong.error().code());
    EXPECT_EQ(r->error().message_en(), wrong.error().message_en());
    EXPECT_EQ(r->error().message_zh(), wrong.error().message_zh());
    EXPECT_EQ(r->error().detail(), wrong.error().detail());
  }
  EXPECT_EQ(wrong.error().kind(), Error::Kind::kUnauthenticated);
  EXPECT_EQ(wrong.error().code(), "auth.bad-credentials");

  auto failed = Rows(
      "SELECT target_id, detail, actor, region_code FROM audit_log "
      "WHERE action = 'auth.login-failed' ORDER BY seq");
  ASSERT_EQ(failed.size(), 3u);
  EXPECT_EQ(failed[0].Text(0), "shandong");
  EXPECT_EQ(failed[0].Text(3), "37");  // a Shandong regulator can see attempts on its users
  EXPECT_EQ(failed[1].Text(0), "ghost");
  EXPECT_EQ(failed[1].Text(2), "");  // anonymous actor
  for (const auto& row : failed) {
    EXPECT_EQ(row.Text(1).find("Wrong-pass-99"), std::string::npos);
  }
  EXPECT_NE(failed[0].Text(1).find("\"username\":\"shandong\""), std::string::npos);
}

TEST_P(AccountsTest, SessionsExpireAfterTwelveHours) {
  CreateCast();
  Result<LoginResult> login = accounts_->Login("jinan", "Secret-pass-1", kIp);
  ASSERT_TRUE(login);
  clock_.Advance(hours(12) - seconds(1));
  EXPECT_TRUE(accounts_->AuthenticateSession(login->token));
  clock_.Advance(seconds(1));
  Result<Principal> expired = accounts_->AuthenticateSession(login->token);
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().code(), "auth.session-expired");
  EXPECT_EQ(expired.error().kind(), Error::Kind::kUnauthenticated);
  // The next login removes expired rows.
  ASSERT_TRUE(accounts_->Login("jinan", "Secret-pass-1", kIp));
  EXPECT_EQ(Rows("SELECT COUNT(*) FROM sessions")[0].Int(0), 1);
}

TEST_P(AccountsTest, SessionLifetimeIsConfigurable) {
  AccountsOptions o;
  o.password_params = PasswordParams::Fast();
  o.session_ttl = minutes(30);
  Accounts short_lived(*db_, clock_, o);
  Create("jinan", Role::kRegulator, "3701");
  Result<LoginResult> login = short_lived.Login("jinan", "Secret-pass-1", kIp);
  ASSERT_TRUE(login);
  EXPECT_EQ(login->expires_at, "2026-03-01T00:30:00.000Z");
  clock_.Advance(minutes(31));
  EXPECT_FALSE(short_lived.AuthenticateSession(login->token));
}

TEST_P(AccountsTest, LogoutEndsTheSession) {
  CreateCast();
  Result<LoginResult> login = accounts_->Login("guangdong", "Secret-pass-1", kIp);
  ASSERT_TRUE(login);
  ASSERT_TRUE(accounts_->Logout(login->token, kIp));
  EXPECT_FALSE(accounts_->AuthenticateSession(login->token));
  EXPECT_TRUE(accounts_->Logout(login->token, kIp));  // idempotent, not audited twice
  EXPECT_EQ(CountAudit("auth.logout"), 1);
}

TEST_P(AccountsTest, DisabledUsersCannotSignIn) {
  CreateCast();
  Result<LoginResult> before = accounts_->Login("insp", "Secret-pass-1", kIp);
  ASSERT_TRUE(before);
  Result<NewApiKey> key = accounts_->CreateApiKey(As("insp"), "insp", "script", kIp);
  ASSERT_TRUE(key);

  Result<void> self = accounts_->SetDisabled(As("root"), "root", true, kIp);
  ASSERT_FALSE(self);
  EXPECT_EQ(self.error().code(), "user.cannot-disable-self");
  EXPECT_EQ(accounts_->SetDisabled(As("shandong"), "insp", true, kIp).error().kind(),
            Error::Kind::kPermissionDenied);

  ASSERT_TRUE(accounts_->SetDisabled(As("root"), "insp", true, kIp));
  EXPECT_FALSE(accounts_->AuthenticateSession(before->token));  // its session ended
  EXPECT_EQ(accounts_->AuthenticateApiKey(key->key).error().code(), "auth.bad-api-key");
  Result<LoginResult> refused = accounts_->Login("insp", "Secret-pass-1", kIp);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), "auth.user-disabled");
  // A wrong password for a disabled user is just bad credentials (no hint it exists).
  EXPECT_EQ(accounts_->Login("insp", "Wrong-pass-99", kIp).error().code(), "auth.bad-credentials");
  Result<User> u = accounts_->GetUser(As("root"), "insp");
  ASSERT_TRUE(u);
  EXPECT_TRUE(u->disabled);

  ASSERT_TRUE(accounts_->SetDisabled(Principal::Cli(), "insp", false, kIp));
  EXPECT_TRUE(accounts_->Login("insp", "Secret-pass-1", kIp));
  EXPECT_TRUE(accounts_->AuthenticateApiKey(key->key));
  EXPECT_EQ(CountAudit("user.disable"), 1);
  EXPECT_EQ(CountAudit("user.enable"), 1);
}

TEST_P(AccountsTest, ChangingYourOwnPasswordNeedsTheOldOne) {
  CreateCast();
  Result<LoginResult> login = accounts_->Login("shandong", "Secret-pass-1", kIp);
  ASSERT_TRUE(login);
  Principal me = *accounts_->AuthenticateSession(login->token);

  Result<void> no_old = accounts_->SetPassword(me, "shandong", "New-secret-22", std::nullopt, kIp);
  ASSERT_FALSE(no_old);
  EXPECT_EQ(no_old.error().code(), "auth.old-password-wrong");
  EXPECT_EQ(
      accounts_->SetPassword(me, "shandong", "New-secret-22", "Wrong-pass-99", kIp).error().code(),
      "auth.old-password-wrong");
  EXPECT_EQ(accounts_->SetPassword(me, "shandong", "short", "Secret-pass-1", kIp).error().code(),
            "password.too-short");
  ASSERT_TRUE(accounts_->SetPassword(me, "shandong", "New-secret-22", "Secret-pass-1", kIp));

  EXPECT_FALSE(accounts_->AuthenticateSession(login->token));  // sessions end
  EXPECT_EQ(accounts_->Login("shandong", "Secret-pass-1", kIp).error().code(),
            "auth.bad-credentials");
  EXPECT_TRUE(accounts_->Login("shandong", "New-secret-22", kIp));

  // Someone else's password: only an admin, and without the old one.
  EXPECT_EQ(accounts_->SetPassword(me, "jinan", "New-secret-33", std::nullopt, kIp).error().kind(),
            Error::Kind::kPermissionDenied);
  ASSERT_TRUE(accounts_->SetPassword(As("root"), "jinan", "Reset-by-admin-1", std::nullopt, kIp));
  EXPECT_TRUE(accounts_->Login("jinan", "Reset-by-admin-1", kIp));
  EXPECT_EQ(
      accounts_->SetPassword(Principal::Cli(), "nobody", "Reset-by-admin-1", std::nullopt, kIp)
          .error()
          .code(),
      "user.not-found");
  EXPECT_EQ(CountAudit("user.password"), 2);
}

TEST_P(AccountsTest, ApiKeysAreShownOnceAndStoredHashed) {
  CreateCast();
  Result<NewApiKey> key = accounts_->CreateApiKey(As("lab1"), "lab1", "LIMS 接口", kIp);
  ASSERT_TRUE(key) << key.error().ToString();
  EXPECT_TRUE(std::regex_match(key->key, std::regex("zjk_[0-9a-f]{8}_[A-Za-z0-9_-]{43}")))
      << key->key;
  EXPECT_EQ(key->key.substr(4, 8), key->prefix);
  std::string secret = key->key.substr(13);

  auto rows = Rows("SELECT prefix, key_hash, name FROM api_keys");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].Text(0), key->prefix);
  EXPECT_EQ(rows[0].Text(1).size(), 64u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(rows[0].Text(i).find(secret), std::string::npos);
  for (const auto& row : Rows("SELECT detail FROM audit_log")) {
    EXPECT_EQ(row.Text(0).find(secret), std::string::npos);
  }

  Result<Principal> p = accounts_->AuthenticateApiKey(key->key);
  ASSERT_TRUE(p) << p.error().ToString();
  EXPECT_EQ(p->username, "lab1");
  EXPECT_EQ(p->via, "apikey");
  EXPECT_EQ(p->institution_id, inst_jinan_);

  // Tampered, truncated or foreign keys fail with one error.
  std::string tampered = key->key;
  tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
  for (const std::string& bad : {tampered, key->key.substr(0, 40), std::string("zjk_"),
                                 "zjk_zzzzzzzz_" + secret, std::string()}) {
    Result<Principal> r = accounts_->AuthenticateApiKey(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code(), "auth.bad-api-key");
    EXPECT_EQ(r.error().kind(), Error::Kind::kUnauthenticated);
  }
}

TEST_P(AccountsTest, ApiKeyLastUsedIsUpdatedAtMostOncePerMinute) {
  CreateCast();
  Result<NewApiKey> key = accounts_->CreateApiKey(Principal::Cli(), "guangdong", "etl", "");
  ASSERT_TRUE(key);
  auto last_used = [&] {
    Result<std::vector<ApiKeyInfo>> keys = accounts_->ListApiKeys(As("guangdong"), "guangdong");
    EXPECT_TRUE(keys);
    return keys && !keys->empty() ? keys->front().last_used_at : std::nullopt;
  };
  EXPECT_FALSE(last_used());
  ASSERT_TRUE(accounts_->AuthenticateApiKey(key->key));
  EXPECT_EQ(last_used(), "2026-03-01T00:00:00.000Z");
  clock_.Advance(seconds(30));
  ASSERT_TRUE(accounts_->AuthenticateApiKey(key->key));
  EXPECT_EQ(last_used(), "2026-03-01T00:00:00.000Z");
  clock_.Advance(seconds(31));
  ASSERT_TRUE(accounts_->AuthenticateApiKey(key->key));
  EXPECT_EQ(last_used(), "2026-03-01T00:01:01.000Z");
}

TEST_P(AccountsTest, ApiKeysCanBeListedAndRevoked) {
  CreateCast();
  Result<NewApiKey> k1 = accounts_->CreateApiKey(As("jinan"), "jinan", "one", kIp);
  Result<NewApiKey> k2 = accounts_->CreateApiKey(As("root"), "jinan", "two", kIp);
  ASSERT_TRUE(k1 && k2);
  EXPECT_EQ(accounts_->CreateApiKey(As("shandong"), "jinan", "three", kIp).error().kind(),
            Error::Kind::kPermissionDenied);
  EXPECT_EQ(accounts_->CreateApiKey(As("jinan"), "jinan", "", kIp).error().code(),
            "apikey.bad-name");
  EXPECT_EQ(accounts_->ListApiKeys(As("shandong"), "jinan").error().kind(),
            Error::Kind::kPermissionDenied);

  // Another user cannot revoke (or learn about) jn's key.
  Result<void> foreign = accounts_->RevokeApiKey(As("shandong"), k1->id, kIp);
  ASSERT_FALSE(foreign);
  EXPECT_EQ(foreign.error().code(), "apikey.not-found");
  EXPECT_EQ(accounts_->RevokeApiKey(As("jinan"), 424242, kIp).error().code(), "apikey.not-found");

  ASSERT_TRUE(accounts_->RevokeApiKey(As("jinan"), k1->id, kIp));
  ASSERT_TRUE(accounts_->RevokeApiKey(As("jinan"), k1->id, kIp));  // again: fine, not re-audited
  EXPECT_EQ(accounts_->AuthenticateApiKey(k1->key).error().code(), "auth.bad-api-key");
  EXPECT_TRUE(accounts_->AuthenticateApiKey(k2->key));

  Result<std::vector<ApiKeyInfo>> keys = accounts_->ListApiKeys(As("jinan"), "jinan");
  ASSERT_TRUE(keys);
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ((*keys)[0].name, "two");
  EXPECT_FALSE((*keys)[0].revoked_at);
  EXPECT_EQ((*keys)[1].name, "one");
  EXPECT_EQ((*keys)[1].revoked_at, "2026-03-01T00:00:00.000Z");
  EXPECT_EQ((*keys)[1].prefix, k1->prefix);
  EXPECT_EQ(CountAudit("apikey.create"), 2);
  EXPECT_EQ(CountAudit("apikey.revoke"), 1);
}

TEST_P(AccountsTest, RepeatedFailuresAreThrottled) {
  CreateCast();
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(accounts_->Login("shandong", "Wrong-pass-99", kIp).error().code(),
              "auth.bad-credentials");
  }
  // Even the right password is refused while locked, before it is checked.
  Result<LoginResult> locked = accounts_->Login("shandong", "Secret-pass-1", kIp);
  ASSERT_FALSE(locked);
  EXPECT_EQ(locked.error().kind(), Error::Kind::kTooManyRequests);
  EXPECT_EQ(locked.error().code(), "auth.throttled");
  EXPECT_EQ(locked.error().RetryAfterSeconds(), 60);
  EXPECT_FALSE(Error::Invalid("x", "x", "x", "retry-after=5").RetryAfterSeconds());
  // The fifth failure recorded that it started a lockout.
  auto last =
      Rows("SELECT detail FROM audit_log WHERE action = 'auth.login-failed' ORDER BY seq DESC");
  ASSERT_EQ(last.size(), 5u);
  EXPECT_NE(last[0].Text(0).find("\"lockout\":true"), std::string::npos);
  EXPECT_NE(last[1].Text(0).find("\"lockout\":false"), std::string::npos);

  clock_.Advance(seconds(61));
  ASSERT_TRUE(accounts_->Login("shandong", "Secret-pass-1", "203.0.113.5"));
  // The success reset the username: four new failures from another address do not lock it.
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(accounts_->Login("shandong", "Wrong-pass-99", "203.0.113.6").error().code(),
              "auth.bad-credentials");
  }
  EXPECT_TRUE(accounts_->Login("shandong", "Secret-pass-1", "203.0.113.7"));
}

TEST_P(AccountsTest, EveryWriteIsAuditedAndTheChainVerifies) {
  CreateCast();  // 8 user.create
  auto login = accounts_->Login("lab1", "Secret-pass-1", kIp);
  ASSERT_TRUE(login);
  (void)accounts_->Login("lab1", "nope-nope-1", kIp);
  ASSERT_TRUE(accounts_->SetPassword(As("root"), "lab2", "Another-pass-2", std::nullopt, kIp));
  ASSERT_TRUE(accounts_->SetDisabled(As("root"), "lab2", true, kIp));
  auto key = accounts_->CreateApiKey(As("lab1"), "lab1", "k", kIp);
  ASSERT_TRUE(key);
  ASSERT_TRUE(accounts_->RevokeApiKey(As("lab1"), key->id, kIp));
  ASSERT_TRUE(accounts_->Logout(login->token, kIp));

  std::map<std::string, int64_t> counts;
  for (const auto& row : Rows("SELECT action, COUNT(*) FROM audit_log GROUP BY action")) {
    counts[row.Text(0)] = row.Int(1);
  }
  std::map<std::string, int64_t> expected = {
      {"user.create", 8},  {"auth.login", 1},    {"auth.login-failed", 1}, {"user.password", 1},
      {"user.disable", 1}, {"apikey.create", 1}, {"apikey.revoke", 1},     {"auth.logout", 1}};
  EXPECT_EQ(counts, expected);
  audit::VerifyReport rep = VerifyAudit();
  EXPECT_TRUE(rep.ok) << rep.code << " " << rep.message;
  EXPECT_EQ(rep.records_checked, 15);

  // The lab1 user sees only its institution's records; the Guangdong regulator lab2's.
  auto conn = db_->Acquire();
  ASSERT_TRUE(conn);
  auto page = audit::List(conn->get(), As("lab1"), {});
  ASSERT_TRUE(page);
  std::set<std::string> targets;
  for (const auto& r : page->records) targets.insert(r.target_type + ":" + r.target_id);
  EXPECT_TRUE(targets.count("user:lab1"));
  EXPECT_FALSE(targets.count("user:lab2"));
  page = audit::List(conn->get(), As("guangdong"), {});
  ASSERT_TRUE(page);
  for (const auto& r : page->records) EXPECT_EQ(r.region_code.substr(0, 2), "44") << r.action;
}

ZJ_INSTANTIATE_BACKENDS(AccountsTest);

}  // namespace
}  // namespace zhijian::accounts
