// The registry's query engine (一库尽览 search): multi-dimension institution search, the
// capability ↔ standard cross-search, the institution portrait, and the public lookup.
//
// Purpose: read-only SQL over the registry schema (store/migrations/0003_registry.sql, indexes
// in 0004, 0005, 0006, 0011; the stored counts of 0009 and the cited standards of
// 0012_institution_standards.sql, kept by registry.h), portable across SQLite and PostgreSQL.
// Plans and the tables they read: docs/registry-storage.md.
// Every function that takes a `viewer` restricts its rows through store::ScopeFor (admin: all;
// regulator/inspector: their region subtree; institution: their own institution); the public role
// is refused (kPermissionDenied "auth.forbidden") except by `PublicLookup`, which returns public
// fields only. A record outside the scope is kNotFound, like a missing one.
//
// Semantics (the brute-force evaluation in query_test.cc implements the same definitions):
//   - Dates are "YYYY-MM-DD" text; NULL bounds are open.
//   - Status of a certificate on D: the status of its latest history entry effective on or
//     before D (ties: the later entry); without one, its recorded status. A certificate is
//     valid on D when that status is "valid" and issued_on ≤ D ≤ expires_on.
//   - A capability row is in scope on D when COALESCE(valid_from, approved_on) ≤ D and
//     (valid_to is NULL or D ≤ valid_to).
//   - Capability matching: item and parameter exactly (indexed); standard number canonical
//     (base/standard_no.h): with a year it matches that edition, without a year every edition;
//     standard name: a substring of the catalogue name (standards.name) of the cited edition.
//   - On a credit list on D: listed_on ≤ D and (removed_on is NULL or D < removed_on).
//   - A standard is abolished on D when its catalogue status is "abolished" and abolished_on is
//     NULL or ≤ D; it is replaced on D when a replacement link names it and the replacing
//     standard is not catalogued with effective_on > D.
//
// Ownership: functions borrow the connection for the call.
// Thread-safety: pure functions of their arguments and the database.
// Errors: kInvalidArgument "registry.bad-query" (bad dates, region prefix, page size, empty
// cross-search), "registry.bad-cursor"; kPermissionDenied "auth.forbidden"; kNotFound
// "institution.not-found"; store errors pass through.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "zhijian/base/principal.h"
#include "zhijian/base/result.h"
#include "zhijian/store/db.h"

namespace zhijian::registry::query {

// ---- institution search -----------------------------------------------------------------

enum class Sort { kName, kRegion, kCertificateExpiry, kCapabilityCount };
// "name", "region", "expiry", "capabilities".
const char* SortName(Sort s);
std::optional<Sort> ParseSort(std::string_view text);

// Largest page of the searches (exports read in pages of this size; the HTTP API's interactive
// pages are at most 200 rows).
inline constexpr int kMaxPageSize = 5000;

struct CapabilityMatch {
  std::string item;                  // exact
  std::string parameter;             // exact
  std::string standard_no;           // any accepted spelling; without a year: every edition
  std::string standard_name;         // substring of the catalogue name
  std::optional<std::string> as_of;  // only rows in scope on this date
  bool empty() const {
    return item.empty() && parameter.empty() && standard_no.empty() && standard_name.empty();
  }
};

struct InstitutionQuery {
  std::string name;                          // Chinese substring of the name
  std::string uscc;                          // exact
  std::string certificate_no;                // exact
  std::optional<std::string> cert_valid_on;  // has a certificate valid on this date
  std::string region_prefix;                 // GB/T 2260 prefix ("37", "3701", "370102")
  std::string domain;                        // one 检验检测领域, exact
  std::optional<bool> national_centre;
  CapabilityMatch capability;  // applied when not empty()
  bool has_penalties = false;  // with at least one penalty decided in the period
  std::optional<std::string> penalties_from;
  std::optional<std::string> penalties_to;
  bool on_credit_list = false;  // listed on `credit_as_of` (default: today)
  std::string credit_kind;      // "serious-dishonesty", "abnormal-operation", "" = any
  std::optional<std::string> credit_as_of;
  Sort sort = Sort::kName;
  bool descending = false;
  std::string cursor;  // from a previous page's next_cursor; empty = first page
  int page_size = 20;  // 1..kMaxPageSize
  std::string today;   // "YYYY-MM-DD" (injected clock): default as-of date for credit flags
};

struct InstitutionHit {
  int64_t id = 0;
  std::string uscc;
  std::string name;
  std::string region_code;
  std::vector<std::string> domains;
  bool national_centre = false;
  int64_t certificate_count = 0;
  std::optional<std::string> earliest_expiry;  // earliest expires_on of its "valid" certificates
  int64_t capability_count = 0;
  int64_t penalty_count = 0;
  bool serious_dishonesty = false;  // listed on `credit_as_of` / today
  bool abnormal_operation = false;
};

struct InstitutionPage {
  std::vector<InstitutionHit> items;
  std::string next_cursor;  // empty on the last page
  int64_t total = 0;        // all matches inside the scope
};

Result<InstitutionPage> SearchInstitutions(store::Connection& conn, const Principal& viewer,
                                           const InstitutionQuery& q);

// ---- capability ↔ standard cross-search -------------------------------------------------

struct CapabilityQuery {
  CapabilityMatch match;      // at least one of item / parameter / standard_no / standard_name
  std::string region_prefix;  // institutions in this region subtree
  std::string category;       // exact, optional
  bool require_valid_certificate = true;  // when match.as_of is set: certificate valid then
  int64_t after_id = 0;                   // capability id cursor (0 = first page)
  int page_size = 50;                     // 1..kMaxPageSize
  // The total: counted only when `count_total`, and then at most `count_limit` matches (0 = all).
  // A broad query (a common word of standard names matches ~10 % of a province's 5 M rows) costs
  // its whole count otherwise; nobody pages through 10,000 rows, and an export needs only to know
  // whether there are more than it may write.
  bool count_total = true;
  int64_t count_limit = 0;
};
// What the search page counts up to ("10000+" beyond).
inline constexpr int64_t kSearchCountLimit = 10'000;

struct CapabilityHit {
  int64_t institution_id = 0;
  std::string institution_name;
  std::string uscc;
  std::string region_code;
  int64_t capability_id = 0;
  std::string certificate_no;
  std::string category, object, item, parameter, standard_no, standard_name, limitation;
  std::optional<std::string> valid_from;  // COALESCE(valid_from, approved_on)
  std::optional<std::string> valid_to;
};

struct CapabilityPage {
  std::vector<CapabilityHit> items;
  int64_t next_after_id = 0;  // 0 on the last page
  int64_t total = 0;          // 0 when not counted; count_limit when there are more
  bool total_exact = true;    // false: more than `total` (= count_limit) matches
};

Result<CapabilityPage> SearchCapabilities(store::Connection& conn, const Principal& viewer,
                                          const CapabilityQuery& q);

// The standards an institution's capability rows cite, with their catalogue entry.
struct CoveredStandard {
  std::string standard_no;
  std::string name;  // catalogue name, else the name given in the capability rows
  bool in_catalogue = false;
  std::string status;  // "current", "upcoming", "abolished"; "" when not catalogued
  std::optional<std::string> effective_on;
  std::optional<std::string> abolished_on;
  std::vector<std::string> replaced_by;
  int64_t capability_rows = 0;
};

Result<std::vector<CoveredStandard>> StandardsOfInstitution(store::Connection& conn,
                                                            const Principal& viewer,
                                                            int64_t institution_id);

// Institutions whose capability rows in scope on `as_of` cite a standard abolished or replaced
// on `as_of`, ordered by id.
struct AbolishedListing {
  int64_t institution_id = 0;
  std::string name;
  std::string uscc;
  std::string region_code;
  std::vector<std::string> standards;  // the abolished / replaced numbers cited, sorted
  int64_t capability_rows = 0;
};

struct AbolishedQuery {
  std::string region_prefix;
  std::string as_of;     // required
  int64_t after_id = 0;  // institution id cursor
  int page_size = 100;   // 1..500
};

struct AbolishedPage {
  std::vector<AbolishedListing> items;
  int64_t next_after_id = 0;
};

Result<AbolishedPage> InstitutionsListingAbolished(store::Connection& conn, const Principal& viewer,
                                                   const AbolishedQuery& q);

// ---- portrait (全景画像) ---------------------------------------------------------------------

struct PortraitCertificate {
  int64_t id = 0;
  std::string number, issuer, status;
  std::optional<std::string> issued_on, expires_on;
  struct Change {
    std::string status, effective_on, reason;
  };
  std::vector<Change> history;  // oldest first
};

struct CapabilityGroup {  // one (category, object, item) with its number of rows
  std::string category, object, item;
  int64_t rows = 0;
};

struct PortraitPerson {
  int64_t id = 0;
  std::string name, title;
  std::vector<std::string> roles;
  struct Field {
    std::string field;
    std::optional<std::string> from, to;
  };
  std::vector<Field> signatory_fields;
};

struct PortraitEquipment {
  int64_t id = 0;
  std::string name, model, serial;
  std::optional<std::string> calibration_due;
  std::string calibration;  // "overdue", "due-soon" (within 30 days), "ok", "unknown"
};

struct PortraitCredit {
  std::string kind, listed_on, authority, reason;
  std::optional<std::string> removed_on;
  bool active = false;  // listed today
};

struct PortraitPenalty {
  std::string decision_no, decided_on, authority, violation, legal_basis;
  std::optional<double> amount_yuan;
};

struct Portrait {
  int64_t id = 0;
  std::string uscc, name, region_code, address, legal_rep, legal_form;
  std::vector<std::string> domains;
  bool national_centre = false;
  std::vector<PortraitCertificate> certificates;
  std::vector<CapabilityGroup> capability_groups;  // sorted by category, object, item
  int64_t capability_rows = 0;
  std::vector<PortraitPerson> people;
  std::vector<PortraitEquipment> equipment;  // overdue first, then by due date
  std::vector<PortraitCredit> credit_flags;
  std::vector<PortraitPenalty> penalties;  // newest first
};

Result<Portrait> GetPortrait(store::Connection& conn, const Principal& viewer, int64_t id,
                             const std::string& today);

// ---- public lookup (资质认定获证机构查询) ----------------------------------------------------

struct PublicCertificate {
  std::string number, status;
  std::optional<std::string> issued_on, expires_on;
};

struct PublicInstitution {
  std::string name, uscc, region_code;
  std::vector<std::string> domains;
  std::vector<PublicCertificate> certificates;
};

struct PublicQuery {
  std::string name;            // substring, at least 2 characters
  std::string uscc;            // exact
  std::string certificate_no;  // exact
  int limit = 20;              // 1..50
};

// Institutions holding at least one certificate, matching every given field; public fields
// only. kInvalidArgument "registry.bad-query" when no field is given.
Result<std::vector<PublicInstitution>> PublicLookup(store::Connection& conn, const PublicQuery& q);

// ---- helpers shared with the API ----------------------------------------------------------

// Splits the stored '|a|b|' domain text.
std::vector<std::string> SplitBars(const std::string& text);
// kInvalidArgument unless `text` is a real calendar date "YYYY-MM-DD".
Result<void> CheckDate(const std::string& text, const char* field);

}  // namespace zhijian::registry::query
