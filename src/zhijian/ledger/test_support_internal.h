// Test helpers of the ledger's storage tests (not part of the module's contract): registry rows
// the registration rules need, a fixed signing key, and report inputs.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "zhijian/base/digest.h"
#include "zhijian/base/uscc.h"
#include "zhijian/ledger/note.h"
#include "zhijian/ledger/registration.h"
#include "zhijian/store/db.h"

namespace zhijian::ledger::testing {

// A USCC with correct check characters: "91" + region + an 8-character body + both checks.
inline std::string MakeUscc(const std::string& region, int serial) {
  std::string digits = std::to_string(serial);
  const std::string body = "MA" + std::string(6 - digits.size(), '0') + digits;
  const char org = *Uscc::ComputeOrgCheckChar(body);
  const std::string first17 = "91" + region + body + org;
  return first17 + *Uscc::ComputeCheckChar(first17);
}

inline int64_t AddInstitution(store::Connection& conn, const std::string& uscc,
                              const std::string& region, const std::string& name = "测试检测机构") {
  std::vector<store::Value> p{uscc, name, region};
  auto row = conn.QueryOne(
      "INSERT INTO institutions (uscc, name, region_code, created_at, updated_at) VALUES (?, ?, "
      "?, '2020-01-01T00:00:00.000Z', '2020-01-01T00:00:00.000Z') RETURNING id",
      p);
  EXPECT_TRUE(row.ok() && row->has_value()) << (row.ok() ? "" : row.error().ToString());
  return row.ok() && row->has_value() ? (*row)->Int(0) : -1;
}

// A certificate with status history [(effective_on, status)], oldest first.
inline int64_t AddCertificate(store::Connection& conn, int64_t institution_id,
                              const std::string& number, const std::string& issued_on,
                              const std::string& expires_on,
                              std::vector<std::pair<std::string, std::string>> history = {}) {
  if (history.empty()) history.emplace_back(issued_on, "valid");
  std::vector<store::Value> p{institution_id, number, issued_on, expires_on, history.back().second};
  auto row = conn.QueryOne(
      "INSERT INTO certificates (institution_id, number, issuer, issued_on, expires_on, status, "
      "created_at, updated_at) VALUES (?, ?, '山东省市场监督管理局', ?, ?, ?, "
      "'2020-01-01T00:00:00.000Z', '2020-01-01T00:00:00.000Z') RETURNING id",
      p);
  EXPECT_TRUE(row.ok() && row->has_value()) << (row.ok() ? "" : row.error().ToString());
  const int64_t id = row.ok() && row->has_value() ? (*row)->Int(0) : -1;
  for (const auto& [on, status] : history) {
    std::vector<store::Value> h{id, status, on};
    auto r = conn.Exec(
        "INSERT INTO certificate_status_history (certificate_id, status, effective_on, reason, "
        "recorded_at) VALUES (?, ?, ?, '', '2020-01-01T00:00:00.000Z')",
        h);
    EXPECT_TRUE(r.ok()) << r.error().ToString();
  }
  return id;
}

// The test log key (Ed25519, seed 'z' × 32).
inline KeyPair TestKey(const std::string& name = "zhijian.example.cn/log") {
  auto k = GenerateEd25519Key(name, std::string(32, 'z'));
  EXPECT_TRUE(k.ok());
  return *k;
}

// A registration of `report_no` (document digest = SHA-256 of the number).
inline ReportInput Input(const std::string& uscc, const std::string& report_no,
                         const std::string& issue_date = "2025-11-20") {
  ReportInput in;
  in.institution = uscc;
  in.report_no = report_no;
  in.issue_date = issue_date;
  in.document_sha256 = Sha256("document " + report_no);
  in.client = "济南某食品有限公司";
  in.sample = "小麦粉";
  in.conclusion = "符合要求";
  in.test_lines = {TestLine{"铅", "", "GB 5009.12-2017", "0.05", "mg/kg", "≤0.2", "合格"}};
  in.signatories = {"张三"};
  return in;
}

}  // namespace zhijian::ledger::testing
