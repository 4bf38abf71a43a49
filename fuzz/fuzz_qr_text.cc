// Fuzzes the QR payload parser (ledger/qr.h): ParseQrText and VerifyQrText on the input, and a
// sign-then-verify round trip of claims taken from it.
//
// Invariants: a parsed text has a canonical report code, a real issue date, a 64-byte signature
// and an upper-case http(s) prefix or none; lower case reads the same; the text rebuilt from its
// parts (QrText) parses to the same payload. Verification with the test key succeeds only for
// texts that key signed: a parsed text whose signature was not made by it is refused with
// "qr.unknown-key" or "qr.bad-signature". Claims signed with the test key always verify back to
// the same claims, with and without a secret segment. Rejections carry documented codes.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <set>
#include <string>

#include "fuzz/fuzz_check.h"
#include "zhijian/base/date.h"
#include "zhijian/base/report_code.h"
#include "zhijian/ledger/encoding.h"
#include "zhijian/ledger/note.h"
#include "zhijian/ledger/qr.h"

namespace {

using namespace zhijian::ledger;  // NOLINT(build/namespaces): a fuzz target of this module
using zhijian::fuzz::AsText;

const std::set<std::string>& Codes() {
  static const std::set<std::string> kCodes = {"qr.bad-prefix",          "qr.malformed",
                                               "qr.unsupported-version", "qr.bad-claims",
                                               "qr.unknown-key",         "qr.bad-signature"};
  return kCodes;
}

struct Keys {
  std::unique_ptr<NoteSigner> signer;
  std::unique_ptr<NoteVerifier> verifier;
};
const Keys& TestKeys() {
  static const Keys keys = [] {
    Keys k;
    auto pair = GenerateEd25519Key("zhijian.example.cn/log", std::string(32, 'f'));
    k.signer = std::move(*NewNoteSigner(pair->signer_key));
    k.verifier = std::move(*NewNoteVerifier(pair->verifier_key));
    return k;
  }();
  return keys;
}

std::string Lower(std::string_view s) { return zhijian::fuzz::ToLowerAscii(s); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = AsText(data, size);
  const NoteVerifier* keys[] = {TestKeys().verifier.get()};
  auto parsed = ParseQrText(text);
  if (parsed) {
    const QrClaims& c = parsed->claims;
    auto code = zhijian::ReportCode::Parse(c.code);
    ZJ_FUZZ_CHECK(code.ok() && code->str() == c.code, c.code);
    ZJ_FUZZ_CHECK(zhijian::ParseIsoDate(c.issue_date).has_value(), c.issue_date);
    ZJ_FUZZ_CHECK(parsed->signature.size() == 64, "signature size");
    ZJ_FUZZ_CHECK(parsed->url_prefix.empty() || parsed->url_prefix.rfind("HTTP", 0) == 0,
                  parsed->url_prefix);
    auto lower = ParseQrText(Lower(text));
    ZJ_FUZZ_CHECK(lower.ok() && lower->claims == c && lower->secret == parsed->secret,
                  "lower case");
    // Rebuild the text from its parts.
    std::string upper = zhijian::fuzz::ToLowerAscii(text);
    for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    const size_t marker = upper.rfind("/V/");
    std::string b32 = marker == std::string::npos ? upper : upper.substr(marker + 3);
    b32 = b32.substr(0, b32.find('/'));
    while (!b32.empty() && (b32.back() == '\n' || b32.back() == '\r')) b32.pop_back();
    auto payload = Base32Decode(b32);
    ZJ_FUZZ_CHECK(payload.ok() && payload->size() == kQrPayloadSize, "payload");
    if (!parsed->url_prefix.empty()) {
      auto rebuilt = QrText(parsed->url_prefix, *payload, parsed->secret);
      ZJ_FUZZ_CHECK(rebuilt.ok(), "rebuild");
      auto again = ParseQrText(*rebuilt);
      ZJ_FUZZ_CHECK(again.ok() && again->claims == c && again->secret == parsed->secret &&
                        again->signature == parsed->signature && again->key_id == parsed->key_id,
                    *rebuilt);
    }
    auto verified = VerifyQrText(text, keys);
    if (!verified) {
      ZJ_FUZZ_CHECK(verified.error().code() == "qr.unknown-key" ||
                        verified.error().code() == "qr.bad-signature",
                    verified.error().code());
    } else {
      ZJ_FUZZ_CHECK(verified->claims == c, "verified claims");
    }
  } else {
    ZJ_FUZZ_CHECK(Codes().count(parsed.error().code()), parsed.error().code());
  }
  // Claims from the input: signed with the test key, they verify to themselves.
  if (size >= 44) {
    const std::string alphabet(zhijian::kReportCodeAlphabet);
    std::string body = "370102" + std::to_string(1900 + data[0] % 200);
    for (int i = 0; i < 9; ++i) body += alphabet[data[1 + i] % alphabet.size()];
    auto check = zhijian::ReportCode::ComputeCheckChar(body);
    ZJ_FUZZ_CHECK(check.ok(), body);
    QrClaims claims;
    claims.code = body + *check;
    std::copy_n(data + 10, 32, claims.document_sha256.begin());
    claims.issue_date = zhijian::FormatIsoDay((data[42] << 8 | data[43]) * 3);
    const std::string secret = Base32Encode(std::string(AsText(data + 10, 16)));
    for (const std::string& s : {std::string(), secret}) {
      auto made = MakeQrText(claims, *TestKeys().signer, "https://zj.example.cn", s);
      ZJ_FUZZ_CHECK(made.ok(), made.ok() ? "" : made.error().ToString());
      auto back = VerifyQrText(*made, keys);
      ZJ_FUZZ_CHECK(back.ok() && back->claims == claims && back->secret == s, *made);
    }
  }
  return 0;
}
