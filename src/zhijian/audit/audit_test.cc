#include "zhijian/audit/audit.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <stdlib.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/backend_fixture.h"
#include "tests/support/principals.h"
#include "zhijian/store/db.h"

namespace zhijian::audit {
namespace {

using store::Value;

const TimePoint kT0 = FromUnixMillis(1'767'225'600'000);  // 2026-01-01T00:00:00.000Z

using testing::InstitutionUser;
using testing::Regulator;

AuditEvent Event(const std::string& action, const std::string& region,
                 std::optional<int64_t> institution = std::nullopt) {
  AuditEvent e;
  e.action = action;
  e.target_type = "thing";
  e.target_id = "t-" + region;
  e.region_code = region;
  e.institution_id = institution;
  e.detail["note"] = "测试 " + action;
  return e;
}

ListFilter ByAction(const std::string& prefix) {
  ListFilter f;
  f.action_prefix = prefix;
  return f;
}
ListFilter ByActor(const std::string& actor) {
  ListFilter f;
  f.actor = actor;
  return f;
}
ListFilter Page(std::optional<int64_t> before, int limit) {
  ListFilter f;
  f.before_seq = before;
  f.limit = limit;
  return f;
}

class AuditTest : public testing::BackendTest {
 protected:
  void SetUp() override {
    testing::BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    db_ = OpenDb();
    ASSERT_TRUE(db_);
  }
  void TearDown() override {
    db_.reset();
    testing::BackendTest::TearDown();
  }

  // Appends one event in its own transaction.
  int64_t AppendOne(const Principal& actor, const AuditEvent& e, TimePoint at = kT0) {
    auto conn = db_->Acquire();
    EXPECT_TRUE(conn);
    int64_t seq = 0;
    Result<void> r =
        store::WithTransaction(conn->get(), [&](store::Connection& tx) -> Result<void> {
          ZJ_ASSIGN_OR_RETURN(seq, Append(tx, actor, "192.0.2.1", e, at));
          return Ok();
        });
    EXPECT_TRUE(r) << r.error().ToString();
    return seq;
  }

  void ExecSql(const std::string& sql, std::vector<Value> params = {}) {
    auto conn = db_->Acquire();
    ASSERT_TRUE(conn);
    auto r = conn->get().Exec(sql, params);
    ASSERT_TRUE(r) << r.error().ToString();
  }

  VerifyReport RunVerify() {
    auto conn = db_->Acquire();
    EXPECT_TRUE(conn);
    Result<VerifyReport> r = Verify(conn->get());
    EXPECT_TRUE(r) << r.error().ToString();
    return r ? *r : VerifyReport{};
  }

  std::vector<int64_t> ListSeqs(const Principal& viewer, ListFilter f = {}) {
    auto conn = db_->Acquire();
    EXPECT_TRUE(conn);
    Result<AuditPage> page = List(conn->get(), viewer, f);
    EXPECT_TRUE(page) << page.error().ToString();
    std::vector<int64_t> seqs;
    if (page) {
      for (const AuditRecord& r : page->records) seqs.push_back(r.seq);
    }
    return seqs;
  }

  std::unique_ptr<store::Database> db_;
};

TEST(AuditFormatTest, CanonicalBytesFollowTheDocumentedFormat) {
  AuditRecord r;
  r.seq = 12;
  r.at = "2026-01-02T03:04:05.000Z";
  r.actor = "cli";
  r.actor_role = "admin";
  r.via = "cli";
  r.action = "user.create";
  r.target_type = "user";
  r.target_id = "张三";
  r.region_code = "3701";
  r.institution_id = 5;
  r.ip = "";
  r.detail = "{}";
  r.prev_hash = kGenesisHash;
  std::string expected = std::string("16:zhijian-audit-v1,2:12,24:2026-01-02T03:04:05.000Z,0:,") +
                         "3:cli,5:admin,3:cli,11:user.create,4:user,6:张三,4:3701,1:5,0:,2:{}," +
                         "64:" + kGenesisHash + ",";
  EXPECT_EQ(CanonicalBytes(r), expected);
  // The hash is the hex SHA-256 of exactly those bytes (computed independently here).
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  ASSERT_EQ(EVP_Digest(expected.data(), expected.size(), digest, &len, EVP_sha256(), nullptr), 1);
  std::string hex;
  char buf[3];
  for (unsigned int i = 0; i < len; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", digest[i]);
    hex += buf;
  }
  EXPECT_EQ(RecordHash(r), hex);

  AuditRecord zero_actor = r;  // NULL and 0 must differ
  zero_actor.actor_user_id = 0;
  EXPECT_NE(RecordHash(zero_actor), RecordHash(r));
  // Moving bytes between adjacent fields keeps the plain concatenation but not the encoding.
  AuditRecord a = r, b = r;
  a.target_type = "user";
  a.target_id = "3";
  b.target_type = "user3";
  b.target_id = "";
  EXPECT_NE(CanonicalBytes(a), CanonicalBytes(b));
  EXPECT_NE(RecordHash(a), RecordHash(b));
}

TEST_P(AuditTest, AppendsFormAChainThatVerifies) {
  for (int i = 0; i < 60; ++i) {
    EXPECT_EQ(AppendOne(Principal::Cli(), Event("user.create", "370102")), i + 1);
  }
  VerifyReport rep = RunVerify();
  EXPECT_TRUE(rep.ok) << rep.code << " " << rep.message;
  EXPECT_EQ(rep.records_checked, 60);
  EXPECT_EQ(rep.head_seq, 60);

  auto conn = db_->Acquire();
  ASSERT_TRUE(conn);
  auto rows = conn->get().Query("SELECT seq, prev_hash, hash FROM audit_log ORDER BY seq");
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 60u);
  EXPECT_EQ((*rows)[0].Text(1), kGenesisHash);
  for (size_t i = 1; i < rows->size(); ++i) {
    EXPECT_EQ((*rows)[i].Text(1), (*rows)[i - 1].Text(2));
  }
  auto head = conn->get().QueryOne("SELECT seq, hash FROM audit_head");
  ASSERT_TRUE(head && *head);
  EXPECT_EQ((**head).Int(0), 60);
  EXPECT_EQ((**head).Text(1), (*rows)[59].Text(2));
}

TEST_P(AuditTest, StoredRecordMatchesItsRecomputedHash) {
  Principal actor = Regulator("37");
  AuditEvent e = Event("task.assign", "370102", 42);
  AppendOne(actor, e, kT0 + std::chrono::milliseconds(1234));
  ListFilter f;
  auto conn = db_->Acquire();
  ASSERT_TRUE(conn);
  auto page = List(conn->get(), Principal::Cli(), f);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->records.size(), 1u);
  const AuditRecord& r = page->records[0];
  EXPECT_EQ(r.at, "2026-01-01T00:00:01.234Z");
  EXPECT_EQ(r.actor, "reg37");
  EXPECT_EQ(r.actor_user_id, testing::Regulator("37").user_id);
  EXPECT_EQ(r.actor_role, "regulator");
  EXPECT_EQ(r.via, "session");
  EXPECT_EQ(r.ip, "192.0.2.1");
  EXPECT_EQ(r.institution_id, 42);
  EXPECT_EQ(r.DetailObject().at("note").as_string(), "测试 task.assign");
  EXPECT_EQ(RecordHash(r), r.hash);
}

TEST_P(AuditTest, RolledBackAppendLeavesNoTrace) {
  AppendOne(Principal::Cli(), Event("a.one", ""));
  {
    auto conn = db_->Acquire();
    ASSERT_TRUE(conn);
    Result<void> r =
        store::WithTransaction(conn->get(), [&](store::Connection& tx) -> Result<void> {
          ZJ_TRY(Append(tx, Principal::Cli(), "", Event("a.two", ""), kT0));
          return Error::Invalid("test.abort", "中止", "abort");
        });
    EXPECT_FALSE(r);
  }
  EXPECT_EQ(AppendOne(Principal::Cli(), Event("a.three", "")), 2);
  VerifyReport rep = RunVerify();
  EXPECT_TRUE(rep.ok) << rep.message;
  EXPECT_EQ(rep.records_checked, 2);
}

TEST_P(AuditTest, ChangedFieldIsDetectedAtItsSeq) {
  for (int i = 0; i < 20; ++i) AppendOne(Principal::Cli(), Event("x.y", "440300"));
  ExecSql("UPDATE audit_log SET actor = 'mallory' WHERE seq = 13");
  VerifyReport rep = RunVerify();
  EXPECT_FALSE(rep.ok);
  EXPECT_EQ(rep.code, "audit.record-changed");
  EXPECT_EQ(rep.bad_seq, 13);
}

TEST_P(AuditTest, ChangedDetailIsDetected) {
  for (int i = 0; i < 5; ++i) AppendOne(Principal::Cli(), Event("x.y", "440300"));
  ExecSql("UPDATE audit_log SET detail = '{\"note\":\"nothing happened\"}' WHERE seq = 2");
  VerifyReport rep = RunVerify();
  EXPECT_EQ(rep.code, "audit.record-changed");
  EXPECT_EQ(rep.bad_seq, 2);
}

TEST_P(AuditTest, RewrittenRecordWithFreshHashBreaksTheNextLink) {
  for (int i = 0; i < 10; ++i) AppendOne(Principal::Cli(), Event("x.y", "440300"));
  // A careful forger recomputes the hash of the record they change...
  auto conn = db_->Acquire();
  ASSERT_TRUE(conn);
  auto page = List(conn->get(), Principal::Cli(), Page(5, 1));
  ASSERT_TRUE(page);
  ASSERT_EQ(page->records.size(), 1u);
  AuditRecord r = page->records[0];
  ASSERT_EQ(r.seq, 4);
  r.action = "x.nothing";
  std::string forged = RecordHash(r);
  std::vector<Value> p = {Value(r.action), Value(forged)};
  ASSERT_TRUE(conn->get().Exec("UPDATE audit_log SET action = ?, hash = ? WHERE seq = 4", p));
  // ...but the successor still names the old hash.
  VerifyReport rep = RunVerify();
  EXPECT_EQ(rep.code, "audit.broken-link");
  EXPECT_EQ(rep.bad_seq, 5);
}

TEST_P(AuditTest, RemovedRecordIsAGap) {
  for (int i = 0; i < 10; ++i) AppendOne(Principal::Cli(), Event("x.y", ""));
  ExecSql("DELETE FROM audit_log WHERE seq = 6");
  VerifyReport rep = RunVerify();
  EXPECT_EQ(rep.code, "audit.gap");
  EXPECT_EQ(rep.bad_seq, 6);
}

TEST_P(AuditTest, RemovedFirstRecordIsAGap) {
  for (int i = 0; i < 3; ++i) AppendOne(Principal::Cli(), Event("x.y", ""));
  ExecSql("DELETE FROM audit_log WHERE seq = 1");
  VerifyReport rep = RunVerify();
  EXPECT_EQ(rep.code, "audit.gap");
  EXPECT_EQ(rep.bad_seq, 1);
}

TEST_P(AuditTest, RemovedLastRecordIsCaughtByTheHead) {
  for (int i = 0; i < 10; ++i) AppendOne(Principal::Cli(), Event("x.y", ""));
  ExecSql("DELETE FROM audit_log WHERE seq = 10");
  VerifyReport rep = RunVerify();
  EXPECT_FALSE(rep.ok);
  EXPECT_EQ(rep.code, "audit.head-mismatch");
  EXPECT_EQ(rep.bad_seq, 10);
}

TEST_P(AuditTest, HeadMovedBackIsCaught) {
  for (int i = 0; i < 4; ++i) AppendOne(Principal::Cli(), Event("x.y", ""));
  ExecSql("UPDATE audit_head SET seq = 3");
  VerifyReport rep = RunVerify();
  EXPECT_EQ(rep.code, "audit.head-mismatch");
}

TEST_P(AuditTest, EmptyChainVerifies) {
  VerifyReport rep = RunVerify();
  EXPECT_TRUE(rep.ok);
  EXPECT_EQ(rep.records_checked, 0);
  EXPECT_EQ(rep.head_hash, kGenesisHash);
}

TEST_P(AuditTest, VerifyStreamsLongChainsInPages) {
  auto conn = db_->Acquire();
  ASSERT_TRUE(conn);
  Result<void> r = store::WithTransaction(conn->get(), [&](store::Connection& tx) -> Result<void> {
    for (int i = 0; i < 2500; ++i) ZJ_TRY(Append(tx, Principal::Cli(), "", Event("b.c", ""), kT0));
    return Ok();
  });
  ASSERT_TRUE(r) << r.error().ToString();
  Result<VerifyReport> rep = Verify(conn->get());
  ASSERT_TRUE(rep);
  EXPECT_TRUE(rep->ok) << rep->message;
  EXPECT_EQ(rep->records_checked, 2500);
  std::vector<Value> p = {Value(int64_t{2001})};
  ASSERT_TRUE(conn->get().Exec("UPDATE audit_log SET ip = '6.6.6.6' WHERE seq = ?", p));
  rep = Verify(conn->get());
  ASSERT_TRUE(rep);
  EXPECT_EQ(rep->bad_seq, 2001);
}

TEST_P(AuditTest, ConcurrentAppendersProduceOneContiguousChain) {
  constexpr int kThreads = 4;
  constexpr int kEach = 25;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto conn = db_->Acquire();
        if (!conn) {
          ++failures;
          continue;
        }
        Result<void> r =
            store::WithTransaction(conn->get(), [&](store::Connection& tx) -> Result<void> {
              ZJ_TRY(Append(tx, Principal::Cli(), "", Event("t" + std::to_string(t), ""), kT0));
              return Ok();
            });
        if (!r) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  VerifyReport rep = RunVerify();
  EXPECT_TRUE(rep.ok) << rep.code << " " << rep.message;
  EXPECT_EQ(rep.records_checked, kThreads * kEach);
  EXPECT_EQ(rep.head_seq, kThreads * kEach);
}

TEST_P(AuditTest, ListIsScopedByRegionAndInstitution) {
  int64_t a = AppendOne(Principal::Cli(), Event("x.a", "370102"));     // Jinan district
  int64_t b = AppendOne(Principal::Cli(), Event("x.b", "370200"));     // Qingdao
  int64_t c = AppendOne(Principal::Cli(), Event("x.c", "440300"));     // Shenzhen
  int64_t d = AppendOne(Principal::Cli(), Event("x.d", ""));           // national
  int64_t e = AppendOne(Principal::Cli(), Event("x.e", "370102", 5));  // institution 5
  int64_t f = AppendOne(Principal::Cli(), Event("x.f", "440300", 6));  // institution 6
  using V = std::vector<int64_t>;
  EXPECT_EQ(ListSeqs(Principal::Cli()), (V{f, e, d, c, b, a}));
  EXPECT_EQ(ListSeqs(Regulator("")), (V{f, e, d, c, b, a}));
  EXPECT_EQ(ListSeqs(Regulator("37")), (V{e, b, a}));
  EXPECT_EQ(ListSeqs(Regulator("3701")), (V{e, a}));
  EXPECT_EQ(ListSeqs(Regulator("44")), (V{f, c}));
  EXPECT_EQ(ListSeqs(InstitutionUser(5)), (V{e}));
  EXPECT_EQ(ListSeqs(InstitutionUser(6)), (V{f}));
  Principal inspector = Regulator("37");
  inspector.role = Role::kInspector;
  EXPECT_EQ(ListSeqs(inspector), V{});
  EXPECT_EQ(ListSeqs(Principal{}), V{});
}

TEST_P(AuditTest, ListFiltersAndPages) {
  Principal alice = Regulator("37");
  alice.username = "alice";
  for (int i = 0; i < 7; ++i) {
    AppendOne(alice, Event(i % 2 == 0 ? "auth.login" : "user.create", "370102"));
  }
  AppendOne(Principal::Cli(), Event("auth_x", "370102"));  // '_' must not act as a wildcard
  using V = std::vector<int64_t>;
  EXPECT_EQ(ListSeqs(Principal::Cli(), ByAction("auth.")), (V{7, 5, 3, 1}));
  EXPECT_EQ(ListSeqs(Principal::Cli(), ByAction("auth_")), (V{8}));
  EXPECT_EQ(ListSeqs(Principal::Cli(), ByActor("alice")).size(), 7u);
  EXPECT_EQ(ListSeqs(Principal::Cli(), ByActor("cli")), (V{8}));

  // Walk all pages of 3.
  std::vector<int64_t> seen;
  ListFilter filter = Page(std::nullopt, 3);
  for (int guard = 0; guard < 10; ++guard) {
    auto conn = db_->Acquire();
    ASSERT_TRUE(conn);
    auto page = List(conn->get(), Principal::Cli(), filter);
    ASSERT_TRUE(page);
    EXPECT_LE(page->records.size(), 3u);
    for (const auto& r : page->records) seen.push_back(r.seq);
    if (!page->next_before_seq) break;
    filter.before_seq = page->next_before_seq;
  }
  EXPECT_EQ(seen, (V{8, 7, 6, 5, 4, 3, 2, 1}));
}

TEST_P(AuditTest, ListLimitIsCapped) {
  auto conn = db_->Acquire();
  ASSERT_TRUE(conn);
  ASSERT_TRUE(store::WithTransaction(conn->get(), [&](store::Connection& tx) -> Result<void> {
    for (int i = 0; i < 230; ++i) ZJ_TRY(Append(tx, Principal::Cli(), "", Event("m.n", ""), kT0));
    return Ok();
  }));
  auto page = List(conn->get(), Principal::Cli(), Page(std::nullopt, 1000));
  ASSERT_TRUE(page);
  EXPECT_EQ(page->records.size(), 200u);
  EXPECT_EQ(page->next_before_seq, 31);
  page = List(conn->get(), Principal::Cli(), Page(31, 1000));
  ASSERT_TRUE(page);
  EXPECT_EQ(page->records.size(), 30u);
  EXPECT_FALSE(page->next_before_seq);
}

ZJ_INSTANTIATE_BACKENDS(AuditTest);

}  // namespace
}  // namespace zhijian::audit
