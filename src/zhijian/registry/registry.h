// The registry's storage: upserts by business key, scoped reads, and audited edits.
//
// Purpose: the one place that reads and writes the registry tables (0003_registry.sql). Two
// kinds of writers use it:
//   - bulk loaders (import, generator): `Upsert*` inside the caller's write transaction, by
//     business key (registry/model.h), reporting whether each row was inserted, updated or
//     unchanged, so that a re-import changes nothing. The caller records one audit event per
//     import (action "registry.import") rather than one per row.
//   - people and clients through the API: `Save*` / `Delete*` with the caller's Principal:
//     checks role and scope (admin: all; regulator: institutions in their region; institution
//     users: only their own institution's people and equipment; inspectors and public: none;
//     the standards catalogue: admin only), validates, writes and audits in one transaction.
// Reads (`GetInstitution`; the portrait is query::GetPortrait) are scoped through store::ScopeFor;
// a record outside the scope is kNotFound, like a missing one.
//
// Normalisation (upserts and saves alike): text is trimmed (ASCII spaces and U+3000); USCCs,
// standard numbers and 12-digit CMA numbers are stored canonical (base/uscc.h, standard_no.h,
// cma.h; a standard or certificate number that does not parse is kept trimmed as given); an
// empty optional date is NULL; domains and roles are stored sorted and deduplicated ('|a|b|'),
// so their order never counts as a change; signatory fields are keyed by field (first wins).
// Outcomes are exact: kUnchanged means every stored column (and the attached history, links or
// signatory fields) already equalled the input, and then nothing was written (updated_at
// stays). Capabilities: standard_key = the number without its year; valid_from defaults to
// approved_on; institution_id 0 = taken from the certificate. A new certificate without
// `history` is valid from issued_on (or today, China time); a status other than valid is then
// a second entry effective today — "expired" the day after expires_on when that is past, so
// a certificate imported as 过期 was valid while it ran.
// Saves: kNotFound ("registry.*-not-found") for a record or institution outside the actor's
// scope; kPermissionDenied for a role without write rights or a new region outside a
// regulator's scope; kConflict "registry.duplicate" for a business key taken by another
// record. Save* with id 0 creates, else replaces every field of that record (institution_id 0
// keeps the stored institution); SavePerson with an
// empty id_hash on update keeps the stored one, and requires 64 lowercase hex digits otherwise
// ("registry.bad-id-hash"). Validation codes: "registry.missing-field", "registry.bad-date",
// "registry.bad-region", "uscc.*". A USCC failing its check character is saved and flagged in
// the audit detail (uscc_suspect, uscc_warnings).
//
// Ownership: borrows the Database and Clock, which must outlive it.
// Thread-safety: thread-safe (no mutable state of its own).
// Errors: kInvalidArgument with codes "registry.*" naming the field in detail; kNotFound;
// kPermissionDenied "auth.forbidden"; store errors pass through.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "zhijian/base/clock.h"
#include "zhijian/base/principal.h"
#include "zhijian/base/result.h"
#include "zhijian/registry/model.h"
#include "zhijian/store/db.h"

namespace zhijian::registry {

enum class Outcome { kInserted, kUpdated, kUnchanged };

struct Upserted {
  int64_t id = 0;
  Outcome outcome = Outcome::kUnchanged;
};

class Registry {
 public:
  Registry(store::Database& db, const Clock& clock);

  // ---- bulk upserts (inside the caller's write transaction) ----
  // Certificate: a status different from the stored one appends a history entry effective
  // `today` ("expired": the day after a past expires_on) unless `history` gives dates. Person:
  // signatory fields are replaced by the given ones. Standard: replaces/replaced_by links are added
  // (never removed by an upsert).
  Result<Upserted> UpsertInstitution(store::Connection& tx, const Institution& v);
  Result<Upserted> UpsertCertificate(store::Connection& tx, const Certificate& v);
  Result<Upserted> UpsertCapability(store::Connection& tx, const Capability& v);
  Result<Upserted> UpsertPerson(store::Connection& tx, const Person& v);
  Result<Upserted> UpsertEquipment(store::Connection& tx, const Equipment& v);
  Result<Upserted> UpsertStandard(store::Connection& tx, const Standard& v);
  Result<Upserted> UpsertCreditFlag(store::Connection& tx, const CreditFlag& v);
  Result<Upserted> UpsertPenalty(store::Connection& tx, const Penalty& v);

  // Batch form of UpsertCapability for bulk loads: one result per input, in order, exactly as
  // if UpsertCapability had been called on each in turn (a key repeated within the batch
  // compares against its earlier occurrence; a row's own validation error, e.g.
  // "registry.bad-date", is its result and does not stop the others). A few statements per
  // batch instead of two or three per row: a multi-row INSERT ... ON CONFLICT DO NOTHING of
  // the new keys, a query fetching the stored rows of the other keys by key (run first when
  // the batch's first key is stored already, as in a re-import), and one UPDATE per changed
  // row. The outer error is a store error, after which the transaction must be rolled back.
  // Any batch size; statements are split at 1,000 rows (parameter limits); a few hundred to a
  // few thousand rows per call is the efficient range.
  //
  // institution_standards (migration 0012) is kept by every batch unless `cited` is
  // kRecountLater: then the caller must call RecountCitedStandards before committing (a bulk
  // load: one GROUP BY over the table at the end instead of an upsert per pair and batch).
  enum class Cited { kKeep, kRecountLater };
  Result<std::vector<Result<Upserted>>> UpsertCapabilities(store::Connection& tx,
                                                           std::span<const Capability> rows,
                                                           Cited cited = Cited::kKeep);
  // Rebuilds institution_standards from the capability rows and the catalogue (exact whatever
  // its state before), inside the caller's write transaction.
  Result<void> RecountCitedStandards(store::Connection& tx);

  // Business-key look-ups for loaders (no scope: loaders run as admin/CLI).
  Result<std::optional<int64_t>> InstitutionIdByUscc(store::Connection& conn,
                                                     const std::string& uscc);
  // (certificate id, institution id) of a certificate number.
  Result<std::optional<std::pair<int64_t, int64_t>>> CertificateIdsByNumber(
      store::Connection& conn, const std::string& number);

  // ---- scoped reads ----
  // (Everything the portrait page shows of an institution: registry/query/query.h GetPortrait.)
  Result<Institution> GetInstitution(const Principal& viewer, int64_t id);

  // ---- audited edits through the API ----
  Result<Institution> SaveInstitution(const Principal& actor, const Institution& v,
                                      const std::string& ip);
  Result<Person> SavePerson(const Principal& actor, const Person& v, const std::string& ip);
  Result<void> DeletePerson(const Principal& actor, int64_t id, const std::string& ip);
  Result<Equipment> SaveEquipment(const Principal& actor, const Equipment& v,
                                  const std::string& ip);
  Result<void> DeleteEquipment(const Principal& actor, int64_t id, const std::string& ip);

  // Records the regulators keep: saved by business key through the Upsert* above (so the API
  // and an import of the same facts agree), in the actor's scope, audited ("<type>.save" with
  // the outcome). Admin and regulators of the institution's region only (institution users:
  // kPermissionDenied). `institution_id` names the institution; a business key held by another
  // institution's record (certificate or decision number) is kConflict "registry.duplicate".
  // A capability names its certificate by `certificate_number` among the institution's own
  // ("registry.certificate-not-found" otherwise); its other fields as in UpsertCapability.
  Result<Upserted> SaveCertificate(const Principal& actor, const Certificate& v,
                                   const std::string& ip);
  Result<Upserted> SaveCapability(const Principal& actor, const Capability& v,
                                  const std::string& certificate_number, const std::string& ip);
  Result<Upserted> SaveCreditFlag(const Principal& actor, const CreditFlag& v,
                                  const std::string& ip);
  Result<Upserted> SavePenalty(const Principal& actor, const Penalty& v, const std::string& ip);
  // Deletes of wrongly entered rows (kNotFound "registry.<type>-not-found" when missing or out
  // of scope). Certificates and standards are never deleted: their status records the end.
  Result<void> DeleteCapability(const Principal& actor, int64_t id, const std::string& ip);
  Result<void> DeleteCreditFlag(const Principal& actor, int64_t id, const std::string& ip);
  Result<void> DeletePenalty(const Principal& actor, int64_t id, const std::string& ip);
  // The national standards catalogue: administrators only.
  Result<Upserted> SaveStandard(const Principal& actor, const Standard& v, const std::string& ip);

 private:
  store::Database& db_;
  const Clock& clock_;
};

}  // namespace zhijian::registry
