// RFC 9457 problem details: the one place where an Error becomes an HTTP response.
//
//   {"type":"urn:zhijian:problem:<code>", "title":"<message_en>",
//    "status":400, "code":"<code>", "detail":"<detail>", "message_zh":"...", "message_en":"...",
//    "instance":"<request path>", "request_id":"..."}
// Content-Type: application/problem+json. Kind → status: see Error::Kind in base/result.h.
// "detail" is present only when the Error has one. The HTTP layer fills `instance` and
// `request_id` itself for errors returned by handlers.
//
// A 429 made with Error::TooManyRequests gets a Retry-After header with its wait. A handler
// that needs another header on an error response returns a successful Result holding a
// problem response it built itself with ProblemResponse and extended.
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "zhijian/base/result.h"
#include "zhijian/server/router.h"

namespace zhijian::server {

unsigned HttpStatusFor(Error::Kind kind);
Response ProblemResponse(const Error& error, const std::string& instance,
                         const std::string& request_id);

}  // namespace zhijian::server
