#include "zhijian/ledger/qr.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "zhijian/base/date.h"
#include "zhijian/base/report_code.h"
#include "zhijian/ledger/encoding.h"

namespace zhijian::ledger {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kPrefix = "https://zj.example.cn";

QrClaims Claims() {
  QrClaims c;
  c.code = ReportCode::Make("370102", 2025, 123456789)->str();
  c.document_sha256 = Sha256("%PDF-1.7 example report");
  c.issue_date = "2025-11-20";
  return c;
}

class QrTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<KeyPair> key = GenerateEd25519Key("zhijian.example.cn/qr", std::string(32, 'q'));
    ASSERT_TRUE(key.ok());
    signer_ = std::move(*NewNoteSigner(key->signer_key));
    verifier_ = std::move(*NewNoteVerifier(key->verifier_key));
    vkey_ = key->verifier_key;
  }
  std::string Text() { return *MakeQrText(Claims(), *signer_, kPrefix); }
  std::unique_ptr<NoteSigner> signer_;
  std::unique_ptr<NoteVerifier> verifier_;
  std::string vkey_;
};

TEST(QrEncodingTest, Base32AndBase64Rfc4648Vectors) {
  // RFC 4648 §10 (Base32 written here without '=' padding).
  const std::pair<const char*, const char*> kBase32[] = {{"", ""},
                                                         {"f", "MY"},
                                                         {"fo", "MZXQ"},
                                                         {"foo", "MZXW6"},
                                                         {"foob", "MZXW6YQ"},
                                                         {"fooba", "MZXW6YTB"},
                                                         {"foobar", "MZXW6YTBOI"}};
  for (const auto& [plain, encoded] : kBase32) {
    EXPECT_EQ(Base32Encode(plain), encoded);
    Result<std::string> back = Base32Decode(encoded);
    ASSERT_TRUE(back.ok()) << encoded;
    EXPECT_EQ(*back, plain);
  }
  const std::pair<const char*, const char*> kBase64[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : kBase64) {
    EXPECT_EQ(Base64Encode(plain), encoded);
    Result<std::string> back = Base64Decode(encoded);
    ASSERT_TRUE(back.ok()) << encoded;
    EXPECT_EQ(*back, plain);
  }
  // Strictness: padding, non-zero pad bits, whitespace, lower-case Base32.
  EXPECT_FALSE(Base32Decode("MY======").ok());
  EXPECT_FALSE(Base32Decode("MZ").ok());  // pad bits set
  EXPECT_FALSE(Base32Decode("my").ok());
  EXPECT_FALSE(Base32Decode("M").ok());
  EXPECT_FALSE(Base32Decode("MZXW6Y1").ok());
  EXPECT_FALSE(Base64Decode("Zg").ok());
  EXPECT_FALSE(Base64Decode("Zh==").ok());
  EXPECT_FALSE(Base64Decode("Zm9v\n").ok());
  EXPECT_FALSE(Base64Decode("Zm 9v").ok());
  EXPECT_EQ(Base64Decode("Zm9-").error().code(), "ledger.bad-base64");
  EXPECT_EQ(Base32Decode("MZXW6Y1").error().code(), "ledger.bad-base32");
  // All byte values survive.
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  EXPECT_EQ(*Base32Decode(Base32Encode(all)), all);
  EXPECT_EQ(*Base64Decode(Base64Encode(all)), all);
}

TEST_F(QrTest, PayloadLayoutFieldByField) {
  Result<std::string> payload = SignQrPayload(Claims(), *signer_);
  ASSERT_TRUE(payload.ok()) << payload.error().ToString();
  ASSERT_EQ(payload->size(), kQrPayloadSize);
  EXPECT_LE(payload->size(), 200u);
  const QrClaims c = Claims();
  EXPECT_EQ((*payload)[0], '\x01');
  EXPECT_EQ(payload->substr(1, 20), c.code);
  EXPECT_EQ(payload->substr(21, 32),
            std::string(reinterpret_cast<const char*>(c.document_sha256.data()), 32));
  const int64_t day = *ParseIsoDay("2025-11-20");
  EXPECT_EQ(payload->substr(53, 4),
            std::string({static_cast<char>(day >> 24), static_cast<char>(day >> 16),
                         static_cast<char>(day >> 8), static_cast<char>(day)}));
  const uint32_t id = signer_->KeyId();
  EXPECT_EQ(payload->substr(57, 4),
            std::string({static_cast<char>(id >> 24), static_cast<char>(id >> 16),
                         static_cast<char>(id >> 8), static_cast<char>(id)}));
  // The signature is Ed25519 over the context string and the first 61 bytes.
  const std::string message = std::string("zhijian/qr/v1\0", 14) + payload->substr(0, 61);
  EXPECT_TRUE(verifier_->Verify(message, payload->substr(61)));
  EXPECT_EQ(*signer_->Sign(message), payload->substr(61));  // deterministic
}

TEST_F(QrTest, TextRoundTripAndOfflineVerification) {
  const std::string text = Text();
  EXPECT_EQ(text.rfind("HTTPS://ZJ.EXAMPLE.CN/V/", 0), 0u);
  EXPECT_EQ(text.size(), 24u + 200u);
  for (char c : text) {
    EXPECT_NE(std::string_view("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:").find(c),
              std::string_view::npos)
        << "not QR alphanumeric: " << c;
  }
  // Offline: only the verifier key text is needed.
  auto key = NewNoteVerifier(vkey_);
  ASSERT_TRUE(key.ok());
  const NoteVerifier* keys[] = {key->get()};
  Result<QrPayload> verified = VerifyQrText(text, keys);
  ASSERT_TRUE(verified.ok()) << verified.error().ToString();
  EXPECT_EQ(verified->claims, Claims());
  EXPECT_EQ(verified->key_id, (*key)->KeyId());
  EXPECT_EQ(verified->url_prefix, "HTTPS://ZJ.EXAMPLE.CN");
  // The spellings a browser or scanner may produce.
  std::string lower = text;
  for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  EXPECT_TRUE(VerifyQrText(lower, keys).ok());
  EXPECT_TRUE(VerifyQrText(text + "\n", keys).ok());
  const std::string bare = text.substr(text.rfind('/') + 1);
  Result<QrPayload> from_bare = VerifyQrText(bare, keys);
  ASSERT_TRUE(from_bare.ok());
  EXPECT_EQ(from_bare->url_prefix, "");
  // The prefix is reported, not trusted: another host verifies the same payload.
  Result<QrPayload> elsewhere = VerifyQrText("HTTPS://EVIL.EXAMPLE/V/" + bare, keys);
  ASSERT_TRUE(elsewhere.ok());
  EXPECT_EQ(elsewhere->url_prefix, "HTTPS://EVIL.EXAMPLE");
}

TEST_F(QrTest, EveryChangedCharacterFails) {
  const std::string text = Text();
  const NoteVerifier* keys[] = {verifier_.get()};
  const size_t start = text.rfind('/') + 1;
  size_t checked = 0;
  for (size_t i = start; i < text.size(); ++i) {
    for (char c : std::string_view("AQZ27")) {
      if (c == text[i]) continue;
      std::string t = text;
      t[i] = c;
      Result<QrPayload> r = VerifyQrText(t, keys);
      EXPECT_FALSE(r.ok()) << i;
      ++checked;
    }
  }
  EXPECT_GT(checked, 900u);
  EXPECT_FALSE(VerifyQrText(text.substr(0, text.size() - 1), keys).ok());
  EXPECT_FALSE(VerifyQrText(text + "A", keys).ok());
}

TEST_F(QrTest, KeysAndErrors) {
  const std::string text = Text();
  // A different key, even with the same name, is not trusted.
  Result<KeyPair> other = GenerateEd25519Key("zhijian.example.cn/qr", std::string(32, 'r'));
  auto other_verifier = NewNoteVerifier(other->verifier_key);
  const NoteVerifier* wrong[] = {other_verifier->get()};
  EXPECT_EQ(VerifyQrText(text, wrong).error().code(), "qr.unknown-key");
  EXPECT_EQ(VerifyQrText(text, {}).error().code(), "qr.unknown-key");
  // A key with the right id but other key material (a forged id collision) fails the signature.
  class Impostor : public NoteVerifier {
   public:
    explicit Impostor(const NoteVerifier& real, const NoteVerifier& other)
        : real_(real), other_(other) {}
    const std::string& KeyName() const override { return real_.KeyName(); }
    uint32_t KeyId() const override { return real_.KeyId(); }
    KeyAlgorithm Algorithm() const override { return KeyAlgorithm::kEd25519; }
    bool Verify(std::string_view m, std::string_view s) const override {
      return other_.Verify(m, s);
    }
    std::string VerifierKey() const override { return ""; }

   private:
    const NoteVerifier& real_;
    const NoteVerifier& other_;
  } impostor(*verifier_, **other_verifier);
  const NoteVerifier* collide[] = {&impostor};
  EXPECT_EQ(VerifyQrText(text, collide).error().code(), "qr.bad-signature");

  auto code = [](std::string_view t) {
    Result<QrPayload> r = ParseQrText(t);
    return r.ok() ? std::string("ok") : r.error().code();
  };
  EXPECT_EQ(code(text), "ok");
  EXPECT_EQ(code(""), "qr.malformed");
  EXPECT_EQ(code("hello"), "qr.malformed");
  EXPECT_EQ(code("A"), "qr.malformed");
  EXPECT_EQ(code("https://zj.example.cn/x/" + text.substr(24)), "qr.malformed");
  EXPECT_EQ(code("ftp://zj.example.cn/V/" + text.substr(24)), "qr.bad-prefix");
  EXPECT_EQ(code("HTTPS://ZJ_EXAMPLE.CN/V/" + text.substr(24)), "qr.bad-prefix");
  // Version 2 is refused as such.
  std::string payload = *SignQrPayload(Claims(), *signer_);
  payload[0] = '\x02';
  EXPECT_EQ(code(Base32Encode(payload)), "qr.unsupported-version");
  // A payload whose code is not canonical is not ours.
  payload = *SignQrPayload(Claims(), *signer_);
  payload[5] = 'B';
  EXPECT_EQ(code(Base32Encode(payload)), "qr.malformed");

  QrClaims bad = Claims();
  bad.code = "370102-2025-00060-GYJMQ";
  EXPECT_EQ(SignQrPayload(bad, *signer_).error().code(), "qr.bad-claims");
  bad = Claims();
  bad.issue_date = "2025-13-01";
  EXPECT_EQ(SignQrPayload(bad, *signer_).error().code(), "qr.bad-claims");
  EXPECT_EQ(MakeQrText(Claims(), *signer_, "zj.example.cn").error().code(), "qr.bad-prefix");
  EXPECT_EQ(MakeQrText(Claims(), *signer_, "https://").error().code(), "qr.bad-prefix");
  EXPECT_EQ(MakeQrText(Claims(), *signer_, "https://zj.example.cn/?a=b").error().code(),
            "qr.bad-prefix");
  EXPECT_TRUE(MakeQrText(Claims(), *signer_, "http://localhost:8080/").ok());
  EXPECT_EQ(QrText(kPrefix, "short").error().code(), "qr.malformed");
}

TEST(QrSm2Test, Sm2SignedQrVerifies) {
  Result<KeyPair> key = GenerateSm2Key("zhijian.example.cn/qr-sm2", std::string(32, 's'));
  ASSERT_TRUE(key.ok());
  auto signer = NewNoteSigner(key->signer_key);
  auto verifier = NewNoteVerifier(key->verifier_key);
  ASSERT_TRUE(signer.ok() && verifier.ok());
  Result<std::string> text = MakeQrText(Claims(), **signer, kPrefix);
  ASSERT_TRUE(text.ok());
  const NoteVerifier* keys[] = {verifier->get()};
  Result<QrPayload> v = VerifyQrText(*text, keys);
  ASSERT_TRUE(v.ok()) << v.error().ToString();
  EXPECT_EQ(v->claims, Claims());
}

// ---- rendering ------------------------------------------------------------------------------

TEST_F(QrTest, SymbolVersionAndSvg) {
  const std::string text = Text();
  Result<QrSymbol> q = EncodeQr(text, QrEcc::kQ);
  ASSERT_TRUE(q.ok()) << q.error().ToString();
  // 224 alphanumeric characters: version 11 at ECC Q (alphanumeric capacity 259; version 10
  // holds 221), 61 × 61 modules.
  EXPECT_EQ(q->version, 11);
  EXPECT_EQ(q->width, 17 + 4 * q->version);
  Result<QrSymbol> m = EncodeQr(text, QrEcc::kM);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->version, 9);  // capacity 262 at M (version 8: 221)
  std::cout << "QR for a " << text.size() << "-character text: version " << q->version
            << " at ECC Q, " << m->version << " at ECC M\n";
  // Finder pattern: the top-left 7 × 7 ring is dark, its inner ring light.
  EXPECT_TRUE(q->dark(0, 0));
  EXPECT_TRUE(q->dark(6, 6));
  EXPECT_FALSE(q->dark(1, 1));
  EXPECT_TRUE(q->dark(3, 3));
  const std::string svg = QrSvg(*q);
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  EXPECT_NE(svg.find("viewBox=\"0 0 69 69\""), std::string::npos);
  EXPECT_NE(svg.find("M4 4h7v1h-7z"), std::string::npos);  // the finder's top row
  EXPECT_EQ(EncodeQr("").error().code(), "qr.empty");
  EXPECT_EQ(EncodeQr(std::string(5000, 'A')).error().code(), "qr.too-long");
  // Non-alphanumeric text still encodes (mixed segments).
  Result<QrSymbol> mixed = EncodeQr("https://zj.example.cn/v/abc?x=1");
  ASSERT_TRUE(mixed.ok());
}

// Real scanners read it: the PNG is decoded by zbarimg (zbar-tools).
TEST_F(QrTest, PngDecodesWithZbarimg) {
  if (std::system("command -v zbarimg > /dev/null 2>&1") != 0) {
    GTEST_SKIP() << "SKIPPED LOUDLY: zbarimg (Debian package zbar-tools) is not installed, so "
                    "the scanner round trip of the QR PNG was NOT tested";
  }
  for (QrEcc ecc : {QrEcc::kQ, QrEcc::kM}) {
    const std::string text = Text();
    Result<QrSymbol> q = EncodeQr(text, ecc);
    ASSERT_TRUE(q.ok());
    Result<std::string> png = QrPng(*q, 4, 6);
    ASSERT_TRUE(png.ok()) << png.error().ToString();
    ASSERT_EQ(png->substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
    char path[] = "/tmp/zj-qr-XXXXXX.png";
    const int fd = mkstemps(path, 4);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(write(fd, png->data(), png->size()), static_cast<ssize_t>(png->size()));
    close(fd);
    const std::string cmd = std::string("zbarimg --raw -q ") + path + " 2>/dev/null";
    FILE* pipe = popen(cmd.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    std::string out;
    std::array<char, 512> buf;
    for (size_t n; (n = fread(buf.data(), 1, buf.size(), pipe)) > 0;) out.append(buf.data(), n);
    const int status = pclose(pipe);
    fs::remove(path);
    EXPECT_EQ(status, 0) << cmd;
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    EXPECT_EQ(out, text);
    // And what the scanner read verifies offline.
    const NoteVerifier* keys[] = {verifier_.get()};
    EXPECT_TRUE(VerifyQrText(out, keys).ok());
  }
}

}  // namespace
}  // namespace zhijian::ledger
