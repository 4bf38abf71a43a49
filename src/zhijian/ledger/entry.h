// Log entries: the canonical bytes of a report event (issue, correct, revoke).
//
// Purpose: every registered report event becomes one leaf of the transparency log, so its
// bytes must be unambiguous, stable forever and recomputable by anyone from the published
// fields (docs/transparency-log.md §1 has the byte table and a hex example). The entry
// carries no personal or client data in the clear: client, sample and results enter only as
// salted digests SHA-256(salt ‖ value) with a 16-byte per-report salt that the platform keeps
// and that the verification secret on the report reveals to its holder.
//
// Format version 1 (all integers big-endian; "str8" = 1-byte length + bytes):
//
//   u8    format              0x01 (report event, version 1)
//   u8    event type          0x01 issue, 0x02 correct, 0x03 revoke
//   u64   registered_at       milliseconds since 1970-01-01T00:00:00Z
//   str8  code                national report code, canonical 20 characters (report_code.h)
//   str8  institution         USCC, canonical 18 characters
//   str8  report number       the institution's own number, UTF-8, 1..255 bytes
//   10    issue date          ASCII "YYYY-MM-DD"
//   str8  certificate         CMA certificate number as registered, UTF-8, 1..255 bytes
//   32    document_sha256     SHA-256 of the report document (PDF/OFD) as issued
//   32    client_digest       SHA-256(salt ‖ client)
//   32    sample_digest       SHA-256(salt ‖ sample)
//   32    results_digest      SHA-256(salt ‖ results)
//   str8  original code       issue: empty; correct: the replaced report (≠ code);
//                             revoke: the revoked report (= code)
//   str8  reason              issue: empty; correct/revoke: a reason code [a-z0-9.-]{1,64}
//
// `code` is always the report the entry is about (issue: the new report; correct: the new,
// replacing report; revoke: the revoked report); `original_code` is always the report whose
// status the event changes. A revoke entry repeats the revoked report's fields.
// Text fields are UTF-8 without control characters and without leading or trailing spaces.
// Encoding is a bijection on valid events: Decode(Encode(e)) == e and Encode(Decode(b)) == b.
//
// Thread-safety: pure functions. Errors (kInvalidArgument): "entry.invalid-field" (detail: the
// field and why), "entry.unknown-format", "entry.truncated", "entry.trailing-bytes",
// "entry.bad-salt".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "zhijian/base/digest.h"
#include "zhijian/base/result.h"

namespace zhijian::ledger {

inline constexpr uint8_t kEntryFormatV1 = 0x01;
inline constexpr size_t kSaltSize = 16;

enum class EventType : uint8_t { kIssue = 1, kCorrect = 2, kRevoke = 3 };

// "issue", "correct", "revoke".
std::string_view EventTypeName(EventType type);

struct ReportEvent {
  EventType type = EventType::kIssue;
  int64_t registered_at_ms = 0;
  std::string code;
  std::string institution_uscc;
  std::string report_number;
  std::string issue_date;  // "YYYY-MM-DD"
  std::string certificate_number;
  Sha256Digest document_sha256{};
  Sha256Digest client_digest{};
  Sha256Digest sample_digest{};
  Sha256Digest results_digest{};
  std::string original_code;
  std::string reason;
  friend bool operator==(const ReportEvent&, const ReportEvent&) = default;
};

// Checks every field and the rules between them (see the top comment).
Result<void> ValidateEvent(const ReportEvent& event);
// The canonical entry bytes; fails exactly when ValidateEvent fails.
Result<std::string> EncodeEvent(const ReportEvent& event);
// Strict inverse of EncodeEvent: refuses unknown formats, truncation, trailing bytes and
// invalid fields.
Result<ReportEvent> DecodeEvent(std::string_view bytes);

// SHA-256(salt ‖ value) for the client, sample and results digests. `salt` must be exactly
// kSaltSize bytes ("entry.bad-salt"), so that salt and value cannot be re-split.
Result<Sha256Digest> SaltedDigest(std::string_view salt, std::string_view value);

}  // namespace zhijian::ledger
