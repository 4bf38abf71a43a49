#include "zhijian/audit/audit.h"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "zhijian/base/digest.h"
#include "zhijian/store/scope.h"

namespace zhijian::audit {
namespace {

using store::Value;

constexpr const char* kVersionTag = "zhijian-audit-v1";
constexpr int kDefaultLimit = 50;
constexpr int kMaxLimit = 200;
constexpr int64_t kVerifyPage = 1000;

constexpr const char* kColumns =
    "seq, at, actor_user_id, actor, actor_role, via, action, target_type, target_id, "
    "region_code, institution_id, ip, detail, prev_hash, hash";

void AppendNetstring(std::string* out, const std::string& field) {
  *out += std::to_string(field.size());
  *out += ':';
  *out += field;
  *out += ',';
}

std::string OptIntText(const std::optional<int64_t>& v) {
  return v ? std::to_string(*v) : std::string();
}

AuditRecord RecordFromRow(const store::Row& row) {
  AuditRecord r;
  r.seq = row.Int(0);
  r.at = row.Text(1);
  r.actor_user_id = row.OptInt(2);
  r.actor = row.Text(3);
  r.actor_role = row.Text(4);
  r.via = row.Text(5);
  r.action = row.Text(6);
  r.target_type = row.Text(7);
  r.target_id = row.Text(8);
  r.region_code = row.Text(9);
  r.institution_id = row.OptInt(10);
  r.ip = row.Text(11);
  r.detail = row.Text(12);
  r.prev_hash = row.Text(13);
  r.hash = row.Text(14);
  return r;
}

// Escapes LIKE wildcards with '!' (used with ESCAPE '!').
std::string LikePrefix(const std::string& prefix) {
  std::string out;
  for (char c : prefix) {
    if (c == '%' || c == '_' || c == '!') out += '!';
    out += c;
  }
  return out + "%";
}

VerifyReport Broken(VerifyReport report, int64_t seq, std::string code, std::string message) {
  report.ok = false;
  report.bad_seq = seq;
  report.code = std::move(code);
  report.message = std::move(message);
  return report;
}

}  // namespace

boost::json::object AuditRecord::DetailObject() const {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(detail, ec);
  if (ec || !v.is_object()) return {};
  return std::move(v.as_object());
}

std::string CanonicalBytes(const AuditRecord& r) {
  std::string out;
  out.reserve(256 + r.detail.size());
  AppendNetstring(&out, kVersionTag);
  AppendNetstring(&out, std::to_string(r.seq));
  AppendNetstring(&out, r.at);
  AppendNetstring(&out, OptIntText(r.actor_user_id));
  AppendNetstring(&out, r.actor);
  AppendNetstring(&out, r.actor_role);
  AppendNetstring(&out, r.via);
  AppendNetstring(&out, r.action);
  AppendNetstring(&out, r.target_type);
  AppendNetstring(&out, r.target_id);
  AppendNetstring(&out, r.region_code);
  AppendNetstring(&out, OptIntText(r.institution_id));
  AppendNetstring(&out, r.ip);
  AppendNetstring(&out, r.detail);
  AppendNetstring(&out, r.prev_hash);
  return out;
}

std::string RecordHash(const AuditRecord& r) { return Sha256Hex(CanonicalBytes(r)); }

Result<int64_t> Append(store::Connection& tx, const Principal& actor, const std::string& ip,
                       const AuditEvent& e, TimePoint at) {
  if (e.action.empty()) {
    return Error::Internal("audit.no-action", "an audit event needs an action");
  }
  // UPDATE first: it takes the row lock on PostgreSQL (a concurrent appender waits here until
  // we commit) before we read the head.
  ZJ_ASSIGN_OR_RETURN(int64_t changed, tx.Exec("UPDATE audit_head SET seq = seq + 1 WHERE id = 1"));
  if (changed != 1) return Error::Internal("audit.no-head", "audit_head row is missing");
  ZJ_ASSIGN_OR_RETURN(std::optional<store::Row> head,
                      tx.QueryOne("SELECT seq, hash FROM audit_head WHERE id = 1"));
  if (!head) return Error::Internal("audit.no-head", "audit_head row is missing");

  AuditRecord r;
  r.seq = head->Int(0);
  r.prev_hash = head->Text(1);
  r.at = FormatInstant(at);
  if (actor.user_id > 0) r.actor_user_id = actor.user_id;
  r.actor = actor.username;
  r.actor_role = std::string(RoleName(actor.role));
  r.via = actor.via;
  r.action = e.action;
  r.target_type = e.target_type;
  r.target_id = e.target_id;
  r.region_code = e.region_code;
  r.institution_id = e.institution_id;
  r.ip = ip;
  r.detail = boost::json::serialize(e.detail);
  r.hash = RecordHash(r);
  if (r.hash.empty()) return Error::Internal("audit.hash", "SHA-256 failed");

  auto opt_int = [](const std::optional<int64_t>& v) { return v ? Value(*v) : store::Null(); };
  std::vector<Value> params = {Value(r.seq),
                               Value(r.at),
                               opt_int(r.actor_user_id),
                               Value(r.actor),
                               Value(r.actor_role),
                               Value(r.via),
                               Value(r.action),
                               Value(r.target_type),
                               Value(r.target_id),
                               Value(r.region_code),
                               opt_int(r.institution_id),
                               Value(r.ip),
                               Value(r.detail),
                               Value(r.prev_hash),
                               Value(r.hash)};
  ZJ_TRY(tx.Exec(std::string("INSERT INTO audit_log (") + kColumns +
                     ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 params));
  std::vector<Value> head_params = {Value(r.hash)};
  ZJ_TRY(tx.Exec("UPDATE audit_head SET hash = ? WHERE id = 1", head_params));
  return r.seq;
}

Result<AuditPage> List(store::Connection& conn, const Principal& viewer, const ListFilter& f) {
  int limit = f.limit < 1 ? kDefaultLimit : std::min(f.limit, kMaxLimit);
  std::string sql = std::string("SELECT ") + kColumns + " FROM audit_log WHERE 1=1";
  std::vector<Value> params;
  if (f.before_seq) {
    sql += " AND seq < ?";
    params.emplace_back(*f.before_seq);
  }
  if (!f.action_prefix.empty()) {
    sql += " AND action LIKE ? ESCAPE '!'";
    params.emplace_back(LikePrefix(f.action_prefix));
  }
  if (!f.actor.empty()) {
    sql += " AND actor = ?";
    params.emplace_back(f.actor);
  }
  // Inspectors have a region scope for registry reading, but the audit trail is not theirs.
  store::ScopePredicate scope =
      viewer.role == Role::kInspector
          ? store::ScopePredicate{"(1=0)", {}}
          : store::ScopeFor(
                viewer, {.region_column = "region_code", .institution_column = "institution_id"});
  store::AppendScope(scope, &sql, &params);
  sql += " ORDER BY seq DESC LIMIT ?";
  params.emplace_back(static_cast<int64_t>(limit) + 1);

  ZJ_ASSIGN_OR_RETURN(std::vector<store::Row> rows, conn.Query(sql, params));
  AuditPage page;
  for (const store::Row& row : rows) {
    if (static_cast<int>(page.records.size()) == limit) {
      page.next_before_seq = page.records.back().seq;
      break;
    }
    page.records.push_back(RecordFromRow(row));
  }
  return page;
}

Result<VerifyReport> Verify(store::Connection& conn) {
  VerifyReport report;
  // Read the head first: everything up to it was committed together with it.
  ZJ_ASSIGN_OR_RETURN(std::optional<store::Row> head,
                      conn.QueryOne("SELECT seq, hash FROM audit_head WHERE id = 1"));
  if (!head) {
    return Error::Internal("audit.no-head", "audit_head row is missing");
  }
  report.head_seq = head->Int(0);
  report.head_hash = head->Text(1);

  int64_t expected = 1;
  std::string prev = kGenesisHash;
  while (expected <= report.head_seq) {
    std::vector<Value> params = {Value(expected - 1), Value(report.head_seq), Value(kVerifyPage)};
    ZJ_ASSIGN_OR_RETURN(
        std::vector<store::Row> rows,
        conn.Query(std::string("SELECT ") + kColumns +
                       " FROM audit_log WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?",
                   params));
    if (rows.empty()) break;
    for (const store::Row& row : rows) {
      AuditRecord r = RecordFromRow(row);
      if (r.seq != expected) {
        return Broken(report, expected, "audit.gap",
                      "record " + std::to_string(expected) + " is missing (next present is " +
                          std::to_string(r.seq) + ")");
      }
      if (RecordHash(r) != r.hash) {
        return Broken(report, r.seq, "audit.record-changed",
                      "record " + std::to_string(r.seq) + " does not match its hash");
      }
      if (r.prev_hash != prev) {
        return Broken(
            report, r.seq, "audit.broken-link",
            "record " + std::to_string(r.seq) + " does not link to the hash of its predecessor");
      }
      prev = r.hash;
      ++report.records_checked;
      ++expected;
    }
  }
  if (expected <= report.head_seq) {
    return Broken(report, expected, "audit.head-mismatch",
                  "the head is at " + std::to_string(report.head_seq) + " but records end at " +
                      std::to_string(expected - 1) + ": records were removed");
  }
  if (prev != report.head_hash) {
    return Broken(report, report.head_seq, "audit.head-mismatch",
                  "the head hash does not match the last record");
  }
  // One statement, so it reads a consistent snapshot even while others append.
  ZJ_ASSIGN_OR_RETURN(std::optional<store::Row> beyond,
                      conn.QueryOne("SELECT MIN(seq) FROM audit_log WHERE seq > "
                                    "(SELECT seq FROM audit_head WHERE id = 1)"));
  if (beyond && !beyond->IsNull(0)) {
    return Broken(report, beyond->Int(0), "audit.beyond-head",
                  "record " + std::to_string(beyond->Int(0)) + " lies beyond the head");
  }
  report.ok = true;
  return report;
}

}  // namespace zhijian::audit
