// Write routes of the institution registry: institutions, certificates, capability rows, credit
// flags and penalties (regulators and administrators), people and equipment (also the
// institution's own users), the standards catalogue (administrators). Thin: read the JSON body,
// call registry::Registry with the caller's Principal — which checks role and scope, validates,
// writes and appends the audit record in one transaction — and render the saved record.
#include <boost/json.hpp>
#include <string>
#include <vector>

#include "zhijian/api/api.h"
#include "zhijian/api/request_params.h"
#include "zhijian/registry/registry.h"
#include "zhijian/server/json_body.h"

namespace zhijian::api {
namespace {

namespace json = boost::json;
using server::Request;
using server::Response;
using server::Verb;

// Text fields: absent or null = "".
Result<std::string> Text(const json::object& body, const char* field) {
  ZJ_ASSIGN_OR_RETURN(auto v, server::OptionalString(body, field));
  return v.value_or("");
}

Result<std::optional<std::string>> OptDate(const json::object& body, const char* field) {
  ZJ_ASSIGN_OR_RETURN(auto v, server::OptionalString(body, field));
  if (v && v->empty()) v.reset();
  return v;
}

json::object InstitutionJson(const registry::Institution& v) {
  json::object o = InstitutionBasicsJson(v);
  o["address"] = v.address;
  o["legal_rep"] = v.legal_rep;
  o["legal_form"] = v.legal_form;
  return o;
}

json::object PersonJson(const registry::Person& v) {
  json::array fields;
  for (const auto& f : v.signatory_fields) {
    fields.push_back(json::object{{"field", f.field},
                                  {"from", OptJson(f.authorized_from)},
                                  {"to", OptJson(f.authorized_to)}});
  }
  // The ID hash is not shown: it is a matching key, not something a client needs.
  return json::object{
      {"id", v.id},       {"institution_id", v.institution_id}, {"name", v.name},
      {"title", v.title}, {"roles", JsonStrings(v.roles)},      {"signatory_fields", fields}};
}

json::object EquipmentJson(const registry::Equipment& v) {
  return json::object{{"id", v.id},         {"institution_id", v.institution_id},
                      {"name", v.name},     {"model", v.model},
                      {"serial", v.serial}, {"calibration_due", OptJson(v.calibration_due)}};
}

Result<registry::Institution> InstitutionFromBody(const json::object& body) {
  registry::Institution v;
  ZJ_ASSIGN_OR_RETURN(v.uscc, server::RequiredString(body, "uscc"));
  ZJ_ASSIGN_OR_RETURN(v.name, server::RequiredString(body, "name"));
  ZJ_ASSIGN_OR_RETURN(v.region_code, server::RequiredString(body, "region_code"));
  ZJ_ASSIGN_OR_RETURN(v.address, Text(body, "address"));
  ZJ_ASSIGN_OR_RETURN(v.legal_rep, Text(body, "legal_rep"));
  ZJ_ASSIGN_OR_RETURN(v.legal_form, Text(body, "legal_form"));
  ZJ_ASSIGN_OR_RETURN(v.domains, server::OptionalStringList(body, "domains"));
  ZJ_ASSIGN_OR_RETURN(auto centre, server::OptionalBool(body, "national_centre"));
  v.national_centre = centre.value_or(false);
  return v;
}

// A person from the body. `id_number` (身份证号) is validated and hashed here, never stored or
// logged; on create it is required, on update it may be left out to keep the stored hash.
Result<registry::Person> PersonFromBody(ApiContext& ctx, const json::object& body, bool create) {
  registry::Person v;
  ZJ_ASSIGN_OR_RETURN(v.name, server::RequiredString(body, "name"));
  ZJ_ASSIGN_OR_RETURN(auto id_number, server::OptionalString(body, "id_number"));
  if (create && (!id_number || id_number->empty())) {
    return Error::Invalid("request.field-missing", "缺少必填字段", "a required field is missing",
                          "id_number");
  }
  if (id_number && !id_number->empty()) {
    if (!ctx.id_hasher) {
      return Error(Error::Kind::kUnavailable, "registry.no-id-key", "服务器未配置身份证号哈希密钥",
                   "the server has no ID-number hash key (serve --id-key)");
    }
    ZJ_ASSIGN_OR_RETURN(v.id_hash, ctx.id_hasher->HashText(*id_number));
  }
  ZJ_ASSIGN_OR_RETURN(v.title, Text(body, "title"));
  ZJ_ASSIGN_OR_RETURN(v.roles, server::OptionalStringList(body, "roles"));
  const json::value* fields = body.if_contains("signatory_fields");
  if (fields && !fields->is_null()) {
    if (!fields->is_array()) {
      return Error::Invalid("request.field-type", "字段类型错误", "a field has the wrong type",
                            "signatory_fields: array of objects");
    }
    for (const auto& f : fields->get_array()) {
      if (!f.is_object()) {
        return Error::Invalid("request.field-type", "字段类型错误", "a field has the wrong type",
                              "signatory_fields: array of objects");
      }
      registry::SignatoryField s;
      ZJ_ASSIGN_OR_RETURN(s.field, server::RequiredString(f.get_object(), "field"));
      ZJ_ASSIGN_OR_RETURN(s.authorized_from, OptDate(f.get_object(), "from"));
      ZJ_ASSIGN_OR_RETURN(s.authorized_to, OptDate(f.get_object(), "to"));
      v.signatory_fields.push_back(std::move(s));
    }
  }
  return v;
}

Result<registry::Equipment> EquipmentFromBody(const json::object& body) {
  registry::Equipment v;
  ZJ_ASSIGN_OR_RETURN(v.name, server::RequiredString(body, "name"));
  ZJ_ASSIGN_OR_RETURN(v.model, Text(body, "model"));
  ZJ_ASSIGN_OR_RETURN(v.serial, Text(body, "serial"));
  ZJ_ASSIGN_OR_RETURN(v.calibration_due, OptDate(body, "calibration_due"));
  return v;
}

// ---- handlers -----------------------------------------------------------------------------

// What the path's {id} names: nothing (a new institution), the institution of a new member
// record (person, equipment), or the record being replaced.
enum class Target { kNew, kNewMember, kRecord };

// The one shape of every save route: read the body, place the path id, save with the caller's
// Principal (role, scope, validation and audit are the registry's), render the saved record.
template <typename T>
Result<Response> Save(ApiContext& ctx, Request& req, Target target,
                      Result<T> (*from_body)(ApiContext&, const json::object&, bool create),
                      Result<T> (registry::Registry::*save)(const Principal&, const T&,
                                                            const std::string&),
                      json::object (*to_json)(const T&)) {
  int64_t id = 0;
  if (target != Target::kNew) {
    ZJ_ASSIGN_OR_RETURN(id, PathId(req));
  }
  ZJ_ASSIGN_OR_RETURN(json::object body, server::ParseJsonObject(req));
  ZJ_ASSIGN_OR_RETURN(T v, from_body(ctx, body, target != Target::kRecord));
  if (target == Target::kRecord) v.id = id;
  if constexpr (requires { v.institution_id; }) {
    if (target == Target::kNewMember) v.institution_id = id;
  }
  registry::Registry reg(ctx.db, ctx.clock);
  ZJ_ASSIGN_OR_RETURN(T saved, (reg.*save)(req.principal, v, req.remote_ip));
  return server::JsonResponse(to_json(saved), target == Target::kRecord ? 200 : 201);
}

Result<Response> Delete(ApiContext& ctx, Request& req,
                        Result<void> (registry::Registry::*remove)(const Principal&, int64_t,
                                                                   const std::string&)) {
  ZJ_ASSIGN_OR_RETURN(int64_t id, PathId(req));
  registry::Registry reg(ctx.db, ctx.clock);
  ZJ_TRY((reg.*remove)(req.principal, id, req.remote_ip));
  return Response::NoContent();
}

Result<registry::Institution> InstitutionFrom(ApiContext&, const json::object& body, bool) {
  return InstitutionFromBody(body);
}
Result<registry::Equipment> EquipmentFrom(ApiContext&, const json::object& body, bool) {
  return EquipmentFromBody(body);
}

// ---- records regulators keep: saved by business key ------------------------------------------

Result<registry::Certificate> CertificateFromBody(const json::object& body) {
  registry::Certificate v;
  ZJ_ASSIGN_OR_RETURN(v.number, server::RequiredString(body, "number"));
  ZJ_ASSIGN_OR_RETURN(v.issuer, Text(body, "issuer"));
  ZJ_ASSIGN_OR_RETURN(v.issued_on, OptDate(body, "issued_on"));
  ZJ_ASSIGN_OR_RETURN(v.expires_on, OptDate(body, "expires_on"));
  ZJ_ASSIGN_OR_RETURN(std::string status, server::RequiredString(body, "status"));
  auto parsed = registry::ParseCertStatus(status);
  if (!parsed) {
    return Error::Invalid("registry.bad-status", "证书状态无效", "invalid certificate status",
                          "status: valid, suspended, revoked, cancelled or expired");
  }
  v.status = *parsed;
  // A status change with its own effective date (else: effective today, see registry.h).
  ZJ_ASSIGN_OR_RETURN(auto effective, OptDate(body, "status_effective_on"));
  if (effective) {
    ZJ_ASSIGN_OR_RETURN(std::string reason, Text(body, "status_reason"));
    v.history.push_back({v.status, *effective, std::move(reason)});
  }
  return v;
}

Result<std::pair<registry::Capability, std::string>> CapabilityFromBody(const json::object& body) {
  registry::Capability v;
  ZJ_ASSIGN_OR_RETURN(std::string certificate, server::RequiredString(body, "certificate_number"));
  ZJ_ASSIGN_OR_RETURN(v.category, Text(body, "category"));
  ZJ_ASSIGN_OR_RETURN(v.object, Text(body, "object"));
  ZJ_ASSIGN_OR_RETURN(v.item, server::RequiredString(body, "item"));
  ZJ_ASSIGN_OR_RETURN(v.parameter, Text(body, "parameter"));
  ZJ_ASSIGN_OR_RETURN(v.standard_no, server::RequiredString(body, "standard_no"));
  ZJ_ASSIGN_OR_RETURN(v.standard_name, Text(body, "standard_name"));
  ZJ_ASSIGN_OR_RETURN(v.limitation, Text(body, "limitation"));
  ZJ_ASSIGN_OR_RETURN(v.approved_on, OptDate(body, "approved_on"));
  ZJ_ASSIGN_OR_RETURN(v.valid_from, OptDate(body, "valid_from"));
  ZJ_ASSIGN_OR_RETURN(v.valid_to, OptDate(body, "valid_to"));
  return std::pair{std::move(v), std::move(certificate)};
}

Result<registry::CreditFlag> CreditFlagFromBody(const json::object& body) {
  registry::CreditFlag v;
  ZJ_ASSIGN_OR_RETURN(std::string kind, server::RequiredString(body, "kind"));
  auto parsed = registry::ParseCreditKind(kind);
  if (!parsed) {
    return Error::Invalid("registry.bad-kind", "信用名单类型无效", "invalid credit list kind",
                          "kind: serious-dishonesty or abnormal-operation");
  }
  v.kind = *parsed;
  ZJ_ASSIGN_OR_RETURN(v.listed_on, server::RequiredString(body, "listed_on"));
  ZJ_ASSIGN_OR_RETURN(v.removed_on, OptDate(body, "removed_on"));
  ZJ_ASSIGN_OR_RETURN(v.authority, Text(body, "authority"));
  ZJ_ASSIGN_OR_RETURN(v.reason, Text(body, "reason"));
  return v;
}

Result<registry::Penalty> PenaltyFromBody(const json::object& body) {
  registry::Penalty v;
  ZJ_ASSIGN_OR_RETURN(v.decision_no, server::RequiredString(body, "decision_no"));
  ZJ_ASSIGN_OR_RETURN(v.decided_on, server::RequiredString(body, "decided_on"));
  ZJ_ASSIGN_OR_RETURN(v.authority, Text(body, "authority"));
  ZJ_ASSIGN_OR_RETURN(v.violation, Text(body, "violation"));
  ZJ_ASSIGN_OR_RETURN(v.legal_basis, Text(body, "legal_basis"));
  if (const json::value* amount = body.if_contains("amount_yuan"); amount && !amount->is_null()) {
    if (!amount->is_number() || amount->to_number<double>() < 0) {
      return Error::Invalid("request.field-type", "字段类型错误", "a field has the wrong type",
                            "amount_yuan: a number of yuan, not negative");
    }
    v.amount_yuan = amount->to_number<double>();
  }
  return v;
}

Result<registry::Standard> StandardFromBody(const json::object& body) {
  registry::Standard v;
  ZJ_ASSIGN_OR_RETURN(v.number, server::RequiredString(body, "number"));
  ZJ_ASSIGN_OR_RETURN(v.name, server::RequiredString(body, "name"));
  ZJ_ASSIGN_OR_RETURN(std::string status, server::RequiredString(body, "status"));
  auto parsed = registry::ParseStandardStatus(status);
  if (!parsed) {
    return Error::Invalid("registry.bad-status", "标准状态无效", "invalid standard status",
                          "status: current, upcoming or abolished");
  }
  v.status = *parsed;
  ZJ_ASSIGN_OR_RETURN(v.published_on, OptDate(body, "published_on"));
  ZJ_ASSIGN_OR_RETURN(v.effective_on, OptDate(body, "effective_on"));
  ZJ_ASSIGN_OR_RETURN(v.abolished_on, OptDate(body, "abolished_on"));
  ZJ_ASSIGN_OR_RETURN(v.replaces, server::OptionalStringList(body, "replaces"));
  ZJ_ASSIGN_OR_RETURN(v.replaced_by, server::OptionalStringList(body, "replaced_by"));
  return v;
}

// The one response of a keyed save: the record's id and what happened (201 when inserted).
Response KeyedSaved(const registry::Upserted& u) {
  const char* outcome = u.outcome == registry::Outcome::kInserted  ? "inserted"
                        : u.outcome == registry::Outcome::kUpdated ? "updated"
                                                                   : "unchanged";
  return server::JsonResponse(json::object{{"id", u.id}, {"outcome", outcome}},
                              u.outcome == registry::Outcome::kInserted ? 201 : 200);
}

// POST /api/v1/registry/institutions/{id}/<records>: `save(registry, request, body, institution
// id)` parses the body and calls the registry with the caller's Principal.
template <typename F>
Result<Response> SaveKept(ApiContext& ctx, Request& req, F save) {
  ZJ_ASSIGN_OR_RETURN(int64_t institution_id, PathId(req));
  ZJ_ASSIGN_OR_RETURN(json::object body, server::ParseJsonObject(req));
  registry::Registry reg(ctx.db, ctx.clock);
  ZJ_ASSIGN_OR_RETURN(registry::Upserted u, save(reg, req, body, institution_id));
  return KeyedSaved(u);
}

}  // namespace

void RegisterRegistryEditRoutes(server::Router& router, ApiContext& ctx) {
  using R = Role;
  const std::vector<Role> regulators = {R::kAdmin, R::kRegulator};
  const std::vector<Role> editors = {R::kAdmin, R::kRegulator, R::kInstitution};
  using registry::Equipment;
  using registry::Institution;
  using registry::Person;
  using registry::Registry;
  auto save = [&ctx]<typename T>(
                  Target target, Result<T> (*from)(ApiContext&, const json::object&, bool),
                  Result<T> (Registry::*fn)(const Principal&, const T&, const std::string&),
                  json::object (*to_json)(const T&)) {
    return [&ctx, target, from, fn, to_json](Request& req) {
      return Save<T>(ctx, req, target, from, fn, to_json);
    };
  };
  auto remove =
      [&ctx](Result<void> (Registry::*fn)(const Principal&, int64_t, const std::string&)) {
        return [&ctx, fn](Request& req) { return Delete(ctx, req, fn); };
      };
  router.Add({Verb::post, "/api/v1/registry/institutions", "registry.institutions.create",
              regulators,
              save(Target::kNew, &InstitutionFrom, &Registry::SaveInstitution, &InstitutionJson)});
  router.Add(
      {Verb::put, "/api/v1/registry/institutions/{id}", "registry.institutions.update", regulators,
       save(Target::kRecord, &InstitutionFrom, &Registry::SaveInstitution, &InstitutionJson)});
  router.Add({Verb::post, "/api/v1/registry/institutions/{id}/people", "registry.people.create",
              editors,
              save(Target::kNewMember, &PersonFromBody, &Registry::SavePerson, &PersonJson)});
  router.Add({Verb::put, "/api/v1/registry/people/{id}", "registry.people.update", editors,
              save(Target::kRecord, &PersonFromBody, &Registry::SavePerson, &PersonJson)});
  router.Add({Verb::delete_, "/api/v1/registry/people/{id}", "registry.people.delete", editors,
              remove(&Registry::DeletePerson)});
  router.Add({Verb::post, "/api/v1/registry/institutions/{id}/equipment",
              "registry.equipment.create", editors,
              save(Target::kNewMember, &EquipmentFrom, &Registry::SaveEquipment, &EquipmentJson)});
  router.Add({Verb::put, "/api/v1/registry/equipment/{id}", "registry.equipment.update", editors,
              save(Target::kRecord, &EquipmentFrom, &Registry::SaveEquipment, &EquipmentJson)});
  router.Add({Verb::delete_, "/api/v1/registry/equipment/{id}", "registry.equipment.delete",
              editors, remove(&Registry::DeleteEquipment)});

  // Records regulators keep, saved by business key (a repeat is "unchanged").
  auto kept = [&ctx](auto saver) {
    return [&ctx, saver](Request& req) { return SaveKept(ctx, req, saver); };
  };
  using registry::Upserted;
  router.Add({Verb::post, "/api/v1/registry/institutions/{id}/certificates",
              "registry.certificates.save", regulators,
              kept([](Registry& reg, const Request& req, const json::object& body,
                      int64_t inst) -> Result<Upserted> {
                ZJ_ASSIGN_OR_RETURN(registry::Certificate v, CertificateFromBody(body));
                v.institution_id = inst;
                return reg.SaveCertificate(req.principal, v, req.remote_ip);
              })});
  router.Add({Verb::post, "/api/v1/registry/institutions/{id}/capabilities",
              "registry.capabilities.save", regulators,
              kept([](Registry& reg, const Request& req, const json::object& body,
                      int64_t inst) -> Result<Upserted> {
                ZJ_ASSIGN_OR_RETURN(auto v, CapabilityFromBody(body));
                v.first.institution_id = inst;
                return reg.SaveCapability(req.principal, v.first, v.second, req.remote_ip);
              })});
  router.Add({Verb::post, "/api/v1/registry/institutions/{id}/credit-flags",
              "registry.credit-flags.save", regulators,
              kept([](Registry& reg, const Request& req, const json::object& body,
                      int64_t inst) -> Result<Upserted> {
                ZJ_ASSIGN_OR_RETURN(registry::CreditFlag v, CreditFlagFromBody(body));
                v.institution_id = inst;
                return reg.SaveCreditFlag(req.principal, v, req.remote_ip);
              })});
  router.Add({Verb::post, "/api/v1/registry/institutions/{id}/penalties", "registry.penalties.save",
              regulators,
              kept([](Registry& reg, const Request& req, const json::object& body,
                      int64_t inst) -> Result<Upserted> {
                ZJ_ASSIGN_OR_RETURN(registry::Penalty v, PenaltyFromBody(body));
                v.institution_id = inst;
                return reg.SavePenalty(req.principal, v, req.remote_ip);
              })});
  router.Add({Verb::delete_, "/api/v1/registry/capabilities/{id}", "registry.capabilities.delete",
              regulators, remove(&Registry::DeleteCapability)});
  router.Add({Verb::delete_, "/api/v1/registry/credit-flags/{id}", "registry.credit-flags.delete",
              regulators, remove(&Registry::DeleteCreditFlag)});
  router.Add({Verb::delete_, "/api/v1/registry/penalties/{id}", "registry.penalties.delete",
              regulators, remove(&Registry::DeletePenalty)});
  router.Add({Verb::post,
              "/api/v1/registry/standards",
              "registry.standards.save",
              {R::kAdmin},
              [&ctx](Request& req) -> Result<Response> {
                ZJ_ASSIGN_OR_RETURN(json::object body, server::ParseJsonObject(req));
                ZJ_ASSIGN_OR_RETURN(registry::Standard v, StandardFromBody(body));
                registry::Registry reg(ctx.db, ctx.clock);
                ZJ_ASSIGN_OR_RETURN(Upserted u, reg.SaveStandard(req.principal, v, req.remote_ip));
                return KeyedSaved(u);
              }});
}

}  // namespace zhijian::api
