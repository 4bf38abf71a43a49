#include "zhijian/store/db.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <limits>
#include <stdexcept>
#include <thread>
#include <vector>

#include "zhijian/store/db_internal.h"
#include "zhijian/store/test_fixture_internal.h"

namespace zhijian::store {
namespace {

using std::chrono_literals::operator""ms;

constexpr const char* kValuesTable =
    "CREATE TABLE vals (id {{PK}}, i BIGINT, r DOUBLE PRECISION, t TEXT, b {{BLOB}})";

std::string AllBytes() {
  std::string s;
  for (int i = 0; i < 256; ++i) s.push_back(static_cast<char>(i));
  s += std::string("\0\0x\0", 4);
  return s;
}

class StoreTest : public BackendTest {};

TEST_P(StoreTest, OpensTheRequestedBackend) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->backend(), GetParam());
  auto conn = db->Acquire();
  ASSERT_TRUE(conn.ok());
  EXPECT_EQ((*conn)->backend(), GetParam());
}

TEST_P(StoreTest, RoundTripsEveryValueType) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  auto conn = db->Acquire();
  ASSERT_TRUE(conn.ok());
  Connection& c = conn->get();
  Script(c, kValuesTable);

  const std::string chinese = "国家市场监督管理总局：检验检测机构资质认定 ✓ 𠀀";
  const Blob blob{AllBytes()};
  struct Case {
    int64_t i;
    double r;
    std::string t;
  };
  const std::vector<Case> cases = {
      {std::numeric_limits<int64_t>::max(), 3.25, chinese},
      {std::numeric_limits<int64_t>::min(), -1.0e-300, "it's \"quoted\" ? not a placeholder"},
      {9007199254740993, 0.1, ""},  // 2^53 + 1: must not pass through a double
  };
  for (const Case& k : cases) {
    const Value params[] = {Value(k.i), Value(k.r), Value(k.t), Value(blob)};
    auto n = c.Exec("INSERT INTO vals (i, r, t, b) VALUES (?, ?, ?, ?)", params);
    ASSERT_TRUE(n.ok()) << n.error().ToString();
    EXPECT_EQ(*n, 1);
  }
  const Value nulls[] = {Null(), Null(), OptText(std::nullopt), Null()};
  ASSERT_TRUE(c.Exec("INSERT INTO vals (i, r, t, b) VALUES (?, ?, ?, ?)", nulls).ok());

  auto rows = c.Query("SELECT id, i, r, t, b FROM vals ORDER BY id");
  ASSERT_TRUE(rows.ok()) << rows.error().ToString();
  ASSERT_EQ(rows->size(), 4u);
  for (size_t k = 0; k < cases.size(); ++k) {
    const Row& row = (*rows)[k];
    ASSERT_EQ(row.size(), 5u);
    EXPECT_EQ(row.at(1), Value(cases[k].i));
    EXPECT_EQ(row.Int(1), cases[k].i);
    EXPECT_EQ(row.at(2), Value(cases[k].r));
    EXPECT_EQ(row.Real(2), cases[k].r);
    EXPECT_EQ(row.at(3), Value(cases[k].t));
    EXPECT_EQ(row.Text(3), cases[k].t);
    EXPECT_EQ(row.at(4), Value(blob));
    EXPECT_EQ(row.Bytes(4), blob.bytes);
    EXPECT_EQ(row.Bytes(4).size(), 260u);
    EXPECT_FALSE(row.IsNull(3));
  }
  const Row& null_row = (*rows)[3];
  for (size_t col = 1; col < 5; ++col) {
    EXPECT_TRUE(null_row.IsNull(col)) << col;
    EXPECT_EQ(null_row.OptText(col), std::nullopt);
    EXPECT_EQ(null_row.OptInt(col), std::nullopt);
  }
  EXPECT_EQ(null_row.Int(1), 0);
  EXPECT_EQ(null_row.Text(3), "");

  // Parameters compare and filter correctly, including text with Chinese characters.
  const Value where[] = {Value(chinese)};
  auto one = c.QueryOne("SELECT i FROM vals WHERE t = ?", where);
  ASSERT_TRUE(one.ok()) << one.error().ToString();
  ASSERT_TRUE(one->has_value());
  EXPECT_EQ((*one)->Int(0), std::numeric_limits<int64_t>::max());
  const Value by_blob[] = {Value(blob)};
  auto count = c.QueryOne("SELECT COUNT(*) FROM vals WHERE b = ?", by_blob);
  ASSERT_TRUE(count.ok()) << count.error().ToString();
  EXPECT_EQ((*count)->Int(0), 3);
}

TEST_P(StoreTest, ExecReturnsChangedRowsAndQueryOneMayBeEmpty) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  auto conn = db->Acquire();
  ASSERT_TRUE(conn.ok());
  Script(conn->get(), kValuesTable);
  for (int64_t i = 1; i <= 3; ++i) {
    const Value p[] = {Value(i)};
    ASSERT_TRUE((*conn)->Exec("INSERT INTO vals (i) VALUES (?)", p).ok());
  }
  const Value two[] = {Value(int64_t{2})};
  auto changed = (*conn)->Exec("UPDATE vals SET t = 'x' WHERE i >= ?", two);
  ASSERT_TRUE(changed.ok()) << changed.error().ToString();
  EXPECT_EQ(*changed, 2);
  const Value none[] = {Value(int64_t{99})};
  auto row = (*conn)->QueryOne("SELECT i FROM vals WHERE i = ?", none);
  ASSERT_TRUE(row.ok());
  EXPECT_FALSE(row->has_value());
}

TEST_P(StoreTest, ConstraintViolationsAreConflicts) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  auto conn = db->Acquire();
  ASSERT_TRUE(conn.ok());
  Script(conn->get(),
         "CREATE TABLE parent (id {{PK}}, code TEXT NOT NULL UNIQUE);"
         "CREATE TABLE child (id {{PK}}, parent_id BIGINT NOT NULL REFERENCES parent (id));");
  const Value code[] = {Value(std::string("91370100MA3C0000XX"))};
  ASSERT_TRUE((*conn)->Exec("INSERT INTO parent (code) VALUES (?)", code).ok());
  auto dup = (*conn)->Exec("INSERT INTO parent (code) VALUES (?)", code);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().kind(), Error::Kind::kConflict);
  EXPECT_EQ(dup.error().code(), "store.constraint");

  const Value missing[] = {Value(int64_t{12345})};
  auto orphan = (*conn)->Exec("INSERT INTO child (parent_id) VALUES (?)", missing);
  ASSERT_FALSE(orphan.ok());
  EXPECT_EQ(orphan.error().kind(), Error::Kind::kConflict);
  EXPECT_EQ(orphan.error().code(), "store.constraint");

  auto not_null = (*conn)->Exec("INSERT INTO parent (code) VALUES (NULL)");
  ASSERT_FALSE(not_null.ok());
  EXPECT_EQ(not_null.error().kind(), Error::Kind::kConflict);
  EXPECT_EQ(Count(conn->get(), "parent"), 1);
}

TEST_P(StoreTest, SqlErrorsAreInternalAndLeaveTheConnectionUsable) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  auto conn = db->Acquire();
  ASSERT_TRUE(conn.ok());
  auto bad = (*conn)->Query("SELEC 1");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind(), Error::Kind::kInternal);
  EXPECT_EQ(bad.error().code(), "store.sql");
  EXPECT_NE(bad.error().detail().find("SELEC"), std::string::npos);

  const Value one[] = {Value(int64_t{1})};
  auto wrong_count = (*conn)->Query("SELECT ? + ?", one);
  ASSERT_FALSE(wrong_count.ok());
  EXPECT_EQ(wrong_count.error().code(), "store.sql");

  auto ok = (*conn)->QueryOne("SELECT 41 + 1");
  ASSERT_TRUE(ok.ok()) << ok.error().ToString();
  EXPECT_EQ((*ok)->Int(0), 42);
}

TEST_P(StoreTest, ExecScriptRunsSeveralStatements) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  auto conn = db->Acquire();
  ASSERT_TRUE(conn.ok());
  auto r = (*conn)->ExecScript(
      "CREATE TABLE a (x INTEGER);\n"
      "-- a comment; with a semicolon\n"
      "INSERT INTO a VALUES (1);\n"
      "INSERT INTO a VALUES (2); INSERT INTO a VALUES (3);\n");
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(Count(conn->get(), "a"), 3);
  auto bad = (*conn)->ExecScript("INSERT INTO a VALUES (4); INSERT INTO nowhere VALUES (5);");
  EXPECT_FALSE(bad.ok());
}

TEST_P(StoreTest, WithTransactionCommitsOnSuccess) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  auto conn = db->Acquire();
  ASSERT_TRUE(conn.ok());
  Script(conn->get(), kValuesTable);
  auto r = WithTransaction<int64_t>(conn->get(), [](Connection& c) -> Result<int64_t> {
    ZJ_TRY(c.Exec("INSERT INTO vals (i) VALUES (1)"));
    ZJ_TRY(c.Exec("INSERT INTO vals (i) VALUES (2)"));
    return int64_t{7};
  });
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(*r, 7);
  // Visible from another connection, so really committed.
  auto other = db->Acquire();
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(Count(other->get(), "vals"), 2);
}

TEST_P(StoreTest, WithTransactionRollsBackOnError) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  auto conn = db->Acquire();
  ASSERT_TRUE(conn.ok());
  Script(conn->get(), kValuesTable);
  auto r = WithTransaction(conn->get(), [](Connection& c) -> Result<void> {
    ZJ_TRY(c.Exec("INSERT INTO vals (i) VALUES (1)"));
    return Error::Invalid("test.refused", "拒绝", "refused");
  });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), "test.refused");
  EXPECT_EQ(Count(conn->get(), "vals"), 0);

  // A failing statement inside also rolls back the earlier ones.
  auto r2 = WithTransaction(conn->get(), [](Connection& c) -> Result<void> {
    ZJ_TRY(c.Exec("INSERT INTO vals (i) VALUES (1)"));
    ZJ_TRY(c.Exec("INSERT INTO missing_table VALUES (1)"));
    return Ok();
  });
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(Count(conn->get(), "vals"), 0);
}

TEST_P(StoreTest, WithTransactionRollsBackAndRethrowsOnException) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  auto conn = db->Acquire();
  ASSERT_TRUE(conn.ok());
  Script(conn->get(), kValuesTable);
  EXPECT_THROW(
      {
        (void)WithTransaction(conn->get(), [](Connection& c) -> Result<void> {
          (void)c.Exec("INSERT INTO vals (i) VALUES (1)");
          throw std::runtime_error("boom");
        });
      },
      std::runtime_error);
  EXPECT_EQ(Count(conn->get(), "vals"), 0);
  // No transaction is left open: a new one starts and commits.
  auto again = WithTransaction(conn->get(), [](Connection& c) -> Result<void> {
    ZJ_TRY(c.Exec("INSERT INTO vals (i) VALUES (2)"));
    return Ok();
  });
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_EQ(Count(conn->get(), "vals"), 1);
}

TEST_P(StoreTest, ExplicitBeginCommitRollback) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  auto conn = db->Acquire();
  ASSERT_TRUE(conn.ok());
  Script(conn->get(), kValuesTable);
  ASSERT_TRUE((*conn)->Begin(true).ok());
  ASSERT_TRUE((*conn)->Exec("INSERT INTO vals (i) VALUES (1)").ok());
  ASSERT_TRUE((*conn)->Rollback().ok());
  EXPECT_EQ(Count(conn->get(), "vals"), 0);
  ASSERT_TRUE((*conn)->Begin(false).ok());
  ASSERT_TRUE((*conn)->Exec("INSERT INTO vals (i) VALUES (1)").ok());
  ASSERT_TRUE((*conn)->Commit().ok());
  EXPECT_EQ(Count(conn->get(), "vals"), 1);
}

TEST_P(StoreTest, ReturnedConnectionWithOpenTransactionIsRolledBack) {
  auto db = OpenDb({.pool_size = 1, .migrate = false});
  ASSERT_NE(db, nullptr);
  {
    auto conn = db->Acquire();
    ASSERT_TRUE(conn.ok());
    Script(conn->get(), kValuesTable);
    ASSERT_TRUE((*conn)->Begin(true).ok());
    ASSERT_TRUE((*conn)->Exec("INSERT INTO vals (i) VALUES (1)").ok());
  }  // returned to the pool mid-transaction
  auto conn = db->Acquire();
  ASSERT_TRUE(conn.ok());
  EXPECT_EQ(Count(conn->get(), "vals"), 0);
  EXPECT_TRUE((*conn)->Begin(true).ok());
  EXPECT_TRUE((*conn)->Commit().ok());
}

TEST_P(StoreTest, ManyDistinctStatementsStayCorrect) {
  // More distinct statements than the SQLite statement cache holds, then the first ones again.
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  auto conn = db->Acquire();
  ASSERT_TRUE(conn.ok());
  for (int round = 0; round < 2; ++round) {
    for (int k = 0; k < 100; ++k) {
      const Value p[] = {Value(int64_t{k})};
      auto row = (*conn)->QueryOne("SELECT ? + " + std::to_string(k * 1000), p);
      ASSERT_TRUE(row.ok()) << row.error().ToString();
      EXPECT_EQ((*row)->Int(0), k * 1001);
    }
  }
}

TEST_P(StoreTest, PoolServesConcurrentThreadsWithinItsSize) {
  constexpr size_t kPool = 3;
  constexpr int kThreads = 8;
  constexpr int kInsertsPerThread = 25;
  auto db = OpenDb({.pool_size = kPool, .busy_timeout_ms = 10000, .migrate = false});
  ASSERT_NE(db, nullptr);
  {
    auto conn = db->Acquire();
    ASSERT_TRUE(conn.ok());
    Script(conn->get(), kValuesTable);
  }
  std::atomic<int> lent{0};
  std::atomic<int> max_lent{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int k = 0; k < kInsertsPerThread; ++k) {
        auto conn = db->Acquire();
        if (!conn.ok()) {
          ++failures;
          continue;
        }
        int now = ++lent;
        int seen = max_lent.load();
        while (now > seen && !max_lent.compare_exchange_weak(seen, now)) {
        }
        const Value p[] = {Value(int64_t{t}), Value(std::string("线程") + std::to_string(k))};
        auto r = WithTransaction((*conn).get(), [&](Connection& c) -> Result<void> {
          ZJ_TRY(c.Exec("INSERT INTO vals (i, t) VALUES (?, ?)", p));
          return Ok();
        });
        if (!r.ok()) ++failures;
        --lent;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_LE(max_lent.load(), static_cast<int>(kPool));
  auto conn = db->Acquire();
  ASSERT_TRUE(conn.ok());
  EXPECT_EQ(Count(conn->get(), "vals"), kThreads * kInsertsPerThread);
  auto per_thread = (*conn)->Query("SELECT i, COUNT(*) FROM vals GROUP BY i ORDER BY i");
  ASSERT_TRUE(per_thread.ok());
  ASSERT_EQ(per_thread->size(), static_cast<size_t>(kThreads));
  for (const Row& row : *per_thread) EXPECT_EQ(row.Int(1), kInsertsPerThread);
}

TEST_P(StoreTest, AcquireBlocksUntilAConnectionIsReturned) {
  auto db = OpenDb({.pool_size = 1, .migrate = false});
  ASSERT_NE(db, nullptr);
  auto held = db->Acquire();
  ASSERT_TRUE(held.ok());
  std::atomic<bool> acquired{false};
  std::thread waiter([&] {
    auto conn = db->Acquire();
    acquired = conn.ok();
  });
  std::this_thread::sleep_for(200ms);
  EXPECT_FALSE(acquired.load());
  { PooledConnection release = std::move(*held); }
  waiter.join();
  EXPECT_TRUE(acquired.load());
}

ZJ_INSTANTIATE_BACKENDS(StoreTest);

// --- Backend-specific behaviour ------------------------------------------------------------

TEST(StoreOpenTest, RejectsUnknownUrls) {
  for (const char* url : {"mysql://x", "", "sqlite:", "host=localhost dbname=x"}) {
    auto db = Database::Open(url);
    ASSERT_FALSE(db.ok()) << url;
    EXPECT_EQ(db.error().kind(), Error::Kind::kInvalidArgument);
    EXPECT_EQ(db.error().code(), "store.bad-url");
  }
}

TEST(StoreOpenTest, RedactsPasswords) {
  EXPECT_EQ(internal::RedactUrl("postgresql://zj:s3cret@db.example:5432/zhijian"),
            "postgresql://zj:***@db.example:5432/zhijian");
  EXPECT_EQ(internal::RedactUrl("postgres://zj:p%40ss@h/db?sslmode=require&password=abc"),
            "postgres://zj:***@h/db?sslmode=require&password=***");
  EXPECT_EQ(internal::RedactUrl("postgresql://zj@h/db?password=abc"),
            "postgresql://zj@h/db?password=***");
  EXPECT_EQ(internal::RedactUrl("postgresql://h/db"), "postgresql://h/db");
  EXPECT_EQ(internal::RedactUrl("sqlite:/var/lib/zhijian/zj.db"), "sqlite:/var/lib/zhijian/zj.db");
}

TEST(StoreOpenTest, UnreachablePostgresIsUnavailableAndHidesPassword) {
  // Port 1 on loopback: connection refused at once.
  auto db = Database::Open("postgresql://zj:topsecret@127.0.0.1:1/zhijian?connect_timeout=2");
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().kind(), Error::Kind::kUnavailable);
  EXPECT_EQ(db.error().detail().find("topsecret"), std::string::npos) << db.error().detail();
}

TEST(StoreOpenTest, InMemorySqliteKeepsItsDataAcrossAcquires) {
  auto db = Database::Open("sqlite::memory:", {.migrate = false});
  ASSERT_TRUE(db.ok()) << db.error().ToString();
  EXPECT_EQ((*db)->redacted_url(), "sqlite::memory:");
  {
    auto conn = (*db)->Acquire();
    ASSERT_TRUE(conn.ok());
    ASSERT_TRUE((*conn)->ExecScript("CREATE TABLE m (x INTEGER); INSERT INTO m VALUES (5);").ok());
  }
  auto conn = (*db)->Acquire();
  ASSERT_TRUE(conn.ok());
  auto row = (*conn)->QueryOne("SELECT x FROM m");
  ASSERT_TRUE(row.ok()) << row.error().ToString();
  EXPECT_EQ((*row)->Int(0), 5);
}

TEST(StoreSqliteTest, UsesWalAndForeignKeys) {
  char tmpl[] = "/tmp/zj-store-test-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  {
    auto db = Database::Open("sqlite:" + dir + "/x.db", {.migrate = false});
    ASSERT_TRUE(db.ok()) << db.error().ToString();
    auto conn = (*db)->Acquire();
    ASSERT_TRUE(conn.ok());
    auto mode = (*conn)->QueryOne("PRAGMA journal_mode");
    ASSERT_TRUE(mode.ok());
    EXPECT_EQ((*mode)->Text(0), "wal");
    auto fk = (*conn)->QueryOne("PRAGMA foreign_keys");
    ASSERT_TRUE(fk.ok());
    EXPECT_EQ((*fk)->Int(0), 1);
    auto sync = (*conn)->QueryOne("PRAGMA synchronous");
    ASSERT_TRUE(sync.ok());
    EXPECT_EQ((*sync)->Int(0), 1);  // NORMAL
  }
  std::filesystem::remove_all(dir);
}

TEST(StoreSqliteTest, CompetingWritersGetBusyAfterTheTimeout) {
  char tmpl[] = "/tmp/zj-store-test-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  {
    auto db = Database::Open("sqlite:" + dir + "/x.db",
                             {.pool_size = 2, .busy_timeout_ms = 50, .migrate = false});
    ASSERT_TRUE(db.ok()) << db.error().ToString();
    auto a = (*db)->Acquire();
    auto b = (*db)->Acquire();
    ASSERT_TRUE(a.ok() && b.ok());
    ASSERT_TRUE((*a)->Begin(true).ok());
    auto start = std::chrono::steady_clock::now();
    auto busy = (*b)->Begin(true);
    auto waited = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(busy.ok());
    EXPECT_EQ(busy.error().kind(), Error::Kind::kUnavailable);
    EXPECT_EQ(busy.error().code(), "store.busy");
    EXPECT_GE(waited, 40ms);
    ASSERT_TRUE((*a)->Commit().ok());
    EXPECT_TRUE((*b)->Begin(true).ok());
    EXPECT_TRUE((*b)->Rollback().ok());
  }
  std::filesystem::remove_all(dir);
}

TEST(StorePostgresTest, LostConnectionIsDiscardedNotReused) {
  ZJ_REQUIRE_PG_CLUSTER(pg);
  auto url = pg.CreateDatabase();
  ASSERT_TRUE(url.ok()) << url.error().ToString();
  auto db = Database::Open(*url, {.pool_size = 1, .migrate = false});
  ASSERT_TRUE(db.ok()) << db.error().ToString();
  int64_t victim_pid = 0;
  {
    auto conn = (*db)->Acquire();
    ASSERT_TRUE(conn.ok());
    auto pid = (*conn)->QueryOne("SELECT pg_backend_pid()");
    ASSERT_TRUE(pid.ok());
    victim_pid = (*pid)->Int(0);
    // Kill our own backend from a second, independent connection.
    auto killer = Database::Open(*url, {.pool_size = 1, .migrate = false});
    ASSERT_TRUE(killer.ok());
    auto kc = (*killer)->Acquire();
    ASSERT_TRUE(kc.ok());
    const Value p[] = {Value(victim_pid)};
    auto killed = (*kc)->QueryOne("SELECT pg_terminate_backend(?::int)", p);
    ASSERT_TRUE(killed.ok()) << killed.error().ToString();
    std::this_thread::sleep_for(100ms);
    auto lost = (*conn)->Query("SELECT 1");
    ASSERT_FALSE(lost.ok());
    EXPECT_EQ(lost.error().kind(), Error::Kind::kUnavailable);
  }  // returned to the pool: must be discarded
  auto conn = (*db)->Acquire();
  ASSERT_TRUE(conn.ok()) << conn.error().ToString();
  auto pid = (*conn)->QueryOne("SELECT pg_backend_pid()");
  ASSERT_TRUE(pid.ok()) << pid.error().ToString();
  EXPECT_NE((*pid)->Int(0), victim_pid);
}

TEST(StorePostgresTest, LockTimeoutIsBusy) {
  ZJ_REQUIRE_PG_CLUSTER(pg);
  auto url = pg.CreateDatabase();
  ASSERT_TRUE(url.ok()) << url.error().ToString();
  auto db = Database::Open(*url, {.pool_size = 2, .busy_timeout_ms = 100, .migrate = false});
  ASSERT_TRUE(db.ok()) << db.error().ToString();
  auto a = (*db)->Acquire();
  auto b = (*db)->Acquire();
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(
      (*a)->ExecScript("CREATE TABLE l (x INTEGER PRIMARY KEY); INSERT INTO l VALUES (1)").ok());
  ASSERT_TRUE((*a)->Begin(true).ok());
  ASSERT_TRUE((*a)->Exec("UPDATE l SET x = 2 WHERE x = 1").ok());
  ASSERT_TRUE((*b)->Begin(true).ok());
  auto blocked = (*b)->Exec("UPDATE l SET x = 3 WHERE x = 1");
  ASSERT_FALSE(blocked.ok());
  EXPECT_EQ(blocked.error().kind(), Error::Kind::kUnavailable);
  EXPECT_EQ(blocked.error().code(), "store.busy");
  EXPECT_TRUE((*b)->Rollback().ok());
  EXPECT_TRUE((*a)->Commit().ok());
}

}  // namespace
}  // namespace zhijian::store
