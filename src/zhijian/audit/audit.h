// The append-only, hash-chained audit trail: who did what, when, from where.
//
// Purpose: every write a user makes (and every sign-in attempt) is recorded in `audit_log`
// by `Append`, called INSIDE the caller's write transaction, so that a change and its record
// commit or roll back together. Records form a hash chain: each stores the hash of its
// predecessor (`prev_hash`) and its own `hash` over all of its fields, and the one-row table
// `audit_head` holds the last (seq, hash). Editing, removing or reordering records therefore
// shows up in `Verify`. (Rewriting the whole tail together with the head is not detectable from
// the database alone; publish or copy the head elsewhere to anchor it.)
//
// Canonical bytes of a record, hashed with SHA-256 and stored as 64 lowercase hex digits.
// Each field is written as a netstring: its length in bytes as ASCII decimal, ':', the bytes,
// ','. The 15 netstrings, in this order:
//   "zhijian-audit-v1" (a version tag), seq (ASCII decimal), at (RFC 3339 text as stored),
//   actor_user_id (ASCII decimal, or empty when NULL), actor, actor_role, via, action,
//   target_type, target_id, region_code, institution_id (decimal, or empty when NULL), ip,
//   detail (the stored JSON text, byte for byte), prev_hash (64 lowercase hex digits).
// Example start for seq 7 by the CLI: "16:zhijian-audit-v1,1:7,24:2026-01-02T03:04:05.000Z,0:,
// 3:cli,5:admin,3:cli,11:user.create,...". Lengths make the encoding injective: no two
// different records share canonical bytes.
// The first record's prev_hash is 64 '0' digits. An auditor can recompute every hash from the
// table alone (see CanonicalBytes / RecordHash).
//
// Scope (List): admin sees all; a regulator sees records whose region_code lies in its prefix
// (records with an empty region_code only when its scope is national); an institution user
// sees records carrying its institution_id; inspectors and the public see nothing. Enforced in
// SQL through store::ScopeFor.
//
// Ownership: free functions over a borrowed store::Connection.
// Thread-safety: stateless; concurrent appends on different connections serialise on the
// audit_head row (PostgreSQL row lock; SQLite's BEGIN IMMEDIATE write lock).
// Errors: store errors pass through (kUnavailable, kInternal); Append outside a write
// transaction is a programming error (on SQLite it may race). Verify reports a broken chain in
// its VerifyReport, not as an Error.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "zhijian/base/clock.h"
#include "zhijian/base/principal.h"
#include "zhijian/base/result.h"
#include "zhijian/store/db.h"

namespace zhijian::audit {

// What happened. `action` is a dotted verb such as "user.create", "auth.login",
// "auth.login-failed", "apikey.create". `region_code` / `institution_id` locate the record for
// scoping. `detail` must never hold secrets (passwords, tokens, keys).
struct AuditEvent {
  std::string action;
  std::string target_type;
  std::string target_id;
  std::string region_code;
  std::optional<int64_t> institution_id;
  boost::json::object detail;
};

// One stored record, as in audit_log.
struct AuditRecord {
  int64_t seq = 0;
  std::string at;  // RFC 3339 UTC
  std::optional<int64_t> actor_user_id;
  std::string actor;       // username ("" for anonymous callers)
  std::string actor_role;  // RoleName
  std::string via;         // "session", "apikey", "cli", "anonymous"
  std::string action;
  std::string target_type;
  std::string target_id;
  std::string region_code;
  std::optional<int64_t> institution_id;
  std::string ip;
  std::string detail;  // JSON object text, exactly as stored and hashed
  std::string prev_hash;
  std::string hash;

  // `detail` parsed; an empty object if it is not a JSON object.
  boost::json::object DetailObject() const;
};

// The hash of the record before the first one.
inline constexpr const char* kGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

// The canonical byte string of `r` (all fields but `hash`), as documented above.
std::string CanonicalBytes(const AuditRecord& r);
// Lowercase hex SHA-256 of CanonicalBytes(r).
std::string RecordHash(const AuditRecord& r);

// Appends a record for `e` done by `actor` from `ip` at `at`; returns its seq. Must run inside
// the caller's write transaction on `tx` (store::WithTransaction).
Result<int64_t> Append(store::Connection& tx, const Principal& actor, const std::string& ip,
                       const AuditEvent& e, TimePoint at);

struct ListFilter {
  std::optional<int64_t> before_seq;  // only records with seq < this (the page cursor)
  int limit = 50;                     // clamped to [1, 200]
  std::string action_prefix;          // e.g. "auth." ("" = any)
  std::string actor;                  // exact username ("" = any)
};

struct AuditPage {
  std::vector<AuditRecord> records;        // newest first
  std::optional<int64_t> next_before_seq;  // pass as before_seq for the next page; none = end
};

// Lists the records `viewer` may see, newest first.
Result<AuditPage> List(store::Connection& conn, const Principal& viewer, const ListFilter& f);

struct VerifyReport {
  bool ok = false;
  int64_t records_checked = 0;
  int64_t head_seq = 0;
  std::string head_hash;
  std::optional<int64_t> bad_seq;  // the first seq found broken (for a gap: the missing seq)
  // "" when ok; else "audit.record-changed" (hash mismatch), "audit.broken-link" (prev_hash is
  // not the predecessor's hash), "audit.gap" (a seq is missing), "audit.head-mismatch" (the
  // head does not match the last record: the tail was removed), "audit.beyond-head" (records
  // after the head).
  std::string code;
  std::string message;  // English, for the CLI
};

// Walks the whole chain in seq order (in pages of 1000), recomputing every hash. Safe to run
// while others append: it checks the records up to the head read at the start.
Result<VerifyReport> Verify(store::Connection& conn);

}  // namespace zhijian::audit
