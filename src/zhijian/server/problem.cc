#include "zhijian/server/problem.h"

#include <boost/json.hpp>

#include "zhijian/server/http_util.h"

namespace zhijian::server {

unsigned HttpStatusFor(Error::Kind kind) {
  switch (kind) {
    case Error::Kind::kInvalidArgument:
      return 400;
    case Error::Kind::kUnauthenticated:
      return 401;
    case Error::Kind::kPermissionDenied:
      return 403;
    case Error::Kind::kNotFound:
      return 404;
    case Error::Kind::kConflict:
      return 409;
    case Error::Kind::kPayloadTooLarge:
      return 413;
    case Error::Kind::kUnsupportedMedia:
      return 415;
    case Error::Kind::kUnprocessable:
      return 422;
    case Error::Kind::kTooManyRequests:
      return 429;
    case Error::Kind::kUnavailable:
      return 503;
    case Error::Kind::kInternal:
      return 500;
  }
  return 500;
}

Response ProblemResponse(const Error& error, const std::string& instance,
                         const std::string& request_id) {
  Response r =
      internal::ProblemWithStatus(HttpStatusFor(error.kind()), error, instance, request_id);
  if (auto wait = error.RetryAfterSeconds()) {
    r.headers.emplace_back("Retry-After", std::to_string(*wait));
  }
  return r;
}

namespace internal {

Response ProblemWithStatus(unsigned status, const Error& error, const std::string& instance,
                           const std::string& request_id) {
  boost::json::object body;
  body["type"] = "urn:zhijian:problem:" + error.code();
  body["title"] = error.message_en();
  body["status"] = status;
  body["code"] = error.code();
  if (!error.detail().empty()) body["detail"] = error.detail();
  body["message_zh"] = error.message_zh();
  body["message_en"] = error.message_en();
  body["instance"] = instance;
  body["request_id"] = request_id;
  Response r;
  r.status = status;
  r.content_type = "application/problem+json";
  r.body = boost::json::serialize(body);
  return r;
}

}  // namespace internal
}  // namespace zhijian::server
