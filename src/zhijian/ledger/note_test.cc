#include "zhijian/ledger/note.h"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "zhijian/base/digest.h"
#include "zhijian/ledger/encoding.h"

namespace zhijian::ledger {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Seed(char c) { return std::string(32, c); }

std::unique_ptr<NoteVerifier> Verifier(std::string_view vkey) {
  Result<std::unique_ptr<NoteVerifier>> v = NewNoteVerifier(vkey);
  EXPECT_TRUE(v.ok()) << vkey << ": " << (v.ok() ? "" : v.error().ToString());
  return v.ok() ? std::move(*v) : nullptr;
}

std::unique_ptr<NoteSigner> Signer(std::string_view skey) {
  Result<std::unique_ptr<NoteSigner>> s = NewNoteSigner(skey);
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().ToString());
  return s.ok() ? std::move(*s) : nullptr;
}

// The Base64-decoded "type ‖ public key" of a verifier key (after name and id; the Base64 part
// may itself contain '+').
std::string TypedKey(const std::string& vkey) {
  const size_t first = vkey.find('+');
  const size_t second = vkey.find('+', first + 1);
  Result<std::string> key = Base64Decode(vkey.substr(second + 1));
  EXPECT_TRUE(key.ok()) << vkey;
  return key.ok() ? *key : std::string();
}

std::string ErrorCode(const Result<VerifiedNote>& r) { return r.ok() ? "ok" : r.error().code(); }

// ---- published vectors ----------------------------------------------------------------------

TEST(NoteVectorTest, C2spSignedNoteExample) {
  auto v = Verifier("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->KeyName(), "example.com/foo");
  EXPECT_EQ(v->KeyId(), 0x530d903au);
  EXPECT_EQ(v->Algorithm(), KeyAlgorithm::kEd25519);
  EXPECT_EQ(v->VerifierKey(),
            "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k");
  const std::string note =
      "This is an example message.\n\n"
      "\xe2\x80\x94 example.com/foo "
      "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM="
      "\n";
  const NoteVerifier* known[] = {v.get()};
  Result<VerifiedNote> opened = OpenNote(note, known);
  ASSERT_TRUE(opened.ok()) << opened.error().ToString();
  EXPECT_EQ(opened->text, "This is an example message.\n");
  ASSERT_EQ(opened->verified.size(), 1u);
  EXPECT_EQ(opened->verified[0].key_id, 0x530d903au);
  // One changed character of the text breaks it.
  std::string tampered = note;
  tampered[0] = 't';
  EXPECT_EQ(ErrorCode(OpenNote(tampered, known)), "note.invalid-signature");
}

TEST(NoteVectorTest, GoNotePackageSignsByteForByte) {
  // golang.org/x/mod/sumdb/note note_test.go: Ed25519 is deterministic, so the signature line
  // must come out exactly.
  auto signer =
      Signer("PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz");
  ASSERT_TRUE(signer);
  EXPECT_EQ(signer->KeyName(), "PeterNeumann");
  EXPECT_EQ(signer->KeyId(), 0xc74f20a3u);
  const std::string text =
      "If you think cryptography is the answer to your problem,\n"
      "then you don't know what your problem is.\n";
  const NoteSigner* signers[] = {signer.get()};
  Result<std::string> signed_note = SignNote(text, signers);
  ASSERT_TRUE(signed_note.ok());
  EXPECT_EQ(*signed_note, text +
                              "\n\xe2\x80\x94 PeterNeumann "
                              "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqf"
                              "qdngotpRZb6KE6RyyBwJnAM=\n");
  auto v = Verifier("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW");
  ASSERT_TRUE(v);
  const NoteVerifier* known[] = {v.get()};
  EXPECT_TRUE(OpenNote(*signed_note, known).ok());
}

TEST(NoteVectorTest, GoChecksumDatabaseKeyAndTreeFormat) {
  auto v = Verifier("sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->KeyId(), 0x033de0aeu);
  // golang.org/x/mod/sumdb/tlog note_test.go: FormatTree(123456789012, RecordHash("hello
  // world")); RecordHash is the RFC 6962 leaf hash.
  Checkpoint cp;
  cp.origin = "go.sum database tree";
  cp.size = 123456789012;
  cp.root = Sha256TreeHasher().HashLeaf("hello world");
  Result<std::string> text = FormatCheckpoint(cp);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text,
            "go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n");
  Result<Checkpoint> back = ParseCheckpoint(*text);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, cp);
}

TEST(NoteVectorTest, C2spCheckpointExampleParses) {
  const std::string note =
      "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n"
      "\xe2\x80\x94 example.com/behind-the-sofa "
      "Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+"
      "xeMcTOAYQ8=\n";
  Result<Note> parsed = ParseNote(note);
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  ASSERT_EQ(parsed->signatures.size(), 1u);
  EXPECT_EQ(parsed->signatures[0].key_name, "example.com/behind-the-sofa");
  EXPECT_EQ(parsed->signatures[0].signature.size(), 64u);
  Result<Checkpoint> cp = ParseCheckpoint(parsed->text);
  ASSERT_TRUE(cp.ok());
  EXPECT_EQ(cp->origin, "example.com/behind-the-sofa");
  EXPECT_EQ(cp->size, 20852163u);
  EXPECT_EQ(HashBase64(cp->root), "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=");
  Result<std::string> reformatted = FormatNote(*parsed);
  ASSERT_TRUE(reformatted.ok());
  EXPECT_EQ(*reformatted, note);
}

// Interoperability: every checkpoint Tessera wrote (Go's note package signed them).
TEST(NoteVectorTest, TesseraCheckpointsVerify) {
  const fs::path log = fs::path(ZJ_LEDGER_TESTDATA) / "tlog" / "tessera-log";
  auto key =
      Verifier("example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx");
  ASSERT_TRUE(key);
  for (int n = 0; n <= 15; ++n) {
    const std::string note = ReadFile(log / ("checkpoint." + std::to_string(n)));
    Result<Checkpoint> cp = OpenCheckpoint(note, *key, "example.com/log/testdata");
    ASSERT_TRUE(cp.ok()) << n << ": " << cp.error().ToString();
    EXPECT_EQ(cp->size, static_cast<uint64_t>(n));
    if (n == 0) {
      EXPECT_EQ(cp->root, Sha256TreeHasher().EmptyRoot());
    }
    EXPECT_EQ(OpenCheckpoint(note, *key, "example.com/log/other").error().code(),
              "checkpoint.wrong-origin");
  }
  Result<Checkpoint> latest =
      OpenCheckpoint(ReadFile(log / "checkpoint"), *key, "example.com/log/testdata");
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->size, 15u);
  // Another key of the same name is not the log's key: nothing known signed it.
  Result<KeyPair> other = GenerateEd25519Key("example.com/log/testdata", Seed('o'));
  auto other_key = Verifier(other->verifier_key);
  EXPECT_EQ(OpenCheckpoint(ReadFile(log / "checkpoint"), *other_key, "example.com/log/testdata")
                .error()
                .code(),
            "note.unverified");
}

// ---- keys -----------------------------------------------------------------------------------

TEST(NoteKeyTest, Ed25519KeysFromSeedsAreDeterministic) {
  Result<KeyPair> a = GenerateEd25519Key("zhijian.example.cn/log", Seed('a'));
  Result<KeyPair> b = GenerateEd25519Key("zhijian.example.cn/log", Seed('a'));
  Result<KeyPair> c = GenerateEd25519Key("zhijian.example.cn/log", Seed('c'));
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(a->signer_key, b->signer_key);
  EXPECT_EQ(a->verifier_key, b->verifier_key);
  EXPECT_NE(a->verifier_key, c->verifier_key);
  EXPECT_EQ(a->signer_key.rfind("PRIVATE+KEY+zhijian.example.cn/log+", 0), 0u);
  auto signer = Signer(a->signer_key);
  auto verifier = Verifier(a->verifier_key);
  ASSERT_TRUE(signer && verifier);
  EXPECT_EQ(signer->KeyId(), verifier->KeyId());
  EXPECT_EQ(verifier->VerifierKey(), a->verifier_key);
  // The key id is SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[:4].
  const std::string typed_key = TypedKey(a->verifier_key);
  const Sha256Digest d = Sha256("zhijian.example.cn/log\n" + typed_key);
  EXPECT_EQ(verifier->KeyId(),
            (uint32_t{d[0]} << 24) | (uint32_t{d[1]} << 16) | (uint32_t{d[2]} << 8) | d[3]);
  EXPECT_EQ(typed_key.size(), 33u);
  EXPECT_EQ(typed_key[0], '\x01');
}

TEST(NoteKeyTest, BadKeysAreRefused) {
  auto code = [](std::string_view vkey) {
    Result<std::unique_ptr<NoteVerifier>> v = NewNoteVerifier(vkey);
    return v.ok() ? std::string("ok") : v.error().code();
  };
  const std::string good = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
  EXPECT_EQ(code(good), "ok");
  EXPECT_EQ(code("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"),
            "note.bad-key");  // id does not match
  EXPECT_EQ(code("PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"),
            "note.bad-key");
  EXPECT_EQ(code("Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"),
            "note.bad-key");
  EXPECT_EQ(code("PeterNeumann"), "note.bad-key");
  EXPECT_EQ(code("PeterNeumann+c74f20a3+!!!!"), "note.bad-key");
  EXPECT_EQ(code("+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"), "note.bad-key");
  // A wrong-length Ed25519 key and an unknown type byte, each with a matching id.
  auto vkey_for = [](std::string_view name, const std::string& typed_key) {
    char id[9];
    std::snprintf(id, sizeof id, "%08x", ComputeKeyId(name, typed_key));
    return std::string(name) + "+" + id + "+" + Base64Encode(typed_key);
  };
  EXPECT_EQ(code(vkey_for("n", std::string("\x01", 1) + std::string(31, 'k'))), "note.bad-key");
  EXPECT_EQ(code(vkey_for("n", std::string("\x01", 1) + std::string(32, 'k'))), "ok");
  EXPECT_EQ(code(vkey_for("n", std::string("\x42", 1) + std::string(32, 'k'))),
            "note.unsupported-algorithm");
  // An SM2 key whose point is not on the curve.
  EXPECT_EQ(code(vkey_for("n", std::string(kSm2SignatureType) + "\x04" + std::string(64, 'k'))),
            "note.bad-key");

  EXPECT_EQ(NewNoteSigner(good).error().code(), "note.bad-key");  // not a signer key
  EXPECT_EQ(NewNoteSigner("PRIVATE+KEY+PeterNeumann+c74f20a4+AYEKFALVFGyNhPJEMzD1QIDr+"
                          "Y7hfZx09iUvxdXHKDFz")
                .error()
                .code(),
            "note.bad-key");
  EXPECT_EQ(GenerateEd25519Key("a+b", Seed('x')).error().code(), "note.bad-key");
  EXPECT_EQ(GenerateEd25519Key("ab", "short").error().code(), "note.bad-key");
  EXPECT_FALSE(IsValidKeyName(""));
  EXPECT_FALSE(IsValidKeyName("a b"));
  EXPECT_FALSE(
      IsValidKeyName("a\xe3\x80\x80"
                     "b"));  // U+3000 ideographic space
  EXPECT_FALSE(
      IsValidKeyName("a\xc2\xa0"
                     "b"));  // NBSP
  EXPECT_FALSE(IsValidKeyName("a\xff"));
  EXPECT_TRUE(IsValidKeyName("监管.example.cn/日志"));
}

// ---- notes ----------------------------------------------------------------------------------

class NoteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<KeyPair> log = GenerateEd25519Key("zhijian.example.cn/log", Seed('L'));
    Result<KeyPair> witness = GenerateEd25519Key("witness.example.org", Seed('W'));
    ASSERT_TRUE(log.ok() && witness.ok());
    log_signer_ = Signer(log->signer_key);
    log_verifier_ = Verifier(log->verifier_key);
    witness_signer_ = Signer(witness->signer_key);
    witness_verifier_ = Verifier(witness->verifier_key);
  }
  std::unique_ptr<NoteSigner> log_signer_, witness_signer_;
  std::unique_ptr<NoteVerifier> log_verifier_, witness_verifier_;
};

TEST_F(NoteTest, SignAndOpenWithKnownAndUnknownKeys) {
  const NoteSigner* both[] = {log_signer_.get(), witness_signer_.get()};
  Result<std::string> note = SignNote("hello\n\nworld\n", both);
  ASSERT_TRUE(note.ok());
  const NoteVerifier* log_only[] = {log_verifier_.get()};
  Result<VerifiedNote> opened = OpenNote(*note, log_only);
  ASSERT_TRUE(opened.ok()) << opened.error().ToString();
  EXPECT_EQ(opened->text, "hello\n\nworld\n");  // text with an empty line inside
  ASSERT_EQ(opened->verified.size(), 1u);
  EXPECT_EQ(opened->verified[0].key_name, "zhijian.example.cn/log");
  ASSERT_EQ(opened->unverified.size(), 1u);
  EXPECT_EQ(opened->unverified[0].key_name, "witness.example.org");
  const NoteVerifier* all[] = {log_verifier_.get(), witness_verifier_.get()};
  opened = OpenNote(*note, all);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(opened->verified.size(), 2u);
  const NoteVerifier* none[] = {witness_verifier_.get()};
  const NoteSigner* log_alone[] = {log_signer_.get()};
  EXPECT_EQ(ErrorCode(OpenNote(*SignNote("x\n", log_alone), none)), "note.unverified");
}

TEST_F(NoteTest, TamperingIsDetected) {
  const NoteSigner* signers[] = {log_signer_.get()};
  const NoteVerifier* known[] = {log_verifier_.get()};
  const std::string note = *SignNote("origin\n42\n", signers);
  ASSERT_TRUE(OpenNote(note, known).ok());
  // Every single-byte change of the text or the signature is caught (as a bad signature,
  // an unknown key, or a malformed note) — never accepted.
  for (size_t i = 0; i < note.size(); ++i) {
    std::string t = note;
    t[i] = static_cast<char>(t[i] ^ 0x01);
    EXPECT_FALSE(OpenNote(t, known).ok()) << i;
  }
  // A signature by the right name but another id is ignored (unknown key), so the note has no
  // verified signature.
  Result<Note> parsed = ParseNote(note);
  parsed->signatures[0].key_id ^= 1;
  EXPECT_EQ(ErrorCode(OpenNote(*FormatNote(*parsed), known)), "note.unverified");
  // A forged signature of the known key rejects the whole note even if another line verifies.
  parsed = ParseNote(note);
  Note doubled = *parsed;
  NoteSignature forged = doubled.signatures[0];
  forged.signature[5] ^= 0x40;
  doubled.signatures.insert(doubled.signatures.begin(), forged);
  EXPECT_EQ(ErrorCode(OpenNote(*FormatNote(doubled), known)), "note.invalid-signature");
  // The same valid signature twice counts once.
  Note twice = *parsed;
  twice.signatures.push_back(twice.signatures[0]);
  Result<VerifiedNote> opened = OpenNote(*FormatNote(twice), known);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(opened->verified.size(), 1u);
}

TEST_F(NoteTest, MalformedNotesAreRefused) {
  const NoteSigner* signers[] = {log_signer_.get()};
  const NoteVerifier* known[] = {log_verifier_.get()};
  const std::string good = *SignNote("a\n", signers);
  const std::string sig_line = good.substr(3);  // after "a\n\n"
  auto code = [&](const std::string& msg) { return ErrorCode(OpenNote(msg, known)); };
  EXPECT_EQ(code(good), "ok");
  EXPECT_EQ(code(good.substr(0, good.size() - 1)), "note.malformed");  // no final newline
  EXPECT_EQ(code("a\n" + sig_line), "note.malformed");                 // no blank line
  EXPECT_EQ(code("a\n\n" + sig_line + "\n"), "note.malformed");        // trailing blank line
  EXPECT_EQ(code("a\n\n- " + sig_line.substr(4)), "note.malformed");   // hyphen, not em dash
  EXPECT_EQ(code("a\r\n\n" + sig_line), "note.malformed");             // control character
  EXPECT_EQ(code("a\xff\n\n" + sig_line), "note.malformed");           // invalid UTF-8
  EXPECT_EQ(code("a\n\n\xe2\x80\x94 zhijian.example.cn/log\n"), "note.malformed");
  EXPECT_EQ(code("a\n\n\xe2\x80\x94 zhijian.example.cn/log AAAA\n"), "note.malformed");  // < 5
  EXPECT_EQ(code("a\n\n\xe2\x80\x94 zhijian.example.cn/log AAAAAA=\n"), "note.malformed");
  EXPECT_EQ(code("a\n\n\xe2\x80\x94 bad+name AAAAAAA=\n"), "note.malformed");
  EXPECT_EQ(code("a\n\n"), "note.malformed");
  // At most 100 signature lines; 100 unknown ones plus... are refused, 16 are fine.
  std::string many = good;
  const std::string unknown = "\xe2\x80\x94 someone.example AAAAAAA=\n";
  for (int i = 0; i < 15; ++i) many += unknown;
  EXPECT_EQ(code(many), "ok");
  for (int i = 0; i < 85; ++i) many += unknown;
  EXPECT_EQ(code(many), "note.malformed");
  // Signing needs valid text.
  EXPECT_EQ(SignNote("no newline", signers).error().code(), "note.malformed");
  EXPECT_EQ(SignNote("tab\there\n", signers).error().code(), "note.malformed");
  EXPECT_EQ(SignNote("", signers).error().code(), "note.malformed");
  EXPECT_EQ(SignNote("x\n", {}).error().code(), "note.malformed");
}

// ---- checkpoints ----------------------------------------------------------------------------

TEST_F(NoteTest, CheckpointRoundTripAndStrictParsing) {
  Checkpoint cp;
  cp.origin = "zhijian.example.cn/log";
  cp.size = 1234;
  cp.root = Sha256TreeHasher().HashLeaf("x");
  cp.extensions = {"ext one"};
  const NoteSigner* signers[] = {log_signer_.get()};
  Result<std::string> note = SignCheckpoint(cp, signers);
  ASSERT_TRUE(note.ok());
  Result<Checkpoint> opened = OpenCheckpoint(*note, *log_verifier_, "zhijian.example.cn/log");
  ASSERT_TRUE(opened.ok()) << opened.error().ToString();
  EXPECT_EQ(*opened, cp);
  EXPECT_EQ(OpenCheckpoint(*note, *witness_verifier_, "zhijian.example.cn/log").error().code(),
            "note.unverified");

  const std::string root = HashBase64(cp.root);
  auto code = [](const std::string& text) {
    Result<Checkpoint> r = ParseCheckpoint(text);
    return r.ok() ? std::string("ok") : r.error().code();
  };
  EXPECT_EQ(code("o\n0\n" + root + "\n"), "ok");
  EXPECT_EQ(code("o\n18446744073709551615\n" + root + "\n"), "ok");
  EXPECT_EQ(code("o\n18446744073709551616\n" + root + "\n"), "checkpoint.malformed");
  EXPECT_EQ(code("o\n01\n" + root + "\n"), "checkpoint.malformed");
  EXPECT_EQ(code("o\n+1\n" + root + "\n"), "checkpoint.malformed");
  EXPECT_EQ(code("o\n1 \n" + root + "\n"), "checkpoint.malformed");
  EXPECT_EQ(code("o\n1\n" + root), "checkpoint.malformed");
  EXPECT_EQ(code("o\n1\n"), "checkpoint.malformed");
  EXPECT_EQ(code("\n1\n" + root + "\n"), "checkpoint.malformed");
  EXPECT_EQ(code("o\n1\n" + root + "\n\n"), "checkpoint.malformed");
  EXPECT_EQ(code("o\n1\nZG9uJ3QgY2FyZSAx\n"), "checkpoint.malformed");  // 12-byte root
  EXPECT_EQ(code("o\n1\n" + root.substr(0, 43) + "\n"), "checkpoint.malformed");
  Checkpoint bad = cp;
  bad.origin = "";
  EXPECT_EQ(FormatCheckpoint(bad).error().code(), "checkpoint.malformed");
  bad.origin = "a\nb";
  EXPECT_EQ(FormatCheckpoint(bad).error().code(), "checkpoint.malformed");
  bad = cp;
  bad.extensions = {""};
  EXPECT_EQ(FormatCheckpoint(bad).error().code(), "checkpoint.malformed");
}

// ---- SM2 ------------------------------------------------------------------------------------

// Verifies a DER signature over a precomputed digest e (as OpenSSL's evppkey_sm2.txt does).
bool Sm2VerifyDigest(EVP_PKEY* pkey, const std::string& e, const std::string& der) {
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(pkey, nullptr);
  bool ok = ctx != nullptr && EVP_PKEY_verify_init(ctx) == 1 &&
            EVP_PKEY_CTX_set_signature_md(ctx, EVP_sm3()) == 1 &&
            EVP_PKEY_verify(ctx, reinterpret_cast<const unsigned char*>(der.data()), der.size(),
                            reinterpret_cast<const unsigned char*>(e.data()), e.size()) == 1;
  EVP_PKEY_CTX_free(ctx);
  return ok;
}

std::string Unhex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
  }
  return out;
}

std::string Sm3(const std::string& bytes) {
  const TreeHasher* sm3 = *Sm3TreeHasher();
  return std::string(HashBytes(sm3->Digest({bytes})));
}

TEST(NoteSm2Test, SignVerifyRoundTrip) {
  Result<KeyPair> pair = GenerateSm2Key("zhijian.example.cn/log-sm2", Seed('s'));
  ASSERT_TRUE(pair.ok()) << pair.error().ToString();
  auto signer = Signer(pair->signer_key);
  auto verifier = Verifier(pair->verifier_key);
  ASSERT_TRUE(signer && verifier);
  EXPECT_EQ(signer->Algorithm(), KeyAlgorithm::kSm2);
  EXPECT_EQ(verifier->Algorithm(), KeyAlgorithm::kSm2);
  EXPECT_EQ(signer->KeyId(), verifier->KeyId());
  EXPECT_EQ(verifier->VerifierKey(), pair->verifier_key);
  const std::string typed = TypedKey(pair->verifier_key);
  EXPECT_EQ(typed.size(), 9u + 65u);
  EXPECT_EQ(typed.substr(0, 9), kSm2SignatureType);
  EXPECT_EQ(verifier->KeyId(), ComputeKeyId("zhijian.example.cn/log-sm2", typed));

  const NoteSigner* signers[] = {signer.get()};
  const NoteVerifier* known[] = {verifier.get()};
  Result<std::string> note = SignNote("zhijian.example.cn/log\n7\nAAAA\n", signers);
  ASSERT_TRUE(note.ok());
  Result<VerifiedNote> opened = OpenNote(*note, known);
  ASSERT_TRUE(opened.ok()) << opened.error().ToString();
  EXPECT_EQ(opened->verified[0].signature.size(), 64u);
  std::string tampered = *note;
  tampered[2] = 'X';
  EXPECT_EQ(ErrorCode(OpenNote(tampered, known)), "note.invalid-signature");
  // SM2 signatures are randomised: two signatures differ, both verify.
  Result<std::string> s1 = signer->Sign("m"), s2 = signer->Sign("m");
  EXPECT_NE(*s1, *s2);
  EXPECT_TRUE(verifier->Verify("m", *s1));
  EXPECT_TRUE(verifier->Verify("m", *s2));
  EXPECT_FALSE(verifier->Verify("n", *s1));
  EXPECT_FALSE(verifier->Verify("m", s1->substr(1)));
  // An Ed25519 verifier of the same name never accepts an SM2 signature line (different id).
  Result<KeyPair> ed = GenerateEd25519Key("zhijian.example.cn/log-sm2", Seed('s'));
  auto ed_verifier = Verifier(ed->verifier_key);
  EXPECT_NE(ed_verifier->KeyId(), verifier->KeyId());
}

TEST(NoteSm2Test, PrivateKeyRange) {
  EXPECT_EQ(GenerateSm2Key("k", std::string(32, '\0')).error().code(), "note.bad-key");
  EXPECT_EQ(GenerateSm2Key("k", std::string(32, '\xff')).error().code(), "note.bad-key");
  // n − 2 is the largest allowed scalar, n − 1 is refused.
  const std::string n_minus_2 =
      Unhex("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54121");
  const std::string n_minus_1 =
      Unhex("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54122");
  EXPECT_TRUE(GenerateSm2Key("k", n_minus_2).ok());
  EXPECT_EQ(GenerateSm2Key("k", n_minus_1).error().code(), "note.bad-key");
  EXPECT_EQ(GenerateSm2Key("k", std::string(31, '\x01')).error().code(), "note.bad-key");
}

// Our message-level SM2 signature is e = SM3(Z ‖ M) with Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖
// xA ‖ yA) (GB/T 32918.2 §5.5, ID "1234567812345678"): recompute e here from the curve
// constants of GB/T 32918.5 and check the signature against e with OpenSSL's digest-level
// verifier, which OpenSSL's own published vectors check first.
TEST(NoteSm2Test, SignatureIsOverStandardZValue) {
  // OpenSSL test/recipes/30-test_evp_data/evppkey_sm2.txt, SM2_key1 and its two SM3 vectors.
  const char* kPem =
      "-----BEGIN PRIVATE KEY-----\n"
      "MIGHAgEAMBMGByqGSM49AgEGCCqBHM9VAYItBG0wawIBAQQg0JFWczAXva2An9m7\n"
      "2MaT9gIwWTFptvlKrxyO4TjMmbWhRANCAAQ5OirZ4n5DrKqrhaGdO4VZHhRAYVcX\n"
      "Wt3Te/d/8Mr57Tf886i09VwDhSMmH8pmNq/mp6+ioUgqYG9cs6GLLioe\n"
      "-----END PRIVATE KEY-----\n";
  BIO* bio = BIO_new_mem_buf(kPem, -1);
  EVP_PKEY* key1 = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  ASSERT_NE(key1, nullptr);
  EXPECT_TRUE(Sm2VerifyDigest(
      key1, Unhex("D7AD397F6FFA5D4F7F11E7217F241607DC30618C236D2C09C1B9EA8FDADEE2E8"),
      Unhex("3046022100AB1DB64DE7C40EDBDE6651C9B8EBDB804673DB836E5D5C7FE15DCF9ED2725037022100EBA"
            "714451FF69B0BB930B379E192E7CD5FA6E3C41C7FBD8303B799AB54A54621")));
  EXPECT_TRUE(Sm2VerifyDigest(
      key1, Unhex("B1139602C6ECC9E15E2F3F9C635A1AFE737058BC15387479C1EA0D0B3D90E9E5"),
      Unhex("3045022100E6E0414EBD3A656C35602AF14AB20287DBF30D57AF75C49A188ED4B42391F22402202F54F"
            "277C606F4605E1CE9514947FFDDF94C67A539804A4ED17F852288BDBE2E")));
  EXPECT_FALSE(Sm2VerifyDigest(
      key1, Unhex("C1139602C6ECC9E15E2F3F9C635A1AFE737058BC15387479C1EA0D0B3D90E9E5"),
      Unhex("3045022100E6E0414EBD3A656C35602AF14AB20287DBF30D57AF75C49A188ED4B42391F22402202F54F"
            "277C606F4605E1CE9514947FFDDF94C67A539804A4ED17F852288BDBE2E")));
  EVP_PKEY_free(key1);

  // Our key and a signature over a message.
  Result<KeyPair> pair = GenerateSm2Key("k", Seed('z'));
  ASSERT_TRUE(pair.ok());
  auto signer = Signer(pair->signer_key);
  const std::string point = TypedKey(pair->verifier_key).substr(9);
  const std::string message = "zhijian.example.cn/log\n1\nAAAA\n";
  const std::string sig = *signer->Sign(message);

  const std::string a = Unhex("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC");
  const std::string b = Unhex("28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93");
  const std::string gx = Unhex("32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7");
  const std::string gy = Unhex("BC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0");
  const std::string id(kSm2DistinguishingId);
  const std::string entl("\x00\x80", 2);  // 128 bits
  const std::string z = Sm3(entl + id + a + b + gx + gy + point.substr(1, 32) + point.substr(33));
  const std::string e = Sm3(z + message);

  // r ‖ s -> DER, via OpenSSL's ECDSA_SIG.
  ECDSA_SIG* es = ECDSA_SIG_new();
  ECDSA_SIG_set0(es, BN_bin2bn(reinterpret_cast<const unsigned char*>(sig.data()), 32, nullptr),
                 BN_bin2bn(reinterpret_cast<const unsigned char*>(sig.data()) + 32, 32, nullptr));
  unsigned char* der = nullptr;
  const int der_len = i2d_ECDSA_SIG(es, &der);
  ECDSA_SIG_free(es);
  ASSERT_GT(der_len, 0);
  const std::string der_sig(reinterpret_cast<char*>(der), static_cast<size_t>(der_len));
  OPENSSL_free(der);

  // The public key as an EVP_PKEY (from the uncompressed point).
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "SM2", nullptr);
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>("SM2"), 0),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, const_cast<char*>(point.data()),
                                        point.size()),
      OSSL_PARAM_construct_end()};
  EVP_PKEY* pub = nullptr;
  ASSERT_EQ(EVP_PKEY_fromdata_init(ctx), 1);
  ASSERT_EQ(EVP_PKEY_fromdata(ctx, &pub, EVP_PKEY_PUBLIC_KEY, params), 1);
  EVP_PKEY_CTX_free(ctx);
  EXPECT_TRUE(Sm2VerifyDigest(pub, e, der_sig));
  // With another distinguishing ID (e.g. the empty one) the digest differs and it fails.
  const std::string z_empty =
      Sm3(std::string("\x00\x00", 2) + a + b + gx + gy + point.substr(1, 32) + point.substr(33));
  EXPECT_FALSE(Sm2VerifyDigest(pub, Sm3(z_empty + message), der_sig));
  EVP_PKEY_free(pub);
}

}  // namespace
}  // namespace zhijian::ledger
