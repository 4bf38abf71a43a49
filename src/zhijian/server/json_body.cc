#include "zhijian/server/json_body.h"

#include <boost/json.hpp>
#include <cctype>
#include <cmath>
#include <limits>

namespace zhijian::server {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// True for "application/json" with optional parameters (charset=utf-8).
bool IsJsonContentType(std::string_view content_type) {
  std::string_view media = Trim(content_type.substr(0, content_type.find(';')));
  if (Lower(media) != "application/json") return false;
  std::string_view params = content_type.find(';') == std::string_view::npos
                                ? std::string_view()
                                : content_type.substr(content_type.find(';') + 1);
  std::string p = Lower(params);
  size_t at = p.find("charset=");
  if (at == std::string::npos) return true;
  std::string_view charset = Trim(std::string_view(p).substr(at + 8));
  charset = charset.substr(0, charset.find(';'));
  if (charset.size() >= 2 && charset.front() == '"' && charset.back() == '"') {
    charset = charset.substr(1, charset.size() - 2);
  }
  return charset == "utf-8" || charset == "utf8";
}

Error FieldMissing(std::string_view field) {
  return Error::Invalid("request.field-missing", "缺少必填字段", "a required field is missing",
                        std::string(field));
}

Error FieldType(std::string_view field, std::string_view expected) {
  return Error::Invalid("request.field-type", "字段类型错误", "a field has the wrong type",
                        std::string(field) + ": expected " + std::string(expected));
}

// The field's value, or null for absent/null.
const boost::json::value* Find(const boost::json::object& object, std::string_view field) {
  const boost::json::value* v = object.if_contains(field);
  if (v == nullptr || v->is_null()) return nullptr;
  return v;
}

Result<int64_t> AsInt(const boost::json::value& v, std::string_view field) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) {
    if (v.get_uint64() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return FieldType(field, "integer in int64 range");
    }
    return static_cast<int64_t>(v.get_uint64());
  }
  return FieldType(field, "integer");
}

}  // namespace

// False when a number overflowed to infinity ("1e999"): Boost.JSON 1.81 accepts it, and would
// serialize it as "Infinity", which is not JSON. (Nesting is bounded by the parser's depth limit.)
bool AllFinite(const boost::json::value& v) {
  if (v.is_double()) return std::isfinite(v.get_double());
  if (v.is_array()) {
    for (const boost::json::value& e : v.get_array()) {
      if (!AllFinite(e)) return false;
    }
  }
  if (v.is_object()) {
    for (const auto& kv : v.get_object()) {
      if (!AllFinite(kv.value())) return false;
    }
  }
  return true;
}

Result<boost::json::value> ParseJsonBody(const Request& request) {
  if (!IsJsonContentType(request.Header("content-type"))) {
    return Error(Error::Kind::kUnsupportedMedia, "request.unsupported-media-type",
                 "请求体须为 application/json", "the request body must be application/json",
                 "content-type: " + request.Header("content-type"));
  }
  if (request.body.empty()) {
    return Error::Invalid("request.empty-body", "请求体为空", "the request body is empty");
  }
  boost::json::stream_parser parser;
  boost::system::error_code ec;
  size_t consumed = parser.write_some(request.body.data(), request.body.size(), ec);
  if (!ec) {
    if (consumed != request.body.size()) {
      // Something follows a complete value: allow trailing whitespace only.
      std::string_view rest = std::string_view(request.body).substr(consumed);
      size_t junk = rest.find_first_not_of(" \t\r\n");
      if (junk != std::string_view::npos) {
        return Error::Invalid("request.malformed-json", "请求体不是有效的 JSON",
                              "the request body is not valid JSON",
                              "unexpected data at byte " + std::to_string(consumed + junk));
      }
    }
    parser.finish(ec);
    consumed = request.body.size();
  }
  if (ec) {
    return Error::Invalid("request.malformed-json", "请求体不是有效的 JSON",
                          "the request body is not valid JSON",
                          ec.message() + " at byte " + std::to_string(consumed));
  }
  boost::json::value value = parser.release();
  if (!AllFinite(value)) {
    return Error::Invalid("request.malformed-json", "请求体不是有效的 JSON",
                          "the request body is not valid JSON", "a number is out of range");
  }
  return value;
}

Result<boost::json::object> ParseJsonObject(const Request& request) {
  ZJ_ASSIGN_OR_RETURN(boost::json::value v, ParseJsonBody(request));
  if (!v.is_object()) {
    return Error::Invalid("request.not-object", "请求体须为 JSON 对象",
                          "the request body must be a JSON object");
  }
  return std::move(v.as_object());
}

Result<std::string> RequiredString(const boost::json::object& object, std::string_view field) {
  ZJ_ASSIGN_OR_RETURN(std::optional<std::string> v, OptionalString(object, field));
  if (!v) return FieldMissing(field);
  return std::move(*v);
}

Result<std::optional<std::string>> OptionalString(const boost::json::object& object,
                                                  std::string_view field) {
  const boost::json::value* v = Find(object, field);
  if (v == nullptr) return std::optional<std::string>();
  if (!v->is_string()) return FieldType(field, "string");
  return std::optional<std::string>(std::string(v->get_string()));
}

Result<int64_t> RequiredInt(const boost::json::object& object, std::string_view field) {
  const boost::json::value* v = Find(object, field);
  if (v == nullptr) return FieldMissing(field);
  return AsInt(*v, field);
}

Result<std::optional<int64_t>> OptionalInt(const boost::json::object& object,
                                           std::string_view field) {
  const boost::json::value* v = Find(object, field);
  if (v == nullptr) return std::optional<int64_t>();
  ZJ_ASSIGN_OR_RETURN(int64_t i, AsInt(*v, field));
  return std::optional<int64_t>(i);
}

Result<bool> RequiredBool(const boost::json::object& object, std::string_view field) {
  const boost::json::value* v = Find(object, field);
  if (v == nullptr) return FieldMissing(field);
  if (!v->is_bool()) return FieldType(field, "boolean");
  return v->get_bool();
}

Result<std::optional<bool>> OptionalBool(const boost::json::object& object,
                                         std::string_view field) {
  const boost::json::value* v = Find(object, field);
  if (v == nullptr) return std::optional<bool>();
  if (!v->is_bool()) return FieldType(field, "boolean");
  return std::optional<bool>(v->get_bool());
}

Result<std::vector<std::string>> OptionalStringList(const boost::json::object& object,
                                                    std::string_view field) {
  const boost::json::value* v = Find(object, field);
  std::vector<std::string> out;
  if (v == nullptr) return out;
  if (!v->is_array()) return FieldType(field, "array of strings");
  for (const auto& e : v->get_array()) {
    if (!e.is_string()) return FieldType(field, "array of strings");
    out.emplace_back(e.get_string());
  }
  return out;
}

Response JsonResponse(const boost::json::value& value, unsigned status) {
  return Response::Json(boost::json::serialize(value), status);
}

}  // namespace zhijian::server
