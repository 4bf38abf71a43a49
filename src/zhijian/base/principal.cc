#include "zhijian/base/principal.h"

namespace zhijian {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kPublic:
      return "public";
    case Role::kAdmin:
      return "admin";
    case Role::kRegulator:
      return "regulator";
    case Role::kInstitution:
      return "institution";
    case Role::kInspector:
      return "inspector";
  }
  return "public";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role r :
       {Role::kPublic, Role::kAdmin, Role::kRegulator, Role::kInstitution, Role::kInspector}) {
    if (RoleName(r) == name) return r;
  }
  return std::nullopt;
}

bool Principal::RegionInScope(std::string_view region_code) const {
  switch (role) {
    case Role::kAdmin:
      return true;
    case Role::kRegulator:
    case Role::kInspector:
      return region_code.substr(0, region_prefix.size()) == region_prefix;
    default:
      return false;
  }
}

Principal Principal::Cli() {
  Principal p;
  p.role = Role::kAdmin;
  p.username = "cli";
  p.via = "cli";
  return p;
}

}  // namespace zhijian
