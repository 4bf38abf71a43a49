// The registry hints of a report document read by OCR (智识, issue 5): what the registry knows
// that helps correct a reading (intake/hints.h RegistryHints), for `zhijian check --hints`,
// `zhijian intake --hints` and the document upload of POST /api/v1/checks.
//
// Purpose: `RegistryHintsFor` loads the report's registry facts (compliance_store.h
// LoadRegistryFacts, the query layer of the checks) and returns
//   - names: the people of the report's institution (compliance.h SubjectOf: by USCC, else by
//     the printed name);
//   - standards: the canonical standard numbers of that institution's capability rows;
//   - institutions: the registered names of the institutions the printed USCC and the cited
//     certificate number point to (for the institution name OCR misread).
// None of them for a report whose USCC, certificate and name the registry does not know.
// It lives in checks (which may depend on intake, docs/ARCHITECTURE.md) because it reads the
// registry through the checks' facts query; intake/hints.h stays pure.
//
// Scope: the facts are read as `viewer` (store::ScopeFor through LoadRegistryFacts): a report
// whose institution is outside the viewer's scope fails with kNotFound "checks.out-of-scope"
// (the caller then applies no hints; the check itself refuses the report the same way).
// Ownership: borrows the connection/database and cache for the call. Thread-safety: as the
// connection (ApplyRegistryHints acquires its own from the pool; the cache is not thread-safe).
// Errors: those of LoadRegistryFacts (ApplyRegistryHints: none, see there).
#pragma once

#include "zhijian/base/principal.h"
#include "zhijian/base/result.h"
#include "zhijian/checks/compliance_store.h"
#include "zhijian/checks/report_facts.h"
#include "zhijian/intake/hints.h"
#include "zhijian/store/db.h"

namespace zhijian::checks {

Result<intake::RegistryHints> RegistryHintsFor(store::Connection& conn, const Principal& viewer,
                                               const ReportFacts& report,
                                               FactsCache* cache = nullptr);

// The one call of every path: for a reading by OCR (facts.source kScan) loads its hints on a
// connection of `db` and applies them (intake::ApplyHints); a text layer is left alone. Hints
// are a help: an error (out of scope, the database) leaves the reading as it is, with a warning
// in extraction->warnings. Returns the number of values corrected.
int ApplyRegistryHints(store::Database& db, const Principal& viewer, intake::Extraction* extraction,
                       FactsCache* cache = nullptr);

}  // namespace zhijian::checks
