#include "zhijian/ledger/entry.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "zhijian/base/digest.h"
#include "zhijian/base/report_code.h"
#include "zhijian/ledger/merkle.h"

namespace zhijian::ledger {
namespace {

namespace fs = std::filesystem;

Sha256Digest Filled(uint8_t start) {
  Sha256Digest d{};
  for (size_t i = 0; i < d.size(); ++i) d[i] = static_cast<uint8_t>(start + i);
  return d;
}

std::string Code(uint64_t entropy) { return ReportCode::Make("370102", 2025, entropy)->str(); }

// The example of docs/transparency-log.md.
ReportEvent Example() {
  ReportEvent e;
  e.type = EventType::kIssue;
  e.registered_at_ms = 1764000000123;  // 2025-11-24T16:00:00.123Z
  e.code = Code(123456789);
  e.institution_uscc = "91310000631696382C";
  e.report_number = "SH-2025-测-000123";
  e.issue_date = "2025-11-20";
  e.certificate_number = "230912340567";
  e.document_sha256 = Filled(0x00);
  e.client_digest = Filled(0x20);
  e.sample_digest = Filled(0x40);
  e.results_digest = Filled(0x60);
  return e;
}

std::string Hex(std::string_view bytes) { return HexEncode(bytes); }

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The golden file holds the hex of the example entry, one field per line after "#" comments.
std::string GoldenHex(const fs::path& p) {
  std::string hex;
  std::istringstream in(ReadFile(p));
  for (std::string line; std::getline(in, line);) {
    const size_t hash = line.find('#');
    if (hash != std::string::npos) line.resize(hash);
    for (char c : line) {
      if (c != ' ') hex += c;
    }
  }
  return hex;
}

TEST(EntryTest, ExampleBytesFieldByField) {
  const ReportEvent e = Example();
  // Built here by hand from the format table, not by the encoder.
  std::string want;
  want += '\x01';                                                       // format
  want += '\x01';                                                       // issue
  want += std::string("\x00\x00\x01\x9a\xb6\x97\xe8\x7b", 8);           // 1764000000123 ms
  want += '\x14' + e.code;                                              // 20 + code
  want += '\x12' + std::string("91310000631696382C");                   // 18 + USCC
  want += static_cast<char>(e.report_number.size()) + e.report_number;  // UTF-8
  want += "2025-11-20";
  want += '\x0c' + std::string("230912340567");
  for (uint8_t start : {0x00, 0x20, 0x40, 0x60}) {
    const Sha256Digest d = Filled(start);
    want.append(reinterpret_cast<const char*>(d.data()), d.size());
  }
  want += std::string("\x00\x00", 2);  // no original code, no reason
  ASSERT_EQ(uint64_t{1764000000123}, 0x19ab697e87bULL);
  Result<std::string> got = EncodeEvent(e);
  ASSERT_TRUE(got.ok()) << got.error().ToString();
  EXPECT_EQ(Hex(*got), Hex(want));
  EXPECT_EQ(got->size(), 1 + 1 + 8 + 21 + 19 + 1 + e.report_number.size() + 10 + 13 + 128 + 2);
  // The golden file (also printed in docs/transparency-log.md) pins the bytes.
  EXPECT_EQ(Hex(*got), GoldenHex(fs::path(ZJ_LEDGER_TESTDATA) / "entry" / "issue-v1.hex"));
  // Its leaf hash, computed independently of the tree hasher.
  const Sha256Digest leaf = Sha256(std::string(1, '\0') + *got);
  EXPECT_EQ(HashHex(Sha256TreeHasher().HashLeaf(*got)),
            Hex(std::string_view(reinterpret_cast<const char*>(leaf.data()), leaf.size())));
  EXPECT_EQ(HashHex(Sha256TreeHasher().HashLeaf(*got)),  // as printed in the docs
            "8ef3eecab8461ec5ec47785d7dedf599e7dc3e20d40db453df83393250e8aa11");
}

TEST(EntryTest, AllEventTypesRoundTrip) {
  ReportEvent issue = Example();
  ReportEvent correct = Example();
  correct.type = EventType::kCorrect;
  correct.code = Code(987654321);
  correct.original_code = issue.code;
  correct.reason = "wrong-result";
  correct.document_sha256 = Filled(0x99);
  ReportEvent revoke = Example();
  revoke.type = EventType::kRevoke;
  revoke.original_code = revoke.code;
  revoke.reason = "withdrawn.by-institution";
  for (const ReportEvent& e : {issue, correct, revoke}) {
    Result<std::string> bytes = EncodeEvent(e);
    ASSERT_TRUE(bytes.ok()) << EventTypeName(e.type) << ": " << bytes.error().ToString();
    Result<ReportEvent> back = DecodeEvent(*bytes);
    ASSERT_TRUE(back.ok()) << back.error().ToString();
    EXPECT_EQ(*back, e);
    EXPECT_EQ(*EncodeEvent(*back), *bytes);
  }
  EXPECT_EQ(EventTypeName(EventType::kRevoke), "revoke");
}

TEST(EntryTest, EveryFieldChangesTheBytes) {
  const ReportEvent base = Example();
  const std::string base_bytes = *EncodeEvent(base);
  std::vector<std::pair<std::string, std::function<void(ReportEvent&)>>> mutations = {
      {"registered_at", [](ReportEvent& e) { e.registered_at_ms += 1; }},
      {"code", [](ReportEvent& e) { e.code = Code(123456790); }},
      {"institution", [](ReportEvent& e) { e.institution_uscc = "914403001922038216"; }},
      {"report_number", [](ReportEvent& e) { e.report_number += "1"; }},
      {"issue_date", [](ReportEvent& e) { e.issue_date = "2025-11-21"; }},
      {"certificate", [](ReportEvent& e) { e.certificate_number = "230912340568"; }},
      {"document", [](ReportEvent& e) { e.document_sha256[31] ^= 1; }},
      {"client", [](ReportEvent& e) { e.client_digest[0] ^= 1; }},
      {"sample", [](ReportEvent& e) { e.sample_digest[7] ^= 1; }},
      {"results", [](ReportEvent& e) { e.results_digest[13] ^= 1; }},
      {"type+original+reason",
       [](ReportEvent& e) {
         e.type = EventType::kRevoke;
         e.original_code = e.code;
         e.reason = "x";
       }},
  };
  std::set<std::string> seen = {base_bytes};
  for (auto& [name, mutate] : mutations) {
    ReportEvent e = base;
    mutate(e);
    Result<std::string> bytes = EncodeEvent(e);
    ASSERT_TRUE(bytes.ok()) << name << ": " << bytes.error().ToString();
    EXPECT_TRUE(seen.insert(*bytes).second) << name << " did not change the bytes";
    EXPECT_EQ(*DecodeEvent(*bytes), e) << name;
  }
  // Reason and original code are separately encoded: moving bytes between them changes the
  // bytes (length prefixes).
  ReportEvent a = Example(), b = Example();
  a.type = b.type = EventType::kCorrect;
  a.original_code = Code(5);
  b.original_code = Code(6);
  a.reason = b.reason = "r";
  EXPECT_NE(*EncodeEvent(a), *EncodeEvent(b));
}

TEST(EntryTest, DecodeRejectsTruncationTrailingBytesAndUnknownValues) {
  const std::string bytes = *EncodeEvent(Example());
  for (size_t n = 0; n < bytes.size(); ++n) {
    Result<ReportEvent> r = DecodeEvent(bytes.substr(0, n));
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_TRUE(r.error().code() == "entry.truncated" || r.error().code() == "entry.invalid-field")
        << n << " " << r.error().code();
  }
  EXPECT_EQ(DecodeEvent(bytes + '\0').error().code(), "entry.trailing-bytes");
  EXPECT_EQ(DecodeEvent(bytes + "garbage").error().code(), "entry.trailing-bytes");
  std::string t = bytes;
  t[0] = '\x02';
  EXPECT_EQ(DecodeEvent(t).error().code(), "entry.unknown-format");
  t = bytes;
  t[1] = '\x04';
  EXPECT_EQ(DecodeEvent(t).error().code(), "entry.invalid-field");
  t = bytes;
  t[1] = '\x00';
  EXPECT_EQ(DecodeEvent(t).error().code(), "entry.invalid-field");
  // A code whose check character is wrong.
  t = bytes;
  t[11 + 19] = t[11 + 19] == 'A' ? 'C' : 'A';
  EXPECT_EQ(DecodeEvent(t).error().code(), "entry.invalid-field");
  // A code length prefix that swallows the next field.
  t = bytes;
  t[10] = '\x15';
  EXPECT_FALSE(DecodeEvent(t).ok());
  // Registration time beyond int64.
  t = bytes;
  t[2] = '\x80';
  EXPECT_EQ(DecodeEvent(t).error().code(), "entry.invalid-field");
  // Every single-bit flip either fails to decode or decodes to a different event.
  const ReportEvent original = Example();
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string f = bytes;
    f[i] = static_cast<char>(f[i] ^ 0x04);
    Result<ReportEvent> r = DecodeEvent(f);
    if (r.ok()) {
      EXPECT_NE(*r, original) << i;
    }
  }
}

TEST(EntryTest, ValidationRules) {
  auto code = [](const std::function<void(ReportEvent&)>& mutate) {
    ReportEvent e = Example();
    mutate(e);
    Result<std::string> r = EncodeEvent(e);
    return r.ok() ? std::string("ok") : r.error().detail();
  };
  EXPECT_EQ(code([](ReportEvent&) {}), "ok");
  EXPECT_EQ(code([](ReportEvent& e) { e.registered_at_ms = -1; }), "registered_at: before 1970");
  EXPECT_EQ(code([](ReportEvent& e) { e.code = "3701022025-K7MXQ-3TA92"; }),
            "code: not in canonical form");
  EXPECT_EQ(code([](ReportEvent& e) { e.code = "3701022025K7MXQ3TA93"; }),
            "code: report-code.bad-check");
  EXPECT_EQ(code([](ReportEvent& e) { e.institution_uscc = "91310000631696382c"; }),
            "institution: not canonical");
  EXPECT_EQ(code([](ReportEvent& e) { e.institution_uscc = "9131000063169638"; }),
            "institution: uscc.bad-length");
  EXPECT_EQ(code([](ReportEvent& e) { e.report_number = ""; }), "report_number: empty");
  EXPECT_EQ(code([](ReportEvent& e) { e.report_number = " A1"; }),
            "report_number: leading or trailing space");
  EXPECT_EQ(code([](ReportEvent& e) { e.report_number = "A\t1"; }),
            "report_number: invalid UTF-8 or a control character");
  EXPECT_EQ(code([](ReportEvent& e) { e.report_number = "A\xc0\x80"; }),
            "report_number: invalid UTF-8 or a control character");
  EXPECT_EQ(code([](ReportEvent& e) { e.report_number = std::string(256, 'a'); }),
            "report_number: longer than 255 bytes");
  EXPECT_EQ(code([](ReportEvent& e) { e.report_number = std::string(255, 'a'); }), "ok");
  EXPECT_EQ(code([](ReportEvent& e) { e.issue_date = "2025-02-29"; }),
            "issue_date: not a YYYY-MM-DD date");
  EXPECT_EQ(code([](ReportEvent& e) { e.issue_date = "2025-1-20"; }),
            "issue_date: not a YYYY-MM-DD date");
  EXPECT_EQ(code([](ReportEvent& e) { e.certificate_number = ""; }), "certificate: empty");
  EXPECT_EQ(code([](ReportEvent& e) { e.original_code = Code(1); }),
            "original_code: must be empty");
  EXPECT_EQ(code([](ReportEvent& e) { e.reason = "x"; }), "reason: must be empty");
  EXPECT_EQ(code([](ReportEvent& e) {
              e.type = EventType::kCorrect;
              e.reason = "typo";
            }),
            "original_code: report-code.empty");
  EXPECT_EQ(code([](ReportEvent& e) {
              e.type = EventType::kCorrect;
              e.original_code = e.code;
              e.reason = "typo";
            }),
            "original_code: equals code");
  EXPECT_EQ(code([](ReportEvent& e) {
              e.type = EventType::kCorrect;
              e.original_code = Code(1);
            }),
            "reason: not a reason code");
  EXPECT_EQ(code([](ReportEvent& e) {
              e.type = EventType::kRevoke;
              e.original_code = Code(1);
              e.reason = "typo";
            }),
            "original_code: must equal code");
  EXPECT_EQ(code([](ReportEvent& e) {
              e.type = EventType::kRevoke;
              e.original_code = e.code;
              e.reason = "Typo";
            }),
            "reason: not a reason code");
  EXPECT_EQ(code([](ReportEvent& e) { e.type = static_cast<EventType>(7); }),
            "type: unknown event type");
}

TEST(EntryTest, SaltedDigests) {
  const std::string salt(16, '\x5a');
  Result<Sha256Digest> d = SaltedDigest(salt, "某某食品有限公司");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, Sha256(salt + "某某食品有限公司"));
  EXPECT_NE(*d, *SaltedDigest(std::string(16, '\x5b'), "某某食品有限公司"));
  EXPECT_NE(*d, Sha256("某某食品有限公司"));
  EXPECT_EQ(SaltedDigest(std::string(15, 'x'), "v").error().code(), "entry.bad-salt");
  EXPECT_EQ(SaltedDigest(std::string(17, 'x'), "v").error().code(), "entry.bad-salt");
}

}  // namespace
}  // namespace zhijian::ledger
