// Signed notes (c2sp.org/signed-note), transparency-log checkpoints (c2sp.org/tlog-checkpoint),
// and the signing keys behind them.
//
// Purpose: the log publishes its tree head as a checkpoint, a signed note whose text is
//
//   <origin>\n<tree size, decimal>\n<base64 root hash>\n[<extension line>\n ...]
//
// followed by a blank line and one line per signature: "— <key name> <base64(key id ‖ sig)>".
// Anyone holding the log's verifier key checks it with `OpenCheckpoint`; the same keys sign the
// offline QR payloads (qr.h). Formats and key names are documented in
// docs/transparency-log.md.
//
// Keys. A key has a name (non-empty, no Unicode spaces, no '+'), an algorithm, and a 4-byte key
// id = SHA-256(name ‖ 0x0A ‖ type ‖ public key)[:4] (big-endian). Text forms, as in Go's
// golang.org/x/mod/sumdb/note:
//   verifier key  "<name>+<key id, 8 hex>+<base64(type ‖ public key)>"
//   signer key    "PRIVATE+KEY+<name>+<key id, 8 hex>+<base64(type ‖ private key)>"
// Algorithms:
//   - Ed25519 (libsodium), type 0x01; public key 32 bytes, private key the 32-byte seed,
//     signature 64 bytes over the note text (RFC 8032). Interoperates with Go's note package.
//   - SM2 with SM3 (GB/T 32918, OpenSSL 3 EVP), for deployments that must use national
//     algorithms. C2SP assigns no type byte to SM2, so we use the reserved 0xff followed by the
//     DER contents of the OID 1.2.156.10197.1.501 (SM2-with-SM3): type = ff 2a 81 1c cf 55 01 83
//     75 (9 bytes). Public key: 65-byte uncompressed point (04 ‖ x ‖ y); private key: the
//     32-byte scalar d; signature: 64 bytes r ‖ s (big-endian, 32 bytes each) over the note
//     text, with the GM/T 0009 default distinguishing ID "1234567812345678" in Z. Unlike
//     Ed25519, SM2 signing draws a per-signature nonce from OpenSSL's DRBG.
// Key generation takes the key material from the caller (a 32-byte seed from a CSPRNG): nothing
// here reads a global random source for keys.
//
// Verification rules (signed-note spec): the note must be valid UTF-8 without ASCII control
// characters other than newline; the text ends in a newline and is separated from the
// signature lines by the last blank line; every signature line is well formed (at most 100
// lines). Signatures by unknown keys (name and id not both matching a known key) are ignored
// and reported as unverified; a signature by a known key that fails rejects the note; a note
// without any verified signature is rejected. Repeated signatures by the same key count once.
//
// Ownership: signers and verifiers are immutable values owned by the caller (unique_ptr).
// Thread-safety: all functions are pure; signers and verifiers may be used from several
// threads at once.
// Errors: "note.malformed" (kInvalidArgument, detail says what), "note.bad-key"
// (kInvalidArgument: a key text or key material that does not parse or does not match its id),
// "note.unsupported-algorithm" (kInvalidArgument), "note.invalid-signature" (kUnprocessable: a
// known key's signature failed), "note.unverified" (kUnprocessable: no known key signed),
// "checkpoint.malformed" (kInvalidArgument), "checkpoint.wrong-origin" (kUnprocessable),
// "note.sign-failed" (kInternal).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "zhijian/base/result.h"
#include "zhijian/ledger/merkle.h"

namespace zhijian::ledger {

inline constexpr uint8_t kEd25519SignatureType = 0x01;
// 0xff ‖ DER contents of OID 1.2.156.10197.1.501 (SM2 signature with SM3).
inline constexpr std::string_view kSm2SignatureType{"\xff\x2a\x81\x1c\xcf\x55\x01\x83\x75", 9};
// The SM2 distinguishing ID used in Z (GM/T 0009-2012 default).
inline constexpr std::string_view kSm2DistinguishingId = "1234567812345678";
inline constexpr size_t kMaxNoteSignatures = 100;

enum class KeyAlgorithm { kEd25519, kSm2 };

// True for a non-empty valid-UTF-8 name without Unicode spaces and without '+'.
bool IsValidKeyName(std::string_view name);
// SHA-256(name ‖ 0x0A ‖ type_and_public_key)[:4], big-endian.
uint32_t ComputeKeyId(std::string_view name, std::string_view type_and_public_key);

class NoteSigner {
 public:
  virtual ~NoteSigner() = default;
  virtual const std::string& KeyName() const = 0;
  virtual uint32_t KeyId() const = 0;
  virtual KeyAlgorithm Algorithm() const = 0;
  // The signature of `message` (without the key id prefix). Error "note.sign-failed".
  virtual Result<std::string> Sign(std::string_view message) const = 0;
};

class NoteVerifier {
 public:
  virtual ~NoteVerifier() = default;
  virtual const std::string& KeyName() const = 0;
  virtual uint32_t KeyId() const = 0;
  virtual KeyAlgorithm Algorithm() const = 0;
  // True iff `signature` (without the key id prefix) is valid for `message`.
  virtual bool Verify(std::string_view message, std::string_view signature) const = 0;
  // The verifier key text ("name+id+base64").
  virtual std::string VerifierKey() const = 0;
};

// A freshly made key in its two text forms.
struct KeyPair {
  std::string signer_key;    // "PRIVATE+KEY+..." — secret
  std::string verifier_key;  // publishable
};

// An Ed25519 key from a 32-byte seed. Errors "note.bad-key" (name or seed size).
Result<KeyPair> GenerateEd25519Key(std::string_view name, std::string_view seed);
// An SM2 key whose private scalar is `seed` (32 bytes, big-endian), which must lie in
// [1, n−2] for the SM2 group order n (a uniformly random seed fails with probability < 2^-32:
// draw again). Errors "note.bad-key".
Result<KeyPair> GenerateSm2Key(std::string_view name, std::string_view seed);

Result<std::unique_ptr<NoteSigner>> NewNoteSigner(std::string_view signer_key);
Result<std::unique_ptr<NoteVerifier>> NewNoteVerifier(std::string_view verifier_key);

// ---------------------------------------------------------------------------------------------
// Notes

struct NoteSignature {
  std::string key_name;
  uint32_t key_id = 0;
  std::string signature;  // the signature bytes after the key id
  friend bool operator==(const NoteSignature&, const NoteSignature&) = default;
};

struct Note {
  std::string text;  // ends in '\n'
  std::vector<NoteSignature> signatures;
};

// Splits a signed note into text and signature lines, checking the format only (no
// verification). Error "note.malformed".
Result<Note> ParseNote(std::string_view message);
// text ‖ "\n" ‖ one line per signature. Error "note.malformed" for invalid text or key names.
Result<std::string> FormatNote(const Note& note);

// Signs `text` (valid note text: UTF-8, no control characters but '\n', ending in '\n') with
// every signer, in order. Errors "note.malformed", "note.sign-failed".
Result<std::string> SignNote(std::string_view text, std::span<const NoteSigner* const> signers);

struct VerifiedNote {
  std::string text;
  std::vector<NoteSignature> verified;    // by known keys, each key once
  std::vector<NoteSignature> unverified;  // by unknown keys (e.g. witnesses we do not know)
};
// Parses and verifies per the rules of the top comment.
Result<VerifiedNote> OpenNote(std::string_view message, std::span<const NoteVerifier* const> known);

// ---------------------------------------------------------------------------------------------
// Checkpoints

struct Checkpoint {
  std::string origin;
  uint64_t size = 0;
  Hash root{};
  std::vector<std::string> extensions;  // opaque, non-empty lines (not recommended)
  friend bool operator==(const Checkpoint&, const Checkpoint&) = default;
};

// The checkpoint's note text. Error "checkpoint.malformed" (empty origin or extension line, a
// line with a newline or control character, invalid UTF-8).
Result<std::string> FormatCheckpoint(const Checkpoint& checkpoint);
// Strict: ≥ 3 non-empty lines ending in '\n', size in decimal without leading zeros, root the
// canonical Base64 of exactly 32 bytes. Error "checkpoint.malformed".
Result<Checkpoint> ParseCheckpoint(std::string_view text);

// Formats and signs a checkpoint with the log key (and optionally more signers).
Result<std::string> SignCheckpoint(const Checkpoint& checkpoint,
                                   std::span<const NoteSigner* const> signers);
// Verifies a checkpoint note against the log's key and origin: the log key's signature must
// verify (other signatures, e.g. cosignatures, are ignored) and the origin line must equal
// `origin`. Errors: those of OpenNote and ParseCheckpoint, "checkpoint.wrong-origin".
Result<Checkpoint> OpenCheckpoint(std::string_view note, const NoteVerifier& log_key,
                                  std::string_view origin);

}  // namespace zhijian::ledger
