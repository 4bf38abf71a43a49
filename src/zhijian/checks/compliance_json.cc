#include "zhijian/checks/compliance_json.h"

#include <boost/json.hpp>
#include <cmath>
#include <optional>
#include <utility>
#include <vector>

#include "zhijian/base/digest.h"
#include "zhijian/ledger/registration.h"

namespace zhijian::checks {

namespace json = boost::json;

namespace {

Error BadField(std::string_view field, std::string_view why) {
  return Error::Invalid("checks.bad-field", "报告字段无效", "invalid report field",
                        std::string(field) + ": " + std::string(why));
}

constexpr size_t kMaxText = 1000;

Result<void> Text(const json::object& o, const char* key, std::string* out) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return Ok();
  if (!v->is_string()) return BadField(key, "not a string");
  if (v->as_string().size() > kMaxText) return BadField(key, "longer than 1,000 bytes");
  *out = std::string(v->as_string());
  return Ok();
}

// The document facts that are true, false or unknown (null), by their JSON names.
const std::vector<std::pair<const char*, std::optional<bool> ReportFacts::*>>& ContentFlags() {
  static const std::vector<std::pair<const char*, std::optional<bool> ReportFacts::*>> v = {
      {"cma_mark", &ReportFacts::cma_mark},
      {"seal", &ReportFacts::seal},
      {"page_numbering", &ReportFacts::page_numbering},
      {"end_mark", &ReportFacts::end_mark},
      {"sample_statement", &ReportFacts::sample_statement},
      {"copy_statement", &ReportFacts::copy_statement}};
  return v;
}

}  // namespace

const char* FactsSourceName(FactsSource s) {
  switch (s) {
    case FactsSource::kRegistration:
      return "registration";
    case FactsSource::kTextPdf:
      return "text-pdf";
    case FactsSource::kScan:
      return "scan";
  }
  return "registration";
}

Result<ReportFacts> ReportFactsFromJson(const json::value& value, std::string_view json_text) {
  if (!value.is_object()) {
    return Error::Invalid("registration.not-object", "报告必须是JSON对象",
                          "a report must be a JSON object");
  }
  json::object o = value.get_object();
  ReportFacts f;
  ZJ_TRY(Text(o, "institution_name", &f.institution_name));
  ZJ_TRY(Text(o, "test_category", &f.test_category));
  ZJ_TRY(Text(o, "sample_model", &f.sample_model));
  ZJ_TRY(Text(o, "sample_batch", &f.sample_batch));
  ZJ_TRY(Text(o, "approver", &f.approver));
  ZJ_TRY(Text(o, "reviewer", &f.reviewer));
  ZJ_TRY(Text(o, "chief_tester", &f.chief_tester));
  ZJ_TRY(Text(o, "code", &f.code));
  ZJ_TRY(Text(o, "test_site", &f.test_site));
  ZJ_TRY(Text(o, "subcontracting", &f.subcontracting));
  for (const auto& [key, flag] : ContentFlags()) {
    if (const json::value* v = o.if_contains(key); v && !v->is_null()) {
      if (!v->is_bool()) return BadField(key, "not true, false or null");
      f.*flag = v->as_bool();
    }
  }
  if (const json::value* v = o.if_contains("page_count"); v && !v->is_null()) {
    if (!v->is_int64() || v->as_int64() < 0 || v->as_int64() > 100000) {
      return BadField("page_count", "not an integer from 0 to 100,000");
    }
    f.page_count = static_cast<int>(v->as_int64());
  }
  std::string source;
  ZJ_TRY(Text(o, "source", &source));
  if (source == "text-pdf") {
    f.source = FactsSource::kTextPdf;
  } else if (source == "scan") {
    f.source = FactsSource::kScan;
  } else if (!source.empty() && source != "registration") {
    return BadField("source", "not registration, text-pdf or scan");
  }
  for (const char* k :
       {"institution_name", "test_category", "sample_model", "sample_batch", "approver", "reviewer",
        "chief_tester", "code", "cma_mark", "page_count", "source", "test_site", "subcontracting",
        "seal", "page_numbering", "end_mark", "sample_statement", "copy_statement"}) {
    o.erase(k);
  }
  const json::value* digest = o.if_contains("document_sha256");
  if (digest == nullptr || digest->is_null()) {
    o["document_sha256"] =
        Sha256Hex(json_text.empty() ? std::string_view(json::serialize(value)) : json_text);
  }
  ZJ_ASSIGN_OR_RETURN(f.report, ledger::ReportInputFromJson(o));
  return f;
}

json::object ReportFactsToJson(const ReportFacts& f) {
  json::object o = ledger::ReportInputToJson(f.report);
  if (f.source != FactsSource::kRegistration) o["source"] = FactsSourceName(f.source);
  auto text = [&o](const char* k, const std::string& v) {
    if (!v.empty()) o[k] = v;
  };
  text("institution_name", f.institution_name);
  text("test_category", f.test_category);
  text("sample_model", f.sample_model);
  text("sample_batch", f.sample_batch);
  text("approver", f.approver);
  text("reviewer", f.reviewer);
  text("chief_tester", f.chief_tester);
  text("code", f.code);
  text("test_site", f.test_site);
  text("subcontracting", f.subcontracting);
  for (const auto& [key, flag] : ContentFlags()) {
    if (f.*flag) o[key] = *(f.*flag);
  }
  if (f.page_count > 0) o["page_count"] = f.page_count;
  return o;
}

json::object EvidenceJson(const ComplianceFinding& f) {
  auto list = [](const EvidenceList& l) {
    json::array a;
    for (const auto& [name, value] : l) a.push_back(json::object{{"name", name}, {"value", value}});
    return a;
  };
  json::object o{{"report", list(f.report)}, {"registry", list(f.registry)}};
  // Stored with the evidence (report_findings.evidence): no column of its own.
  if (!f.confirmed) o["certainty"] = CertaintyName(false);
  if (f.confidence < 1) o["confidence"] = std::round(f.confidence * 1000) / 1000;
  return o;
}

json::array BasisJson(const ComplianceFinding& f, const RuleCatalogue& rules) {
  json::array a;
  for (const LegalBasis& b : f.basis) {
    a.push_back(json::object{{"regulation", b.regulation},
                             {"version", b.version},
                             {"article", b.article},
                             {"citation_zh", CitationText(rules, b, true)},
                             {"citation_en", CitationText(rules, b, false)},
                             {"confidence", f.rule ? f.rule->confidence : std::string()}});
  }
  return a;
}

json::object FindingJson(const ComplianceFinding& f, const RuleCatalogue& rules) {
  return json::object{{"rule", f.rule->id},
                      {"category", f.rule->category},
                      {"severity", SeverityName(f.rule->severity)},
                      {"field", f.field},
                      {"line", f.line},
                      {"value", f.value},
                      {"message_zh", f.rule->message_zh},
                      {"message_en", f.rule->message_en},
                      {"certainty", CertaintyName(f.confirmed)},
                      {"confidence", std::round(f.confidence * 1000) / 1000},
                      {"evidence", EvidenceJson(f)},
                      {"basis_date", f.basis_date},
                      {"basis", BasisJson(f, rules)}};
}

json::object StoredFindingJson(const StoredReportFinding& f) {
  const RuleDef* rule = RuleCatalogue::Compliance().Find(f.rule_id);
  boost::system::error_code ec;
  json::value evidence = json::parse(f.evidence, ec);
  if (ec) evidence = json::object();
  json::value basis = json::parse(f.basis, ec);
  if (ec) basis = json::array();
  // Certainty and confidence are stored in the evidence (EvidenceJson).
  std::string certainty = CertaintyName(true);
  double confidence = 1;
  if (const json::object* e = evidence.if_object()) {
    if (const json::value* v = e->if_contains("certainty"); v && v->is_string()) {
      certainty = std::string(v->as_string());
    }
    if (const json::value* v = e->if_contains("confidence"); v && v->is_number()) {
      confidence = v->to_number<double>();
    }
  }
  return json::object{{"rule", f.rule_id},
                      {"category", f.category},
                      {"severity", f.severity},
                      {"field", f.field},
                      {"line", f.line},
                      {"value", f.value},
                      {"message_zh", rule ? rule->message_zh : std::string()},
                      {"message_en", rule ? rule->message_en : std::string()},
                      {"certainty", certainty},
                      {"confidence", confidence},
                      {"evidence", std::move(evidence)},
                      {"basis_date", f.basis_date},
                      {"basis", std::move(basis)}};
}

json::object InstitutionFindingsJson(const InstitutionFindings& s) {
  json::array categories;
  for (const auto& [category, n] : s.by_category) {
    categories.push_back(json::object{{"category", category}, {"count", n}});
  }
  json::object severities{{"error", 0}, {"warning", 0}, {"suspect", 0}, {"info", 0}};
  for (const auto& [severity, n] : s.by_severity) severities[severity] = n;
  json::array latest;
  for (const auto& f : s.latest) {
    json::object o = StoredFindingJson(f.finding);
    o["check_id"] = f.check_id;
    o["report_code"] = f.report_code;
    o["report_no"] = f.report_no;
    o["source"] = f.source;
    o["checked_at"] = f.checked_at;
    latest.push_back(std::move(o));
  }
  return json::object{{"reports", s.reports},
                      {"findings", s.findings},
                      {"by_category", std::move(categories)},
                      {"by_severity", std::move(severities)},
                      {"latest", std::move(latest)}};
}

json::object StoredCheckJson(const StoredCheck& c) {
  json::array findings;
  for (const StoredReportFinding& f : c.findings) findings.push_back(StoredFindingJson(f));
  return json::object{
      {"id", c.id},
      {"report_code", c.report_code},
      {"document_sha256", c.document_sha256},
      {"report_no", c.report_no},
      {"institution_id", c.institution_id ? json::value(*c.institution_id) : json::value(nullptr)},
      {"region_code", c.region_code},
      {"source", c.source},
      {"origin", c.origin},
      {"as_of", c.as_of},
      {"rules_version", c.rules_version},
      {"checked_at", c.checked_at},
      {"actor", c.actor},
      {"counts", json::object{{"findings", c.findings_count}, {"errors", c.errors}}},
      {"findings", std::move(findings)}};
}

}  // namespace zhijian::checks
