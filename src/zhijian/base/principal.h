// Who is asking: the authenticated identity every request and CLI action runs as.
//
// Purpose: a plain value describing a caller's role and scope. It is produced by the accounts
// module (from a session cookie, an API key, or nothing = public) and consumed by the query layer
// (store/scope.h), which is the one place where scope turns into SQL predicates. Domain code never
// decides visibility by itself.
//
// Scope rules (DESIGN.md §3):
//   - admin: everything.
//   - regulator: the region subtree named by `region_prefix` (GB/T 2260 prefix without trailing
//     zero pairs: "" = national, "37" = a province, "3701" = a city, "370102" = a county).
//   - institution: exactly one institution (`institution_id`).
//   - inspector: the region subtree of `region_prefix` for reading, no registry writes.
//   - public: public fields only.
//
// Thread-safety: plain value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace zhijian {

enum class Role { kPublic, kAdmin, kRegulator, kInstitution, kInspector };

// "public", "admin", "regulator", "institution", "inspector".
std::string_view RoleName(Role role);
// Parses a role name; std::nullopt for an unknown name.
std::optional<Role> ParseRole(std::string_view name);

struct Principal {
  Role role = Role::kPublic;
  int64_t user_id = 0;                    // 0 for public
  std::string username;                   // empty for public
  std::string region_prefix;              // regulator/inspector scope; see above
  std::optional<int64_t> institution_id;  // institution users only
  std::string via = "anonymous";          // "session", "apikey", "cli", "anonymous"

  bool IsAuthenticated() const { return role != Role::kPublic; }

  // True when a record located in `region_code` (6 digits) is inside this principal's
  // region scope. Admin: always; regulator/inspector: prefix match; others: false (institution
  // users are scoped by institution id, not region).
  bool RegionInScope(std::string_view region_code) const;

  // The principal used by local administrative CLI commands (full rights, via = "cli").
  static Principal Cli();
};

}  // namespace zhijian
