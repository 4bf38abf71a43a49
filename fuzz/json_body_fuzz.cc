// Fuzzes the JSON request-body reader of the server (server/json_body.h): ParseJsonBody and
// ParseJsonObject on a Request whose body is the input, then the typed field getters on every
// field of an accepted object; and the Content-Type check on the input used as the header.
//
// Invariants: the body is accepted exactly when Boost.JSON's own boost::json::parse accepts it
// (the project's stream-parser loop must neither drop nor invent data), except that a number
// overflowing to infinity ("1e999") may be refused, and then yields the same value; an accepted
// body re-serialized by JsonResponse is accepted again and equal (doubles within 1e-14
// relative, see NearlyEqual); the field getters succeed exactly for the JSON types they
// document and report documented codes; any rejection has a documented code and kind.
#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <set>
#include <string>

#include "fuzz/fuzz_check.h"
#include "zhijian/server/json_body.h"

namespace {

namespace json = boost::json;
using zhijian::server::Request;

Request JsonRequest(std::string body, std::string content_type = "application/json") {
  Request r;
  r.method = zhijian::server::Verb::post;
  r.headers["content-type"] = std::move(content_type);
  r.body = std::move(body);
  return r;
}

// Equality, except that doubles may differ in their last bits: Boost.JSON 1.81 (Debian 12) does
// not round decimal numbers correctly (number_precision::precise came in 1.83), so serializing
// and re-parsing a double can move it by an ulp or so ("1999...9" with 67 nines).
bool NearlyEqual(const json::value& a, const json::value& b) {
  if (a.is_double() && b.is_double()) {
    const double x = a.get_double();
    const double y = b.get_double();
    return x == y || std::fabs(x - y) <= 1e-14 * std::max(std::fabs(x), std::fabs(y));
  }
  if (a.kind() != b.kind()) return false;
  if (a.is_array()) {
    const json::array& x = a.get_array();
    const json::array& y = b.get_array();
    if (x.size() != y.size()) return false;
    for (size_t i = 0; i < x.size(); ++i) {
      if (!NearlyEqual(x[i], y[i])) return false;
    }
    return true;
  }
  if (a.is_object()) {
    const json::object& x = a.get_object();
    const json::object& y = b.get_object();
    if (x.size() != y.size()) return false;
    for (const auto& kv : x) {
      const json::value* other = y.if_contains(kv.key());
      if (other == nullptr || !NearlyEqual(kv.value(), *other)) return false;
    }
    return true;
  }
  return a == b;
}

bool AllFinite(const json::value& v) {
  if (v.is_double()) return std::isfinite(v.get_double());
  if (v.is_array()) {
    for (const json::value& e : v.get_array()) {
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

bool FitsInt64(const json::value& v) {
  return v.is_int64() ||
         (v.is_uint64() &&
          v.get_uint64() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()));
}

void CheckFields(const json::object& object) {
  using namespace zhijian::server;
  size_t n = 0;
  for (const auto& kv : object) {
    if (++n > 16) break;
    const std::string_view key = kv.key();
    const json::value& v = kv.value();
    const bool absent = v.is_null();

    auto s = RequiredString(object, key);
    ZJ_FUZZ_CHECK(s.ok() == v.is_string(), "RequiredString on " + json::serialize(v));
    if (s.ok()) ZJ_FUZZ_CHECK(*s == std::string_view(v.get_string()), "RequiredString value");
    if (!s.ok()) {
      ZJ_FUZZ_CHECK(s.error().code() == (absent ? "request.field-missing" : "request.field-type"),
                    s.error().code());
    }
    auto os = OptionalString(object, key);
    ZJ_FUZZ_CHECK(os.ok() == (absent || v.is_string()), "OptionalString");
    if (os.ok()) ZJ_FUZZ_CHECK(os->has_value() == v.is_string(), "OptionalString presence");

    auto oi = OptionalInt(object, key);
    ZJ_FUZZ_CHECK(oi.ok() == (absent || FitsInt64(v)), "OptionalInt on " + json::serialize(v));
    if (oi.ok() && oi->has_value()) {
      const int64_t want = v.is_int64() ? v.get_int64() : static_cast<int64_t>(v.get_uint64());
      ZJ_FUZZ_CHECK(**oi == want, "OptionalInt value");
    }
    if (!oi.ok()) ZJ_FUZZ_CHECK(oi.error().code() == "request.field-type", oi.error().code());
    auto ri = RequiredInt(object, key);
    ZJ_FUZZ_CHECK(ri.ok() == FitsInt64(v), "RequiredInt");

    auto ob = OptionalBool(object, key);
    ZJ_FUZZ_CHECK(ob.ok() == (absent || v.is_bool()), "OptionalBool");
    auto rb = RequiredBool(object, key);
    ZJ_FUZZ_CHECK(rb.ok() == v.is_bool(), "RequiredBool");
    if (rb.ok()) ZJ_FUZZ_CHECK(*rb == v.get_bool(), "RequiredBool value");
  }
  // A field that is not there.
  const std::string missing = "\x01zj-fuzz-missing";
  if (!object.contains(missing)) {
    auto s = RequiredString(object, missing);
    ZJ_FUZZ_CHECK(!s.ok() && s.error().code() == "request.field-missing", "missing field");
    auto oi = OptionalInt(object, missing);
    ZJ_FUZZ_CHECK(oi.ok() && !oi->has_value(), "missing optional int");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace zhijian::server;
  const std::string_view text = zhijian::fuzz::AsText(data, size);
  const Request req = JsonRequest(std::string(text), "application/json; charset=utf-8");

  boost::system::error_code ec;
  const json::value reference = json::parse(text, ec);

  auto body = ParseJsonBody(req);
  auto object = ParseJsonObject(req);
  if (size == 0) {
    ZJ_FUZZ_CHECK(!body.ok() && body.error().code() == "request.empty-body", "empty body");
  } else if (body.ok()) {
    ZJ_FUZZ_CHECK(!ec, "ParseJsonBody accepts what boost::json::parse rejects: " + ec.message());
  } else if (!ec) {
    // The one reason to refuse what Boost.JSON accepts: a number that overflowed ("1e999").
    ZJ_FUZZ_CHECK(!AllFinite(reference),
                  "ParseJsonBody rejects valid JSON: " + body.error().ToString());
  }
  if (!body.ok()) {
    const std::string& code = body.error().code();
    ZJ_FUZZ_CHECK(code == "request.empty-body" || code == "request.malformed-json", code);
    ZJ_FUZZ_CHECK(body.error().kind() == zhijian::Error::Kind::kInvalidArgument, code);
    ZJ_FUZZ_CHECK(!object.ok() && object.error().code() == code, "object/body disagree");
  } else {
    ZJ_FUZZ_CHECK(*body == reference, "ParseJsonBody and boost::json::parse give other values");
    ZJ_FUZZ_CHECK(object.ok() == body->is_object(), "ParseJsonObject and is_object disagree");
    if (!object.ok()) {
      ZJ_FUZZ_CHECK(object.error().code() == "request.not-object", object.error().code());
    }
    // The response writer's output is accepted by the reader again.
    const Response out = JsonResponse(*body);
    ZJ_FUZZ_CHECK(out.status == 200 && !out.body.empty(), "JsonResponse");
    auto again = ParseJsonBody(JsonRequest(out.body));
    ZJ_FUZZ_CHECK(again.ok(), "re-serialized body rejected: " + out.body.substr(0, 200));
    ZJ_FUZZ_CHECK(NearlyEqual(*again, *body),
                  "round trip changes the value: " + out.body.substr(0, 200));
  }
  if (object.ok()) CheckFields(*object);

  // The input as the Content-Type of a valid body: accepted or refused with 415, nothing else.
  if (size <= 256) {
    auto typed = ParseJsonObject(JsonRequest("{}", std::string(text)));
    if (!typed.ok()) {
      ZJ_FUZZ_CHECK(typed.error().code() == "request.unsupported-media-type", typed.error().code());
      ZJ_FUZZ_CHECK(typed.error().kind() == zhijian::Error::Kind::kUnsupportedMedia, "kind");
    } else {
      ZJ_FUZZ_CHECK(zhijian::fuzz::ToLowerAscii(text).find("application/json") != std::string::npos,
                    "accepted a content type without application/json");
    }
  }
  return 0;
}
