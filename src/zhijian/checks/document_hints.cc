#include "zhijian/checks/document_hints.h"

#include <algorithm>
#include <string>

#include "zhijian/checks/compliance.h"
#include "zhijian/checks/limits.h"

namespace zhijian::checks {

Result<intake::RegistryHints> RegistryHintsFor(store::Connection& conn, const Principal& viewer,
                                               const ReportFacts& report, FactsCache* cache) {
  ZJ_ASSIGN_OR_RETURN(RegistryFacts facts, LoadRegistryFacts(conn, viewer, report, cache));
  intake::RegistryHints hints;
  auto add_institution = [&](uint32_t i) {
    if (i < facts.institutions.size()) hints.institutions.push_back(facts.institutions[i].name);
  };
  const std::string uscc = NormalizeReportText(report.report.institution);
  for (uint32_t i = 0; i < facts.institutions.size() && !uscc.empty(); ++i) {
    if (NormalizeReportText(facts.institutions[i].uscc) == uscc) add_institution(i);
  }
  const std::string cert = NormalizeReportText(report.report.certificate);
  for (const SnapCertificate& c : facts.certificates) {
    if (!cert.empty() && NormalizeReportText(c.number) == cert) add_institution(c.inst);
  }
  std::sort(hints.institutions.begin(), hints.institutions.end());
  hints.institutions.erase(std::unique(hints.institutions.begin(), hints.institutions.end()),
                           hints.institutions.end());
  const std::optional<uint32_t> subject = SubjectOf(report, facts);
  if (!subject) return hints;
  for (const SnapPerson& p : facts.people) {
    if (p.inst == *subject) hints.names.push_back(p.name);
  }
  for (const FactsCapability& c : facts.capabilities) {
    if (c.cert < facts.certificates.size() && facts.certificates[c.cert].inst == *subject &&
        !c.standard_no.empty()) {
      hints.standards.push_back(c.standard_no);
    }
  }
  std::sort(hints.standards.begin(), hints.standards.end());
  hints.standards.erase(std::unique(hints.standards.begin(), hints.standards.end()),
                        hints.standards.end());
  return hints;
}

int ApplyRegistryHints(store::Database& db, const Principal& viewer, intake::Extraction* ex,
                       FactsCache* cache) {
  if (ex->facts.source != FactsSource::kScan) return 0;
  Result<intake::RegistryHints> hints = [&]() -> Result<intake::RegistryHints> {
    ZJ_ASSIGN_OR_RETURN(auto conn, db.Acquire());
    return RegistryHintsFor(conn.get(), viewer, ex->facts, cache);
  }();
  if (!hints) {
    ex->warnings.push_back("registry hints: " + hints.error().message_en());
    return 0;
  }
  return intake::ApplyHints(*hints, ex);
}

}  // namespace zhijian::checks
