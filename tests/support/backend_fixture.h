// A gtest fixture parameterised over both storage backends, for every module's storage tests.
//
// SQLite: a file in a fresh temporary directory (removed in TearDown). PostgreSQL: a fresh
// database in the throw-away cluster of this test binary (pg_cluster.h), skipped loudly when
// PostgreSQL 15 is absent. Derived fixtures call BackendTest::SetUp() first and return early
// when it skipped or failed (`if (IsSkipped() || HasFatalFailure()) return;`).
//
//   class FooTest : public zhijian::testing::BackendTest { ... };
//   TEST_P(FooTest, Bar) { auto db = OpenDb(); ... }
//   ZJ_INSTANTIATE_BACKENDS(FooTest);
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "tests/support/pg_cluster.h"
#include "zhijian/store/db.h"
#include "zhijian/store/migrations.h"

namespace zhijian::testing {

class BackendTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == store::Backend::kSqlite) {
      char tmpl[] = "/tmp/zj-test-XXXXXX";
      ASSERT_NE(mkdtemp(tmpl), nullptr);
      dir_ = tmpl;
      url_ = "sqlite:" + dir_ + "/test.db";
    } else {
      ZJ_REQUIRE_PG_CLUSTER(pg);
      auto url = pg.CreateDatabase();
      ASSERT_TRUE(url.ok()) << url.error().ToString();
      url_ = *url;
    }
  }
  void TearDown() override {
    if (!dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }

  // Opens the test database (with migrations by default).
  std::unique_ptr<store::Database> OpenDb(store::OpenOptions options = {}) {
    auto db = store::Database::Open(url_, options);
    EXPECT_TRUE(db.ok()) << (db.ok() ? "" : db.error().ToString());
    return db.ok() ? std::move(*db) : nullptr;
  }

  // Runs DDL with dialect tokens.
  static void Script(store::Connection& conn, const std::string& sql) {
    auto r = conn.ExecScript(store::RenderForBackend(sql, conn.backend()));
    ASSERT_TRUE(r.ok()) << r.error().ToString();
  }

  static int64_t Count(store::Connection& conn, const std::string& table) {
    auto row = conn.QueryOne("SELECT COUNT(*) FROM " + table);
    EXPECT_TRUE(row.ok() && row->has_value());
    return row.ok() && row->has_value() ? (*row)->Int(0) : -1;
  }

  std::string dir_;
  std::string url_;
};

inline std::string BackendName(const ::testing::TestParamInfo<store::Backend>& info) {
  return info.param == store::Backend::kSqlite ? "Sqlite" : "Postgres";
}

#define ZJ_INSTANTIATE_BACKENDS(suite)                                                             \
  INSTANTIATE_TEST_SUITE_P(                                                                        \
      Backends, suite,                                                                             \
      ::testing::Values(::zhijian::store::Backend::kSqlite, ::zhijian::store::Backend::kPostgres), \
      ::zhijian::testing::BackendName)

}  // namespace zhijian::testing
