#include "zhijian/ledger/registration.h"

#include <boost/json.hpp>
#include <cstdio>

#include "zhijian/base/date.h"
#include "zhijian/base/utf8.h"
#include "zhijian/ledger/encoding.h"
#include "zhijian/ledger/entry.h"
#include "zhijian/registry/model.h"

namespace zhijian::ledger {
namespace {

namespace json = boost::json;

constexpr size_t kMaxClient = 1000;
constexpr size_t kMaxSample = 1000;
constexpr size_t kMaxConclusion = 4000;
constexpr size_t kMaxLineField = 500;
constexpr size_t kMaxLines = 1000;
constexpr size_t kMaxSignatories = 50;
constexpr size_t kMaxSignatory = 100;
constexpr size_t kMaxId = 255;

// The fields of a test line, in the byte order of their keys (the canonical results order).
constexpr std::pair<const char*, std::string TestLine::*> kLineFields[] = {
    {"item", &TestLine::item},           {"limit", &TestLine::limit},
    {"parameter", &TestLine::parameter}, {"result", &TestLine::result},
    {"standard", &TestLine::standard},   {"unit", &TestLine::unit},
    {"verdict", &TestLine::verdict}};

Error Missing(std::string_view field) {
  return Error::Invalid("registration.missing-field", "缺少必填字段", "a required field is missing",
                        std::string(field));
}
Error Bad(std::string_view field, std::string_view why) {
  return Error::Invalid("registration.bad-field", "字段无效", "invalid field",
                        std::string(field) + ": " + std::string(why));
}

// Trims and checks a text value.
Result<std::string> CleanText(std::string_view field, std::string_view raw, size_t max,
                              bool no_controls) {
  if (!IsValidUtf8(raw)) return Bad(field, "invalid UTF-8");
  std::string s(registry::TrimText(raw));
  if (s.size() > max) return Bad(field, "longer than " + std::to_string(max) + " bytes");
  if (no_controls && !IsValidUtf8(s, true)) return Bad(field, "control character");
  return s;
}

Result<std::string> CleanDate(std::string_view field, std::string_view raw) {
  std::string s(registry::TrimText(raw));
  if (s.empty()) return s;
  if (!ParseIsoDate(s)) return Bad(field, "not a date YYYY-MM-DD");
  return s;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<Sha256Digest> ParseDigest(std::string_view raw) {
  std::string_view s = registry::TrimText(raw);
  if (s.size() != 64) return Bad("document_sha256", "not 64 hexadecimal digits");
  Sha256Digest d{};
  for (size_t i = 0; i < 32; ++i) {
    const int hi = HexValue(s[2 * i]);
    const int lo = HexValue(s[2 * i + 1]);
    if (hi < 0 || lo < 0) return Bad("document_sha256", "not 64 hexadecimal digits");
    d[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  return d;
}

// The checks shared by both readers, after the raw values are in `in`.
Result<ReportInput> Finish(ReportInput in) {
  if (in.report_no.empty()) return Missing("report_no");
  if (in.issue_date.empty()) return Missing("issue_date");
  if (in.test_lines.size() > kMaxLines) return Bad("test_lines", "more than 1000 lines");
  if (in.signatories.size() > kMaxSignatories) return Bad("signatories", "more than 50 names");
  return in;
}

// Text field `name` of a JSON object into *out (absent or null: unchanged).
Result<void> JsonText(const json::object& o, std::string_view name, size_t max, bool no_controls,
                      std::string* out) {
  const json::value* v = o.if_contains(name);
  if (v == nullptr || v->is_null()) return Ok();
  if (!v->is_string()) return Bad(name, "not a string");
  ZJ_ASSIGN_OR_RETURN(*out, CleanText(name, std::string_view(v->get_string()), max, no_controls));
  return Ok();
}

Result<TestLine> LineFromJson(const json::value& v, size_t index) {
  const std::string where = "test_lines[" + std::to_string(index) + "]";
  if (!v.is_object()) return Bad(where, "not an object");
  TestLine line;
  for (const auto& [key, value] : v.get_object()) {
    bool known = false;
    for (const auto& [name, member] : kLineFields) {
      if (key != name) continue;
      known = true;
      if (value.is_null()) break;
      if (!value.is_string()) return Bad(where + "." + name, "not a string");
      ZJ_ASSIGN_OR_RETURN(line.*member,
                          CleanText(where + "." + name, std::string_view(value.get_string()),
                                    kMaxLineField, false));
    }
    if (!known) {
      return Error::Invalid("registration.unknown-field", "未知字段", "unknown field",
                            where + "." + std::string(key));
    }
  }
  return line;
}

Result<std::vector<TestLine>> LinesFromJson(const json::value& v) {
  if (!v.is_array()) return Bad("test_lines", "not an array of objects");
  if (v.get_array().size() > kMaxLines) return Bad("test_lines", "more than 1000 lines");
  std::vector<TestLine> lines;
  size_t i = 0;
  for (const auto& item : v.get_array()) {
    ZJ_ASSIGN_OR_RETURN(TestLine line, LineFromJson(item, i++));
    lines.push_back(std::move(line));
  }
  return lines;
}

Result<std::string> Signatory(std::string_view raw, size_t index) {
  return CleanText("signatories[" + std::to_string(index) + "]", raw, kMaxSignatory, true);
}

// RFC 8785 / ECMAScript JSON.stringify string literal of `s`, appended.
void AppendCanonicalJsonString(std::string* target, std::string_view s) {
  std::string& out = *target;
  out += '"';
  size_t run = 0;  // start of the characters copied as they are
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.substr(run, i - run));
    run = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default: {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out += buf;
      }
    }
  }
  out.append(s.substr(run));
  out += '"';
}

void AppendKey(std::string* out, std::string_view key) {
  AppendCanonicalJsonString(out, key);
  *out += ':';
}

// A strict reader for the canonical results text (exactly the shape CanonicalResults writes).
class CanonicalReader {
 public:
  explicit CanonicalReader(std::string_view s) : s_(s) {}
  bool Lit(std::string_view lit) {
    if (s_.substr(pos_, lit.size()) != lit) return false;
    pos_ += lit.size();
    return true;
  }
  bool Peek(char c) const { return pos_ < s_.size() && s_[pos_] == c; }
  bool Str(std::string* out) {
    if (!Peek('"')) return false;
    const size_t start = pos_;
    ++pos_;
    while (pos_ < s_.size() && s_[pos_] != '"') pos_ += s_[pos_] == '\\' ? 2 : 1;
    if (pos_ >= s_.size()) return false;
    ++pos_;
    boost::system::error_code ec;
    json::value v = json::parse(s_.substr(start, pos_ - start), ec);
    if (ec || !v.is_string()) return false;
    *out = std::string(v.get_string());
    // Canonical spelling only: the same string must write back to the same bytes.
    return CanonicalJsonString(*out) == s_.substr(start, pos_ - start);
  }
  bool Key(std::string_view key) { return Lit(CanonicalJsonString(key)) && Lit(":"); }
  bool done() const { return pos_ == s_.size(); }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

const std::vector<std::string>& ReportFieldNames() {
  static const std::vector<std::string> kNames = {
      "institution",     "report_no",     "issue_date",  "certificate",   "document_sha256",
      "client",          "sample",        "conclusion",  "sampling_date", "receipt_date",
      "test_start_date", "test_end_date", "signatories", "test_lines"};
  return kNames;
}

Result<ReportInput> ReportInputFromJson(const json::value& value) {
  if (!value.is_object()) {
    return Error::Invalid("registration.not-object", "登记内容必须是JSON对象",
                          "a registration must be a JSON object");
  }
  const json::object& o = value.get_object();
  const auto& names = ReportFieldNames();
  for (const auto& [key, v] : o) {
    if (std::find(names.begin(), names.end(), std::string_view(key)) == names.end()) {
      return Error::Invalid("registration.unknown-field", "未知字段", "unknown field",
                            std::string(key));
    }
  }
  ReportInput in;
  ZJ_TRY(JsonText(o, "institution", kMaxId, true, &in.institution));
  ZJ_TRY(JsonText(o, "report_no", kMaxId, true, &in.report_no));
  ZJ_TRY(JsonText(o, "certificate", kMaxId, true, &in.certificate));
  ZJ_TRY(JsonText(o, "client", kMaxClient, false, &in.client));
  ZJ_TRY(JsonText(o, "sample", kMaxSample, false, &in.sample));
  ZJ_TRY(JsonText(o, "conclusion", kMaxConclusion, false, &in.conclusion));
  const std::pair<const char*, std::string*> dates[] = {{"issue_date", &in.issue_date},
                                                        {"sampling_date", &in.sampling_date},
                                                        {"receipt_date", &in.receipt_date},
                                                        {"test_start_date", &in.test_start_date},
                                                        {"test_end_date", &in.test_end_date}};
  for (const auto& [name, out] : dates) {
    std::string raw;
    ZJ_TRY(JsonText(o, name, 20, true, &raw));
    ZJ_ASSIGN_OR_RETURN(*out, CleanDate(name, raw));
  }
  std::string digest;
  ZJ_TRY(JsonText(o, "document_sha256", 100, true, &digest));
  if (digest.empty()) return Missing("document_sha256");
  ZJ_ASSIGN_OR_RETURN(in.document_sha256, ParseDigest(digest));
  if (const json::value* s = o.if_contains("signatories"); s && !s->is_null()) {
    if (!s->is_array()) return Bad("signatories", "not an array of strings");
    if (s->get_array().size() > kMaxSignatories) return Bad("signatories", "more than 50 names");
    size_t i = 0;
    for (const auto& name : s->get_array()) {
      if (!name.is_string()) return Bad("signatories", "not an array of strings");
      ZJ_ASSIGN_OR_RETURN(std::string n, Signatory(std::string_view(name.get_string()), i++));
      if (!n.empty()) in.signatories.push_back(std::move(n));
    }
  }
  if (const json::value* t = o.if_contains("test_lines"); t && !t->is_null()) {
    ZJ_ASSIGN_OR_RETURN(in.test_lines, LinesFromJson(*t));
  }
  return Finish(std::move(in));
}

Result<ReportInput> ReportInputFromCells(
    const std::function<const std::string*(std::string_view name)>& cell) {
  ReportInput in;
  auto text = [&](const char* name, size_t max, bool no_controls,
                  std::string* out) -> Result<void> {
    const std::string* c = cell(name);
    if (c == nullptr) return Ok();
    ZJ_ASSIGN_OR_RETURN(*out, CleanText(name, *c, max, no_controls));
    return Ok();
  };
  ZJ_TRY(text("institution", kMaxId, true, &in.institution));
  ZJ_TRY(text("report_no", kMaxId, true, &in.report_no));
  ZJ_TRY(text("certificate", kMaxId, true, &in.certificate));
  ZJ_TRY(text("client", kMaxClient, false, &in.client));
  ZJ_TRY(text("sample", kMaxSample, false, &in.sample));
  ZJ_TRY(text("conclusion", kMaxConclusion, false, &in.conclusion));
  const std::pair<const char*, std::string*> dates[] = {{"issue_date", &in.issue_date},
                                                        {"sampling_date", &in.sampling_date},
                                                        {"receipt_date", &in.receipt_date},
                                                        {"test_start_date", &in.test_start_date},
                                                        {"test_end_date", &in.test_end_date}};
  for (const auto& [name, out] : dates) {
    std::string raw;
    ZJ_TRY(text(name, 20, true, &raw));
    ZJ_ASSIGN_OR_RETURN(*out, CleanDate(name, raw));
  }
  std::string digest;
  ZJ_TRY(text("document_sha256", 100, true, &digest));
  if (digest.empty()) return Missing("document_sha256");
  ZJ_ASSIGN_OR_RETURN(in.document_sha256, ParseDigest(digest));
  if (const std::string* s = cell("signatories"); s != nullptr) {
    if (!IsValidUtf8(*s)) return Bad("signatories", "invalid UTF-8");
    std::string_view rest = *s;
    size_t i = 0;
    while (!rest.empty()) {
      const size_t semi = rest.find(';');
      ZJ_ASSIGN_OR_RETURN(std::string n, Signatory(rest.substr(0, semi), i++));
      if (!n.empty()) in.signatories.push_back(std::move(n));
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
    }
  }
  if (const std::string* t = cell("test_lines"); t != nullptr && !registry::TrimText(*t).empty()) {
    boost::system::error_code ec;
    json::value v = json::parse(*t, ec);
    if (ec) return Bad("test_lines", "not a JSON array of objects");
    ZJ_ASSIGN_OR_RETURN(in.test_lines, LinesFromJson(v));
  }
  return Finish(std::move(in));
}

json::object ReportInputToJson(const ReportInput& in) {
  json::object o;
  if (!in.institution.empty()) o["institution"] = in.institution;
  o["report_no"] = in.report_no;
  o["issue_date"] = in.issue_date;
  if (!in.certificate.empty()) o["certificate"] = in.certificate;
  o["document_sha256"] = HexEncode(std::string_view(
      reinterpret_cast<const char*>(in.document_sha256.data()), in.document_sha256.size()));
  o["client"] = in.client;
  o["sample"] = in.sample;
  if (!in.conclusion.empty()) o["conclusion"] = in.conclusion;
  if (!in.sampling_date.empty()) o["sampling_date"] = in.sampling_date;
  if (!in.receipt_date.empty()) o["receipt_date"] = in.receipt_date;
  if (!in.test_start_date.empty()) o["test_start_date"] = in.test_start_date;
  if (!in.test_end_date.empty()) o["test_end_date"] = in.test_end_date;
  if (!in.signatories.empty()) {
    json::array a;
    for (const auto& s : in.signatories) a.push_back(json::value(s));
    o["signatories"] = std::move(a);
  }
  if (!in.test_lines.empty()) {
    json::array a;
    for (const auto& l : in.test_lines) {
      a.push_back(json::object{{"item", l.item},
                               {"parameter", l.parameter},
                               {"standard", l.standard},
                               {"result", l.result},
                               {"unit", l.unit},
                               {"limit", l.limit},
                               {"verdict", l.verdict}});
    }
    o["test_lines"] = std::move(a);
  }
  return o;
}

std::string CanonicalJsonString(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  AppendCanonicalJsonString(&out, s);
  return out;
}

std::string CanonicalResults(const ReportInput& in) {
  std::string out;
  out.reserve(256 + in.conclusion.size() + in.test_lines.size() * 160);
  out += '{';
  AppendKey(&out, "conclusion");
  AppendCanonicalJsonString(&out, in.conclusion);
  out += ',';
  AppendKey(&out, "dates");
  out += '{';
  AppendKey(&out, "receipt");
  AppendCanonicalJsonString(&out, in.receipt_date);
  out += ',';
  AppendKey(&out, "sampling");
  AppendCanonicalJsonString(&out, in.sampling_date);
  out += ',';
  AppendKey(&out, "test_end");
  AppendCanonicalJsonString(&out, in.test_end_date);
  out += ',';
  AppendKey(&out, "test_start");
  AppendCanonicalJsonString(&out, in.test_start_date);
  out += "},";
  AppendKey(&out, "signatories");
  out += '[';
  for (size_t i = 0; i < in.signatories.size(); ++i) {
    if (i) out += ',';
    AppendCanonicalJsonString(&out, in.signatories[i]);
  }
  out += "],";
  AppendKey(&out, "test_lines");
  out += '[';
  for (size_t i = 0; i < in.test_lines.size(); ++i) {
    const TestLine& l = in.test_lines[i];
    if (i) out += ',';
    out += '{';
    for (size_t k = 0; k < std::size(kLineFields); ++k) {
      if (k) out += ',';
      AppendKey(&out, kLineFields[k].first);
      AppendCanonicalJsonString(&out, l.*kLineFields[k].second);
    }
    out += '}';
  }
  out += "]}";
  return out;
}

Result<void> ApplyCanonicalResults(std::string_view text, ReportInput* input) {
  const Error bad = Bad("results", "not a canonical results text");
  CanonicalReader r(text);
  ReportInput v;
  if (!r.Lit("{") || !r.Key("conclusion") || !r.Str(&v.conclusion) || !r.Lit(",") ||
      !r.Key("dates") || !r.Lit("{") || !r.Key("receipt") || !r.Str(&v.receipt_date) ||
      !r.Lit(",") || !r.Key("sampling") || !r.Str(&v.sampling_date) || !r.Lit(",") ||
      !r.Key("test_end") || !r.Str(&v.test_end_date) || !r.Lit(",") || !r.Key("test_start") ||
      !r.Str(&v.test_start_date) || !r.Lit("},") || !r.Key("signatories") || !r.Lit("[")) {
    return bad;
  }
  while (!r.Peek(']')) {
    if (!v.signatories.empty() && !r.Lit(",")) return bad;
    std::string s;
    if (!r.Str(&s)) return bad;
    v.signatories.push_back(std::move(s));
  }
  if (!r.Lit("],") || !r.Key("test_lines") || !r.Lit("[")) return bad;
  while (!r.Peek(']')) {
    if (!v.test_lines.empty() && !r.Lit(",")) return bad;
    TestLine l;
    if (!r.Lit("{")) return bad;
    for (size_t k = 0; k < std::size(kLineFields); ++k) {
      if ((k && !r.Lit(",")) || !r.Key(kLineFields[k].first) || !r.Str(&(l.*kLineFields[k].second)))
        return bad;
    }
    if (!r.Lit("}")) return bad;
    v.test_lines.push_back(std::move(l));
  }
  if (!r.Lit("]}") || !r.done()) return bad;
  input->conclusion = std::move(v.conclusion);
  input->receipt_date = std::move(v.receipt_date);
  input->sampling_date = std::move(v.sampling_date);
  input->test_end_date = std::move(v.test_end_date);
  input->test_start_date = std::move(v.test_start_date);
  input->signatories = std::move(v.signatories);
  input->test_lines = std::move(v.test_lines);
  return Ok();
}

std::string SecretText(std::string_view salt) { return Base32Encode(salt); }

Result<std::string> ParseSecret(std::string_view text) {
  std::string s;
  for (char c : text) {
    if (c == ' ' || c == '-' || c == '\t') continue;
    s += c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
  }
  Result<std::string> bytes = Base32Decode(s);
  if (!bytes || bytes->size() != kSaltSize) {
    return Error::Invalid("registration.bad-secret", "验证密钥格式错误",
                          "the verification secret is not 26 Base32 characters");
  }
  return *bytes;
}

}  // namespace zhijian::ledger
