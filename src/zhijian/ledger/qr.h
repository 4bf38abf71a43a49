// Offline-verifiable QR codes for registered reports (一码通查).
//
// Purpose: the QR printed on a report carries a short signed statement — "report <code>, whose
// document has SHA-256 <digest>, was issued on <date>" — that anyone can check offline with
// only the platform's published verifier key (note.h), and that a phone camera opens as the
// public verification page. Rendering to SVG and PNG (libqrencode, libpng) is here too.
// docs/transparency-log.md §6 has the byte table and the capacity figures.
//
// Payload, version 1 (125 bytes, big-endian):
//   0    1   version             0x01
//   1   20   code                national report code, canonical ASCII
//  21   32   document_sha256     SHA-256 of the report document, in full
//  53    4   issue date          days since 1970-01-01
//  57    4   key id              C2SP key id of the signing key (note.h)
//  61   64   signature           Ed25519 (or SM2 r ‖ s) over "zhijian/qr/v1" ‖ 0x00 ‖ bytes 0..60
// The context string with its NUL byte keeps these signatures apart from signed notes (whose
// text cannot contain NUL) made with the same key.
//
// Text form (the QR content): "<PREFIX>/V/<Base32 of the payload, no padding>[/<SECRET>]", e.g.
//   HTTPS://ZJ.EXAMPLE.CN/V/AEZTOMBRGAZDEMBSGUYD...   (200 Base32 characters)
// The optional last path segment is the report's verification secret (ledger/registration.h:
// its 16-byte salt in Base32, 26 characters), printed on the report so that its holder can see
// client, sample and results on the verification page; it is not signed (it proves nothing
// about the report, it only unlocks what the platform shows) and stays in the QR alphanumeric
// set, so the symbol keeps its mode: version 11 at ECC Q holds 259 alphanumeric characters,
// so prefixes up to 33 characters ("HTTPS://ZJ.EXAMPLE.CN" makes 251) keep version 11.
// The whole text is upper case from the QR alphanumeric set, so the symbol is encoded in
// alphanumeric mode (5.5 bits per character); DNS names are case-insensitive and the server
// routes "/V/" as well as "/v/". Base45 would need 6 % fewer characters but uses ' ', '%', '+' and
// '/', which cannot stand in a URL path, and a URL lets any phone camera open the verification page
// (which then checks the signature in the browser, offline-capable). Parsing also accepts the
// bare Base32 payload, lower case, and http:// prefixes; the prefix is reported, never trusted:
// a verifier must show which host the code points to.
//
// Thread-safety: pure functions (libqrencode is built thread-safe on Debian).
// Errors (kInvalidArgument unless noted): "qr.bad-claims" (code, date), "qr.bad-prefix" (the
// URL prefix is not an http(s) URL of QR alphanumeric characters), "qr.malformed" (the text is
// not a QR payload: wrong shape, Base32 or length), "qr.unsupported-version",
// "qr.unknown-key" (kUnprocessable: no given key has the payload's key id),
// "qr.bad-signature" (kUnprocessable), "qr.too-long" (the text does not fit a QR symbol),
// "qr.empty" (nothing or a NUL byte to encode),
// "qr.render-failed" (kInternal), and the signer's errors.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "zhijian/base/digest.h"
#include "zhijian/base/result.h"
#include "zhijian/ledger/note.h"

namespace zhijian::ledger {

inline constexpr uint8_t kQrPayloadVersion = 1;
inline constexpr size_t kQrPayloadSize = 125;
inline constexpr std::string_view kQrSignatureContext{"zhijian/qr/v1\0", 14};

// What the QR asserts.
struct QrClaims {
  std::string code;  // canonical national report code
  Sha256Digest document_sha256{};
  std::string issue_date;  // "YYYY-MM-DD"
  friend bool operator==(const QrClaims&, const QrClaims&) = default;
};

// A decoded QR text.
struct QrPayload {
  QrClaims claims;
  uint32_t key_id = 0;
  std::string signature;   // 64 bytes
  std::string url_prefix;  // as scanned, e.g. "HTTPS://ZJ.EXAMPLE.CN"; empty for a bare payload
  std::string secret;      // the "/<SECRET>" segment after the payload, upper case; or empty
};

// The 125-byte signed payload. Errors "qr.bad-claims", the signer's errors, "qr.bad-signature"
// (kInternal: the signer returned other than 64 bytes).
Result<std::string> SignQrPayload(const QrClaims& claims, const NoteSigner& signer);
// "<PREFIX>/V/<Base32>[/<SECRET>]" with the prefix upper-cased and without a trailing '/'.
// `url_prefix` is "https://host[:port][/path]" of QR alphanumeric characters; `secret` (may be
// empty) 1..64 characters of the Base32 alphabet (case-insensitive, written upper case).
// Errors "qr.bad-prefix", "qr.malformed" (payload not 125 bytes, or a bad secret).
Result<std::string> QrText(std::string_view url_prefix, std::string_view payload,
                           std::string_view secret = {});
// SignQrPayload + QrText.
Result<std::string> MakeQrText(const QrClaims& claims, const NoteSigner& signer,
                               std::string_view url_prefix, std::string_view secret = {});

// Decodes a scanned text (URL form, with or without the secret segment, or bare Base32)
// without verifying the signature.
Result<QrPayload> ParseQrText(std::string_view text);
// Decodes and verifies with the key among `keys` whose key id matches (offline: no network).
Result<QrPayload> VerifyQrText(std::string_view text, std::span<const NoteVerifier* const> keys);

// ---------------------------------------------------------------------------------------------
// Rendering

enum class QrEcc { kL, kM, kQ, kH };

// A QR symbol: width × width modules, row-major, true = dark.
struct QrSymbol {
  int version = 0;
  int width = 0;
  std::vector<bool> modules;
  bool dark(int x, int y) const { return modules[static_cast<size_t>(y) * width + x]; }
};

// Encodes `text` with the smallest version that fits at `ecc` (alphanumeric mode when every
// character allows it, else mixed segments). Errors "qr.too-long", "qr.render-failed".
Result<QrSymbol> EncodeQr(std::string_view text, QrEcc ecc = QrEcc::kQ);
// An SVG document of the symbol with a `margin`-module quiet zone (≥ 4 recommended), one
// path of dark runs, `module_px` user units per module.
std::string QrSvg(const QrSymbol& symbol, int margin = 4, int module_px = 4);
// An 8-bit grayscale PNG, `module_px` pixels per module. Error "qr.render-failed".
Result<std::string> QrPng(const QrSymbol& symbol, int margin = 4, int module_px = 8);

}  // namespace zhijian::ledger
