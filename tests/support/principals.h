// The callers of storage and domain tests: one Principal per role, as the API would build them
// (ids 1–3 stand for users that the tests do not need to exist).
#pragma once

#include <cstdint>
#include <string>

#include "zhijian/base/principal.h"

namespace zhijian::testing {

inline Principal Admin() {
  Principal p;
  p.role = Role::kAdmin;
  p.user_id = 1;
  p.username = "admin";
  p.via = "session";
  return p;
}

// A regulator (or, with `role`, an inspector) of the region subtree `prefix`.
inline Principal Regulator(const std::string& prefix, Role role = Role::kRegulator) {
  Principal p;
  p.role = role;
  p.user_id = 2;
  p.username = (role == Role::kInspector ? "insp" : "reg") + prefix;
  p.region_prefix = prefix;
  p.via = "session";
  return p;
}

inline Principal Inspector(const std::string& prefix) {
  return Regulator(prefix, Role::kInspector);
}

// A user of institution `id`, signed in or calling with an API key (`via` "apikey").
inline Principal InstitutionUser(int64_t id, const std::string& via = "session") {
  Principal p;
  p.role = Role::kInstitution;
  p.user_id = 3;
  p.username = "lab" + std::to_string(id);
  p.institution_id = id;
  p.via = via;
  return p;
}

}  // namespace zhijian::testing
