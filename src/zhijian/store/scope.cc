#include "zhijian/store/scope.h"

namespace zhijian::store {

ScopePredicate ScopeFor(const Principal& principal, const ScopeColumns& columns) {
  switch (principal.role) {
    case Role::kAdmin:
      return {"(1=1)", {}};
    case Role::kRegulator:
    case Role::kInspector:
      if (columns.region_column.empty()) return {"(1=0)", {}};
      if (principal.region_prefix.empty()) return {"(1=1)", {}};
      return {"(" + columns.region_column + " LIKE ?)", {Value(principal.region_prefix + "%")}};
    case Role::kInstitution:
      if (columns.institution_column.empty() || !principal.institution_id) return {"(1=0)", {}};
      return {"(" + columns.institution_column + " = ?)", {Value(*principal.institution_id)}};
    case Role::kPublic:
      return {"(" + columns.public_sql + ")", {}};
  }
  return {"(1=0)", {}};
}

void AppendScope(const ScopePredicate& predicate, std::string* sql, std::vector<Value>* params) {
  *sql += " AND ";
  *sql += predicate.sql;
  params->insert(params->end(), predicate.params.begin(), predicate.params.end());
}

}  // namespace zhijian::store
