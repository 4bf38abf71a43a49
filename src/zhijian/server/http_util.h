// Private helpers of the server module: URL decoding, target splitting, route patterns, and
// problem bodies with an explicit status. Not part of the module's contract.
//
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "zhijian/server/router.h"

namespace zhijian::server::internal {

// Decodes %XX escapes; when `plus_is_space`, '+' becomes ' ' (query strings). std::nullopt on a
// malformed escape ("%4", "%zz").
std::optional<std::string> PercentDecode(std::string_view in, bool plus_is_space);

// Parses "a=1&b=x+y&c" into {a:1, b:"x y", c:""}; the last value of a repeated name wins.
// Malformed escapes make the whole query invalid (std::nullopt).
std::optional<std::map<std::string, std::string>> ParseQuery(std::string_view query);

// Splits a request target into the raw path and the raw query (without '?').
std::pair<std::string_view, std::string_view> SplitTarget(std::string_view target);

// True when `path` matches `pattern` segment by segment; "{name}" segments capture a
// non-empty segment into `params` (which may be null).
bool MatchPattern(std::string_view pattern, std::string_view path,
                  std::map<std::string, std::string>* params);

// The methods of the routes whose pattern matches `path`, comma separated ("GET, POST"), for
// the Allow header of a 405.
std::string AllowedMethods(const Router& router, std::string_view path);

// A problem+json response with an explicit status, for statuses that have no Error::Kind
// (405, 431).
Response ProblemWithStatus(unsigned status, const Error& error, const std::string& instance,
                           const std::string& request_id);

}  // namespace zhijian::server::internal
