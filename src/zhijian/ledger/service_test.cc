#include "zhijian/ledger/service.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "tests/support/backend_fixture.h"
#include "zhijian/ledger/key_file.h"
#include "zhijian/ledger/qr.h"
#include "zhijian/ledger/test_support_internal.h"

namespace zhijian::ledger {
namespace {

TEST(VerifierKeyOfTest, DerivesThePublishedKeyFromTheSignerKey) {
  KeyPair ed = testing::TestKey();
  EXPECT_EQ(*VerifierKeyOf(ed.signer_key), ed.verifier_key);
  auto sm2 = GenerateSm2Key("zhijian.example.cn/log-sm3", std::string(32, '\x11'));
  if (sm2.ok()) {
    EXPECT_EQ(*VerifierKeyOf(sm2->signer_key), sm2->verifier_key);
  }
  EXPECT_EQ(VerifierKeyOf("PRIVATE+KEY+x").error().code(), "note.bad-key");
  std::string wrong_id = ed.signer_key;
  wrong_id[wrong_id.find('+', 12) + 1] ^= 1;
  EXPECT_EQ(VerifierKeyOf(wrong_id).error().code(), "note.bad-key");
}

TEST(QrSecretTest, TheSecretRidesAfterThePayloadAndParsesBack) {
  KeyPair key = testing::TestKey();
  auto signer = NewNoteSigner(key.signer_key);
  auto verifier = NewNoteVerifier(key.verifier_key);
  QrClaims claims{"3701022025K7MXQ3TA92", Sha256("doc"), "2025-11-20"};
  auto text = MakeQrText(claims, **signer, "https://zj.example.cn", "gayt emzu");
  EXPECT_FALSE(text.ok());  // spaces are not Base32
  text = MakeQrText(claims, **signer, "https://zj.example.cn", "gaytemzugu3doobzmfrggzdfmy");
  ASSERT_TRUE(text.ok()) << text.error().ToString();
  EXPECT_EQ(text->substr(text->size() - 27), "/GAYTEMZUGU3DOOBZMFRGGZDFMY");
  const NoteVerifier* keys[] = {verifier->get()};
  auto parsed = VerifyQrText(*text, keys);
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  EXPECT_EQ(parsed->claims, claims);
  EXPECT_EQ(parsed->secret, "GAYTEMZUGU3DOOBZMFRGGZDFMY");
  EXPECT_EQ(parsed->url_prefix, "HTTPS://ZJ.EXAMPLE.CN");
  // Lower case (some scanners) reads the same; a foreign segment is refused.
  std::string lower = *text;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_EQ(ParseQrText(lower)->secret, "GAYTEMZUGU3DOOBZMFRGGZDFMY");
  EXPECT_EQ(ParseQrText(*text + "/X").error().code(), "qr.malformed");
  EXPECT_EQ(ParseQrText(*text + "1").error().code(), "qr.malformed");
  // Still alphanumeric mode: 251 characters still fit version 11 at ECC Q (61 × 61 modules).
  auto with = EncodeQr(*text);
  auto without = EncodeQr(*MakeQrText(claims, **signer, "https://zj.example.cn"));
  ASSERT_TRUE(with.ok() && without.ok());
  EXPECT_EQ(without->version, 11);
  EXPECT_EQ(with->version, 11);
}

class LedgerServiceTest : public zhijian::testing::BackendTest {};

TEST_P(LedgerServiceTest, OpensWithAndWithoutAKey) {
  auto db = OpenDb();
  ASSERT_TRUE(db);
  FakeClock clock(FromUnixMillis(1'764'000'000'000));
  char tmpl[] = "/tmp/zj-keys-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  KeyPair key = testing::TestKey();
  ASSERT_TRUE(SaveKeyFile(dir + "/log.key", key.signer_key).ok());

  ServiceOptions none;
  none.ledger.code_secret = std::string(32, 's');
  auto without = LedgerService::Open(*db, clock, none);
  ASSERT_TRUE(without.ok()) << without.error().ToString();
  EXPECT_EQ((*without)->signer(), nullptr);
  EXPECT_EQ((*without)->RequireSigner().error().code(), "ledger.no-log-key");
  EXPECT_EQ((*without)->RequireSigner().error().kind(), Error::Kind::kUnavailable);

  ServiceOptions with = none;
  with.log_key_file = dir + "/log.key";
  with.qr_url_prefix = "http://127.0.0.1:8080";
  with.publisher.every_entries = 1;
  auto s = LedgerService::Open(*db, clock, with);
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  EXPECT_EQ((*s)->verifier_key(), key.verifier_key);
  // Registrations notify the publisher; a Tick publishes.
  auto conn = db->Acquire();
  const std::string uscc = testing::MakeUscc("370102", 1);
  const int64_t inst = testing::AddInstitution(conn->get(), uscc, "370102");
  testing::AddCertificate(conn->get(), inst, "210015340001", "2021-03-01", "2027-02-28");
  Principal admin;
  admin.role = Role::kAdmin;
  auto r = (*s)->reports().Register(admin, testing::Input(uscc, "S-1"), "");
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  auto cp = (*s)->publisher()->Tick();
  ASSERT_TRUE(cp.ok() && cp->has_value());
  EXPECT_EQ((*cp)->size, 1u);
  auto record = (*s)->reports().Get(admin, r->code);
  ASSERT_TRUE(record.ok());
  auto qr = (*s)->QrFor(*record);
  ASSERT_TRUE(qr.ok()) << qr.error().ToString();
  EXPECT_EQ(qr->rfind("HTTP://127.0.0.1:8080/V/", 0), 0u);
  const NoteVerifier* keys[] = {(*s)->verifier()};
  auto parsed = VerifyQrText(*qr, keys);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->claims.code, r->code);
  EXPECT_EQ(parsed->secret, r->secret);
  // A key file others may read is refused.
  ASSERT_EQ(chmod((dir + "/log.key").c_str(), 0644), 0);
  EXPECT_EQ(LedgerService::Open(*db, clock, with).error().code(), "key-file.insecure");
  std::filesystem::remove_all(dir);
}

// The sizes behind the verification cache's keys: this process's writes count at once, another
// process's (here a second service on the same database) once log_sizes_refresh has passed.
TEST_P(LedgerServiceTest, LogSizesFollowOwnWritesAtOnceAndOthersAfterTheRefresh) {
  auto db = OpenDb();
  ASSERT_TRUE(db);
  FakeClock clock(FromUnixMillis(1'764'000'000'000));
  char tmpl[] = "/tmp/zj-keys-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  ASSERT_TRUE(SaveKeyFile(dir + "/log.key", testing::TestKey().signer_key).ok());
  ServiceOptions o;
  o.ledger.code_secret = std::string(32, 's');
  o.log_key_file = dir + "/log.key";
  o.log_sizes_refresh = std::chrono::milliseconds(100);
  auto ours = LedgerService::Open(*db, clock, o);
  auto other = LedgerService::Open(*db, clock, o);
  ASSERT_TRUE(ours.ok() && other.ok());
  auto sizes = [&] {
    auto s = (*ours)->CurrentLogSizes();
    EXPECT_TRUE(s.ok()) << s.error().ToString();
    return s.ok() ? std::make_pair(s->tree, s->checkpoint)
                  : std::make_pair(int64_t{-9}, int64_t{-9});
  };
  EXPECT_EQ(sizes(), std::make_pair(int64_t{0}, int64_t{-1}));  // read at the first call

  auto conn = db->Acquire();
  const std::string uscc = testing::MakeUscc("370102", 1);
  const int64_t inst = testing::AddInstitution(conn->get(), uscc, "370102");
  testing::AddCertificate(conn->get(), inst, "210015340001", "2021-03-01", "2027-02-28");
  Principal admin;
  admin.role = Role::kAdmin;
  // Our registration and revocation: at once, with no time passing.
  auto r = (*ours)->reports().Register(admin, testing::Input(uscc, "S-1"), "");
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(sizes(), std::make_pair(int64_t{1}, int64_t{-1}));
  ASSERT_TRUE((*ours)->reports().Revoke(admin, r->code, "withdrawn", "").ok());
  EXPECT_EQ(sizes(), std::make_pair(int64_t{2}, int64_t{-1}));
  auto cp = (*ours)->publisher()->Tick();
  ASSERT_TRUE(cp.ok() && cp->has_value());
  EXPECT_EQ(sizes(), std::make_pair(int64_t{2}, int64_t{2}));

  // The other's registration and checkpoint: not before the refresh interval, then seen.
  ASSERT_TRUE((*other)->reports().Register(admin, testing::Input(uscc, "S-2"), "").ok());
  ASSERT_TRUE((*other)->log().Publish(*(*other)->signer(), clock.Now()).ok());
  clock.Advance(std::chrono::milliseconds(99));
  EXPECT_EQ(sizes(), std::make_pair(int64_t{2}, int64_t{2}));
  clock.Advance(std::chrono::milliseconds(1));
  EXPECT_EQ(sizes(), std::make_pair(int64_t{3}, int64_t{3}));
  // Sizes never go down, and a clock set back still reads.
  clock.Advance(std::chrono::milliseconds(-5000));
  EXPECT_EQ(sizes(), std::make_pair(int64_t{3}, int64_t{3}));
  std::filesystem::remove_all(dir);
}

ZJ_INSTANTIATE_BACKENDS(LedgerServiceTest);

}  // namespace
}  // namespace zhijian::ledger
