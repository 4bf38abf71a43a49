// Private to the api module: the one way route handlers read query and path parameters, render
// optional values and region names, and answer with an export file.
//
// Errors: kInvalidArgument "request.bad-parameter" naming the parameter.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "zhijian/base/result.h"
#include "zhijian/export/table.h"
#include "zhijian/server/router.h"

namespace zhijian::api {

Error BadParameter(const std::string& name);
// A decimal integer in [lo, hi].
Result<int64_t> ParseIntParam(const std::string& text, const char* name, int64_t lo, int64_t hi);
// Query parameter `name` as an integer in [lo, hi], `fallback` when absent.
Result<int64_t> QueryInt(const server::Request& req, const char* name, int64_t fallback, int64_t lo,
                         int64_t hi);
// Query parameter `name` ("" when absent), at most `max` bytes.
Result<std::string> QueryText(const server::Request& req, const char* name, size_t max = 200);

// Path parameter `name` as a positive id.
Result<int64_t> PathId(server::Request& req, const char* name = "id");
boost::json::value OptJson(const std::optional<std::string>& v);
boost::json::value OptJson(const std::optional<int64_t>& v);

boost::json::array JsonStrings(const std::vector<std::string>& v);
// "山东省济南市历下区" for a region code or prefix ("37", "3701", "370102"); "全国" for "".
std::string RegionDisplayName(const std::string& code_or_prefix);

// The identifying fields every institution rendering starts with (id, uscc, name, region code
// and name, domains, national centre), from any record that has them.
template <typename T>
boost::json::object InstitutionBasicsJson(const T& v) {
  return boost::json::object{{"id", v.id},
                             {"uscc", v.uscc},
                             {"name", v.name},
                             {"region_code", v.region_code},
                             {"region_name", RegionDisplayName(v.region_code)},
                             {"domains", JsonStrings(v.domains)},
                             {"national_centre", v.national_centre}};
}

// ---- exports (CSV / XLSX) ----

// Rows per export; beyond it the caller is asked to narrow the query rather than receive a
// silently cut list.
inline constexpr int64_t kExportMaxRows = 200'000;
// Query parameter `format`: "xlsx" (default) or "csv".
Result<exporter::Format> ExportFormat(const server::Request& req);
// kInvalidArgument "export.too-large" naming the count.
Error TooManyToExport(int64_t total);
// The file as an attachment "<stem>-<today>.<ext>", not cached.
Result<server::Response> ExportResponse(const exporter::Table& table, exporter::Format f,
                                        const std::string& stem, const std::string& today);

}  // namespace zhijian::api
