#include "zhijian/registry/query/query.h"

#include <algorithm>
#include <boost/json.hpp>
#include <map>

#include "zhijian/base/date.h"
#include "zhijian/base/region.h"
#include "zhijian/base/standard_no.h"
#include "zhijian/registry/model.h"
#include "zhijian/store/scope.h"

namespace zhijian::registry::query {
namespace {

namespace json = boost::json;
using store::Value;

Error BadQuery(const std::string& field, const std::string& zh, const std::string& en) {
  return Error::Invalid("registry.bad-query", zh, en, field);
}

Error Forbidden() {
  return Error(Error::Kind::kPermissionDenied, "auth.forbidden", "无权访问", "forbidden");
}

Error InstitutionNotFound() {
  return Error::NotFound("institution.not-found", "机构不存在", "institution not found");
}

// The viewer's scope over institutions aliased `alias`; the public is refused.
Result<store::ScopePredicate> InstitutionScope(const Principal& viewer, const std::string& alias) {
  if (viewer.role == Role::kPublic) return Forbidden();
  return store::ScopeFor(
      viewer, {.region_column = alias + ".region_code", .institution_column = alias + ".id"});
}

// A substring test that is case-sensitive and needs no LIKE escaping, on both backends.
std::string Contains(store::Backend b, const std::string& column) {
  return b == store::Backend::kSqlite ? "instr(" + column + ", ?) > 0"
                                      : "strpos(" + column + ", ?) > 0";
}

// Byte-order collation for text sort keys (SQLite's default BINARY is byte order already).
std::string ByteOrder(store::Backend b) {
  return b == store::Backend::kPostgres ? " COLLATE \"C\"" : "";
}

Result<std::string> RegionPrefix(const std::string& text) {
  if (text.empty()) return std::string();
  auto p = NormalizeScope(text);
  if (!p) return BadQuery("region", "地区代码无效", "invalid region code");
  return *p;
}

Result<void> CheckOptDate(const std::optional<std::string>& d, const char* field) {
  if (d) return CheckDate(*d, field);
  return {};
}

// "c" is a certificate alias; adds the "valid on D" predicate.
void CertValidOn(const std::string& c, const std::string& d, std::string* sql,
                 std::vector<Value>* params) {
  *sql +=
      "COALESCE((SELECT h.status FROM certificate_status_history h WHERE h.certificate_id = " + c +
      ".id AND h.effective_on <= ? ORDER BY h.effective_on DESC, h.id DESC LIMIT 1), " + c +
      ".status) = 'valid' AND (" + c + ".issued_on IS NULL OR " + c + ".issued_on <= ?) AND (" + c +
      ".expires_on IS NULL OR " + c + ".expires_on >= ?)";
  params->insert(params->end(), {Value(d), Value(d), Value(d)});
}

// "k" is a capability alias; adds the "in scope on D" predicate.
void CapabilityOn(const std::string& k, const std::string& d, std::string* sql,
                  std::vector<Value>* params) {
  const std::string from = "COALESCE(" + k + ".valid_from, " + k + ".approved_on)";
  *sql += "(" + from + " IS NULL OR " + from + " <= ?) AND (" + k + ".valid_to IS NULL OR " + k +
          ".valid_to >= ?)";
  params->insert(params->end(), {Value(d), Value(d)});
}

// Standards whose name contains the text, looked up first: a planner cannot know how few a
// substring matches (PostgreSQL assumed a third of the catalogue and scanned every capability
// row: 2-3 s at province scale), but it plans an explicit list of numbers by their statistics.
constexpr size_t kMaxNamedStandards = 1000;  // beyond: the subquery, as a planner pleases

Result<void> MatchStandardName(store::Connection& conn, const std::string& k,
                               const std::string& name, std::string* sql,
                               std::vector<Value>* params) {
  const std::string subquery =
      "SELECT s.number FROM standards s WHERE " + Contains(conn.backend(), "s.name");
  ZJ_ASSIGN_OR_RETURN(auto rows,
                      conn.Query(subquery + " LIMIT " + std::to_string(kMaxNamedStandards + 1),
                                 std::vector<Value>{name}));
  if (rows.size() > kMaxNamedStandards) {
    *sql += " AND " + k + ".standard_no IN (" + subquery + ")";
    params->emplace_back(name);
    return {};
  }
  if (rows.empty()) {
    *sql += " AND 1 = 0";
    return {};
  }
  *sql += " AND " + k + ".standard_no IN (";
  for (size_t i = 0; i < rows.size(); ++i) {
    *sql += i ? ", ?" : "?";
    params->emplace_back(rows[i].Text(0));
  }
  *sql += ")";
  return {};
}

// Conditions on capability alias `k` for a CapabilityMatch (each prefixed with " AND ").
Result<void> MatchCapability(store::Connection& conn, const std::string& k,
                             const CapabilityMatch& m, std::string* sql,
                             std::vector<Value>* params) {
  if (!m.item.empty()) {
    *sql += " AND " + k + ".item = ?";
    params->emplace_back(m.item);
  }
  if (!m.parameter.empty()) {
    *sql += " AND " + k + ".parameter = ?";
    params->emplace_back(m.parameter);
  }
  if (!m.standard_no.empty()) {
    auto parsed = StandardNo::Parse(m.standard_no);
    if (parsed) {
      *sql += " AND " + k + ".standard_key = ?";
      params->emplace_back(parsed->WithoutYear());
      if (parsed->year()) {
        *sql += " AND " + k + ".standard_no = ?";
        params->emplace_back(parsed->str());
      }
    } else {
      *sql += " AND " + k + ".standard_no = ?";  // a legacy number, stored as given
      params->emplace_back(m.standard_no);
    }
  }
  if (!m.standard_name.empty()) ZJ_TRY(MatchStandardName(conn, k, m.standard_name, sql, params));
  if (m.as_of) {
    ZJ_TRY(CheckDate(*m.as_of, "capability_as_of"));
    *sql += " AND ";
    CapabilityOn(k, *m.as_of, sql, params);
  }
  return {};
}

std::string Hex(const std::string& s) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char ch : s) {
    out += kDigits[ch >> 4];
    out += kDigits[ch & 15];
  }
  return out;
}

std::optional<std::string> Unhex(const std::string& s) {
  if (s.size() % 2 != 0) return std::nullopt;
  auto nib = [](char ch) -> int {
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < s.size(); i += 2) {
    int hi = nib(s[i]), lo = nib(s[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

struct Cursor {
  Value key;
  int64_t id = 0;
};

Error BadCursor() {
  return Error::Invalid("registry.bad-cursor", "分页游标无效", "invalid page cursor", "cursor");
}

std::string EncodeCursor(Sort sort, bool desc, const Value& key, int64_t id) {
  json::array a;
  a.emplace_back(SortName(sort));
  a.emplace_back(desc);
  if (const auto* i = std::get_if<int64_t>(&key)) {
    a.emplace_back(*i);
  } else {
    a.emplace_back(std::get<std::string>(key));
  }
  a.emplace_back(id);
  return Hex(json::serialize(a));
}

bool IntKey(Sort sort) { return sort == Sort::kCapabilityCount; }

Result<Cursor> DecodeCursor(const std::string& text, Sort sort, bool desc) {
  if (text.size() > 4096) return BadCursor();
  auto raw = Unhex(text);
  if (!raw) return BadCursor();
  boost::system::error_code ec;
  json::value v = json::parse(*raw, ec);
  if (ec || !v.is_array() || v.as_array().size() != 4) return BadCursor();
  const auto& a = v.as_array();
  if (!a[0].is_string() || a[0].as_string() != SortName(sort) || !a[1].is_bool() ||
      a[1].as_bool() != desc || !a[3].is_int64()) {
    return BadCursor();
  }
  Cursor c;
  c.id = a[3].as_int64();
  if (IntKey(sort)) {
    if (!a[2].is_int64()) return BadCursor();
    c.key = a[2].as_int64();
  } else {
    if (!a[2].is_string()) return BadCursor();
    c.key = std::string(a[2].as_string());
  }
  return c;
}

size_t CodePoints(const std::string& s) {
  size_t n = 0;
  for (unsigned char ch : s) n += (ch & 0xC0) != 0x80;
  return n;
}

// The filters of the search and the public lookup alike (institutions aliased "i"): a name
// substring, the exact USCC, and a certificate number of the institution.
void AppendIdentityFilters(store::Backend b, const std::string& name, const std::string& uscc,
                           const std::string& certificate_no, std::string* sql,
                           std::vector<Value>* params) {
  if (!name.empty()) {
    *sql += " AND " + Contains(b, "i.name");
    params->emplace_back(name);
  }
  if (!uscc.empty()) {
    *sql += " AND i.uscc = ?";
    params->emplace_back(uscc);
  }
  if (!certificate_no.empty()) {
    *sql +=
        " AND EXISTS (SELECT 1 FROM certificates c WHERE c.institution_id = i.id AND "
        "c.number = ?)";
    params->emplace_back(certificate_no);
  }
}

}  // namespace

const char* SortName(Sort s) {
  switch (s) {
    case Sort::kName:
      return "name";
    case Sort::kRegion:
      return "region";
    case Sort::kCertificateExpiry:
      return "expiry";
    case Sort::kCapabilityCount:
      return "capabilities";
  }
  return "name";
}

std::optional<Sort> ParseSort(std::string_view text) {
  for (Sort s : {Sort::kName, Sort::kRegion, Sort::kCertificateExpiry, Sort::kCapabilityCount}) {
    if (text == SortName(s)) return s;
  }
  return std::nullopt;
}

Result<void> CheckDate(const std::string& t, const char* field) {
  auto bad = [&]() {
    return BadQuery(field, "日期无效（应为 YYYY-MM-DD）", "invalid date (YYYY-MM-DD)");
  };
  if (!ParseIsoDate(t)) return bad();
  return {};
}

// ---- institution search -------------------------------------------------------------------

Result<InstitutionPage> SearchInstitutions(store::Connection& conn, const Principal& viewer,
                                           const InstitutionQuery& q) {
  ZJ_ASSIGN_OR_RETURN(store::ScopePredicate scope, InstitutionScope(viewer, "i"));
  if (q.page_size < 1 || q.page_size > kMaxPageSize) {
    return BadQuery("limit", "每页条数应为 1–5000", "page size must be 1-5000");
  }
  ZJ_TRY(CheckDate(q.today, "today"));
  ZJ_TRY(CheckOptDate(q.cert_valid_on, "valid_on"));
  ZJ_TRY(CheckOptDate(q.penalties_from, "penalties_from"));
  ZJ_TRY(CheckOptDate(q.penalties_to, "penalties_to"));
  ZJ_TRY(CheckOptDate(q.credit_as_of, "credit_as_of"));
  if (!q.credit_kind.empty() && q.credit_kind != "serious-dishonesty" &&
      q.credit_kind != "abnormal-operation") {
    return BadQuery("credit_kind", "名单类型无效", "invalid credit list kind");
  }
  if (q.name.size() > 200 || q.domain.size() > 100) {
    return BadQuery("name", "查询词过长", "query text too long");
  }
  const store::Backend b = conn.backend();
  const std::string credit_day = q.credit_as_of.value_or(q.today);

  std::string where = " WHERE 1=1";
  std::vector<Value> wp;
  AppendIdentityFilters(b, q.name, q.uscc, q.certificate_no, &where, &wp);
  if (q.cert_valid_on) {
    where += " AND EXISTS (SELECT 1 FROM certificates c WHERE c.institution_id = i.id AND ";
    CertValidOn("c", *q.cert_valid_on, &where, &wp);
    where += ")";
  }
  ZJ_ASSIGN_OR_RETURN(std::string prefix, RegionPrefix(q.region_prefix));
  if (!prefix.empty()) {
    where += " AND i.region_code LIKE ?";
    wp.emplace_back(prefix + "%");
  }
  if (!q.domain.empty()) {
    where += " AND " + Contains(b, "i.domains");
    wp.emplace_back("|" + q.domain + "|");
  }
  if (q.national_centre) {
    where += " AND i.national_centre = ?";
    wp.emplace_back(int64_t{*q.national_centre ? 1 : 0});
  }
  if (!q.capability.empty()) {
    // By standard name alone, a name can match dozens of standards: the institutions are then
    // collected from the rows citing them (index on standard_no and institution_id), not probed
    // one by one for each standard. Otherwise one probe per institution on (institution_id,
    // item / standard_key) is the cheaper plan.
    // Without a date the institutions citing them are read from institution_standards (one
    // entry per institution and standard instead of one per capability row: 416k rows for a
    // broad name at province scale).
    const CapabilityMatch& m = q.capability;
    const bool by_rows =
        !m.standard_name.empty() && m.item.empty() && m.parameter.empty() && m.standard_no.empty();
    if (by_rows && !m.as_of) {
      where += " AND i.id IN (SELECT x.institution_id FROM institution_standards x WHERE 1=1";
      ZJ_TRY(MatchStandardName(conn, "x", m.standard_name, &where, &wp));
    } else {
      where += by_rows ? " AND i.id IN (SELECT k.institution_id FROM capabilities k WHERE 1=1"
                       : " AND EXISTS (SELECT 1 FROM capabilities k WHERE k.institution_id = i.id";
      ZJ_TRY(MatchCapability(conn, "k", q.capability, &where, &wp));
    }
    where += ")";
  }
  if (q.has_penalties) {
    where += " AND EXISTS (SELECT 1 FROM penalties p WHERE p.institution_id = i.id";
    if (q.penalties_from) {
      where += " AND p.decided_on >= ?";
      wp.emplace_back(*q.penalties_from);
    }
    if (q.penalties_to) {
      where += " AND p.decided_on <= ?";
      wp.emplace_back(*q.penalties_to);
    }
    where += ")";
  }
  if (q.on_credit_list) {
    where += " AND EXISTS (SELECT 1 FROM credit_flags f WHERE f.institution_id = i.id";
    if (!q.credit_kind.empty()) {
      where += " AND f.kind = ?";
      wp.emplace_back(q.credit_kind);
    }
    where += " AND f.listed_on <= ? AND (f.removed_on IS NULL OR f.removed_on > ?))";
    wp.emplace_back(credit_day);
    wp.emplace_back(credit_day);
  }
  store::AppendScope(scope, &where, &wp);

  InstitutionPage page;
  ZJ_ASSIGN_OR_RETURN(auto total, conn.Query("SELECT COUNT(*) FROM institutions i" + where, wp));
  page.total = total.at(0).Int(0);

  std::string sort_key;
  switch (q.sort) {
    case Sort::kName:
      sort_key = "i.name";
      break;
    case Sort::kRegion:
      sort_key = "i.region_code";
      break;
    case Sort::kCertificateExpiry:
      sort_key =
          "COALESCE((SELECT MIN(c.expires_on) FROM certificates c WHERE c.institution_id = i.id "
          "AND c.status = 'valid' AND c.expires_on IS NOT NULL), '9999-12-31')";
      break;
    case Sort::kCapabilityCount:
      sort_key = "i.capability_count";
      break;
  }
  const std::string coll = IntKey(q.sort) ? "" : ByteOrder(b);
  const std::string dir = q.descending ? " DESC" : "";
  const std::string cmp = q.descending ? " < " : " > ";

  std::vector<Value> params;  // in the order the placeholders appear in the text
  std::string sql =
      "SELECT t.id, t.uscc, t.name, t.region_code, t.domains, t.national_centre, t.sk, "
      "(SELECT COUNT(*) FROM certificates c WHERE c.institution_id = t.id), "
      "(SELECT MIN(c.expires_on) FROM certificates c WHERE c.institution_id = t.id AND c.status = "
      "'valid'), "
      "(SELECT capability_count FROM institutions n WHERE n.id = t.id), "
      "(SELECT COUNT(*) FROM penalties p WHERE p.institution_id = t.id), "
      "(SELECT COUNT(*) FROM credit_flags f WHERE f.institution_id = t.id AND f.kind = "
      "'serious-dishonesty' AND f.listed_on <= ? AND (f.removed_on IS NULL OR f.removed_on > ?)), "
      "(SELECT COUNT(*) FROM credit_flags f WHERE f.institution_id = t.id AND f.kind = "
      "'abnormal-operation' AND f.listed_on <= ? AND (f.removed_on IS NULL OR f.removed_on > ?)) "
      "FROM (SELECT i.id, i.uscc, i.name, i.region_code, i.domains, i.national_centre, " +
      sort_key + " AS sk FROM institutions i" + where + ") t WHERE 1=1";
  for (int i = 0; i < 4; ++i) params.emplace_back(credit_day);
  params.insert(params.end(), wp.begin(), wp.end());
  if (!q.cursor.empty()) {
    ZJ_ASSIGN_OR_RETURN(Cursor c, DecodeCursor(q.cursor, q.sort, q.descending));
    sql += " AND (t.sk" + coll + cmp + "? OR (t.sk = ? AND t.id" + cmp + "?))";
    params.insert(params.end(), {c.key, c.key, Value(c.id)});
  }
  sql += " ORDER BY t.sk" + coll + dir + ", t.id" + dir + " LIMIT ?";
  params.emplace_back(int64_t{q.page_size + 1});
  ZJ_ASSIGN_OR_RETURN(auto rows, conn.Query(sql, params));

  const size_t n = std::min(rows.size(), static_cast<size_t>(q.page_size));
  for (size_t r = 0; r < n; ++r) {
    const auto& row = rows[r];
    InstitutionHit h;
    h.id = row.Int(0);
    h.uscc = row.Text(1);
    h.name = row.Text(2);
    h.region_code = row.Text(3);
    h.domains = registry::DecodeBarList(row.Text(4));
    h.national_centre = row.Int(5) != 0;
    h.certificate_count = row.Int(7);
    h.earliest_expiry = row.OptText(8);
    h.capability_count = row.Int(9);
    h.penalty_count = row.Int(10);
    h.serious_dishonesty = row.Int(11) > 0;
    h.abnormal_operation = row.Int(12) > 0;
    page.items.push_back(std::move(h));
  }
  if (rows.size() > n && n > 0) {
    const auto& last = rows[n - 1];
    Value key = IntKey(q.sort) ? Value(last.Int(6)) : Value(last.Text(6));
    page.next_cursor = EncodeCursor(q.sort, q.descending, key, last.Int(0));
  }
  return page;
}

// ---- capability cross-search ----------------------------------------------------------------

Result<CapabilityPage> SearchCapabilities(store::Connection& conn, const Principal& viewer,
                                          const CapabilityQuery& q) {
  ZJ_ASSIGN_OR_RETURN(store::ScopePredicate scope, InstitutionScope(viewer, "i"));
  if (q.match.empty()) {
    return BadQuery("item", "请至少指定检测项目、参数、标准编号或标准名称之一",
                    "give at least one of item, parameter, standard number, standard name");
  }
  if (q.page_size < 1 || q.page_size > kMaxPageSize) {
    return BadQuery("limit", "每页条数应为 1–5000", "page size must be 1-5000");
  }
  ZJ_ASSIGN_OR_RETURN(std::string prefix, RegionPrefix(q.region_prefix));
  // Within a city, a county or one institution, and matching by item, parameter or standard
  // number (indexes that continue with institution_id), the rows are read institution by
  // institution: one seek per institution of the region instead of every row of the item in the
  // province (55,840 for a common item, 30-100 ms, where a city holds 5,040 of them). CROSS JOIN
  // fixes that order on SQLite; PostgreSQL plans it as an inner join.
  const bool narrow_region =
      prefix.size() >= 4 || viewer.role == Role::kInstitution ||
      ((viewer.role == Role::kRegulator || viewer.role == Role::kInspector) &&
       viewer.region_prefix.size() >= 4);
  const bool by_institution =
      narrow_region &&
      (!q.match.item.empty() || !q.match.parameter.empty() || !q.match.standard_no.empty());
  std::string where = by_institution ? " WHERE k.institution_id = i.id" : " WHERE 1=1";
  std::vector<Value> wp;
  ZJ_TRY(MatchCapability(conn, "k", q.match, &where, &wp));
  if (!q.category.empty()) {
    where += " AND k.category = ?";
    wp.emplace_back(q.category);
  }
  if (!prefix.empty()) {
    where += " AND i.region_code LIKE ?";
    wp.emplace_back(prefix + "%");
  }
  if (q.match.as_of && q.require_valid_certificate) {
    where += " AND ";
    CertValidOn("c", *q.match.as_of, &where, &wp);
  }
  store::AppendScope(scope, &where, &wp);
  const std::string from =
      " FROM capabilities k JOIN institutions i ON i.id = k.institution_id JOIN certificates c ON "
      "c.id = k.certificate_id";
  // Every row has its certificate (NOT NULL, foreign key): the count and the choice of the page
  // join it only when the certificate's validity is asked, so that they can be read from an
  // index alone.
  std::string count_from =
      by_institution ? " FROM institutions i CROSS JOIN capabilities k"
                     : " FROM capabilities k JOIN institutions i ON i.id = k.institution_id";
  if (q.match.as_of && q.require_valid_certificate) {
    count_from += " JOIN certificates c ON c.id = k.certificate_id";
  }
  CapabilityPage page;
  if (q.count_total && q.count_limit > 0) {
    std::vector<Value> cp = wp;
    cp.emplace_back(q.count_limit + 1);
    ZJ_ASSIGN_OR_RETURN(
        auto total,
        conn.Query("SELECT COUNT(*) FROM (SELECT 1" + count_from + where + " LIMIT ?) m", cp));
    page.total = std::min(total.at(0).Int(0), q.count_limit);
    page.total_exact = total.at(0).Int(0) <= q.count_limit;
  } else if (q.count_total) {
    ZJ_ASSIGN_OR_RETURN(auto total, conn.Query("SELECT COUNT(*)" + count_from + where, wp));
    page.total = total.at(0).Int(0);
  }
  std::vector<Value> params = wp;
  params.emplace_back(q.after_id);
  params.emplace_back(int64_t{q.page_size + 1});
  ZJ_ASSIGN_OR_RETURN(
      auto rows,
      conn.Query("SELECT k.id, k.institution_id, i.name, i.uscc, i.region_code, c.number, "
                 "k.category, k.object, k.item, k.parameter, k.standard_no, k.standard_name, "
                 "k.limitation, COALESCE(k.valid_from, k.approved_on), k.valid_to" +
                     from + " WHERE k.id IN (SELECT k.id" + count_from + where +
                     " AND k.id > ? ORDER BY k.id LIMIT ?) ORDER BY k.id",
                 params));
  const size_t n = std::min(rows.size(), static_cast<size_t>(q.page_size));
  for (size_t r = 0; r < n; ++r) {
    const auto& row = rows[r];
    CapabilityHit h;
    h.capability_id = row.Int(0);
    h.institution_id = row.Int(1);
    h.institution_name = row.Text(2);
    h.uscc = row.Text(3);
    h.region_code = row.Text(4);
    h.certificate_no = row.Text(5);
    h.category = row.Text(6);
    h.object = row.Text(7);
    h.item = row.Text(8);
    h.parameter = row.Text(9);
    h.standard_no = row.Text(10);
    h.standard_name = row.Text(11);
    h.limitation = row.Text(12);
    h.valid_from = row.OptText(13);
    h.valid_to = row.OptText(14);
    page.items.push_back(std::move(h));
  }
  if (rows.size() > n && n > 0) page.next_after_id = page.items.back().capability_id;
  return page;
}

namespace {

// Checks that institution `id` is inside the viewer's scope.
Result<void> RequireInScope(store::Connection& conn, const Principal& viewer, int64_t id) {
  ZJ_ASSIGN_OR_RETURN(store::ScopePredicate scope, InstitutionScope(viewer, "i"));
  std::string sql = "SELECT i.id FROM institutions i WHERE i.id = ?";
  std::vector<Value> params{id};
  store::AppendScope(scope, &sql, &params);
  ZJ_ASSIGN_OR_RETURN(auto row, conn.QueryOne(sql, params));
  if (!row) return InstitutionNotFound();
  return {};
}

}  // namespace

Result<std::vector<CoveredStandard>> StandardsOfInstitution(store::Connection& conn,
                                                            const Principal& viewer,
                                                            int64_t institution_id) {
  ZJ_TRY(RequireInScope(conn, viewer, institution_id));
  const std::string coll = ByteOrder(conn.backend());
  std::vector<Value> p{institution_id};
  // The cited numbers with their row counts from institution_standards (0012); the name given in
  // the capability rows is read only for a number missing from the catalogue.
  ZJ_ASSIGN_OR_RETURN(
      auto rows,
      conn.Query("SELECT x.standard_no, CASE WHEN s.id IS NULL THEN (SELECT MAX(k.standard_name) "
                 "FROM capabilities k WHERE k.standard_no = x.standard_no AND k.institution_id = "
                 "x.institution_id) END, x.capability_rows, s.id, s.name, s.status, "
                 "s.effective_on, s.abolished_on FROM institution_standards x LEFT JOIN "
                 "standards s ON s.number = x.standard_no WHERE x.institution_id = ? ORDER BY "
                 "x.standard_no" +
                     coll,
                 p));
  ZJ_ASSIGN_OR_RETURN(
      auto links,
      conn.Query("SELECT r.replaced, r.replacement FROM standard_replacements r WHERE r.replaced "
                 "IN (SELECT x.standard_no FROM institution_standards x WHERE x.institution_id = "
                 "?) ORDER BY r.replaced" +
                     coll + ", r.replacement" + coll,
                 p));
  std::map<std::string, std::vector<std::string>> replaced_by;
  for (const auto& l : links) replaced_by[l.Text(0)].push_back(l.Text(1));
  std::vector<CoveredStandard> out;
  for (const auto& row : rows) {
    CoveredStandard s;
    s.standard_no = row.Text(0);
    s.in_catalogue = !row.IsNull(3);
    s.name = s.in_catalogue ? row.Text(4) : row.Text(1);
    s.status = s.in_catalogue ? row.Text(5) : "";
    s.effective_on = row.OptText(6);
    s.abolished_on = row.OptText(7);
    s.capability_rows = row.Int(2);
    if (auto it = replaced_by.find(s.standard_no); it != replaced_by.end()) {
      s.replaced_by = it->second;
    }
    out.push_back(std::move(s));
  }
  return out;
}

Result<AbolishedPage> InstitutionsListingAbolished(store::Connection& conn, const Principal& viewer,
                                                   const AbolishedQuery& q) {
  ZJ_ASSIGN_OR_RETURN(store::ScopePredicate scope, InstitutionScope(viewer, "i"));
  ZJ_TRY(CheckDate(q.as_of, "as_of"));
  if (q.page_size < 1 || q.page_size > 500) {
    return BadQuery("limit", "每页条数应为 1–500", "page size must be 1-500");
  }
  // The (institution, standard) pairs that count, from institution_standards (0012) through its
  // partial index on `retired` (abolished or replaced on some date), in institution order: the
  // standard abolished or replaced on the date, with capability rows of the pair in scope then
  // (a seek on capabilities (standard_no, institution_id, ...) per pair), the institution in
  // the region and the viewer's scope. CROSS JOIN keeps SQLite's join order: institutions first
  // (by id, filtered by region and scope), then their retired pairs; otherwise it probed every
  // retired pair of the province before looking at the region (100 ms for a city).
  std::string cond =
      " FROM institutions i CROSS JOIN institution_standards x WHERE x.institution_id = i.id AND "
      "x.retired = 1 AND (EXISTS (SELECT 1 FROM standards s WHERE s.number = x.standard_no AND "
      "s.status = 'abolished' AND (s.abolished_on IS NULL OR s.abolished_on <= ?)) OR EXISTS "
      "(SELECT 1 FROM standard_replacements r WHERE r.replaced = x.standard_no AND NOT EXISTS "
      "(SELECT 1 FROM standards s2 WHERE s2.number = r.replacement AND s2.effective_on > ?)))";
  std::vector<Value> cp{q.as_of, q.as_of};
  ZJ_ASSIGN_OR_RETURN(std::string prefix, RegionPrefix(q.region_prefix));
  if (!prefix.empty()) {
    cond += " AND i.region_code LIKE ?";
    cp.emplace_back(prefix + "%");
  }
  store::AppendScope(scope, &cond, &cp);
  std::string in_scope =
      "SELECT COUNT(*) FROM capabilities k WHERE k.standard_no = x.standard_no AND "
      "k.institution_id = x.institution_id AND ";
  std::vector<Value> sp;
  CapabilityOn("k", q.as_of, &in_scope, &sp);
  // 1. The page's institutions (one more tells whether another page follows).
  std::vector<Value> p1 = cp;
  for (const Value& v : sp) p1.push_back(v);
  p1.emplace_back(q.after_id);
  p1.emplace_back(int64_t{q.page_size + 1});
  ZJ_ASSIGN_OR_RETURN(auto ids, conn.Query("SELECT DISTINCT i.id" + cond + " AND (" + in_scope +
                                               ") > 0 AND i.id > ? ORDER BY i.id LIMIT ?",
                                           p1));
  AbolishedPage page;
  if (ids.empty()) return page;
  const size_t n = std::min(ids.size(), static_cast<size_t>(q.page_size));
  const int64_t last = ids[n - 1].Int(0);
  if (ids.size() > n) page.next_after_id = last;
  // 2. Their cited numbers with the rows in scope.
  std::vector<Value> p2 = sp;
  p2.insert(p2.end(), cp.begin(), cp.end());
  p2.emplace_back(q.after_id);
  p2.emplace_back(last);
  const std::string coll = ByteOrder(conn.backend());
  ZJ_ASSIGN_OR_RETURN(
      auto all_rows,
      conn.Query("SELECT i.id, i.name, i.uscc, i.region_code, x.standard_no, (" + in_scope + ")" +
                     cond + " AND i.id > ? AND i.id <= ? ORDER BY i.id, " + "x.standard_no" + coll,
                 p2));
  std::vector<store::Row> rows;
  for (auto& row : all_rows) {
    if (row.Int(5) > 0) rows.push_back(std::move(row));
  }
  for (const auto& row : rows) {
    const int64_t id = row.Int(0);
    if (page.items.empty() || page.items.back().institution_id != id) {
      AbolishedListing l;
      l.institution_id = id;
      l.name = row.Text(1);
      l.uscc = row.Text(2);
      l.region_code = row.Text(3);
      page.items.push_back(std::move(l));
    }
    page.items.back().standards.push_back(row.Text(4));
    page.items.back().capability_rows += row.Int(5);
  }
  return page;
}

// ---- portrait -----------------------------------------------------------------------------

Result<Portrait> GetPortrait(store::Connection& conn, const Principal& viewer, int64_t id,
                             const std::string& today) {
  ZJ_ASSIGN_OR_RETURN(store::ScopePredicate scope, InstitutionScope(viewer, "i"));
  ZJ_TRY(CheckDate(today, "today"));
  std::string sql =
      "SELECT i.id, i.uscc, i.name, i.region_code, i.address, i.legal_rep, i.legal_form, "
      "i.domains, i.national_centre FROM institutions i WHERE i.id = ?";
  std::vector<Value> params{id};
  store::AppendScope(scope, &sql, &params);
  ZJ_ASSIGN_OR_RETURN(auto head, conn.QueryOne(sql, params));
  if (!head) return InstitutionNotFound();
  Portrait p;
  p.id = head->Int(0);
  p.uscc = head->Text(1);
  p.name = head->Text(2);
  p.region_code = head->Text(3);
  p.address = head->Text(4);
  p.legal_rep = head->Text(5);
  p.legal_form = head->Text(6);
  p.domains = registry::DecodeBarList(head->Text(7));
  p.national_centre = head->Int(8) != 0;

  const std::vector<Value> idp{id};
  ZJ_ASSIGN_OR_RETURN(auto certs, conn.Query("SELECT id, number, issuer, status, issued_on, "
                                             "expires_on FROM certificates WHERE institution_id "
                                             "= ? ORDER BY issued_on, id",
                                             idp));
  ZJ_ASSIGN_OR_RETURN(auto hist,
                      conn.Query("SELECT h.certificate_id, h.status, h.effective_on, h.reason FROM "
                                 "certificate_status_history h JOIN certificates c ON c.id = "
                                 "h.certificate_id WHERE c.institution_id = ? ORDER BY "
                                 "h.certificate_id, h.effective_on, h.id",
                                 idp));
  for (const auto& r : certs) {
    PortraitCertificate c;
    c.id = r.Int(0);
    c.number = r.Text(1);
    c.issuer = r.Text(2);
    c.status = r.Text(3);
    c.issued_on = r.OptText(4);
    c.expires_on = r.OptText(5);
    for (const auto& h : hist) {
      if (h.Int(0) == c.id) c.history.push_back({h.Text(1), h.Text(2), h.Text(3)});
    }
    p.certificates.push_back(std::move(c));
  }
  const std::string coll = ByteOrder(conn.backend());
  ZJ_ASSIGN_OR_RETURN(auto groups,
                      conn.Query("SELECT category, object, item, COUNT(*) FROM capabilities "
                                 "WHERE institution_id = ? GROUP BY category, object, item "
                                 "ORDER BY category" +
                                     coll + ", object" + coll + ", item" + coll,
                                 idp));
  for (const auto& g : groups) {
    p.capability_groups.push_back({g.Text(0), g.Text(1), g.Text(2), g.Int(3)});
    p.capability_rows += g.Int(3);
  }
  ZJ_ASSIGN_OR_RETURN(auto people, conn.Query("SELECT id, name, title, roles FROM people WHERE "
                                              "institution_id = ? ORDER BY id",
                                              idp));
  ZJ_ASSIGN_OR_RETURN(auto fields,
                      conn.Query("SELECT f.person_id, f.field, f.authorized_from, "
                                 "f.authorized_to FROM signatory_fields f JOIN people pe ON pe.id "
                                 "= f.person_id WHERE pe.institution_id = ? ORDER BY f.person_id, "
                                 "f.id",
                                 idp));
  std::map<int64_t, std::vector<PortraitPerson::Field>> by_person;
  for (const auto& f : fields) {
    by_person[f.Int(0)].push_back({f.Text(1), f.OptText(2), f.OptText(3)});
  }
  for (const auto& r : people) {
    PortraitPerson pe;
    pe.id = r.Int(0);
    pe.name = r.Text(1);
    pe.title = r.Text(2);
    pe.roles = registry::DecodeBarList(r.Text(3));
    if (auto it = by_person.find(pe.id); it != by_person.end()) pe.signatory_fields = it->second;
    p.people.push_back(std::move(pe));
  }
  ZJ_ASSIGN_OR_RETURN(auto equipment,
                      conn.Query("SELECT id, name, model, serial, calibration_due FROM equipment "
                                 "WHERE institution_id = ? ORDER BY calibration_due, id",
                                 idp));
  // "due soon": within 30 days of today.
  const std::string soon = AddDays(today, 30).value_or(today);
  for (const auto& r : equipment) {
    PortraitEquipment e;
    e.id = r.Int(0);
    e.name = r.Text(1);
    e.model = r.Text(2);
    e.serial = r.Text(3);
    e.calibration_due = r.OptText(4);
    if (!e.calibration_due) {
      e.calibration = "unknown";
    } else if (*e.calibration_due < today) {
      e.calibration = "overdue";
    } else if (*e.calibration_due <= soon) {
      e.calibration = "due-soon";
    } else {
      e.calibration = "ok";
    }
    p.equipment.push_back(std::move(e));
  }
  std::stable_sort(p.equipment.begin(), p.equipment.end(),
                   [](const PortraitEquipment& a, const PortraitEquipment& b) {
                     auto rank = [](const std::string& s) {
                       return s == "overdue" ? 0 : s == "due-soon" ? 1 : s == "ok" ? 2 : 3;
                     };
                     return rank(a.calibration) < rank(b.calibration);
                   });
  ZJ_ASSIGN_OR_RETURN(auto credit, conn.Query("SELECT kind, listed_on, removed_on, authority, "
                                              "reason FROM credit_flags WHERE institution_id = "
                                              "? ORDER BY listed_on, id",
                                              idp));
  for (const auto& r : credit) {
    PortraitCredit c;
    c.kind = r.Text(0);
    c.listed_on = r.Text(1);
    c.removed_on = r.OptText(2);
    c.authority = r.Text(3);
    c.reason = r.Text(4);
    c.active = c.listed_on <= today && (!c.removed_on || today < *c.removed_on);
    p.credit_flags.push_back(std::move(c));
  }
  ZJ_ASSIGN_OR_RETURN(auto penalties,
                      conn.Query("SELECT decision_no, decided_on, authority, violation, "
                                 "legal_basis, amount_yuan FROM penalties WHERE institution_id = "
                                 "? ORDER BY decided_on DESC, id DESC",
                                 idp));
  for (const auto& r : penalties) {
    PortraitPenalty pen{r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), std::nullopt};
    if (!r.IsNull(5)) pen.amount_yuan = r.Real(5);
    p.penalties.push_back(std::move(pen));
  }
  return p;
}

// ---- public lookup ----------------------------------------------------------------------------

Result<std::vector<PublicInstitution>> PublicLookup(store::Connection& conn, const PublicQuery& q) {
  if (q.name.empty() && q.uscc.empty() && q.certificate_no.empty()) {
    return BadQuery("name", "请输入机构名称、统一社会信用代码或证书编号",
                    "give a name, a USCC or a certificate number");
  }
  if (!q.name.empty() && (CodePoints(q.name) < 2 || q.name.size() > 200)) {
    return BadQuery("name", "机构名称至少 2 个字", "the name needs at least 2 characters");
  }
  if (q.limit < 1 || q.limit > 50) {
    return BadQuery("limit", "每页条数应为 1–50", "limit must be 1-50");
  }
  const store::Backend b = conn.backend();
  std::string sql =
      "SELECT i.id, i.name, i.uscc, i.region_code, i.domains FROM institutions i WHERE EXISTS "
      "(SELECT 1 FROM certificates c WHERE c.institution_id = i.id)";
  std::vector<Value> params;
  AppendIdentityFilters(b, q.name, q.uscc, q.certificate_no, &sql, &params);
  sql += " ORDER BY i.name" + ByteOrder(b) + ", i.id LIMIT ?";
  params.emplace_back(int64_t{q.limit});
  ZJ_ASSIGN_OR_RETURN(auto rows, conn.Query(sql, params));
  std::vector<PublicInstitution> out;
  for (const auto& row : rows) {
    PublicInstitution pi;
    pi.name = row.Text(1);
    pi.uscc = row.Text(2);
    pi.region_code = row.Text(3);
    pi.domains = registry::DecodeBarList(row.Text(4));
    std::vector<Value> p{row.Int(0)};
    ZJ_ASSIGN_OR_RETURN(auto certs,
                        conn.Query("SELECT number, status, issued_on, expires_on FROM "
                                   "certificates WHERE institution_id = ? ORDER BY issued_on, id",
                                   p));
    for (const auto& c : certs) {
      pi.certificates.push_back({c.Text(0), c.Text(1), c.OptText(2), c.OptText(3)});
    }
    out.push_back(std::move(pi));
  }
  return out;
}

}  // namespace zhijian::registry::query
