// Routes of 一码通查 (issue 4): report registration, corrections and revocations, scoped reads
// and QR codes; the transparency log as C2SP tlog-tiles (/log/...); proofs; the public key and
// the public verification of a code. Thin: parse, call ledger::LedgerService, render.
//
// Access: registration, corrections and revocations — administrators and institution users
// (their own institution; ledger/report_ledger.h checks); reads and QR codes — every signed-in
// role, scoped like the registry; the log, proofs, the key and the verification — everyone
// (anonymous callers go through the per-address rate limit of MakeAuthenticator).
// Without a ledger (ApiContext::ledger null) every route answers 503 "ledger.unavailable";
// without a log key, the QR codes and the key route answer 503 "ledger.no-log-key".
#include <boost/json.hpp>
#include <string>
#include <vector>

#include "zhijian/api/api.h"
#include "zhijian/api/request_params.h"
#include "zhijian/base/date.h"
#include "zhijian/base/report_code.h"
#include "zhijian/ledger/encoding.h"
#include "zhijian/ledger/qr.h"
#include "zhijian/ledger/service.h"
#include "zhijian/server/json_body.h"
#include "zhijian/server/problem.h"

namespace zhijian::api {
namespace {

namespace json = boost::json;
using ledger::LedgerService;
using server::Request;
using server::Response;
using server::Verb;

constexpr size_t kMaxBatch = 5000;
constexpr const char* kImmutable = "public, max-age=31536000, immutable";

Result<LedgerService*> Ledger(ApiContext& ctx) {
  if (ctx.ledger == nullptr) {
    return Error(Error::Kind::kUnavailable, "ledger.unavailable", "报告登记服务未启用",
                 "the report ledger is not available on this server");
  }
  return ctx.ledger;
}

std::string Hex(const Sha256Digest& d) {
  return HexEncode(std::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
}
std::string B64(const ledger::Hash& h) { return ledger::HashBase64(h); }

std::string Display(const std::string& code) {
  auto parsed = ReportCode::Parse(code);
  return parsed ? parsed->Display() : code;
}

std::string PublicStatus(ledger::ReportStatus s) {
  return s == ledger::ReportStatus::kValid ? "authentic" : std::string(ReportStatusName(s));
}

std::string Instant(int64_t ms) { return FormatInstant(FromUnixMillis(ms)); }

json::object ErrorJson(const Error& e) {
  json::object o{{"status", server::HttpStatusFor(e.kind())},
                 {"code", e.code()},
                 {"message_en", e.message_en()},
                 {"message_zh", e.message_zh()}};
  if (!e.detail().empty()) o["detail"] = e.detail();
  return o;
}

json::object RegisteredJson(const ledger::Registered& r) {
  return json::object{{"code", r.code},
                      {"code_display", Display(r.code)},
                      {"created", r.created},
                      {"status", std::string(ReportStatusName(r.status))},
                      {"leaf_index", static_cast<int64_t>(r.leaf_index)},
                      {"secret", r.secret}};
}

json::object EventJson(const ledger::EventRecord& e) {
  return json::object{{"type", std::string(ledger::EventTypeName(e.type))},
                      {"leaf_index", static_cast<int64_t>(e.leaf_index)},
                      {"registered_at", Instant(e.registered_at_ms)},
                      {"code", e.code},
                      {"original_code", e.original_code},
                      {"reason", e.reason}};
}

json::object InstitutionJson(const ledger::ReportRecord& r, bool with_id) {
  json::object o{{"uscc", r.input.institution},
                 {"name", r.institution_name},
                 {"region_code", r.region_code},
                 {"region_name", RegionDisplayName(r.region_code)}};
  if (with_id) o["id"] = r.institution_id;
  return o;
}

json::object CertificateJson(const ledger::CertificateCheck& c) {
  return json::object{{"number", c.number},
                      {"found", c.found},
                      {"status_on_issue_date", c.status_on_issue_date},
                      {"valid_on_issue_date", c.valid_on_issue_date}};
}

// Client, sample and results: the input as registered (without the log's fields).
json::object ContentJson(const ledger::ReportRecord& r) {
  json::object in = ledger::ReportInputToJson(r.input);
  json::object o;
  for (const char* k : {"client", "sample", "conclusion", "sampling_date", "receipt_date",
                        "test_start_date", "test_end_date", "signatories", "test_lines"}) {
    if (const json::value* v = in.if_contains(k)) o[k] = *v;
  }
  if (!o.contains("signatories")) o["signatories"] = json::array();
  if (!o.contains("test_lines")) o["test_lines"] = json::array();
  o["results_text"] = r.results_text;
  return o;
}

json::object RecordJson(const ledger::ReportRecord& r, LedgerService& l) {
  json::object o{{"code", r.code},
                 {"code_display", Display(r.code)},
                 {"status", std::string(ReportStatusName(r.status))},
                 {"institution", InstitutionJson(r, true)},
                 {"report_no", r.input.report_no},
                 {"issue_date", r.input.issue_date},
                 {"certificate", CertificateJson(r.certificate)},
                 {"document_sha256", Hex(r.input.document_sha256)},
                 {"content", ContentJson(r)},
                 {"secret", ledger::SecretText(r.salt)},
                 {"leaf_index", static_cast<int64_t>(r.leaf_index)},
                 {"registered_at", r.registered_at},
                 {"replaces", OptJson(r.replaces)},
                 {"replaced_by", OptJson(r.replaced_by)}};
  json::array events;
  for (const auto& e : r.events) events.push_back(EventJson(e));
  o["events"] = std::move(events);
  json::object qr;
  auto text = l.QrFor(r);
  qr["text"] = text ? json::value(*text) : json::value(nullptr);
  qr["svg"] = "/api/v1/reports/" + r.code + "/qr.svg";
  qr["png"] = "/api/v1/reports/" + r.code + "/qr.png";
  o["qr"] = std::move(qr);
  return o;
}

// ---- registration ---------------------------------------------------------------------------

Result<Response> Register(ApiContext& ctx, Request& req) {
  ZJ_ASSIGN_OR_RETURN(LedgerService * l, Ledger(ctx));
  ZJ_ASSIGN_OR_RETURN(json::value body, server::ParseJsonBody(req));
  ZJ_ASSIGN_OR_RETURN(ledger::ReportInput input, ledger::ReportInputFromJson(body));
  ZJ_ASSIGN_OR_RETURN(ledger::Registered r,
                      l->reports().Register(req.principal, input, req.remote_ip));
  return server::JsonResponse(RegisteredJson(r), r.created ? 201 : 200);
}

Result<Response> RegisterBatch(ApiContext& ctx, Request& req) {
  ZJ_ASSIGN_OR_RETURN(LedgerService * l, Ledger(ctx));
  ZJ_ASSIGN_OR_RETURN(json::value body, server::ParseJsonBody(req));
  if (!body.is_array()) {
    return Error::Invalid("request.not-array", "请求体必须是JSON数组",
                          "the body must be a JSON array of registrations");
  }
  const json::array& items = body.get_array();
  if (items.size() > kMaxBatch) {
    return Error(Error::Kind::kPayloadTooLarge, "report.batch-too-large", "一次最多登记5000份报告",
                 "at most 5,000 reports per batch", std::to_string(items.size()));
  }
  std::vector<ledger::ReportInput> inputs;
  std::vector<size_t> position;  // input -> item index
  std::vector<std::optional<Error>> malformed(items.size());
  inputs.reserve(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    Result<ledger::ReportInput> in = ledger::ReportInputFromJson(items[i]);
    if (!in) {
      malformed[i] = in.error();
      continue;
    }
    inputs.push_back(std::move(*in));
    position.push_back(i);
  }
  ZJ_ASSIGN_OR_RETURN(auto results,
                      l->reports().RegisterBatch(req.principal, inputs, req.remote_ip));
  std::vector<json::object> out(items.size());
  int64_t created = 0, existing = 0, refused = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    if (malformed[i]) {
      out[i] = json::object{{"index", static_cast<int64_t>(i)}, {"ok", false}};
      out[i]["error"] = ErrorJson(*malformed[i]);
      ++refused;
    }
  }
  for (size_t k = 0; k < results.size(); ++k) {
    const size_t i = position[k];
    if (results[k]) {
      out[i] = RegisteredJson(*results[k]);
      ++(results[k]->created ? created : existing);
    } else {
      out[i] = json::object{{"error", ErrorJson(results[k].error())}};
      ++refused;
    }
    out[i]["index"] = static_cast<int64_t>(i);
    out[i]["ok"] = results[k].ok();
  }
  json::array arr;
  for (auto& o : out) arr.push_back(std::move(o));
  return server::JsonResponse(json::object{{"created", created},
                                           {"existing", existing},
                                           {"refused", refused},
                                           {"results", std::move(arr)}});
}

Result<Response> Correct(ApiContext& ctx, Request& req) {
  ZJ_ASSIGN_OR_RETURN(LedgerService * l, Ledger(ctx));
  ZJ_ASSIGN_OR_RETURN(json::object body, server::ParseJsonObject(req));
  ZJ_ASSIGN_OR_RETURN(std::string reason, server::RequiredString(body, "reason"));
  body.erase("reason");
  ZJ_ASSIGN_OR_RETURN(ledger::ReportInput input, ledger::ReportInputFromJson(body));
  ZJ_ASSIGN_OR_RETURN(
      ledger::Registered r,
      l->reports().Correct(req.principal, req.path_params["code"], input, reason, req.remote_ip));
  json::object o = RegisteredJson(r);
  ZJ_ASSIGN_OR_RETURN(ReportCode original, ReportCode::Parse(req.path_params["code"]));
  o["replaces"] = original.str();
  return server::JsonResponse(o, r.created ? 201 : 200);
}

Result<Response> Revoke(ApiContext& ctx, Request& req) {
  ZJ_ASSIGN_OR_RETURN(LedgerService * l, Ledger(ctx));
  ZJ_ASSIGN_OR_RETURN(json::object body, server::ParseJsonObject(req));
  ZJ_ASSIGN_OR_RETURN(std::string reason, server::RequiredString(body, "reason"));
  ZJ_ASSIGN_OR_RETURN(
      ledger::Registered r,
      l->reports().Revoke(req.principal, req.path_params["code"], reason, req.remote_ip));
  return server::JsonResponse(RegisteredJson(r), r.created ? 201 : 200);
}

// ---- scoped reads ---------------------------------------------------------------------------

Result<Response> GetReport(ApiContext& ctx, Request& req) {
  ZJ_ASSIGN_OR_RETURN(LedgerService * l, Ledger(ctx));
  ZJ_ASSIGN_OR_RETURN(ledger::ReportRecord r,
                      l->reports().Get(req.principal, req.path_params["code"]));
  json::object o = RecordJson(r, *l);
  // The compliance checks of the report (issue 5), for the signed-in callers of this route.
  ZJ_ASSIGN_OR_RETURN(o["compliance"], ReportComplianceJson(ctx, req.principal, r.code));
  return server::JsonResponse(o);
}

Result<Response> ListReports(ApiContext& ctx, Request& req) {
  ZJ_ASSIGN_OR_RETURN(LedgerService * l, Ledger(ctx));
  ledger::ReportListFilter f;
  if (req.Query("institution_id")) {
    ZJ_ASSIGN_OR_RETURN(f.institution_id, QueryInt(req, "institution_id", 0, 1, INT64_MAX));
  }
  if (auto s = req.Query("status"); s && !s->empty()) {
    f.status = ledger::ParseReportStatus(*s);
    if (!f.status) return BadParameter("status");
  }
  ZJ_ASSIGN_OR_RETURN(f.report_no, QueryText(req, "report_no", 255));
  if (req.Query("before")) {
    ZJ_ASSIGN_OR_RETURN(f.before_id, QueryInt(req, "before", 0, 1, INT64_MAX));
  }
  ZJ_ASSIGN_OR_RETURN(int64_t limit, QueryInt(req, "limit", 50, 1, 200));
  f.limit = static_cast<int>(limit);
  ZJ_ASSIGN_OR_RETURN(ledger::ReportPage page, l->reports().List(req.principal, f));
  json::array items;
  for (const auto& s : page.items) {
    items.push_back(json::object{{"code", s.code},
                                 {"code_display", Display(s.code)},
                                 {"report_no", s.report_no},
                                 {"issue_date", s.issue_date},
                                 {"registered_at", s.registered_at},
                                 {"status", std::string(ReportStatusName(s.status))},
                                 {"institution_id", s.institution_id},
                                 {"institution_name", s.institution_name},
                                 {"region_code", s.region_code},
                                 {"leaf_index", static_cast<int64_t>(s.leaf_index)}});
  }
  return server::JsonResponse(
      json::object{{"items", std::move(items)}, {"next_before", OptJson(page.next_before)}});
}

Result<Response> Qr(ApiContext& ctx, Request& req, bool png) {
  ZJ_ASSIGN_OR_RETURN(LedgerService * l, Ledger(ctx));
  ZJ_ASSIGN_OR_RETURN(ledger::ReportRecord r,
                      l->reports().Get(req.principal, req.path_params["code"]));
  ZJ_ASSIGN_OR_RETURN(std::string text, l->QrFor(r));
  ZJ_ASSIGN_OR_RETURN(ledger::QrSymbol symbol, ledger::EncodeQr(text, ledger::QrEcc::kQ));
  Response resp;
  if (png) {
    ZJ_ASSIGN_OR_RETURN(resp.body, ledger::QrPng(symbol));
    resp.content_type = "image/png";
  } else {
    resp.body = ledger::QrSvg(symbol);
    resp.content_type = "image/svg+xml";
  }
  // The QR carries the verification secret: for the report's holders only.
  resp.headers.emplace_back("Cache-Control", "private, max-age=3600");
  return resp;
}
Result<Response> QrSvg(ApiContext& ctx, Request& req) { return Qr(ctx, req, false); }
Result<Response> QrPng(ApiContext& ctx, Request& req) { return Qr(ctx, req, true); }

// ---- the log ------------------------------------------------------------------------------

Response Bytes(std::string body, const char* content_type, const char* cache) {
  Response r;
  r.body = std::move(body);
  r.content_type = content_type;
  r.headers.emplace_back("Cache-Control", cache);
  r.headers.emplace_back("Access-Control-Allow-Origin", "*");
  return r;
}

Result<Response> Checkpoint(ApiContext& ctx, Request&) {
  ZJ_ASSIGN_OR_RETURN(LedgerService * l, Ledger(ctx));
  ZJ_ASSIGN_OR_RETURN(auto conn, ctx.db.Acquire());
  ZJ_ASSIGN_OR_RETURN(auto latest, l->log().LatestCheckpoint(conn.get()));
  if (!latest) {
    return Error::NotFound("ledger.no-checkpoint", "尚未发布检查点", "no checkpoint published yet");
  }
  return Bytes(latest->note, "text/plain; charset=utf-8", "no-cache");
}

// Every /log/tile/... route: the path after "/log/" is a C2SP tile path.
Result<Response> Tile(ApiContext& ctx, Request& req) {
  ZJ_ASSIGN_OR_RETURN(LedgerService * l, Ledger(ctx));
  constexpr std::string_view kPrefix = "/log/";
  ZJ_ASSIGN_OR_RETURN(ledger::TileRequest tile,
                      ledger::ParseTilePath(std::string_view(req.path).substr(kPrefix.size())));
  ZJ_ASSIGN_OR_RETURN(auto conn, ctx.db.Acquire());
  if (tile.entries) {
    ZJ_ASSIGN_OR_RETURN(std::string bundle,
                        l->log().EntryBundle(conn.get(), tile.tile.index, tile.tile.width));
    return Bytes(std::move(bundle), "application/octet-stream", kImmutable);
  }
  ZJ_ASSIGN_OR_RETURN(std::string hashes, l->log().TileContent(conn.get(), tile.tile));
  return Bytes(std::move(hashes), "application/octet-stream", kImmutable);
}

// tree_size: the parameter, else the latest checkpoint's size.
Result<uint64_t> TreeSize(LedgerService& l, store::Connection& conn, const Request& req,
                          const char* name) {
  if (req.Query(name)) {
    ZJ_ASSIGN_OR_RETURN(int64_t v, QueryInt(req, name, 0, 0, INT64_MAX));
    return static_cast<uint64_t>(v);
  }
  ZJ_ASSIGN_OR_RETURN(auto latest, l.log().LatestCheckpoint(conn));
  if (!latest) {
    return Error::NotFound("ledger.no-checkpoint", "尚未发布检查点", "no checkpoint published yet");
  }
  return latest->size;
}

Result<ledger::Hash> HashParam(const std::string& text) {
  Result<ledger::Hash> h =
      text.size() == 64 ? ledger::HashFromHex(text) : ledger::HashFromBase64(text);
  if (!h) return BadParameter("leaf_hash");
  return *h;
}

Result<Response> InclusionProof(ApiContext& ctx, Request& req) {
  ZJ_ASSIGN_OR_RETURN(LedgerService * l, Ledger(ctx));
  ZJ_ASSIGN_OR_RETURN(auto conn, ctx.db.Acquire());
  ZJ_ASSIGN_OR_RETURN(uint64_t size, TreeSize(*l, conn.get(), req, "tree_size"));
  uint64_t index = 0;
  if (auto h = req.Query("leaf_hash")) {
    ZJ_ASSIGN_OR_RETURN(ledger::Hash leaf, HashParam(*h));
    ZJ_ASSIGN_OR_RETURN(index, l->log().LeafIndexByHash(conn.get(), leaf));
  } else if (req.Query("leaf_index")) {
    ZJ_ASSIGN_OR_RETURN(int64_t v, QueryInt(req, "leaf_index", 0, 0, INT64_MAX));
    index = static_cast<uint64_t>(v);
  } else {
    return Error::Invalid("request.field-missing", "需要 leaf_index 或 leaf_hash",
                          "give leaf_index or leaf_hash", "leaf_index");
  }
  ZJ_ASSIGN_OR_RETURN(auto proof, l->log().InclusionProof(conn.get(), index, size));
  ZJ_ASSIGN_OR_RETURN(std::string entry, l->log().Entry(conn.get(), index));
  ZJ_ASSIGN_OR_RETURN(ledger::Hash root, l->log().Root(conn.get(), size));
  json::array hashes;
  for (const auto& h : proof) hashes.push_back(json::value(B64(h)));
  return server::JsonResponse(json::object{{"leaf_index", static_cast<int64_t>(index)},
                                           {"tree_size", static_cast<int64_t>(size)},
                                           {"leaf_hash", B64(l->log().hasher().HashLeaf(entry))},
                                           {"root", B64(root)},
                                           {"proof", std::move(hashes)}});
}

Result<Response> ConsistencyProof(ApiContext& ctx, Request& req) {
  ZJ_ASSIGN_OR_RETURN(LedgerService * l, Ledger(ctx));
  ZJ_ASSIGN_OR_RETURN(auto conn, ctx.db.Acquire());
  if (!req.Query("from")) {
    return Error::Invalid("request.field-missing", "缺少参数 from", "the parameter from is missing",
                          "from");
  }
  ZJ_ASSIGN_OR_RETURN(int64_t from, QueryInt(req, "from", 0, 0, INT64_MAX));
  ZJ_ASSIGN_OR_RETURN(uint64_t to, TreeSize(*l, conn.get(), req, "to"));
  ZJ_ASSIGN_OR_RETURN(auto proof,
                      l->log().ConsistencyProof(conn.get(), static_cast<uint64_t>(from), to));
  json::array hashes;
  for (const auto& h : proof) hashes.push_back(json::value(B64(h)));
  return server::JsonResponse(
      json::object{{"from", from}, {"to", static_cast<int64_t>(to)}, {"proof", std::move(hashes)}});
}

Result<Response> LogKey(ApiContext& ctx, Request&) {
  ZJ_ASSIGN_OR_RETURN(LedgerService * l, Ledger(ctx));
  ZJ_TRY(l->RequireSigner());
  const ledger::NoteVerifier& v = *l->verifier();
  char id[9];
  std::snprintf(id, sizeof id, "%08x", v.KeyId());
  Response r = server::JsonResponse(
      json::object{{"origin", v.KeyName()},
                   {"key_name", v.KeyName()},
                   {"key_id", std::string(id)},
                   {"verifier_key", l->verifier_key()},
                   {"algorithm", v.Algorithm() == ledger::KeyAlgorithm::kSm2 ? "sm2" : "ed25519"},
                   {"hash", std::string(l->log().hasher().name())},
                   {"log_url", "/log/"},
                   {"checkpoint_url", "/log/checkpoint"},
                   {"qr_url_prefix", l->qr_url_prefix()}});
  r.headers.emplace_back("Access-Control-Allow-Origin", "*");
  return r;
}

// ---- public verification ------------------------------------------------------------------

Response VerifyResponse(std::string body) {
  Response resp = Response::Json(std::move(body));
  resp.headers.emplace_back("Cache-Control", "no-store");
  return resp;
}

// The key of a rendered answer: the request AND the log's sizes, so that a new event or
// checkpoint anywhere in the log makes a new key (LedgerService::CurrentLogSizes). Fields are
// length-prefixed: no two requests share a key.
std::string VerifyKey(const std::string& code, const std::optional<std::string>& secret,
                      const LedgerService::LogSizes& sizes) {
  const std::string_view s = secret ? std::string_view(*secret) : std::string_view();
  std::string key;
  key.reserve(code.size() + s.size() + 48);
  key.append(std::to_string(code.size())).append(1, ':').append(code);
  key.append(std::to_string(s.size())).append(1, ':').append(s);
  key.append(std::to_string(sizes.tree)).append(1, ':').append(std::to_string(sizes.checkpoint));
  return key;
}

std::optional<std::string> VerifySecret(const Request& req) {
  std::optional<std::string> secret = req.Query("secret");
  if (secret && secret->empty()) secret.reset();
  return secret;
}

// The route's try_inline (on the I/O thread): a cached answer under sizes known without a
// database read, or std::nullopt (then Verify runs on a worker).
std::optional<Result<Response>> VerifyCached(ApiContext& ctx, Request& req) {
  if (ctx.ledger == nullptr) return std::nullopt;
  std::optional<LedgerService::LogSizes> sizes = ctx.ledger->KnownLogSizes();
  if (!sizes) return std::nullopt;
  std::optional<std::string> hit =
      ctx.ledger->CachedVerification(VerifyKey(req.path_params["code"], VerifySecret(req), *sizes));
  if (!hit) return std::nullopt;
  return VerifyResponse(std::move(*hit));
}

Result<Response> Verify(ApiContext& ctx, Request& req) {
  ZJ_ASSIGN_OR_RETURN(LedgerService * l, Ledger(ctx));
  const std::optional<std::string> secret = VerifySecret(req);
  const std::string& code = req.path_params["code"];
  ZJ_ASSIGN_OR_RETURN(LedgerService::LogSizes sizes, l->CurrentLogSizes());
  const std::string key = VerifyKey(code, secret, sizes);
  if (auto hit = l->CachedVerification(key)) return VerifyResponse(std::move(*hit));
  ZJ_ASSIGN_OR_RETURN(ledger::Verification v, l->reports().Verify(code, secret));
  json::object o{{"code", v.code}, {"code_display", Display(v.code)}};
  o["found"] = v.report.has_value();
  json::object log{
      {"origin", l->verifier() ? json::value(l->verifier()->KeyName()) : nullptr},
      {"verifier_key", l->verifier() ? json::value(l->verifier_key()) : nullptr},
      {"hash", std::string(l->log().hasher().name())},
      {"checkpoint", v.checkpoint ? json::value(v.checkpoint->note) : nullptr},
      {"tree_size", v.checkpoint ? json::value(static_cast<int64_t>(v.checkpoint->size)) : nullptr},
      {"root", v.checkpoint ? json::value(B64(v.checkpoint->root)) : nullptr}};
  o["secret"] = json::object{{"given", v.secret_given}, {"valid", v.secret_valid}};
  if (!v.report) {
    o["status"] = "unknown";
    for (const char* k :
         {"institution", "certificate", "report_no", "issue_date", "document_sha256",
          "registered_at", "replaces", "replaced_by", "revocation", "details"}) {
      o[k] = nullptr;
    }
    o["log"] = std::move(log);
    o["events"] = json::array();
    std::string body = json::serialize(o);
    l->CacheVerification(key, body);
    return VerifyResponse(std::move(body));
  }
  const ledger::ReportRecord& r = *v.report;
  o["status"] = PublicStatus(r.status);
  o["institution"] = InstitutionJson(r, false);
  o["certificate"] = CertificateJson(r.certificate);
  o["report_no"] = r.input.report_no;
  o["issue_date"] = r.input.issue_date;
  o["document_sha256"] = Hex(r.input.document_sha256);
  o["registered_at"] = r.registered_at;
  o["replaces"] = OptJson(r.replaces);
  o["replaced_by"] = OptJson(r.replaced_by);
  o["revocation"] = nullptr;
  for (const auto& e : r.events) {
    if (e.type == ledger::EventType::kRevoke && e.code == r.code) {
      o["revocation"] = json::object{{"reason", e.reason}, {"at", Instant(e.registered_at_ms)}};
    }
  }
  if (v.secret_valid) {
    json::object d = ContentJson(r);
    d["salt"] = HexEncode(r.salt);
    o["details"] = std::move(d);
  } else {
    o["details"] = nullptr;
  }
  o["log"] = std::move(log);
  json::array events;
  for (const auto& p : v.events) {
    json::object e = EventJson(p.event);
    e["entry"] = ledger::Base64Encode(p.entry);
    e["leaf_hash"] = B64(p.leaf_hash);
    if (p.inclusion) {
      json::array hashes;
      for (const auto& h : *p.inclusion) hashes.push_back(json::value(B64(h)));
      e["inclusion_proof"] = std::move(hashes);
    } else {
      e["inclusion_proof"] = nullptr;
    }
    events.push_back(std::move(e));
  }
  o["events"] = std::move(events);
  std::string body = json::serialize(o);
  l->CacheVerification(key, body);
  return VerifyResponse(std::move(body));
}

}  // namespace

void RegisterLedgerRoutes(server::Router& router, ApiContext& ctx) {
  using R = Role;
  auto bind = [&ctx](Result<Response> (*fn)(ApiContext&, Request&)) {
    return [&ctx, fn](Request& req) { return fn(ctx, req); };
  };
  const std::vector<Role> writers = {R::kAdmin, R::kInstitution};
  const auto any = server::AnySignedIn();
  const auto everyone = server::Everyone();
  router.Add({Verb::post, "/api/v1/reports", "reports.register", writers, bind(Register)});
  router.Add({Verb::post, "/api/v1/reports/batch", "reports.register-batch", writers,
              bind(RegisterBatch)});
  router.Add({Verb::get, "/api/v1/reports", "reports.list", any, bind(ListReports)});
  router.Add({Verb::get, "/api/v1/reports/{code}", "reports.get", any, bind(GetReport)});
  router.Add({Verb::post, "/api/v1/reports/{code}/corrections", "reports.correct", writers,
              bind(Correct)});
  router.Add(
      {Verb::post, "/api/v1/reports/{code}/revocations", "reports.revoke", writers, bind(Revoke)});
  router.Add({Verb::get, "/api/v1/reports/{code}/qr.svg", "reports.qr-svg", any, bind(QrSvg)});
  router.Add({Verb::get, "/api/v1/reports/{code}/qr.png", "reports.qr-png", any, bind(QrPng)});
  router.Add({Verb::get, "/log/checkpoint", "log.checkpoint", everyone, bind(Checkpoint)});
  // C2SP tile paths have a variable number of segments ("x001/x234/067", ".p/<W>"); the router
  // matches whole segments, so there is one route per count, up to four index groups (trees of
  // up to 256 · 10^12 leaves). Hash tiles: <L>/<N…>[/<W>]; entry bundles: <N…>[/<W>].
  for (int n = 2; n <= 6; ++n) {
    std::string pattern = "/log/tile/{level}";
    for (int k = 1; k < n; ++k) pattern += "/{n" + std::to_string(k) + "}";
    router.Add({Verb::get, pattern, "log.tile." + std::to_string(n), everyone, bind(Tile)});
  }
  for (int n = 1; n <= 5; ++n) {
    std::string pattern = "/log/tile/entries";
    for (int k = 1; k <= n; ++k) pattern += "/{n" + std::to_string(k) + "}";
    router.Add({Verb::get, pattern, "log.entries." + std::to_string(n), everyone, bind(Tile)});
  }
  router.Add({Verb::get, "/api/v1/log/proof/inclusion", "log.proof.inclusion", everyone,
              bind(InclusionProof)});
  router.Add({Verb::get, "/api/v1/log/proof/consistency", "log.proof.consistency", everyone,
              bind(ConsistencyProof)});
  router.Add({Verb::get, "/api/v1/public/log-key", "public.log-key", everyone, bind(LogKey)});
  server::Route verify{Verb::get, "/api/v1/public/verify/{code}", "public.verify", everyone,
                       bind(Verify)};
  verify.try_inline = [&ctx](Request& req) { return VerifyCached(ctx, req); };
  router.Add(std::move(verify));
}

}  // namespace zhijian::api
