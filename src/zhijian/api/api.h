// The HTTP API, version 1: every route of the platform and who may call it.
//
// Purpose: binds the domain modules (accounts, audit, base/region, store) to the server's
// Router. Handlers are thin: parse and validate input (server/json_body.h), call a module with
// the caller's Principal (scope is enforced by the modules through the query layer,
// store/scope.h), and render JSON. The full contract is docs/openapi.yaml; the authorization
// matrix test enumerates `Router::routes()` to check every route × role.
//
// Sessions: POST /api/v1/auth/login sets the cookie `zj_session` (HttpOnly, SameSite=Strict,
// Path=/, Max-Age = session lifetime; Secure when ApiOptions::secure_cookies). Machine clients
// (institutions' LIMS) send `Authorization: Bearer zjk_...` or `X-Api-Key: zjk_...`.
//
// Ownership: ApiContext borrows everything; it must outlive the server.
// Thread-safety: handlers are called concurrently; everything they touch is thread-safe.
#pragma once

#include <boost/json/value.hpp>
#include <optional>
#include <string>

#include "zhijian/accounts/accounts.h"
#include "zhijian/api/rate_limit.h"
#include "zhijian/base/clock.h"
#include "zhijian/registry/identity.h"
#include "zhijian/server/http_server.h"
#include "zhijian/server/metrics.h"
#include "zhijian/server/router.h"
#include "zhijian/store/db.h"

namespace zhijian::ledger {
class LedgerService;
}  // namespace zhijian::ledger
namespace zhijian::checks {
class QualityRunner;
}  // namespace zhijian::checks

namespace zhijian::api {

// Report documents uploaded to POST /api/v1/checks (multipart/form-data). Beyond a limit the
// request is refused with 413: "checks.file-too-large", "checks.too-large", "checks.too-many".
struct UploadLimits {
  size_t max_file_bytes = 20 << 20;   // one document
  size_t max_total_bytes = 60 << 20;  // all documents of one request
  size_t max_files = 20;              // documents per request
};

struct ApiOptions {
  bool secure_cookies = false;    // set the Secure flag (behind HTTPS)
  RateLimitOptions public_limit;  // per client address, for anonymous callers
  UploadLimits uploads;           // report documents to check
  std::string version = "0.1.0";
};

struct ApiContext {
  store::Database& db;
  accounts::Accounts& accounts;
  const Clock& clock;
  server::Metrics& metrics;
  ApiOptions options;
  RateLimiter public_limiter;
  // Hashes the 身份证号 of people saved through the API (registry/identity.h); without it, a
  // new person cannot be saved ("registry.no-id-key", 503).
  std::optional<registry::IdHasher> id_hasher;
  // Reports and the transparency log (ledger/service.h); without it the ledger routes answer
  // 503 "ledger.unavailable".
  ledger::LedgerService* ledger = nullptr;
  // Data-quality runs started over HTTP and on a schedule (checks/quality_runner.h); without it
  // starting a run and the runner's status answer 503 "quality.unavailable" (reads still work).
  checks::QualityRunner* quality = nullptr;

  ApiContext(store::Database& d, accounts::Accounts& a, const Clock& c, server::Metrics& m,
             ApiOptions o = {})
      : db(d), accounts(a), clock(c), metrics(m), options(o), public_limiter(o.public_limit, c) {}
};

// Adds every route of the API to `router`.
void RegisterRoutes(server::Router& router, ApiContext& ctx);

// The registry's routes (registry_routes.cc): search, portrait, capability ↔ standard
// cross-search, public lookup. Called by RegisterRoutes.
void RegisterRegistryRoutes(server::Router& router, ApiContext& ctx);

// The registry's write routes (registry_edit_routes.cc): institutions (regulators), people and
// equipment (also an institution's own users), with validation and the audit trail in
// registry/registry.h. Called by RegisterRoutes.
void RegisterRegistryEditRoutes(server::Router& router, ApiContext& ctx);

// The ledger's routes (ledger_routes.cc): report registration, corrections, revocations, reads
// and QR codes; the log as C2SP tlog-tiles; proofs; the public key and verification.
void RegisterLedgerRoutes(server::Router& router, ApiContext& ctx);

// The data-quality routes (quality_routes.cc, 智查): runs and their rates, trends, defect lists,
// marking a defect fixed, starting a run, exports and the printable report.
void RegisterQualityRoutes(server::Router& router, ApiContext& ctx);
// The report compliance checks' routes (check_routes.cc, issue 5): POST /api/v1/checks for
// regulators, GET /api/v1/checks/{id}. Called by RegisterRoutes.
void RegisterCheckRoutes(server::Router& router, ApiContext& ctx);
// The latest stored compliance check of a registered report as `viewer` may see it, for GET
// /api/v1/reports/{code}: {"state": "pending"|"checked", "check": {...}|null}; null for the
// public (check_routes.cc).
Result<boost::json::value> ReportComplianceJson(ApiContext& ctx, const Principal& viewer,
                                                const std::string& code);

// Resolves the caller from an API key (Authorization: Bearer / X-Api-Key) or the session
// cookie; anonymous callers become the public Principal and are rate-limited per address.
// A presented but invalid key or session is an error (401), not a silent downgrade.
server::Authenticator MakeAuthenticator(ApiContext& ctx);
// The same without blocking, for routes with an answer at hand (server::Route::try_inline):
// anonymous callers (no key, no session cookie) as above, rate limit included; std::nullopt for
// callers with a key or cookie, which MakeAuthenticator's look-up resolves on a worker thread.
server::InlineAuthenticator MakeInlineAuthenticator(ApiContext& ctx);

}  // namespace zhijian::api
