// JSON request bodies and responses: the one way handlers read and write JSON.
//
// Purpose: checks the Content-Type, parses the body with Boost.JSON, and reads typed fields,
// turning every failure into a stable Error the HTTP layer renders as problem+json:
//   - "request.unsupported-media-type" (415): Content-Type is not application/json (a charset
//     parameter is allowed, e.g. "application/json; charset=utf-8");
//   - "request.empty-body" (400): no body;
//   - "request.malformed-json" (400): the body is not JSON; detail names the byte offset;
//   - "request.not-object" (400): ParseJsonObject on a body that is not an object;
//   - "request.field-missing" (400) / "request.field-type" (400): detail names the field.
//
//   ZJ_ASSIGN_OR_RETURN(boost::json::object body, ParseJsonObject(req));
//   ZJ_ASSIGN_OR_RETURN(std::string name, RequiredString(body, "name"));
//   ZJ_ASSIGN_OR_RETURN(std::optional<int64_t> limit, OptionalInt(body, "limit"));
//
// Thread-safety: pure functions.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zhijian/base/result.h"
#include "zhijian/server/router.h"

namespace zhijian::server {

// The body as a JSON value (any kind).
Result<boost::json::value> ParseJsonBody(const Request& request);
// The body as a JSON object.
Result<boost::json::object> ParseJsonObject(const Request& request);

// Field getters. "Optional" getters treat an absent field and JSON null alike (std::nullopt).
// Int getters accept integral JSON numbers that fit in int64_t (no fractions, no strings).
Result<std::string> RequiredString(const boost::json::object& object, std::string_view field);
Result<std::optional<std::string>> OptionalString(const boost::json::object& object,
                                                  std::string_view field);
Result<int64_t> RequiredInt(const boost::json::object& object, std::string_view field);
Result<std::optional<int64_t>> OptionalInt(const boost::json::object& object,
                                           std::string_view field);
Result<bool> RequiredBool(const boost::json::object& object, std::string_view field);
Result<std::optional<bool>> OptionalBool(const boost::json::object& object, std::string_view field);

// An array of strings; absent or null = empty.
Result<std::vector<std::string>> OptionalStringList(const boost::json::object& object,
                                                    std::string_view field);

// A JSON response ("application/json; charset=utf-8") holding the serialized value.
Response JsonResponse(const boost::json::value& value, unsigned status = 200);

}  // namespace zhijian::server
