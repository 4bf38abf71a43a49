#include "zhijian/ledger/entry.h"

#include <algorithm>

#include "zhijian/base/date.h"
#include "zhijian/base/report_code.h"
#include "zhijian/base/uscc.h"
#include "zhijian/base/utf8.h"
#include "zhijian/ledger/merkle.h"

namespace zhijian::ledger {
namespace {

constexpr size_t kDateSize = 10;
constexpr size_t kMaxReasonSize = 64;

Error InvalidField(std::string_view field, std::string_view why) {
  return Error::Invalid("entry.invalid-field", "日志条目字段无效", "invalid log entry field",
                        std::string(field) + ": " + std::string(why));
}

Error Truncated(std::string_view field) {
  return Error::Invalid("entry.truncated", "日志条目被截断", "truncated log entry",
                        std::string(field));
}

Result<void> CheckText(std::string_view field, std::string_view s) {
  if (s.empty()) return InvalidField(field, "empty");
  if (s.size() > 255) return InvalidField(field, "longer than 255 bytes");
  if (!IsValidUtf8(s, /*no_controls=*/true))
    return InvalidField(field, "invalid UTF-8 or a control character");
  if (s.front() == ' ' || s.back() == ' ') return InvalidField(field, "leading or trailing space");
  return Ok();
}

Result<void> CheckCode(std::string_view field, std::string_view code) {
  Result<ReportCode> parsed = ReportCode::Parse(code);
  if (!parsed) return InvalidField(field, parsed.error().code());
  if (parsed->str() != code) return InvalidField(field, "not in canonical form");
  return Ok();
}

bool ValidReason(std::string_view r) {
  return !r.empty() && r.size() <= kMaxReasonSize && std::all_of(r.begin(), r.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
  });
}

void PutStr8(std::string* out, std::string_view s) {
  out->push_back(static_cast<char>(s.size()));
  out->append(s);
}

void PutDigest(std::string* out, const Sha256Digest& d) {
  out->append(reinterpret_cast<const char*>(d.data()), d.size());
}

// Reads fields from the front of the bytes.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : rest_(bytes) {}
  Result<uint8_t> U8(std::string_view field) {
    if (rest_.empty()) return Truncated(field);
    const auto v = static_cast<uint8_t>(rest_[0]);
    rest_.remove_prefix(1);
    return v;
  }
  Result<uint64_t> U64(std::string_view field) {
    if (rest_.size() < 8) return Truncated(field);
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(rest_[i]);
    rest_.remove_prefix(8);
    return v;
  }
  Result<std::string> Fixed(std::string_view field, size_t n) {
    if (rest_.size() < n) return Truncated(field);
    std::string s(rest_.substr(0, n));
    rest_.remove_prefix(n);
    return s;
  }
  Result<std::string> Str8(std::string_view field) {
    ZJ_ASSIGN_OR_RETURN(uint8_t n, U8(field));
    return Fixed(field, n);
  }
  Result<Sha256Digest> Digest(std::string_view field) {
    ZJ_ASSIGN_OR_RETURN(std::string s, Fixed(field, 32));
    Sha256Digest d{};
    std::copy(s.begin(), s.end(), d.begin());
    return d;
  }
  bool done() const { return rest_.empty(); }

 private:
  std::string_view rest_;
};

}  // namespace

std::string_view EventTypeName(EventType type) {
  switch (type) {
    case EventType::kIssue:
      return "issue";
    case EventType::kCorrect:
      return "correct";
    case EventType::kRevoke:
      return "revoke";
  }
  return "unknown";
}

Result<void> ValidateEvent(const ReportEvent& e) {
  const auto type = static_cast<uint8_t>(e.type);
  if (type < 1 || type > 3) return InvalidField("type", "unknown event type");
  if (e.registered_at_ms < 0) return InvalidField("registered_at", "before 1970");
  ZJ_TRY(CheckCode("code", e.code));
  Result<Uscc> uscc = Uscc::Parse(e.institution_uscc);
  if (!uscc) return InvalidField("institution", uscc.error().code());
  if (uscc->str() != e.institution_uscc) return InvalidField("institution", "not canonical");
  ZJ_TRY(CheckText("report_number", e.report_number));
  std::optional<CivilDate> date = ParseIsoDate(e.issue_date);
  if (!date || e.issue_date.size() != kDateSize || FormatIsoDate(*date) != e.issue_date) {
    return InvalidField("issue_date", "not a YYYY-MM-DD date");
  }
  ZJ_TRY(CheckText("certificate", e.certificate_number));
  switch (e.type) {
    case EventType::kIssue:
      if (!e.original_code.empty()) return InvalidField("original_code", "must be empty");
      if (!e.reason.empty()) return InvalidField("reason", "must be empty");
      break;
    case EventType::kCorrect:
      ZJ_TRY(CheckCode("original_code", e.original_code));
      if (e.original_code == e.code) return InvalidField("original_code", "equals code");
      if (!ValidReason(e.reason)) return InvalidField("reason", "not a reason code");
      break;
    case EventType::kRevoke:
      if (e.original_code != e.code) return InvalidField("original_code", "must equal code");
      if (!ValidReason(e.reason)) return InvalidField("reason", "not a reason code");
      break;
  }
  return Ok();
}

Result<std::string> EncodeEvent(const ReportEvent& e) {
  ZJ_TRY(ValidateEvent(e));
  std::string out;
  out.reserve(256);
  out.push_back(static_cast<char>(kEntryFormatV1));
  out.push_back(static_cast<char>(e.type));
  const auto t = static_cast<uint64_t>(e.registered_at_ms);
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>(t >> (8 * i)));
  PutStr8(&out, e.code);
  PutStr8(&out, e.institution_uscc);
  PutStr8(&out, e.report_number);
  out.append(e.issue_date);
  PutStr8(&out, e.certificate_number);
  PutDigest(&out, e.document_sha256);
  PutDigest(&out, e.client_digest);
  PutDigest(&out, e.sample_digest);
  PutDigest(&out, e.results_digest);
  PutStr8(&out, e.original_code);
  PutStr8(&out, e.reason);
  return out;
}

Result<ReportEvent> DecodeEvent(std::string_view bytes) {
  Reader r(bytes);
  ZJ_ASSIGN_OR_RETURN(uint8_t format, r.U8("format"));
  if (format != kEntryFormatV1) {
    return Error::Invalid("entry.unknown-format", "未知的日志条目格式", "unknown log entry format",
                          "format " + std::to_string(format));
  }
  ReportEvent e;
  ZJ_ASSIGN_OR_RETURN(uint8_t type, r.U8("type"));
  e.type = static_cast<EventType>(type);
  ZJ_ASSIGN_OR_RETURN(uint64_t t, r.U64("registered_at"));
  if (t > static_cast<uint64_t>(INT64_MAX)) return InvalidField("registered_at", "out of range");
  e.registered_at_ms = static_cast<int64_t>(t);
  ZJ_ASSIGN_OR_RETURN(e.code, r.Str8("code"));
  ZJ_ASSIGN_OR_RETURN(e.institution_uscc, r.Str8("institution"));
  ZJ_ASSIGN_OR_RETURN(e.report_number, r.Str8("report_number"));
  ZJ_ASSIGN_OR_RETURN(e.issue_date, r.Fixed("issue_date", kDateSize));
  ZJ_ASSIGN_OR_RETURN(e.certificate_number, r.Str8("certificate"));
  ZJ_ASSIGN_OR_RETURN(e.document_sha256, r.Digest("document_sha256"));
  ZJ_ASSIGN_OR_RETURN(e.client_digest, r.Digest("client_digest"));
  ZJ_ASSIGN_OR_RETURN(e.sample_digest, r.Digest("sample_digest"));
  ZJ_ASSIGN_OR_RETURN(e.results_digest, r.Digest("results_digest"));
  ZJ_ASSIGN_OR_RETURN(e.original_code, r.Str8("original_code"));
  ZJ_ASSIGN_OR_RETURN(e.reason, r.Str8("reason"));
  if (!r.done()) {
    return Error::Invalid("entry.trailing-bytes", "日志条目末尾有多余字节",
                          "trailing bytes after the log entry");
  }
  ZJ_TRY(ValidateEvent(e));
  return e;
}

Result<Sha256Digest> SaltedDigest(std::string_view salt, std::string_view value) {
  if (salt.size() != kSaltSize) {
    return Error::Invalid("entry.bad-salt", "盐值应为16字节", "a salt has 16 bytes",
                          "got " + std::to_string(salt.size()));
  }
  // The tree hasher's SHA-256 (a thread-local context, the digest fetched once) is the same
  // function as base/digest.h Sha256, without a fetch per call.
  const Hash h = Sha256TreeHasher().Digest({salt, value});
  Sha256Digest d;
  std::copy(h.begin(), h.end(), d.begin());
  return d;
}

}  // namespace zhijian::ledger
