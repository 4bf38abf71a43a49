// End-to-end tests of the ledger routes (api/ledger_routes.cc) on the real server, on SQLite and
// PostgreSQL: registration one by one and in batches (idempotency, conflicts, refusals with
// reasons, scope), corrections and revocations, scoped reads, QR codes read back by zbarimg and
// verified offline, the log as C2SP tiles (recomputed from the served entries), proofs against
// signed checkpoints, the public key and the public verification with and without the secret.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <thread>

#include "tests/e2e/platform.h"
#include "tests/support/pg_cluster.h"
#include "zhijian/base/digest.h"
#include "zhijian/ledger/encoding.h"
#include "zhijian/ledger/entry.h"
#include "zhijian/ledger/merkle.h"
#include "zhijian/ledger/note.h"
#include "zhijian/ledger/qr.h"
#include "zhijian/ledger/registration.h"

namespace zhijian::test {
namespace {

namespace json = boost::json;
using store::Value;

std::string Hex(std::string_view s) { return Sha256Hex(s); }

class LedgerApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres") {
      ZJ_REQUIRE_PG_CLUSTER(pg);
    }
    auto p = Platform::Start(GetParam());
    ASSERT_TRUE(p.ok()) << p.error().ToString();
    platform_ = std::move(*p);
    jinan_ = P().InstitutionIn("370102");  // the inst-demo account's institution
    qingdao_ = P().InstitutionIn("370202");
    jinan_uscc_ = Uscc(jinan_);
    qingdao_uscc_ = Uscc(qingdao_);
    int n = 0;
    for (int64_t inst : {jinan_, qingdao_}) {
      auto conn = P().db().Acquire();
      ASSERT_TRUE(conn.ok());
      std::vector<Value> cert{inst, "2101534000" + std::to_string(10 + ++n)};
      auto row = (*conn)->QueryOne(
          "INSERT INTO certificates (institution_id, number, issuer, issued_on, expires_on, "
          "status, created_at, updated_at) VALUES (?, ?, '山东省市场监督管理局', '2021-03-01', "
          "'2099-12-31', 'valid', '2021-03-01T00:00:00Z', '2021-03-01T00:00:00Z') RETURNING id",
          cert);
      ASSERT_TRUE(row.ok() && row->has_value());
      std::vector<Value> h{(*row)->Int(0)};
      ASSERT_TRUE((*conn)
                      ->Exec("INSERT INTO certificate_status_history (certificate_id, status, "
                             "effective_on, reason, recorded_at) VALUES (?, 'valid', "
                             "'2021-03-01', '', '2021-03-01T00:00:00Z')",
                             h)
                      .ok());
    }
    admin_ = P().Login("admin");
    lab_ = P().Login("inst-demo");
    auto key = ledger::NewNoteVerifier(
        ledger::GenerateEd25519Key("zhijian.example.cn/log", std::string(32, 'k'))->verifier_key);
    ASSERT_TRUE(key.ok());
    key_ = std::move(*key);
  }
  Platform& P() { return *platform_; }

  std::string Uscc(int64_t id) {
    auto conn = P().db().Acquire();
    std::vector<Value> p{id};
    auto row = (*conn)->QueryOne("SELECT uscc FROM institutions WHERE id = ?", p);
    return row.ok() && row->has_value() ? (*row)->Text(0) : "";
  }

  json::object Report(const std::string& uscc, const std::string& no,
                      const std::string& date = "2025-11-20") {
    return json::object{{"institution", uscc},
                        {"report_no", no},
                        {"issue_date", date},
                        {"document_sha256", Hex("pdf " + no)},
                        {"client", "济南某食品有限公司"},
                        {"sample", "小麦粉"},
                        {"conclusion", "符合要求"},
                        {"test_lines", json::array{json::object{{"item", "铅"},
                                                                {"standard", "GB 5009.12-2017"},
                                                                {"result", "0.05"},
                                                                {"verdict", "合格"}}}}};
  }

  // The latest checkpoint, verified, once it covers `size` leaves (the publisher runs every
  // 100 ms).
  ledger::Checkpoint WaitForCheckpoint(uint64_t size) {
    for (int i = 0; i < 200; ++i) {
      HttpResponse r = P().Get("/log/checkpoint");
      if (r.status == 200) {
        auto cp = ledger::OpenCheckpoint(r.body, *key_, "zhijian.example.cn/log");
        EXPECT_TRUE(cp.ok()) << r.body;
        if (cp.ok() && cp->size >= size) return *cp;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "no checkpoint of size " << size;
    return {};
  }

  std::unique_ptr<Platform> platform_;
  int64_t jinan_ = 0, qingdao_ = 0;
  std::string jinan_uscc_, qingdao_uscc_, admin_, lab_;
  std::unique_ptr<ledger::NoteVerifier> key_;
};

void ExpectProblem(const HttpResponse& r, unsigned status, const std::string& code) {
  EXPECT_EQ(r.status, status) << r.body;
  json::value v = Json(r);
  ASSERT_TRUE(v.is_object()) << r.body;
  EXPECT_EQ(v.at("code").as_string(), code) << r.body;
}

TEST_P(LedgerApiTest, RegistrationIsIdempotentScopedAndExplainsRefusals) {
  // An institution's LIMS registers with its API key, for its own institution only.
  HttpResponse k = P().Send("POST", "/api/v1/apikeys", json::object{{"name", "LIMS"}}, lab_);
  ASSERT_EQ(k.status, 201u) << k.body;
  const HeaderList api_key{{"X-Api-Key", std::string(Json(k).at("key").as_string())}};
  auto post = [&](const std::string& target, const json::value& body, const HeaderList& h) {
    HeaderList headers = h;
    headers.emplace_back("Content-Type", "application/json");
    return Request(P().port(), "POST", target, json::serialize(body), headers);
  };
  HttpResponse r = post("/api/v1/reports", Report(jinan_uscc_, "JN-1"), api_key);
  ASSERT_EQ(r.status, 201u) << r.body;
  json::value v = Json(r);
  const std::string code(v.at("code").as_string());
  EXPECT_EQ(code.substr(0, 10), "3701022025");
  EXPECT_TRUE(v.at("created").as_bool());
  EXPECT_EQ(v.at("secret").as_string().size(), 26u);
  EXPECT_EQ(v.at("code_display").as_string().size(), 23u);
  // The same again: the same code, 200.
  r = post("/api/v1/reports", Report(jinan_uscc_, "JN-1"), api_key);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(Json(r).at("code").as_string(), code);
  EXPECT_FALSE(Json(r).at("created").as_bool());
  // The same number with another document: 409.
  json::object other = Report(jinan_uscc_, "JN-1");
  other["document_sha256"] = Hex("another pdf");
  ExpectProblem(post("/api/v1/reports", other, api_key), 409, "report.conflict");
  // Refusals with reasons.
  ExpectProblem(post("/api/v1/reports", Report(qingdao_uscc_, "X-1"), api_key), 403,
                "report.other-institution");
  ExpectProblem(post("/api/v1/reports", Report(jinan_uscc_, "X-2", "2099-01-01"), api_key), 422,
                "report.future-issue-date");
  ExpectProblem(post("/api/v1/reports", Report(jinan_uscc_, "X-3", "2020-01-01"), api_key), 422,
                "report.no-valid-certificate");
  json::object bad = Report(jinan_uscc_, "X-4");
  bad["document_sha256"] = "abc";
  ExpectProblem(post("/api/v1/reports", bad, api_key), 400, "registration.bad-field");
  bad = Report(jinan_uscc_, "X-5");
  bad["colour"] = "red";
  ExpectProblem(post("/api/v1/reports", bad, api_key), 400, "registration.unknown-field");
  ExpectProblem(
      P().Send("POST", "/api/v1/reports", Report(jinan_uscc_, "X-6"), P().Login("regulator-sd")),
      403, "auth.forbidden");
  EXPECT_EQ(P().Send("POST", "/api/v1/reports", Report(jinan_uscc_, "X-7")).status, 401u);
  // An administrator registers for anyone; an unknown institution is explained.
  json::object unknown = Report("91370102MA3C4D5E6F", "X-8");
  ExpectProblem(P().Send("POST", "/api/v1/reports", unknown, admin_), 422,
                "report.unknown-institution");
  r = P().Send("POST", "/api/v1/reports", Report(qingdao_uscc_, "QD-1"), admin_);
  ASSERT_EQ(r.status, 201u) << r.body;
  const std::string qd_code(Json(r).at("code").as_string());

  // Reads are scoped.
  r = Request(P().port(), "GET", "/api/v1/reports/" + code, "", api_key);
  ASSERT_EQ(r.status, 200u) << r.body;
  v = Json(r);
  EXPECT_EQ(v.at("report_no").as_string(), "JN-1");
  EXPECT_EQ(v.at("content").at("test_lines").at(0).at("item").as_string(), "铅");
  EXPECT_EQ(v.at("institution").at("id").as_int64(), jinan_);
  EXPECT_TRUE(v.at("certificate").at("valid_on_issue_date").as_bool());
  EXPECT_EQ(v.at("status").as_string(), "valid");
  EXPECT_EQ(P().Get("/api/v1/reports/" + qd_code, lab_).status, 404u);
  EXPECT_EQ(P().Get("/api/v1/reports/" + qd_code, P().Login("regulator-jn")).status, 404u);
  EXPECT_EQ(P().Get("/api/v1/reports/" + qd_code, P().Login("regulator-sd")).status, 200u);
  EXPECT_EQ(P().Get("/api/v1/reports/" + code, P().Login("inspector-sd")).status, 200u);
  ExpectProblem(P().Get("/api/v1/reports/ABC", admin_), 400, "report-code.bad-length");
  // Lists too.
  v = Json(P().Get("/api/v1/reports", lab_));
  ASSERT_EQ(v.at("items").as_array().size(), 1u);
  EXPECT_EQ(v.at("items").at(0).at("code").as_string(), code);
  EXPECT_EQ(Json(P().Get("/api/v1/reports", admin_)).at("items").as_array().size(), 2u);
  // Every registration is in the audit trail, visible to the institution.
  v = Json(P().Get("/api/v1/audit?action=report.", lab_));
  ASSERT_EQ(v.at("items").as_array().size(), 1u);
  EXPECT_EQ(v.at("items").at(0).at("target_id").as_string(), code);
}

TEST_P(LedgerApiTest, BatchesGiveOneResultPerItem) {
  json::array batch;
  for (int i = 0; i < 250; ++i) batch.push_back(Report(jinan_uscc_, "B-" + std::to_string(i)));
  batch[3].as_object()["issue_date"] = "2099-01-01";
  batch[4] = json::object{{"report_no", 7}};
  batch[5] = batch[6];
  HttpResponse r = P().Send("POST", "/api/v1/reports/batch", batch, lab_);
  ASSERT_EQ(r.status, 200u) << r.body;
  json::value v = Json(r);
  EXPECT_EQ(v.at("created").as_int64(), 247);
  EXPECT_EQ(v.at("existing").as_int64(), 1);
  EXPECT_EQ(v.at("refused").as_int64(), 2);
  const json::array& results = v.at("results").as_array();
  ASSERT_EQ(results.size(), 250u);
  EXPECT_EQ(results[3].at("error").at("code").as_string(), "report.future-issue-date");
  EXPECT_EQ(results[3].at("error").at("status").as_int64(), 422);
  EXPECT_EQ(results[4].at("error").at("code").as_string(), "registration.bad-field");
  EXPECT_EQ(results[5].at("code"), results[6].at("code"));
  for (size_t i = 0; i < results.size(); ++i)
    EXPECT_EQ(results[i].at("index").as_int64(), int64_t(i));
  // One audit record for the batch; the log grew by 247 entries at once.
  EXPECT_EQ(P().Count("SELECT COUNT(*) FROM audit_log WHERE action = 'report.register'"), 1);
  EXPECT_EQ(P().Count("SELECT size FROM log_head"), 247);
  ExpectProblem(P().Send("POST", "/api/v1/reports/batch", Report(jinan_uscc_, "N"), lab_), 400,
                "request.not-array");
}

TEST_P(LedgerApiTest, CorrectionsRevocationsAndPublicVerification) {
  HttpResponse r = P().Send("POST", "/api/v1/reports", Report(jinan_uscc_, "V-1"), lab_);
  ASSERT_EQ(r.status, 201u) << r.body;
  const std::string code(Json(r).at("code").as_string());
  const std::string secret(Json(r).at("secret").as_string());
  // Unknown codes are "unknown"; bad codes are 400; no login needed.
  json::value v = Json(P().Get("/api/v1/public/verify/3701022025K7MXQ3TA92"));
  EXPECT_EQ(v.at("status").as_string(), "unknown");
  EXPECT_FALSE(v.at("found").as_bool());
  ExpectProblem(P().Get("/api/v1/public/verify/3701022025K7MXQ3TA93"), 400,
                "report-code.bad-check");
  // A bare code: authentic, the institution, the certificate, proofs; no content.
  const ledger::Checkpoint cp = WaitForCheckpoint(1);
  r = P().Get("/api/v1/public/verify/" + code);
  ASSERT_EQ(r.status, 200u) << r.body;
  v = Json(r);
  EXPECT_EQ(v.at("status").as_string(), "authentic");
  EXPECT_EQ(v.at("institution").at("uscc").as_string(), jinan_uscc_);
  EXPECT_TRUE(v.at("certificate").at("valid_on_issue_date").as_bool());
  EXPECT_TRUE(v.at("details").is_null());
  EXPECT_EQ(r.Header("cache-control"), "no-store");
  const json::object& log = v.at("log").as_object();
  auto served = ledger::OpenCheckpoint(std::string(log.at("checkpoint").as_string()), *key_,
                                       "zhijian.example.cn/log");
  ASSERT_TRUE(served.ok());
  const json::object& ev = v.at("events").at(0).as_object();
  auto entry = ledger::Base64Decode(std::string(ev.at("entry").as_string()));
  ASSERT_TRUE(entry.ok());
  auto decoded = ledger::DecodeEvent(*entry);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->code, code);
  std::vector<ledger::Hash> proof;
  for (const auto& h : ev.at("inclusion_proof").as_array()) {
    proof.push_back(*ledger::HashFromBase64(std::string(h.as_string())));
  }
  const auto& hasher = ledger::Sha256TreeHasher();
  EXPECT_TRUE(ledger::VerifyInclusion(hasher, ev.at("leaf_index").as_int64(), served->size,
                                      hasher.HashLeaf(*entry), proof, served->root)
                  .ok());
  // With the secret: the content, whose salted digests are those of the entry.
  v = Json(P().Get("/api/v1/public/verify/" + code + "?secret=" + secret));
  EXPECT_TRUE(v.at("secret").at("valid").as_bool());
  const json::object& d = v.at("details").as_object();
  EXPECT_EQ(d.at("client").as_string(), "济南某食品有限公司");
  auto salt = ledger::ParseSecret(secret);
  EXPECT_EQ(decoded->client_digest, *ledger::SaltedDigest(*salt, "济南某食品有限公司"));
  EXPECT_EQ(decoded->results_digest,
            *ledger::SaltedDigest(*salt, std::string(d.at("results_text").as_string())));
  v = Json(P().Get("/api/v1/public/verify/" + code + "?secret=AAAAAAAAAAAAAAAAAAAAAAAAAA"));
  EXPECT_FALSE(v.at("secret").at("valid").as_bool());
  EXPECT_TRUE(v.at("details").is_null());

  // A correction: a new report; the original is "corrected" and points to it.
  json::object fix = Report(jinan_uscc_, "V-1-A");
  fix["reason"] = "data-error";
  r = P().Send("POST", "/api/v1/reports/" + code + "/corrections", fix, lab_);
  ASSERT_EQ(r.status, 201u) << r.body;
  const std::string fixed(Json(r).at("code").as_string());
  EXPECT_EQ(Json(r).at("replaces").as_string(), code);
  EXPECT_EQ(P().Send("POST", "/api/v1/reports/" + code + "/corrections", fix, lab_).status, 200u);
  fix["report_no"] = "V-1-B";
  ExpectProblem(P().Send("POST", "/api/v1/reports/" + code + "/corrections", fix, lab_), 409,
                "report.not-current");
  v = Json(P().Get("/api/v1/public/verify/" + code));
  EXPECT_EQ(v.at("status").as_string(), "corrected");
  EXPECT_EQ(v.at("replaced_by").as_string(), fixed);
  // A revocation of the correction.
  ExpectProblem(P().Send("POST", "/api/v1/reports/" + fixed + "/revocations",
                         json::object{{"reason", "Withdrawn!"}}, lab_),
                400, "report.bad-reason");
  r = P().Send("POST", "/api/v1/reports/" + fixed + "/revocations",
               json::object{{"reason", "withdrawn"}}, lab_);
  ASSERT_EQ(r.status, 201u) << r.body;
  EXPECT_EQ(P().Send("POST", "/api/v1/reports/" + fixed + "/revocations",
                     json::object{{"reason", "withdrawn"}}, lab_)
                .status,
            200u);
  WaitForCheckpoint(3);
  v = Json(P().Get("/api/v1/public/verify/" + fixed));
  EXPECT_EQ(v.at("status").as_string(), "revoked");
  EXPECT_EQ(v.at("revocation").at("reason").as_string(), "withdrawn");
  EXPECT_EQ(v.at("replaces").as_string(), code);
  ASSERT_EQ(v.at("events").as_array().size(), 2u);
  EXPECT_EQ(v.at("events").at(1).at("type").as_string(), "revoke");
  EXPECT_FALSE(v.at("events").at(1).at("inclusion_proof").is_null());
  (void)cp;
}

// Public answers are cached (a second), but never across a change of the log: a revocation
// through this server shows in the very next answer; one by another process on the same database
// (the CLI; here a second LedgerService) within LedgerService's refresh interval (100 ms).
TEST_P(LedgerApiTest, RevocationsShowDespiteTheAnswerCache) {
  HttpResponse r = P().Send("POST", "/api/v1/reports", Report(jinan_uscc_, "C-1"), lab_);
  ASSERT_EQ(r.status, 201u) << r.body;
  const std::string one(Json(r).at("code").as_string());
  r = P().Send("POST", "/api/v1/reports", Report(jinan_uscc_, "C-2"), lab_);
  ASSERT_EQ(r.status, 201u) << r.body;
  const std::string two(Json(r).at("code").as_string());
  for (const std::string& code : {one, two}) {
    for (int i = 0; i < 3; ++i) {  // cached from the second answer on
      EXPECT_EQ(Json(P().Get("/api/v1/public/verify/" + code)).at("status").as_string(),
                "authentic");
    }
  }
  r = P().Send("POST", "/api/v1/reports/" + one + "/revocations",
               json::object{{"reason", "withdrawn"}}, lab_);
  ASSERT_EQ(r.status, 201u) << r.body;
  json::value v = Json(P().Get("/api/v1/public/verify/" + one));
  EXPECT_EQ(v.at("status").as_string(), "revoked");
  EXPECT_EQ(v.at("revocation").at("reason").as_string(), "withdrawn");

  auto cli = ledger::LedgerService::Open(P().db(), SystemClock::Instance(), {});
  ASSERT_TRUE(cli.ok()) << cli.error().ToString();
  Principal admin;
  admin.role = Role::kAdmin;
  const auto revoked_at = std::chrono::steady_clock::now();
  ASSERT_TRUE((*cli)->reports().Revoke(admin, two, "withdrawn", "").ok());
  std::string status;
  while (std::chrono::steady_clock::now() - revoked_at < std::chrono::seconds(5)) {
    status = std::string(Json(P().Get("/api/v1/public/verify/" + two)).at("status").as_string());
    if (status == "revoked") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(status, "revoked");
}

// Cached answers come from the server's I/O thread (Route::try_inline), past the same public
// rate limit as every anonymous request (50/s, bursts of 200 per address).
TEST_P(LedgerApiTest, CachedAnswersAreRateLimitedToo) {
  HttpResponse r = P().Send("POST", "/api/v1/reports", Report(jinan_uscc_, "L-1"), lab_);
  ASSERT_EQ(r.status, 201u) << r.body;
  const std::string code(Json(r).at("code").as_string());
  HttpConnection conn(P().port());
  ASSERT_TRUE(conn.connected());
  int ok = 0;
  for (int i = 0; i < 400; ++i) {
    r = conn.Request("GET", "/api/v1/public/verify/" + code);
    if (r.status != 200) break;
    EXPECT_EQ(Json(r).at("code").as_string(), code);
    ++ok;
  }
  // The address's bucket holds 200 anonymous requests (refilled at 50/s); the fixture's two
  // sign-ins drew from it too, so a few fewer than 200 may pass before the refill catches up.
  EXPECT_GE(ok, 190);
  EXPECT_LT(ok, 400);
  ExpectProblem(r, 429, "rate.limited");
  EXPECT_GE(std::stoi(r.Header("retry-after")), 1);
}

TEST_P(LedgerApiTest, QrCodesScanAndVerifyOffline) {
  HttpResponse r = P().Send("POST", "/api/v1/reports", Report(jinan_uscc_, "Q-1"), lab_);
  ASSERT_EQ(r.status, 201u) << r.body;
  const std::string code(Json(r).at("code").as_string());
  const std::string secret(Json(r).at("secret").as_string());
  r = P().Get("/api/v1/reports/" + code + "/qr.svg", lab_);
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.Header("content-type"), "image/svg+xml");
  EXPECT_NE(r.body.find("<svg"), std::string::npos);
  r = P().Get("/api/v1/reports/" + code + "/qr.png", lab_);
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.Header("content-type"), "image/png");
  EXPECT_EQ(P().Get("/api/v1/reports/" + code + "/qr.png").status, 401u);
  // A real scanner reads it; the text verifies with only the published key.
  char path[] = "/tmp/zj-qr-XXXXXX.png";
  const int fd = mkstemps(path, 4);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, r.body.data(), r.body.size()), static_cast<ssize_t>(r.body.size()));
  close(fd);
  std::string scanned;
  if (FILE* p = popen(("zbarimg --raw -q " + std::string(path) + " 2>/dev/null").c_str(), "r")) {
    char buf[1024];
    while (fgets(buf, sizeof buf, p)) scanned += buf;
    pclose(p);
  }
  std::remove(path);
  json::value key = Json(P().Get("/api/v1/public/log-key"));
  EXPECT_EQ(key.at("algorithm").as_string(), "ed25519");
  EXPECT_EQ(key.at("origin").as_string(), "zhijian.example.cn/log");
  auto verifier = ledger::NewNoteVerifier(std::string(key.at("verifier_key").as_string()));
  ASSERT_TRUE(verifier.ok());
  const ledger::NoteVerifier* keys[] = {verifier->get()};
  auto payload = ledger::VerifyQrText(scanned, keys);
  ASSERT_TRUE(payload.ok()) << scanned << ": " << payload.error().ToString();
  EXPECT_EQ(payload->claims.code, code);
  EXPECT_EQ(payload->secret, secret);
  EXPECT_EQ(payload->claims.issue_date, "2025-11-20");
  EXPECT_EQ(payload->claims.document_sha256, Sha256("pdf Q-1"));
  // The same text is in the report record.
  json::value rec = Json(P().Get("/api/v1/reports/" + code, lab_));
  EXPECT_EQ(std::string(rec.at("qr").at("text").as_string()) + "\n", scanned);
}

TEST_P(LedgerApiTest, TheLogIsServedAsTilesWithProofs) {
  json::array batch;
  for (int i = 0; i < 300; ++i) batch.push_back(Report(jinan_uscc_, "T-" + std::to_string(i)));
  ASSERT_EQ(P().Send("POST", "/api/v1/reports/batch", batch, lab_).status, 200u);
  const ledger::Checkpoint cp = WaitForCheckpoint(300);
  ASSERT_EQ(cp.size, 300u);
  HttpResponse r = P().Get("/log/checkpoint");
  EXPECT_EQ(r.Header("cache-control"), "no-cache");
  // Recompute the tree from the served entry bundles.
  ledger::CompactRange range(ledger::Sha256TreeHasher());
  std::vector<ledger::Hash> leaves;
  for (const std::string path : {"/log/tile/entries/000", "/log/tile/entries/001.p/44"}) {
    r = P().Get(path);
    ASSERT_EQ(r.status, 200u) << path << r.body;
    EXPECT_EQ(r.Header("cache-control"), "public, max-age=31536000, immutable");
    auto entries = ledger::DecodeEntryBundle(r.body);
    ASSERT_TRUE(entries.ok());
    for (const auto& e : *entries) {
      leaves.push_back(ledger::Sha256TreeHasher().HashLeaf(e));
      range.Append(leaves.back());
    }
  }
  EXPECT_EQ(range.Root(), cp.root);
  r = P().Get("/log/tile/0/000");
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, ledger::EncodeTile(std::span(leaves.data(), 256)));
  EXPECT_EQ(P().Get("/log/tile/0/001.p/44").body,
            ledger::EncodeTile(std::span(leaves.data() + 256, 44)));
  EXPECT_EQ(P().Get("/log/tile/0/001").status, 404u);       // not full yet
  EXPECT_EQ(P().Get("/log/tile/0/x001/000").status, 404u);  // beyond the tree
  EXPECT_EQ(P().Get("/log/tile/0/01").status, 404u);        // not a C2SP path
  EXPECT_EQ(P().Get("/log/tile/entries/000.p/0").status, 404u);
  // Inclusion proofs by index and by leaf hash; consistency between two sizes.
  const auto& hasher = ledger::Sha256TreeHasher();
  json::value v = Json(P().Get("/api/v1/log/proof/inclusion?leaf_index=123&tree_size=300"));
  std::vector<ledger::Hash> proof;
  for (const auto& h : v.at("proof").as_array()) {
    proof.push_back(*ledger::HashFromBase64(std::string(h.as_string())));
  }
  EXPECT_TRUE(ledger::VerifyInclusion(hasher, 123, 300, leaves[123], proof, cp.root).ok());
  v = Json(P().Get("/api/v1/log/proof/inclusion?leaf_hash=" + ledger::HashHex(leaves[200])));
  EXPECT_EQ(v.at("leaf_index").as_int64(), 200);
  EXPECT_EQ(v.at("tree_size").as_int64(), 300);  // the latest checkpoint by default
  v = Json(P().Get("/api/v1/log/proof/consistency?from=100&to=300"));
  proof.clear();
  for (const auto& h : v.at("proof").as_array()) {
    proof.push_back(*ledger::HashFromBase64(std::string(h.as_string())));
  }
  EXPECT_TRUE(ledger::VerifyConsistency(
                  hasher, 100, 300, proof,
                  ledger::RootFromLeafHashes(hasher, std::span(leaves.data(), 100)), cp.root)
                  .ok());
  ExpectProblem(P().Get("/api/v1/log/proof/inclusion?leaf_index=300&tree_size=300"), 400,
                "ledger.bad-proof-request");
  ExpectProblem(P().Get("/api/v1/log/proof/inclusion?tree_size=300"), 400, "request.field-missing");
  ExpectProblem(P().Get("/api/v1/log/proof/consistency?from=1&to=301"), 400,
                "ledger.bad-proof-request");
}

INSTANTIATE_TEST_SUITE_P(Backends, LedgerApiTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                           return param_info.param;
                         });

}  // namespace
}  // namespace zhijian::test
