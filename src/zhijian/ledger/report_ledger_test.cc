#include "zhijian/ledger/report_ledger.h"

#include <gtest/gtest.h>

#include "tests/support/backend_fixture.h"
#include "tests/support/principals.h"
#include "zhijian/base/report_code.h"
#include "zhijian/ledger/test_support_internal.h"

namespace zhijian::ledger {
namespace {

using zhijian::testing::Admin;
using zhijian::testing::Regulator;
Principal Lab(int64_t id) { return zhijian::testing::InstitutionUser(id, "apikey"); }

using testing::Input;

const TimePoint kNow = FromUnixMillis(1'764'000'000'123);  // 2025-11-24T16:00:00.123Z
const std::string kSecret(32, 's');

class ReportLedgerTest : public zhijian::testing::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    db_ = OpenDb();
    ASSERT_TRUE(db_);
    auto conn = db_->Acquire();
    ASSERT_TRUE(conn.ok());
    jinan_uscc_ = testing::MakeUscc("370102", 1);
    qingdao_uscc_ = testing::MakeUscc("370202", 2);
    beijing_uscc_ = testing::MakeUscc("110105", 3);
    jinan_ = testing::AddInstitution(conn->get(), jinan_uscc_, "370102", "济南检测");
    qingdao_ = testing::AddInstitution(conn->get(), qingdao_uscc_, "370202", "青岛检测");
    beijing_ = testing::AddInstitution(conn->get(), beijing_uscc_, "110105", "北京检测");
    // Jinan: valid 2021-03-01..2027-02-28, suspended in June 2025.
    testing::AddCertificate(
        conn->get(), jinan_, "210015340001", "2021-03-01", "2027-02-28",
        {{"2021-03-01", "valid"}, {"2025-06-01", "suspended"}, {"2025-07-01", "valid"}});
    // Qingdao: an expired certificate and a current one.
    testing::AddCertificate(conn->get(), qingdao_, "180015340002", "2018-01-01", "2023-12-31");
    testing::AddCertificate(conn->get(), qingdao_, "240015340003", "2024-01-01", "2029-12-31");
    testing::AddCertificate(conn->get(), beijing_, "220011340004", "2022-01-01", "2028-01-01");
    auto log = LogStore::Open(*db_);
    ASSERT_TRUE(log.ok());
    log_ = std::move(*log);
    LedgerOptions options;
    options.code_secret = kSecret;
    options.on_append = [this](uint64_t size) { appended_ = size; };
    auto ledger = ReportLedger::Open(*db_, *log_, clock_, options);
    ASSERT_TRUE(ledger.ok()) << ledger.error().ToString();
    ledger_ = std::move(*ledger);
  }

  int64_t Scalar(const std::string& sql) {
    auto conn = db_->Acquire();
    auto row = conn->get().QueryOne(sql);
    EXPECT_TRUE(row.ok() && row->has_value()) << sql;
    return row.ok() && row->has_value() ? (*row)->Int(0) : -1;
  }
  std::string Entry(uint64_t leaf) {
    auto conn = db_->Acquire();
    return *log_->Entry(conn->get(), leaf);
  }

  FakeClock clock_{kNow};
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<LogStore> log_;
  std::unique_ptr<ReportLedger> ledger_;
  std::string jinan_uscc_, qingdao_uscc_, beijing_uscc_;
  int64_t jinan_ = 0, qingdao_ = 0, beijing_ = 0;
  uint64_t appended_ = 0;
};

TEST_P(ReportLedgerTest, RegistrationLogsTheDocumentedEntry) {
  ReportInput in = Input(jinan_uscc_, "SH-2025-测-000123");
  auto r = ledger_->Register(Admin(), in, "10.0.0.1");
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_TRUE(r->created);
  EXPECT_EQ(r->leaf_index, 0u);
  EXPECT_EQ(appended_, 1u);
  // The code: region of the institution, year of issue, serial from the keyed MAC.
  std::string message = jinan_uscc_ + '\0' + in.report_no + '\0' + "0";
  auto expected = ReportCode::Make("370102", 2025, ReportCodeEntropy(kSecret, message));
  ASSERT_TRUE(expected.ok());
  EXPECT_EQ(r->code, expected->str());
  EXPECT_TRUE(ReportCode::CheckDigitValid(r->code));
  // The entry: the fields as registered, client/sample/results as salted digests.
  auto event = DecodeEvent(Entry(0));
  ASSERT_TRUE(event.ok()) << event.error().ToString();
  EXPECT_EQ(event->type, EventType::kIssue);
  EXPECT_EQ(event->registered_at_ms, 1'764'000'000'123);
  EXPECT_EQ(event->code, r->code);
  EXPECT_EQ(event->institution_uscc, jinan_uscc_);
  EXPECT_EQ(event->report_number, "SH-2025-测-000123");
  EXPECT_EQ(event->certificate_number, "210015340001");
  EXPECT_EQ(event->document_sha256, in.document_sha256);
  auto salt = ParseSecret(r->secret);
  ASSERT_TRUE(salt.ok());
  EXPECT_EQ(event->client_digest, *SaltedDigest(*salt, in.client));
  EXPECT_EQ(event->sample_digest, *SaltedDigest(*salt, in.sample));
  EXPECT_EQ(event->results_digest, *SaltedDigest(*salt, CanonicalResults(in)));
  EXPECT_EQ(event->original_code, "");
  // The stored record reads back.
  auto got = ledger_->Get(Admin(), r->code);
  ASSERT_TRUE(got.ok()) << got.error().ToString();
  EXPECT_EQ(got->input.report_no, in.report_no);
  EXPECT_EQ(got->input.test_lines, in.test_lines);
  EXPECT_EQ(got->input.signatories, in.signatories);
  EXPECT_EQ(got->status, ReportStatus::kValid);
  EXPECT_TRUE(got->certificate.valid_on_issue_date);
  ASSERT_EQ(got->events.size(), 1u);
  EXPECT_EQ(got->events[0].leaf_index, 0u);
  EXPECT_EQ(got->institution_name, "济南检测");
  // One audit record.
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'report.register'"), 1);
}

TEST_P(ReportLedgerTest, RepeatIsIdempotentAndOtherContentConflicts) {
  ReportInput in = Input(jinan_uscc_, "R-1");
  auto first = ledger_->Register(Admin(), in, "");
  ASSERT_TRUE(first.ok());
  auto again = ledger_->Register(Lab(jinan_), in, "");
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->code, first->code);
  EXPECT_EQ(again->secret, first->secret);
  EXPECT_EQ(Scalar("SELECT size FROM log_head"), 1);
  // The institution may leave out its USCC.
  ReportInput own = in;
  own.institution.clear();
  EXPECT_EQ(ledger_->Register(Lab(jinan_), own, "")->code, first->code);
  ReportInput other = in;
  other.document_sha256 = Sha256("another document");
  auto conflict = ledger_->Register(Admin(), other, "");
  ASSERT_FALSE(conflict.ok());
  EXPECT_EQ(conflict.error().code(), "report.conflict");
  EXPECT_EQ(conflict.error().kind(), Error::Kind::kConflict);
  EXPECT_NE(conflict.error().detail().find("document_sha256"), std::string::npos);
  other = in;
  other.client = "另一个委托方";
  EXPECT_NE(ledger_->Register(Admin(), other, "").error().detail().find("client"),
            std::string::npos);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'report.register'"), 1);
}

TEST_P(ReportLedgerTest, RefusesOnlyWhatCannotLegallyExist) {
  auto code = [&](const Principal& who, const ReportInput& in) {
    auto r = ledger_->Register(who, in, "");
    return r.ok() ? std::string("ok") : r.error().code();
  };
  EXPECT_EQ(code(Admin(), Input(testing::MakeUscc("370102", 99), "X-1")),
            "report.unknown-institution");
  // Suspended on the issue date (history), valid before and after.
  EXPECT_EQ(code(Admin(), Input(jinan_uscc_, "X-2", "2025-06-15")), "report.no-valid-certificate");
  EXPECT_EQ(code(Admin(), Input(jinan_uscc_, "X-3", "2025-05-31")), "ok");
  EXPECT_EQ(code(Admin(), Input(jinan_uscc_, "X-4", "2025-07-01")), "ok");
  // Before the first certificate was issued.
  EXPECT_EQ(code(Admin(), Input(jinan_uscc_, "X-5", "2021-02-28")), "report.no-valid-certificate");
  // A named certificate: must be the institution's and valid then.
  ReportInput named = Input(qingdao_uscc_, "Q-1", "2023-06-01");
  named.certificate = "180015340002";
  EXPECT_EQ(code(Admin(), named), "ok");
  named.report_no = "Q-2";
  named.issue_date = "2024-06-01";
  EXPECT_EQ(code(Admin(), named), "report.certificate-not-valid");
  named.certificate = "210015340001";  // Jinan's
  EXPECT_EQ(code(Admin(), named), "report.certificate-not-found");
  // Without a name, the one valid on the date.
  EXPECT_EQ(code(Admin(), Input(qingdao_uscc_, "Q-3", "2024-06-01")), "ok");
  auto q3 = ledger_->Get(
      Admin(), ledger_->Register(Admin(), Input(qingdao_uscc_, "Q-3", "2024-06-01"), "")->code);
  EXPECT_EQ(q3->input.certificate, "240015340003");
  // Future issue date (today in China is 2025-11-25).
  EXPECT_EQ(code(Admin(), Input(jinan_uscc_, "X-6", "2025-11-25")), "ok");
  EXPECT_EQ(code(Admin(), Input(jinan_uscc_, "X-7", "2025-11-26")), "report.future-issue-date");
  // Roles: an institution only for itself; regulators never.
  EXPECT_EQ(code(Lab(jinan_), Input(qingdao_uscc_, "X-8")), "report.other-institution");
  EXPECT_EQ(code(Regulator("37"), Input(jinan_uscc_, "X-9")), "auth.forbidden");
  ReportInput no_inst = Input("", "X-10");
  EXPECT_EQ(code(Admin(), no_inst), "registration.missing-field");
  EXPECT_EQ(code(Admin(), Input("9137010", "X-11")), "registration.bad-field");
}

TEST_P(ReportLedgerTest, BatchGivesOneResultPerItemInOneTransaction) {
  std::vector<ReportInput> batch;
  for (int i = 0; i < 1200; ++i) {
    batch.push_back(Input(i % 2 ? jinan_uscc_ : qingdao_uscc_, "B-" + std::to_string(i)));
  }
  batch[5].issue_date = "2099-01-01";  // refused
  batch[7] = batch[3];                 // a repeat inside the batch
  batch[9] = batch[3];                 // the same number with other content
  batch[9].document_sha256 = Sha256("other");
  auto r = ledger_->RegisterBatch(Admin(), batch, "");
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  ASSERT_EQ(r->size(), batch.size());
  EXPECT_EQ((*r)[5].error().code(), "report.future-issue-date");
  EXPECT_TRUE((*r)[7].ok());
  EXPECT_FALSE((*r)[7]->created);
  EXPECT_EQ((*r)[7]->code, (*r)[3]->code);
  EXPECT_EQ((*r)[9].error().code(), "report.conflict");
  // Created items get consecutive leaves in input order.
  uint64_t next = 0;
  std::set<std::string> codes;
  for (size_t i = 0; i < batch.size(); ++i) {
    if (!(*r)[i].ok() || !(*r)[i]->created) continue;
    EXPECT_EQ((*r)[i]->leaf_index, next++);
    codes.insert((*r)[i]->code);
    EXPECT_EQ((*r)[i]->code.substr(0, 6), i % 2 ? "370102" : "370202");
  }
  EXPECT_EQ(next, 1197u);
  EXPECT_EQ(codes.size(), 1197u);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM reports"), 1197);
  EXPECT_EQ(Scalar("SELECT size FROM log_head"), 1197);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'report.register'"), 1);
  // Repeating the whole batch creates nothing.
  auto again = ledger_->RegisterBatch(Admin(), batch, "");
  ASSERT_TRUE(again.ok());
  for (size_t i = 0; i < batch.size(); ++i) {
    if ((*again)[i].ok()) {
      EXPECT_FALSE((*again)[i]->created);
      EXPECT_EQ((*again)[i]->code, (*r)[i]->code);
    }
  }
  EXPECT_EQ(Scalar("SELECT size FROM log_head"), 1197);
}

TEST_P(ReportLedgerTest, ACodeTakenByAnotherReportIsDrawnAgain) {
  ReportInput in = Input(jinan_uscc_, "C-1");
  std::string message = jinan_uscc_ + '\0' + in.report_no + '\0' + "0";
  const std::string taken =
      ReportCode::Make("370102", 2025, ReportCodeEntropy(kSecret, message))->str();
  // Someone else holds that code already (a stored report of another institution).
  auto other = ledger_->Register(Admin(), Input(beijing_uscc_, "BJ-1"), "");
  ASSERT_TRUE(other.ok());
  {
    auto conn = db_->Acquire();
    std::vector<store::Value> p{taken, other->code};
    ASSERT_TRUE(conn->get().Exec("UPDATE reports SET code = ? WHERE code = ?", p).ok());
  }
  auto r = ledger_->Register(Admin(), in, "");
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  message.back() = '1';
  EXPECT_EQ(r->code, ReportCode::Make("370102", 2025, ReportCodeEntropy(kSecret, message))->str());
}

TEST_P(ReportLedgerTest, CorrectionsAndRevocationsAreNewEvents) {
  auto orig = ledger_->Register(Lab(jinan_), Input(jinan_uscc_, "COR-1"), "");
  ASSERT_TRUE(orig.ok());
  ReportInput fixed = Input(jinan_uscc_, "COR-1-A");
  fixed.test_lines[0].result = "0.06";
  auto bad_reason = ledger_->Correct(Lab(jinan_), orig->code, fixed, "Data Error", "");
  EXPECT_EQ(bad_reason.error().code(), "report.bad-reason");
  // Another institution cannot see the report to correct it.
  EXPECT_EQ(ledger_->Correct(Lab(qingdao_), orig->code, fixed, "data-error", "").error().code(),
            "report.not-found");
  auto corr = ledger_->Correct(Lab(jinan_), orig->code, fixed, "data-error", "");
  ASSERT_TRUE(corr.ok()) << corr.error().ToString();
  EXPECT_TRUE(corr->created);
  EXPECT_NE(corr->code, orig->code);
  EXPECT_EQ(corr->leaf_index, 1u);
  auto entry = DecodeEvent(Entry(1));
  ASSERT_TRUE(entry.ok());
  EXPECT_EQ(entry->type, EventType::kCorrect);
  EXPECT_EQ(entry->code, corr->code);
  EXPECT_EQ(entry->original_code, orig->code);
  EXPECT_EQ(entry->reason, "data-error");
  EXPECT_EQ(entry->report_number, "COR-1-A");
  // Idempotent repeat; a second correction of the corrected report is refused.
  auto repeat = ledger_->Correct(Lab(jinan_), orig->code, fixed, "data-error", "");
  ASSERT_TRUE(repeat.ok()) << repeat.error().ToString();
  EXPECT_FALSE(repeat->created);
  EXPECT_EQ(repeat->code, corr->code);
  ReportInput fixed2 = Input(jinan_uscc_, "COR-1-B");
  EXPECT_EQ(ledger_->Correct(Admin(), orig->code, fixed2, "data-error", "").error().code(),
            "report.not-current");
  // Statuses and links.
  auto o = ledger_->Get(Admin(), orig->code);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->status, ReportStatus::kCorrected);
  EXPECT_EQ(o->replaced_by, corr->code);
  ASSERT_EQ(o->events.size(), 2u);
  auto n = ledger_->Get(Admin(), corr->code);
  EXPECT_EQ(n->replaces, orig->code);
  EXPECT_EQ(n->status, ReportStatus::kValid);
  // Revoking the corrected one is refused: its replacement is what is current.
  EXPECT_EQ(ledger_->Revoke(Admin(), orig->code, "withdrawn", "").error().code(),
            "report.superseded");
  auto rev = ledger_->Revoke(Lab(jinan_), corr->code, "withdrawn", "");
  ASSERT_TRUE(rev.ok()) << rev.error().ToString();
  EXPECT_TRUE(rev->created);
  EXPECT_EQ(rev->status, ReportStatus::kRevoked);
  EXPECT_EQ(rev->leaf_index, 2u);
  auto rentry = DecodeEvent(Entry(2));
  ASSERT_TRUE(rentry.ok());
  EXPECT_EQ(rentry->type, EventType::kRevoke);
  EXPECT_EQ(rentry->code, corr->code);
  EXPECT_EQ(rentry->original_code, corr->code);
  EXPECT_EQ(rentry->report_number, "COR-1-A");  // repeats the revoked report's fields
  auto rev2 = ledger_->Revoke(Lab(jinan_), corr->code, "withdrawn", "");
  ASSERT_TRUE(rev2.ok());
  EXPECT_FALSE(rev2->created);
  EXPECT_EQ(rev2->leaf_index, 2u);
  EXPECT_EQ(Scalar("SELECT size FROM log_head"), 3);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM audit_log WHERE action IN ('report.correct', "
                   "'report.revoke')"),
            2);
  EXPECT_EQ(ledger_->Revoke(Regulator(""), corr->code, "withdrawn", "").error().code(),
            "auth.forbidden");
}

TEST_P(ReportLedgerTest, ReadsAreScoped) {
  auto jn = ledger_->Register(Admin(), Input(jinan_uscc_, "S-1"), "");
  auto bj = ledger_->Register(Admin(), Input(beijing_uscc_, "S-2"), "");
  ASSERT_TRUE(jn.ok() && bj.ok());
  EXPECT_TRUE(ledger_->Get(Admin(), bj->code).ok());
  EXPECT_TRUE(ledger_->Get(Regulator(""), bj->code).ok());
  EXPECT_TRUE(ledger_->Get(Regulator("37"), jn->code).ok());
  EXPECT_TRUE(ledger_->Get(Regulator("3701"), jn->code).ok());
  EXPECT_EQ(ledger_->Get(Regulator("3702"), jn->code).error().code(), "report.not-found");
  EXPECT_EQ(ledger_->Get(Regulator("37"), bj->code).error().code(), "report.not-found");
  EXPECT_TRUE(ledger_->Get(Lab(jinan_), jn->code).ok());
  EXPECT_EQ(ledger_->Get(Lab(qingdao_), jn->code).error().code(), "report.not-found");
  EXPECT_EQ(ledger_->Get(Principal{}, jn->code).error().code(), "report.not-found");
  // Display form and lower case parse to the same report.
  auto display = ReportCode::Parse(jn->code)->Display();
  EXPECT_TRUE(ledger_->Get(Admin(), display).ok());
  EXPECT_EQ(ledger_->Get(Admin(), "nonsense").error().code(), "report-code.bad-length");
  // Lists are scoped the same way, newest first, paged.
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(ledger_->Register(Admin(), Input(jinan_uscc_, "S-J" + std::to_string(i)), "").ok());
  }
  auto mine = ledger_->List(Lab(jinan_), {});
  ASSERT_TRUE(mine.ok());
  ASSERT_EQ(mine->items.size(), 4u);
  EXPECT_EQ(mine->items[0].report_no, "S-J2");
  EXPECT_EQ(mine->items[3].code, jn->code);
  EXPECT_EQ(ledger_->List(Regulator("37"), {})->items.size(), 4u);
  EXPECT_EQ(ledger_->List(Admin(), {})->items.size(), 5u);
  EXPECT_TRUE(ledger_->List(Principal{}, {})->items.empty());
  ReportListFilter f;
  f.limit = 2;
  auto page1 = ledger_->List(Admin(), f);
  ASSERT_TRUE(page1->next_before.has_value());
  f.before_id = page1->next_before;
  auto page2 = ledger_->List(Admin(), f);
  EXPECT_EQ(page2->items.size(), 2u);
  EXPECT_LT(page2->items[0].id, page1->items[1].id);
  f = {};
  f.report_no = "S-2";
  EXPECT_EQ(ledger_->List(Admin(), f)->items.at(0).code, bj->code);
}

TEST_P(ReportLedgerTest, VerificationProvesEveryEventAgainstTheCheckpoint) {
  auto r = ledger_->Register(Admin(), Input(jinan_uscc_, "V-1"), "");
  ASSERT_TRUE(r.ok());
  for (int i = 0; i < 300; ++i) {
    ASSERT_TRUE(
        ledger_->Register(Admin(), Input(qingdao_uscc_, "V-Q-" + std::to_string(i)), "").ok());
  }
  // Before any checkpoint: no proofs yet.
  auto v = ledger_->Verify(r->code, std::nullopt);
  ASSERT_TRUE(v.ok()) << v.error().ToString();
  ASSERT_TRUE(v->report.has_value());
  EXPECT_FALSE(v->checkpoint.has_value());
  ASSERT_EQ(v->events.size(), 1u);
  EXPECT_FALSE(v->events[0].inclusion.has_value());
  KeyPair key = testing::TestKey();
  auto signer = NewNoteSigner(key.signer_key);
  auto verifier = NewNoteVerifier(key.verifier_key);
  ASSERT_TRUE(log_->Publish(**signer, kNow).ok());
  ASSERT_TRUE(ledger_->Revoke(Admin(), r->code, "withdrawn", "").ok());
  ASSERT_TRUE(log_->Publish(**signer, kNow).ok());
  v = ledger_->Verify(r->code, r->secret);
  ASSERT_TRUE(v.ok()) << v.error().ToString();
  EXPECT_TRUE(v->secret_given);
  EXPECT_TRUE(v->secret_valid);
  EXPECT_EQ(v->report->status, ReportStatus::kRevoked);
  ASSERT_TRUE(v->checkpoint.has_value());
  auto cp = OpenCheckpoint(v->checkpoint->note, **verifier, "zhijian.example.cn/log");
  ASSERT_TRUE(cp.ok());
  EXPECT_EQ(cp->size, 302u);
  ASSERT_EQ(v->events.size(), 2u);
  for (const EventProof& p : v->events) {
    ASSERT_TRUE(p.inclusion.has_value());
    EXPECT_EQ(p.leaf_hash, Sha256TreeHasher().HashLeaf(p.entry));
    EXPECT_TRUE(VerifyInclusion(Sha256TreeHasher(), p.event.leaf_index, cp->size, p.leaf_hash,
                                *p.inclusion, cp->root)
                    .ok());
  }
  EXPECT_EQ(v->events[1].event.type, EventType::kRevoke);
  // A wrong secret shows nothing more; a malformed one is an error; an unknown code is unknown.
  auto wrong = ledger_->Verify(r->code, std::string("AAAAAAAAAAAAAAAAAAAAAAAAAA"));
  ASSERT_TRUE(wrong.ok());
  EXPECT_TRUE(wrong->secret_given);
  EXPECT_FALSE(wrong->secret_valid);
  EXPECT_EQ(ledger_->Verify(r->code, std::string("short")).error().code(),
            "registration.bad-secret");
  auto unknown = ledger_->Verify("3701022025K7MXQ3TA92", std::nullopt);
  ASSERT_TRUE(unknown.ok());
  EXPECT_FALSE(unknown->report.has_value());
}

TEST_P(ReportLedgerTest, TheDeploymentSecretIsCreatedOnceAndKept) {
  LedgerOptions options;
  int draws = 0;
  options.random = [&draws](size_t n) {
    ++draws;
    return std::string(n, static_cast<char>('a' + draws));
  };
  auto a = ReportLedger::Open(*db_, *log_, clock_, options);
  auto b = ReportLedger::Open(*db_, *log_, clock_, options);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(draws, 1);
  auto ra = (*a)->Register(Admin(), Input(jinan_uscc_, "D-1"), "");
  auto rb = (*b)->Register(Admin(), Input(jinan_uscc_, "D-1"), "");
  ASSERT_TRUE(ra.ok() && rb.ok());
  EXPECT_EQ(ra->code, rb->code);
  const std::string message = jinan_uscc_ + '\0' + "D-1" + '\0' + "0";
  EXPECT_EQ(
      ra->code,
      ReportCode::Make("370102", 2025, ReportCodeEntropy(std::string(32, 'b'), message))->str());
}

ZJ_INSTANTIATE_BACKENDS(ReportLedgerTest);

// The CPU-only stages on two threads give the same codes, entries and log as on one: the same
// batch (with a repeat, a conflict and a refused item among 1,200) into two fresh
// databases.
TEST(ReportLedgerThreads, TwoThreadsRegisterExactlyAsOne) {
  struct Run {
    std::vector<std::string> outcomes;  // code, or error code, per item
    std::vector<std::string> bundles;
  };
  auto run = [](int threads) {
    Run out;
    auto db = store::Database::Open("sqlite::memory:");
    EXPECT_TRUE(db.ok());
    if (!db.ok()) return out;
    const std::string uscc = testing::MakeUscc("370102", 1);
    {
      auto conn = (*db)->Acquire();
      const int64_t inst = testing::AddInstitution(conn->get(), uscc, "370102", "济南检测");
      testing::AddCertificate(conn->get(), inst, "210015340001", "2021-03-01", "2027-02-28");
    }
    auto log = LogStore::Open(**db);
    LedgerOptions options;
    options.code_secret = kSecret;
    options.threads = threads;
    FakeClock clock{kNow};
    auto ledger = ReportLedger::Open(**db, **log, clock, options);
    std::vector<ReportInput> batch;
    for (int i = 0; i < 1200; ++i) batch.push_back(Input(uscc, "T-" + std::to_string(i)));
    batch[500] = batch[20];            // a repeat within the batch
    batch[501] = Input(uscc, "T-21");  // the same number, other content: a conflict
    batch[501].client = "别的委托方";
    batch[900].certificate = "21001534000\x01";  // not a certificate of the institution
    auto r = (*ledger)->RegisterBatch(Admin(), batch, "");
    EXPECT_TRUE(r.ok());
    if (!r.ok()) return out;
    for (const auto& item : *r) out.outcomes.push_back(item ? item->code : item.error().code());
    auto conn = (*db)->Acquire();
    for (uint64_t b = 0;; ++b) {
      auto entries = (*log)->BundleEntries(conn->get(), b);
      if (!entries.ok()) break;
      out.bundles.push_back(*EncodeEntryBundle(*entries));
    }
    return out;
  };
  const Run one = run(1);
  const Run two = run(2);
  ASSERT_EQ(one.outcomes.size(), 1200u);
  EXPECT_EQ(one.outcomes, two.outcomes);
  EXPECT_EQ(one.bundles, two.bundles);
  EXPECT_EQ(one.bundles.size(), 5u);  // 1,197 entries
  EXPECT_EQ(one.outcomes[500], one.outcomes[20]);
  EXPECT_EQ(one.outcomes[501], "report.conflict");
  EXPECT_EQ(one.outcomes[900], "report.certificate-not-found");
}

}  // namespace
}  // namespace zhijian::ledger
