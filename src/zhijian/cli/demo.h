// Demo data for `make demo` and the browser tests: a few institutions in real regions with
// valid USCCs, and one account per role. Idempotent: what exists is kept; passwords are kept in
// `password_file` (JSON {"username": "password"}) and reused on later runs.
//
// The registry issue replaces the institutions here with the realistic generator.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "zhijian/accounts/accounts.h"
#include "zhijian/base/result.h"
#include "zhijian/store/db.h"

namespace zhijian::cli {

Result<void> InitDemo(store::Database& db, accounts::Accounts& accounts,
                      const std::string& password_file, std::ostream& out);

// The registry part of the demo: generates the `demo` scale of registry/gen (≈ 300 institutions
// in Shandong, seed 2026, today's date in China) into `dir` unless it already holds a generated
// set, and loads it (a re-run changes nothing). `id_key_file` is the ID-number hash key.
Result<void> LoadDemoRegistry(store::Database& db, const std::string& dir,
                              const std::string& id_key_file, std::ostream& out);

// The ledger part of the demo (一码通查): for every institution with a CMA certificate, 12
// reports issued on the 3rd of each of the last 12 months (as of `today`, a date in China)
// whose samples and test lines come from the institution's capability rows; reports on days
// without a valid certificate are left out (the registration rule). Deterministic: report
// numbers carry the institution and the date, so a re-run the same day changes nothing and a
// later run adds the newer months. Registered as the CLI, one transaction, one audit record.
Result<void> RegisterDemoReports(store::Database& db, const std::string& today, std::ostream& out);

// The data-quality part of the demo (智查): when no run is stored yet, four whole-registry runs
// evaluated as of `today` − 84, − 56, − 28 and − 0 days (a date in China), so that the trend charts
// have points; the rules see the registry as it is now, so the dates alone move the figures
// (certificates expire, calibrations fall due). Stored and audited as the CLI; a re-run adds
// nothing. At demo scale each run takes well under a second.
Result<void> RunDemoQualityChecks(store::Database& db, const std::string& today, std::ostream& out);

// Sample report documents for the check page (智识): unless `dir` already holds them, six reports
// drawn by the corpus generator (intake/gen, seed 2026, about half with one labelled defect) from
// the registry in `db` as of `today`, each as a text PDF (dir/pdf/rNNNN.pdf) and a scan
// (dir/scan/rNNNN.pdf, PNG pages dir/scan/rNNNN-P.png); dir/labels.jsonl says which defect each
// carries and which finding categories it should give. Needs the demo registry (LoadDemoRegistry)
// for institutions that can issue reports ("gen.no-institution" otherwise).
Result<void> WriteDemoSamples(store::Database& db, const std::string& dir, const std::string& today,
                              std::ostream& out);

// A random password that satisfies the password policy (libsodium's CSPRNG).
std::string GeneratePassword();

// The id of the institution with this USCC; kNotFound "institution.not-found" otherwise.
Result<int64_t> FindInstitutionByUscc(store::Database& db, const std::string& uscc);

}  // namespace zhijian::cli
