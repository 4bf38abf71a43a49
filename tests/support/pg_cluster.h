// A throw-away PostgreSQL 15 cluster for tests.
//
// Purpose: storage tests (and other modules' tests that need PostgreSQL) run against a private
// cluster: a copy of a pristine initdb'ed data directory (made once per machine and user in
// /tmp/zj-pg-pristine-15-u<uid>, as the `postgres` OS user when running as root) in a temporary
// directory under /dev/shm (else /tmp), trust authentication, listening on 127.0.0.1 on a free
// port with the socket inside the directory, fsync off. `Shared()` starts one per test binary
// (process) on first use and stops it (pg_ctl stop -m immediate) and removes the directory at exit.
//
// When PostgreSQL 15 is not installed, tests must skip LOUDLY, never pass silently:
//
//   TEST(Foo, Bar) {
//     ZJ_REQUIRE_PG_CLUSTER(pg);          // GTEST_SKIP with a loud message if absent
//     auto url = pg.CreateDatabase();     // a fresh empty database per test
//   }
//
// Ownership: `Shared()` owns the cluster; the reference stays valid until exit.
// Thread-safety: `Shared()` and `CreateDatabase()` are thread-safe.
// Errors: Result with kUnavailable; code "test.pg-absent" when the binaries are missing.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <string>

#include "zhijian/base/result.h"

namespace zhijian::testing {

class PgCluster {
 public:
  // The directory holding initdb, pg_ctl and postgres; the environment variable ZJ_PG_BIN
  // overrides it.
  static constexpr const char* kBinDir = "/usr/lib/postgresql/15/bin";
  static std::string BinDir();

  // The cluster of this process, started on first call.
  static Result<PgCluster*> Shared();
  // Starts a new cluster (prefer Shared()).
  static Result<std::unique_ptr<PgCluster>> Start();
  ~PgCluster();
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;

  // URL of the database "zhijian_test", created at start.
  const std::string& url() const { return url_; }
  int port() const { return port_; }
  // Creates a new empty database and returns its URL.
  Result<std::string> CreateDatabase();

 private:
  PgCluster() = default;
  std::string dir_;  // temporary directory: data/, sockets, logs
  int port_ = 0;
  std::string url_;
  bool running_ = false;
  std::mutex mu_;
  int next_db_ = 0;
};

// The message printed when tests skip for lack of PostgreSQL.
inline constexpr const char* kPgAbsentMessage =
    "PostgreSQL 15 not installed: PostgreSQL storage tests SKIPPED";

}  // namespace zhijian::testing

// Declares `PgCluster& var` or skips the test (binaries absent) / fails it (cluster broken).
#define ZJ_REQUIRE_PG_CLUSTER(var)                                                            \
  auto var##_shared_ = ::zhijian::testing::PgCluster::Shared();                               \
  if (!var##_shared_.ok()) {                                                                  \
    if (var##_shared_.error().code() == "test.pg-absent") {                                   \
      GTEST_SKIP() << "\n*****\n***** " << ::zhijian::testing::kPgAbsentMessage << "\n*****"; \
    }                                                                                         \
    FAIL() << "PostgreSQL test cluster failed: " << var##_shared_.error().ToString();         \
  }                                                                                           \
  [[maybe_unused]] ::zhijian::testing::PgCluster& var = **var##_shared_
