// RFC 9457 problem details: the one place where an Error becomes an HTTP response.
//
//   {"type":"urn:zhijian:problem:<code>", "title":"<message_en>",
//    "status":400, "code":"<code>", "detail":"<detail>", "message_zh":"...", "message_en":"...",
//    "instance":"<request path>", "request_id":"..."}
// Content-Type: application/problem+json. Kind → status: see Error::Kind in base/result.h.
// "detail" is present only when the Error has one. The HTTP layer fills `instance` and
// `request_id` itself for errors returned by handlers.
//
// Extra headers: a handler that needs one on an error response (e.g. Retry-After on 429)
// returns a successful Result holding a problem response it built itself:
//   Response r = ProblemResponse(Error(Error::Kind::kTooManyRequests, ...), req.path,
//                                req.request_id);
//   r.headers.emplace_back("Retry-After", "30");
//   return r;
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
