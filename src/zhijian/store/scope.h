// The one enforcement point of role and region scope in the query layer.
//
// Purpose: every query that lists or loads scoped records appends the predicate built here, so
// a caller can never see rows outside its scope, whatever the route or the UI does. Later
// modules (registry, ledger, oversight, ...) use it for every read and check it before every
// write.
//
//   ScopePredicate p = ScopeFor(principal, {.region_column = "i.region_code",
//                                           .institution_column = "i.id"});
//   sql += " WHERE " + p.sql;  params.insert(params.end(), p.params...);
//
// Rules (base/principal.h): admin → TRUE; regulator/inspector → region_column LIKE 'prefix%'
// (national scope → TRUE); institution → institution_column = its id; public → the
// `public_sql` given (default FALSE: the public sees only what a route explicitly publishes).
//
// Thread-safety: pure function.
#pragma once

#include <string>
#include <vector>

#include "zhijian/base/principal.h"
#include "zhijian/store/db.h"

namespace zhijian::store {

struct ScopeColumns {
  std::string region_column;       // 6-digit GB/T 2260 code column; empty = records have none
  std::string institution_column;  // institution id column; empty = records have none
  std::string public_sql = "1=0";  // predicate for anonymous callers
};

struct ScopePredicate {
  std::string sql;            // a parenthesised boolean SQL expression with `?` placeholders
  std::vector<Value> params;  // values for those placeholders, in order
};

ScopePredicate ScopeFor(const Principal& principal, const ScopeColumns& columns);

// Appends `predicate` to `sql` as " AND (...)" / params; small helper for query builders.
void AppendScope(const ScopePredicate& predicate, std::string* sql, std::vector<Value>* params);

}  // namespace zhijian::store
