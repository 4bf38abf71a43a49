#include "zhijian/ledger/auditor.h"

#include <gtest/gtest.h>

#include "tests/support/backend_fixture.h"
#include "zhijian/base/digest.h"
#include "zhijian/ledger/report_ledger.h"
#include "zhijian/ledger/test_support_internal.h"

namespace zhijian::ledger {
namespace {

using testing::Input;

Principal Admin() {
  Principal p;
  p.role = Role::kAdmin;
  p.user_id = 1;
  p.username = "admin";
  return p;
}

class AuditorTest : public zhijian::testing::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    db_ = OpenDb();
    ASSERT_TRUE(db_);
    auto conn = db_->Acquire();
    ASSERT_TRUE(conn.ok());
    uscc_ = testing::MakeUscc("370102", 1);
    const int64_t inst = testing::AddInstitution(conn->get(), uscc_, "370102");
    testing::AddCertificate(conn->get(), inst, "210015340001", "2021-03-01", "2027-02-28");
    log_ = std::move(*LogStore::Open(*db_));
    LedgerOptions o;
    o.code_secret = std::string(32, 's');
    ledger_ = std::move(*ReportLedger::Open(*db_, *log_, clock_, o));
    KeyPair key = testing::TestKey();
    signer_ = std::move(*NewNoteSigner(key.signer_key));
    verifier_ = std::move(*NewNoteVerifier(key.verifier_key));
    // 600 reports in three batches with a checkpoint after each; a correction and a
    // revocation; a final checkpoint.
    for (int b = 0; b < 3; ++b) {
      std::vector<ReportInput> batch;
      for (int i = 0; i < 200; ++i)
        batch.push_back(Input(uscc_, "A-" + std::to_string(b * 200 + i)));
      auto r = ledger_->RegisterBatch(Admin(), batch, "");
      ASSERT_TRUE(r.ok()) << r.error().ToString();
      codes_.push_back((*r)[7]->code);
      ASSERT_TRUE(log_->Publish(*signer_, clock_.Now()).ok());
    }
    auto c = ledger_->Correct(Admin(), codes_[0], Input(uscc_, "A-7-R"), "data-error", "");
    ASSERT_TRUE(c.ok()) << c.error().ToString();
    ASSERT_TRUE(ledger_->Revoke(Admin(), codes_[1], "withdrawn", "").ok());
    ASSERT_TRUE(log_->Publish(*signer_, clock_.Now()).ok());
  }

  AuditReport Audit() {
    AuditOptions o;
    o.key = verifier_.get();
    auto r = AuditDatabase(*db_, *log_, o);
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return r.ok() ? *r : AuditReport{};
  }
  void Sql(const std::string& sql, std::vector<store::Value> p = {}) {
    auto conn = db_->Acquire();
    auto r = conn->get().Exec(sql, p);
    ASSERT_TRUE(r.ok()) << r.error().ToString();
  }
  void SetBundle(int64_t idx, const std::string& bytes) {
    Sql("UPDATE log_bundles SET entries = ? WHERE idx = ?", {store::Blob{bytes}, idx});
  }
  // Rewrites the log in the layout of the schema before migration 0013 (log_entries rows with
  // their leaf hashes, indexed by hash; no bundles) and forgets that 0013 was applied; then
  // reopens the database (which migrates it) and the ledger (which converts it). `tamper`: an
  // entry whose bytes are changed in the old layout (its stored leaf hash is not).
  void DowngradeToOldLayout(std::optional<uint64_t> tamper) {
    {
      auto conn = db_->Acquire();
      ASSERT_TRUE(conn.ok());
      for (uint64_t leaf = 0; leaf < 602; ++leaf) {
        std::string entry = *log_->Entry(conn->get(), leaf);
        const Hash h = log_->hasher().HashLeaf(entry);
        if (tamper == leaf) entry[entry.size() - 3] ^= 1;
        Sql("INSERT INTO log_entries (leaf_index, entry, leaf_hash) VALUES (?, ?, ?)",
            {static_cast<int64_t>(leaf), store::Blob{entry},
             store::Blob{std::string(HashBytes(h))}});
      }
      Script(conn->get(),
             "DROP TABLE log_bundles; DROP TABLE log_leaf_prefixes; DROP TABLE log_tail; CREATE "
             "INDEX log_entries_leaf_hash ON log_entries (leaf_hash); DELETE FROM "
             "schema_migrations WHERE version IN (13, 14)");
      RestoreIssueEventRows(conn->get());
    }
    Reopen();
  }
  // Rewrites the log in the layout of the schema before migration 0014 (the partial last
  // bundle in log_bundles, no log_tail) and forgets that 0014 was applied; then reopens.
  void DowngradeTo0013Layout() {
    {
      auto conn = db_->Acquire();
      ASSERT_TRUE(conn.ok());
      const std::string partial = *log_->EntryBundle(conn->get(), 2, 90);
      Sql("INSERT INTO log_bundles (idx, entries) VALUES (2, ?)", {store::Blob{partial}});
      Script(conn->get(), "DROP TABLE log_tail; DELETE FROM schema_migrations WHERE version = 14");
      RestoreIssueEventRows(conn->get());
      EXPECT_EQ(Count(conn->get(), "report_events"), 602);
    }
    Reopen();
  }
  // Before migration 0014 every issue event had its report_events row (registered at the
  // report's instant: the fake clock's) and reports had no index on leaf_index.
  void RestoreIssueEventRows(store::Connection& conn) {
    Script(conn,
           "DROP INDEX reports_leaf_index; INSERT INTO report_events (leaf_index, type, "
           "report_id, original_report_id, reason, registered_at_ms) SELECT r.leaf_index, "
           "'issue', r.id, NULL, '', 1764000000000 FROM reports r WHERE NOT EXISTS (SELECT 1 "
           "FROM report_events e WHERE e.leaf_index = r.leaf_index)");
  }
  void Reopen() {
    ledger_.reset();
    log_.reset();
    db_.reset();
    db_ = OpenDb();
    ASSERT_TRUE(db_);
    auto log = LogStore::Open(*db_);
    ASSERT_TRUE(log.ok()) << log.error().ToString();
    log_ = std::move(*log);
    LedgerOptions o;
    o.code_secret = std::string(32, 's');
    ledger_ = std::move(*ReportLedger::Open(*db_, *log_, clock_, o));
  }
  static bool Has(const AuditReport& r, const std::string& code, std::optional<uint64_t> leaf,
                  const std::string& report = "") {
    for (const auto& f : r.findings) {
      if (f.code == code && (!leaf || f.leaf_index == leaf) &&
          (report.empty() || f.report_code == report)) {
        return true;
      }
    }
    return false;
  }
  static std::string All(const AuditReport& r) {
    std::string s;
    for (const auto& f : r.findings) s += f.ToString() + "\n";
    return s;
  }

  FakeClock clock_{FromUnixMillis(1'764'000'000'000)};
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<LogStore> log_;
  std::unique_ptr<ReportLedger> ledger_;
  std::unique_ptr<NoteSigner> signer_;
  std::unique_ptr<NoteVerifier> verifier_;
  std::string uscc_;
  std::vector<std::string> codes_;  // leaf 7, 207, 407
};

TEST_P(AuditorTest, ACleanLogAuditsClean) {
  AuditReport r = Audit();
  EXPECT_TRUE(r.ok()) << All(r);
  EXPECT_EQ(r.entries, 602u);
  EXPECT_EQ(r.reports, 601u);
  EXPECT_EQ(r.checkpoints, 4u);
  EXPECT_TRUE(r.signatures_checked);
  EXPECT_EQ(r.tiles, 4u);  // level 0: 2 full + partial; level 1: partial
}

TEST_P(AuditorTest, AChangedReportRowIsNamed) {
  Sql("UPDATE reports SET client = '别的委托方' WHERE code = ?", {codes_[2]});
  AuditReport r = Audit();
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(Has(r, "log.report-differs", 407, codes_[2])) << All(r);
  EXPECT_NE(r.findings[0].ToString().find("client"), std::string::npos) << All(r);
  EXPECT_EQ(r.finding_count, 1u) << All(r);
  // The issue date, the document digest, and the salt (which changes every digest).
  Sql("UPDATE reports SET client = '济南某食品有限公司' WHERE code = ?", {codes_[2]});
  EXPECT_TRUE(Audit().ok());
  Sql("UPDATE reports SET issue_date = '2025-11-19' WHERE code = ?", {codes_[2]});
  r = Audit();
  EXPECT_TRUE(Has(r, "log.report-differs", 407, codes_[2])) << All(r);
  EXPECT_NE(All(r).find("issue date"), std::string::npos);
}

TEST_P(AuditorTest, ADeletedReportRowIsNamed) {
  // SQLite's shell does not enforce foreign keys; PostgreSQL needs the events gone first.
  if (GetParam() == store::Backend::kPostgres) {
    Sql("ALTER TABLE report_events DROP CONSTRAINT report_events_report_id_fkey");
    Sql("DELETE FROM reports WHERE code = ?", {codes_[2]});
  } else {
    auto conn = db_->Acquire();
    ASSERT_TRUE(conn->get()
                    .ExecScript("PRAGMA foreign_keys = OFF; DELETE FROM reports WHERE code = '" +
                                codes_[2] + "'; PRAGMA foreign_keys = ON")
                    .ok());
  }
  AuditReport r = Audit();
  EXPECT_TRUE(Has(r, "log.report-missing", 407, codes_[2])) << All(r);
}

TEST_P(AuditorTest, AChangedBundleByteIsNamedByItsEntry) {
  auto conn = db_->Acquire();
  auto entries = *log_->BundleEntries(conn->get(), 1);  // leaves 256 … 511
  ASSERT_EQ(entries.size(), 256u);
  entries[300 - 256][entries[300 - 256].size() - 3] ^= 1;  // a bit of the results digest
  SetBundle(1, *EncodeEntryBundle(entries));
  AuditReport r = Audit();
  EXPECT_TRUE(Has(r, "log.leaf-hash-mismatch", 300)) << All(r);
  EXPECT_TRUE(Has(r, "log.report-differs", 300)) << All(r);
  EXPECT_TRUE(Has(r, "log.checkpoint-root", std::nullopt)) << All(r);  // 400, 600, 602
  EXPECT_FALSE(Has(r, "log.leaf-hash-mismatch", 299)) << All(r);
  EXPECT_FALSE(Has(r, "log.leaf-hash-mismatch", 301)) << All(r);
}

TEST_P(AuditorTest, ABrokenLengthPrefixNamesTheEntry) {
  auto conn = db_->Acquire();
  auto entries = *log_->BundleEntries(conn->get(), 1);
  std::string bytes = *EncodeEntryBundle(entries);
  // The length prefix of entry 256 + 255 = 511 (the last of the bundle) made too long.
  std::string head = *EncodeEntryBundle(std::span(entries.data(), 255));
  bytes[head.size()] = static_cast<char>(0x7f);
  SetBundle(1, bytes);
  AuditReport r = Audit();
  EXPECT_TRUE(Has(r, "log.entry-malformed", 511)) << All(r);
  EXPECT_FALSE(r.ok());
}

TEST_P(AuditorTest, ADeletedBundleIsNamed) {
  Sql("DELETE FROM log_bundles WHERE idx = 0");
  AuditReport r = Audit();
  EXPECT_TRUE(Has(r, "log.entry-missing", 0)) << All(r);
  EXPECT_TRUE(Has(r, "log.checkpoint-root", std::nullopt)) << All(r);
}

TEST_P(AuditorTest, ADroppedTailIsNamed) {
  auto conn = db_->Acquire();
  auto entries = *log_->BundleEntries(conn->get(), 2);  // leaves 512 … 601, in log_tail
  ASSERT_EQ(entries.size(), 90u);
  EXPECT_EQ(Count(conn->get(), "log_tail"), 90);
  Sql("DELETE FROM log_tail WHERE leaf_index = 601");
  Sql("DELETE FROM log_leaf_prefixes WHERE leaf_index = 601");
  AuditReport r = Audit();
  EXPECT_TRUE(Has(r, "log.entry-missing", 601)) << All(r);
  EXPECT_TRUE(Has(r, "log.head-mismatch", std::nullopt)) << All(r);
  EXPECT_TRUE(Has(r, "log.checkpoint-beyond-log", std::nullopt)) << All(r);
}

// The entries of the partial last bundle are rows of log_tail: a changed or deleted one is
// named by its leaf index.
TEST_P(AuditorTest, AChangedTailEntryIsNamed) {
  auto conn = db_->Acquire();
  std::string entry = *log_->Entry(conn->get(), 550);
  entry[entry.size() - 3] ^= 1;  // a bit of the results digest
  Sql("UPDATE log_tail SET entry = ? WHERE leaf_index = 550", {store::Blob{entry}});
  AuditReport r = Audit();
  EXPECT_TRUE(Has(r, "log.leaf-hash-mismatch", 550)) << All(r);
  EXPECT_TRUE(Has(r, "log.report-differs", 550)) << All(r);
  EXPECT_TRUE(Has(r, "log.checkpoint-root", std::nullopt)) << All(r);  // 600, 602
  EXPECT_FALSE(Has(r, "log.leaf-hash-mismatch", 549)) << All(r);
  EXPECT_FALSE(Has(r, "log.leaf-hash-mismatch", 551)) << All(r);
}

TEST_P(AuditorTest, ADeletedTailEntryIsNamed) {
  Sql("DELETE FROM log_tail WHERE leaf_index = 560");
  AuditReport r = Audit();
  EXPECT_TRUE(Has(r, "log.entry-missing", 560)) << All(r);
  EXPECT_FALSE(r.ok());
}

// An issue event implied by its report row is the event its old report_events row gave: the
// same records, entries and proofs for a verifier, and the auditor accepts both forms.
TEST_P(AuditorTest, ImpliedIssueEventsEqualTheOldEventRows) {
  auto events = [&](const std::string& code) {
    auto v = ledger_->Verify(code, std::nullopt);
    EXPECT_TRUE(v.ok()) << v.error().ToString();
    std::vector<std::string> out;
    for (const EventProof& p : v->events) {
      std::string proof;
      for (const Hash& h : p.inclusion.value_or(std::vector<Hash>{})) proof += HashHex(h);
      out.push_back(
          std::string(EventTypeName(p.event.type)) + " " + std::to_string(p.event.leaf_index) +
          " " + std::to_string(p.event.registered_at_ms) + " " + p.event.code + " " +
          p.event.original_code + " " + p.event.reason + " " + HexEncode(p.entry) + " " + proof);
    }
    return out;
  };
  auto corrected = ledger_->Find(codes_[0]);
  ASSERT_TRUE(corrected.ok() && corrected->has_value());
  const std::string replacement = (*corrected)->replaced_by.value_or("");
  ASSERT_FALSE(replacement.empty());
  const std::vector<std::string> codes = {codes_[0], codes_[1], codes_[2], replacement};
  std::vector<std::vector<std::string>> implied;
  for (const auto& c : codes) implied.push_back(events(c));
  EXPECT_EQ(implied[0].size(), 2u);  // issue, correct
  EXPECT_EQ(implied[1].size(), 2u);  // issue, revoke
  EXPECT_EQ(implied[2].size(), 1u);  // issue
  EXPECT_EQ(implied[3].size(), 1u);  // correct (its creation)
  {
    auto conn = db_->Acquire();
    RestoreIssueEventRows(conn->get());
    EXPECT_EQ(Count(conn->get(), "report_events"), 602);
  }
  for (size_t i = 0; i < codes.size(); ++i) EXPECT_EQ(events(codes[i]), implied[i]) << codes[i];
  AuditReport r = Audit();
  EXPECT_TRUE(r.ok()) << All(r);
}

// A database made before migration 0014 (the partial bundle rewritten in log_bundles): opened,
// its partial bundle moves into log_tail; it audits clean, serves the same bytes and grows on.
TEST_P(AuditorTest, A0013LayoutDatabaseIsMigratedAndAuditsClean) {
  std::string partial;
  std::vector<Hash> proof;
  {
    auto conn = db_->Acquire();
    partial = *log_->EntryBundle(conn->get(), 2, 90);
    proof = *log_->InclusionProof(conn->get(), 555, 602, false);
  }
  DowngradeTo0013Layout();
  ASSERT_FALSE(HasFatalFailure());
  {
    auto conn = db_->Acquire();
    EXPECT_EQ(Count(conn->get(), "log_tail"), 90);
    EXPECT_EQ(Count(conn->get(), "log_bundles"), 2);    // the full ones
    EXPECT_EQ(Count(conn->get(), "report_events"), 2);  // the correction and the revocation
    EXPECT_EQ(*log_->EntryBundle(conn->get(), 2, 90), partial);
    std::vector<std::string> first17 = *log_->BundleEntries(conn->get(), 2);
    first17.resize(17);
    EXPECT_EQ(*log_->EntryBundle(conn->get(), 2, 17), *EncodeEntryBundle(first17));
    EXPECT_EQ(*log_->InclusionProof(conn->get(), 555, 602, false), proof);
  }
  AuditReport r = Audit();
  EXPECT_TRUE(r.ok()) << All(r);
  EXPECT_EQ(r.entries, 602u);
  // It grows on: one entry is one more log_tail row; filling the bundle moves them out.
  auto one = ledger_->Register(Admin(), Input(uscc_, "A-NEW"), "");
  ASSERT_TRUE(one.ok()) << one.error().ToString();
  EXPECT_EQ(one->leaf_index, 602u);
  std::vector<ReportInput> batch;
  for (int i = 0; i < 200; ++i) batch.push_back(Input(uscc_, "B-" + std::to_string(i)));
  ASSERT_TRUE(ledger_->RegisterBatch(Admin(), batch, "").ok());
  {
    auto conn = db_->Acquire();
    EXPECT_EQ(Count(conn->get(), "log_bundles"), 3);
    EXPECT_EQ(Count(conn->get(), "log_tail"), 803 - 768);
    auto bundle2 = log_->EntryBundle(conn->get(), 2, 256);
    ASSERT_TRUE(bundle2.ok()) << bundle2.error().ToString();
    EXPECT_EQ(bundle2->substr(0, partial.size()), partial);
  }
  r = Audit();
  EXPECT_TRUE(r.ok()) << All(r);
  EXPECT_EQ(r.entries, 803u);
}

// A database made before migration 0013 (one log_entries row per leaf): opened, it is migrated
// and converted, audits clean and serves the same bundles, proofs and look-ups.
TEST_P(AuditorTest, AnOldLayoutDatabaseIsMigratedAndAuditsClean) {
  std::vector<std::string> bundles;
  Hash leaf7{};
  std::vector<Hash> proof;
  {
    auto conn = db_->Acquire();
    for (uint64_t b = 0; b < 3; ++b) {
      bundles.push_back(*log_->EntryBundle(conn->get(), b, b < 2 ? 256 : 90));
    }
    leaf7 = log_->hasher().HashLeaf(*log_->Entry(conn->get(), 7));
    proof = *log_->InclusionProof(conn->get(), 7, 602, false);
  }
  DowngradeToOldLayout({});
  ASSERT_FALSE(HasFatalFailure());
  {
    auto conn = db_->Acquire();
    EXPECT_EQ(Count(conn->get(), "log_entries"), 0);  // moved
    EXPECT_EQ(Count(conn->get(), "log_leaf_prefixes"), 602);
    for (uint64_t b = 0; b < 3; ++b) {
      EXPECT_EQ(*log_->EntryBundle(conn->get(), b, b < 2 ? 256 : 90), bundles[b]);
    }
    EXPECT_EQ(*log_->LeafIndexByHash(conn->get(), leaf7), 7u);
    EXPECT_EQ(*log_->InclusionProof(conn->get(), 7, 602, false), proof);
  }
  AuditReport r = Audit();
  EXPECT_TRUE(r.ok()) << All(r);
  EXPECT_EQ(r.entries, 602u);
  EXPECT_EQ(r.reports, 601u);
  // And the log grows on from there.
  auto more = ledger_->Register(Admin(), Input(uscc_, "A-NEW"), "");
  ASSERT_TRUE(more.ok()) << more.error().ToString();
  EXPECT_EQ(more->leaf_index, 602u);
  EXPECT_TRUE(Audit().ok());
}

TEST_P(AuditorTest, AnEntryChangedBeforeTheMigrationIsStillNamed) {
  DowngradeToOldLayout(300);
  ASSERT_FALSE(HasFatalFailure());
  AuditReport r = Audit();
  EXPECT_TRUE(Has(r, "log.leaf-hash-mismatch", 300)) << All(r);
  EXPECT_TRUE(Has(r, "log.report-differs", 300)) << All(r);
}

TEST_P(AuditorTest, TamperedTilesHeadCheckpointsAndStatusesAreFound) {
  auto conn = db_->Acquire();
  std::vector<store::Value> p{int64_t{0}, int64_t{1}};
  auto tile =
      conn->get().QueryOne("SELECT hashes, mids FROM log_tiles WHERE level = ? AND idx = ?", p);
  ASSERT_TRUE(tile.ok() && tile->has_value());
  std::string hashes = (*tile)->Bytes(0), mids = (*tile)->Bytes(1);
  ASSERT_EQ(mids.size(), 16 * kHashSize);
  hashes[5] ^= 1;
  Sql("UPDATE log_tiles SET hashes = ? WHERE level = 0 AND idx = 1", {store::Blob{hashes}});
  AuditReport r = Audit();
  EXPECT_TRUE(Has(r, "log.tile-mismatch", std::nullopt)) << All(r);
  // Proofs are served from tiles and mids: a changed mid breaks the consistency proofs.
  for (char& c : mids) c ^= 1;
  Sql("UPDATE log_tiles SET mids = ? WHERE level = 0 AND idx = 1", {store::Blob{mids}});
  r = Audit();
  EXPECT_TRUE(Has(r, "log.tile-mismatch", std::nullopt)) << All(r);
  EXPECT_TRUE(Has(r, "log.consistency", std::nullopt)) << All(r);
  Sql("UPDATE log_tiles SET hashes = ?, mids = ? WHERE level = 0 AND idx = 1",
      {store::Blob{(*tile)->Bytes(0)}, store::Blob{(*tile)->Bytes(1)}});
  EXPECT_TRUE(Audit().ok());
  // A checkpoint signed by another key.
  auto other =
      NewNoteSigner(GenerateEd25519Key("zhijian.example.cn/log", std::string(32, 'x'))->signer_key);
  Checkpoint forged{"zhijian.example.cn/log", 602, RootFromLeafHashes(Sha256TreeHasher(), {}), {}};
  const NoteSigner* signers[] = {other->get()};
  std::string note = *SignCheckpoint(forged, signers);
  Sql("UPDATE log_checkpoints SET note = ? WHERE size = 602", {note});
  r = Audit();
  EXPECT_TRUE(Has(r, "log.checkpoint-signature", std::nullopt)) << All(r);
  // A status that the events do not give.
  Sql("UPDATE reports SET status = 'valid' WHERE code = ?", {codes_[1]});
  r = Audit();
  EXPECT_TRUE(Has(r, "log.status-mismatch", std::nullopt, codes_[1])) << All(r);
}

TEST_P(AuditorTest, AReportOutsideTheLogIsFound) {
  auto conn = db_->Acquire();
  Sql("INSERT INTO reports (id, code, institution_id, institution_uscc, report_no, "
      "certificate_no, issue_date, document_sha256, salt, client, sample, results, leaf_index, "
      "registered_at, status) SELECT id + 100000, '3701022025K7MXQ3TA92', institution_id, "
      "institution_uscc, 'SNEAKED-IN', "
      "certificate_no, issue_date, document_sha256, salt, client, sample, results, 9999, "
      "registered_at, 'valid' FROM reports WHERE code = ?",
      {codes_[2]});
  AuditReport r = Audit();
  EXPECT_TRUE(Has(r, "log.report-not-logged", 9999, "3701022025K7MXQ3TA92")) << All(r);
}

TEST_P(AuditorTest, RemoteAuditThroughTiles) {
  auto conn = db_->Acquire();
  ASSERT_TRUE(conn.ok());
  std::string tamper_path;
  LogFetcher fetch = [&](const std::string& path) -> Result<std::string> {
    if (path == "checkpoint") {
      ZJ_ASSIGN_OR_RETURN(auto latest, log_->LatestCheckpoint(conn->get()));
      return latest->note;
    }
    ZJ_ASSIGN_OR_RETURN(TileRequest req, ParseTilePath(path));
    Result<std::string> body = req.entries
                                   ? log_->EntryBundle(conn->get(), req.tile.index, req.tile.width)
                                   : log_->TileContent(conn->get(), req.tile);
    if (body && path == tamper_path) (*body)[body->size() - 1] ^= 1;
    return body;
  };
  RemoteAuditOptions o;
  o.key = verifier_.get();
  std::string note;
  auto r = AuditRemote(fetch, o, &note);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_TRUE(r->ok()) << All(*r);
  EXPECT_EQ(r->entries, 602u);
  EXPECT_EQ(r->tiles, 4u);
  // With the earlier checkpoint kept from a previous run.
  auto first = log_->Checkpoints(conn->get(), 0, 1);
  o.previous_checkpoint = first->front().note;
  EXPECT_TRUE(AuditRemote(fetch, o)->ok());
  // A served entry bundle that differs.
  tamper_path = "tile/entries/001";
  r = AuditRemote(fetch, o);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(Has(*r, "log.remote-root", std::nullopt)) << All(*r);
  EXPECT_TRUE(Has(*r, "log.tile-mismatch", std::nullopt)) << All(*r);
  // Without the right key nothing is trusted.
  auto other = NewNoteVerifier(
      GenerateEd25519Key("zhijian.example.cn/log", std::string(32, 'x'))->verifier_key);
  o.key = other->get();
  tamper_path.clear();
  r = AuditRemote(fetch, o);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(Has(*r, "log.checkpoint-signature", std::nullopt)) << All(*r);
}

ZJ_INSTANTIATE_BACKENDS(AuditorTest);

}  // namespace
}  // namespace zhijian::ledger
