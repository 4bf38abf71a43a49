#include "zhijian/api/request_params.h"

#include <cerrno>
#include <cstdlib>

#include "zhijian/base/region.h"

namespace zhijian::api {

Error BadParameter(const std::string& name) {
  return Error::Invalid("request.bad-parameter", "参数无效：" + name, "invalid parameter: " + name,
                        name);
}

Result<int64_t> ParseIntParam(const std::string& text, const char* name, int64_t lo, int64_t hi) {
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno != 0 || v < lo || v > hi) return BadParameter(name);
  return static_cast<int64_t>(v);
}

Result<int64_t> QueryInt(const server::Request& req, const char* name, int64_t fallback, int64_t lo,
                         int64_t hi) {
  auto v = req.Query(name);
  if (!v) return fallback;
  return ParseIntParam(*v, name, lo, hi);
}

Result<std::string> QueryText(const server::Request& req, const char* name, size_t max) {
  auto v = req.Query(name);
  if (!v) return std::string();
  if (v->size() > max) return BadParameter(name);
  return *v;
}

Result<int64_t> PathId(server::Request& req, const char* name) {
  return ParseIntParam(req.path_params[name], name, 1, INT64_MAX);
}

boost::json::array JsonStrings(const std::vector<std::string>& v) {
  boost::json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

boost::json::value OptJson(const std::optional<std::string>& v) {
  return v ? boost::json::value(*v) : boost::json::value(nullptr);
}

boost::json::value OptJson(const std::optional<int64_t>& v) {
  return v ? boost::json::value(*v) : boost::json::value(nullptr);
}

std::string RegionDisplayName(const std::string& code) {
  if (code.empty()) return "全国";
  std::string six = code;
  while (six.size() < 6) six += "0";
  auto full = RegionTable::Get().FullName(six);
  return full ? *full : code;
}

Result<exporter::Format> ExportFormat(const server::Request& req) {
  ZJ_ASSIGN_OR_RETURN(std::string f, QueryText(req, "format", 8));
  if (f.empty()) return exporter::Format::kXlsx;
  auto parsed = exporter::ParseFormat(f);
  if (!parsed) return BadParameter("format");
  return *parsed;
}

Error TooManyToExport(int64_t total) {
  return Error::Invalid("export.too-large", "导出行数超过上限，请缩小查询范围",
                        "too many rows to export; narrow the query",
                        std::to_string(total) + " > " + std::to_string(kExportMaxRows));
}

Result<server::Response> ExportResponse(const exporter::Table& table, exporter::Format f,
                                        const std::string& stem, const std::string& today) {
  ZJ_ASSIGN_OR_RETURN(std::string bytes, exporter::Render(table, f));
  server::Response r;
  r.status = 200;
  r.content_type = exporter::ContentType(f);
  r.body = std::move(bytes);
  const std::string file = stem + "-" + today + "." + exporter::Extension(f);
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + file + "\"");
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

}  // namespace zhijian::api
