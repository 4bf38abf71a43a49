#include "tests/e2e/platform.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/pg_cluster.h"
#include "zhijian/base/clock.h"
#include "zhijian/cli/demo.h"
#include "zhijian/ledger/key_file.h"

namespace zhijian::test {

namespace json = boost::json;

Result<std::unique_ptr<Platform>> Platform::Start(const std::string& backend,
                                                  server::ServerOptions options,
                                                  api::UploadLimits uploads) {
  std::unique_ptr<Platform> p(new Platform());
  char tmpl[] = "/tmp/zj-e2e-XXXXXX";
  if (!mkdtemp(tmpl)) return Error::Internal("test.tmpdir", "mkdtemp failed");
  p->dir_ = tmpl;
  std::string url = "sqlite:" + p->dir_ + "/zj.db";
  if (backend == "postgres") {
    ZJ_ASSIGN_OR_RETURN(testing::PgCluster * cluster, testing::PgCluster::Shared());
    ZJ_ASSIGN_OR_RETURN(url, cluster->CreateDatabase());
  }
  ZJ_ASSIGN_OR_RETURN(p->db_, store::Database::Open(url));
  // Fast password hashing for tests; production uses the defaults (accounts/password.h).
  accounts::AccountsOptions aopt;
  aopt.password_params = accounts::PasswordParams::Fast();
  p->accounts_ = std::make_unique<accounts::Accounts>(*p->db_, SystemClock::Instance(), aopt);
  p->metrics_ = std::make_unique<server::Metrics>();
  api::ApiOptions api_options;
  api_options.uploads = uploads;
  p->ctx_ = std::make_unique<api::ApiContext>(*p->db_, *p->accounts_, SystemClock::Instance(),
                                              *p->metrics_, api_options);
  ZJ_ASSIGN_OR_RETURN(auto hasher, registry::IdHasher::FromKey(std::string(32, 'k')));
  p->ctx_->id_hasher = std::move(hasher);
  std::ostringstream demo_out;
  const std::string pw_file = p->dir_ + "/passwords.json";
  ZJ_TRY(cli::InitDemo(*p->db_, *p->accounts_, pw_file, demo_out));
  {
    std::ifstream in(pw_file);
    std::stringstream ss;
    ss << in.rdbuf();
    const json::value parsed = json::parse(ss.str());
    for (const auto& [k, v] : parsed.as_object()) {
      p->passwords_[std::string(k)] = std::string(v.as_string());
    }
  }
  {
    auto key = ledger::GenerateEd25519Key("zhijian.example.cn/log", std::string(32, 'k'));
    ZJ_TRY(ledger::SaveKeyFile(p->dir_ + "/log.key", key->signer_key));
    ledger::ServiceOptions lo;
    lo.log_key_file = p->dir_ + "/log.key";
    lo.start_publisher = true;
    lo.publisher.every_entries = 100;
    lo.publisher.every = std::chrono::milliseconds(100);
    lo.publisher.poll = std::chrono::milliseconds(20);
    Platform* self = p.get();
    lo.ledger.on_append = [self](uint64_t) {
      if (checks::ArrivalChecker* a = self->notify_.load()) a->Notify();
    };
    ZJ_ASSIGN_OR_RETURN(p->ledger_,
                        ledger::LedgerService::Open(*p->db_, SystemClock::Instance(), lo));
    p->ctx_->ledger = p->ledger_.get();
  }
  p->quality_ = std::make_unique<checks::QualityRunner>(*p->db_, SystemClock::Instance());
  p->quality_->Start();
  p->ctx_->quality = p->quality_.get();
  api::RegisterRoutes(p->router_, *p->ctx_);
  options.port = 0;
  options.address = "127.0.0.1";
  p->server_ =
      std::make_unique<server::HttpServer>(options, p->router_, api::MakeAuthenticator(*p->ctx_),
                                           *p->metrics_, api::MakeInlineAuthenticator(*p->ctx_));
  ZJ_TRY(p->server_->Start());
  return p;
}

checks::ArrivalChecker& Platform::StartArrivalChecks() {
  if (!arrivals_) {
    checks::ArrivalChecker::Options o;
    o.poll = std::chrono::milliseconds(200);
    o.nice = 0;
    arrivals_ = std::make_unique<checks::ArrivalChecker>(*db_, SystemClock::Instance(), o);
    arrivals_->Start();
    notify_ = arrivals_.get();
  }
  return *arrivals_;
}

Platform::~Platform() {
  if (server_) {
    server_->Stop();
    server_->Wait();
  }
  notify_ = nullptr;
  arrivals_.reset();
  server_.reset();
  quality_.reset();
  ctx_.reset();
  ledger_.reset();
  accounts_.reset();
  db_.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string Platform::Login(const std::string& username) {
  json::object body{{"username", username}, {"password", passwords_.at(username)}};
  HttpResponse r = Send("POST", "/api/v1/auth/login", body);
  EXPECT_EQ(r.status, 200u) << username << ": " << r.body;
  std::string set_cookie = r.Header("set-cookie");
  return set_cookie.substr(0, set_cookie.find(';'));
}

HttpResponse Platform::Get(const std::string& target, const std::string& cookie) {
  HeaderList h;
  if (!cookie.empty()) h.emplace_back("Cookie", cookie);
  return Request(port(), "GET", target, "", h);
}

HttpResponse Platform::Send(const std::string& method, const std::string& target,
                            const json::value& body, const std::string& cookie) {
  HeaderList h{{"Content-Type", "application/json"}};
  if (!cookie.empty()) h.emplace_back("Cookie", cookie);
  return Request(port(), method, target, body.is_null() ? "" : json::serialize(body), h);
}

int64_t Platform::Count(const std::string& sql) {
  auto conn = db_->Acquire();
  EXPECT_TRUE(conn.ok());
  auto rows = (*conn)->Query(sql);
  EXPECT_TRUE(rows.ok()) << (rows.ok() ? "" : rows.error().ToString());
  return rows.ok() ? rows->at(0).Int(0) : -1;
}

int64_t Platform::InstitutionIn(const std::string& region_code) {
  auto conn = db_->Acquire();
  std::vector<store::Value> p{region_code};
  auto row = (*conn)->QueryOne("SELECT id FROM institutions WHERE region_code = ? ORDER BY id", p);
  EXPECT_TRUE(row.ok() && row->has_value()) << region_code;
  return row.ok() && row->has_value() ? (*row)->Int(0) : -1;
}

json::value Json(const HttpResponse& r) {
  boost::system::error_code ec;
  json::value v = json::parse(r.body, ec);
  return ec ? json::value() : v;
}

}  // namespace zhijian::test
