// A whole running platform for end-to-end tests: a fresh database (SQLite file in a temp dir, or
// a new database in the shared throw-away PostgreSQL cluster), the demo data and accounts, and
// the real HTTP server with every API route on a free port.
#pragma once

#include <atomic>
#include <boost/json.hpp>
#include <map>
#include <memory>
#include <string>

#include "tests/support/http_client.h"
#include "zhijian/accounts/accounts.h"
#include "zhijian/api/api.h"
#include "zhijian/base/result.h"
#include "zhijian/checks/compliance_store.h"
#include "zhijian/checks/quality_runner.h"
#include "zhijian/ledger/service.h"
#include "zhijian/server/http_server.h"
#include "zhijian/store/db.h"

namespace zhijian::test {

class Platform {
 public:
  // backend: "sqlite" or "postgres". Errors (e.g. PostgreSQL absent: code "test.pg-absent").
  // `uploads`: the limits of report documents uploaded to POST /api/v1/checks.
  static Result<std::unique_ptr<Platform>> Start(const std::string& backend,
                                                 server::ServerOptions options = {},
                                                 api::UploadLimits uploads = {});
  ~Platform();

  uint16_t port() const { return server_->port(); }
  store::Database& db() { return *db_; }
  server::Router& router() { return router_; }
  const std::map<std::string, std::string>& passwords() const { return passwords_; }
  // The report ledger, with a test log key (ledger::GenerateEd25519Key seed 'k' × 32) and its
  // publisher running (a checkpoint every 100 entries or 100 ms).
  ledger::LedgerService& ledger() { return *ledger_; }
  // The data-quality runner behind POST /api/v1/quality/runs (started; no schedule).
  checks::QualityRunner& quality() { return *quality_; }
  // Starts the arrival checks of registered reports (checks/compliance_store.h), woken by every
  // registration like `zhijian serve` does; off unless a test starts them.
  checks::ArrivalChecker& StartArrivalChecks();

  // Signs in through the API; returns the "Cookie" header value ("zj_session=...").
  std::string Login(const std::string& username);
  HttpResponse Get(const std::string& target, const std::string& cookie = "");
  HttpResponse Send(const std::string& method, const std::string& target,
                    const boost::json::value& body, const std::string& cookie = "");
  // A scalar from SQL (e.g. "SELECT COUNT(*) FROM users").
  int64_t Count(const std::string& sql);
  // The id of the demo institution in `region_code`.
  int64_t InstitutionIn(const std::string& region_code);

 private:
  Platform() = default;
  std::string dir_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<accounts::Accounts> accounts_;
  std::unique_ptr<server::Metrics> metrics_;
  std::unique_ptr<api::ApiContext> ctx_;
  std::unique_ptr<ledger::LedgerService> ledger_;
  std::unique_ptr<checks::QualityRunner> quality_;
  std::unique_ptr<checks::ArrivalChecker> arrivals_;
  std::atomic<checks::ArrivalChecker*> notify_{nullptr};
  server::Router router_;
  std::unique_ptr<server::HttpServer> server_;
  std::map<std::string, std::string> passwords_;
};

// Parses a body as JSON (null on failure).
boost::json::value Json(const HttpResponse& r);

}  // namespace zhijian::test
