#include "zhijian/checks/compliance_golden.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>

#include "zhijian/base/digest.h"
#include "zhijian/base/standard_no.h"
#include "zhijian/ledger/merkle.h"

namespace zhijian::checks {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::vector<std::string> SplitList(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t p = s.find(sep, start);
    if (p == std::string_view::npos) p = s.size();
    std::string_view item = Trim(s.substr(start, p - start));
    if (!item.empty()) out.emplace_back(item);
    start = p + 1;
  }
  return out;
}

class Parser {
 public:
  Parser(std::string_view text, std::string file) : text_(text), file_(std::move(file)) {}

  Result<std::vector<GoldenCase>> Run() {
    std::vector<std::string> lines;
    for (size_t start = 0; start <= text_.size();) {
      size_t p = text_.find('\n', start);
      if (p == std::string_view::npos) p = text_.size();
      lines.emplace_back(text_.substr(start, p - start));
      start = p + 1;
    }
    size_t i = 0;
    while (i < lines.size()) {
      const std::string_view first = Trim(lines[i]);
      if (first.empty() || first.front() == '#') {
        ++i;
        continue;
      }
      // A record: the directive line and every following line up to a blank one.
      const int start_line = static_cast<int>(i) + 1;
      std::vector<std::pair<int, std::string_view>> body;
      size_t j = i + 1;
      for (; j < lines.size(); ++j) {
        const std::string_view l = Trim(lines[j]);
        if (l.empty()) break;
        if (l.front() == '#') continue;
        body.emplace_back(static_cast<int>(j) + 1, l);
      }
      ZJ_TRY(Record(start_line, first, body));
      i = j;
    }
    return std::move(cases_);
  }

 private:
  Error Bad(int line, const std::string& what) const {
    return Error::Invalid("golden.bad-line", "测试文件格式错误", "malformed golden file",
                          file_ + ":" + std::to_string(line) + ": " + what);
  }

  // KIND key=value key="quoted value" …
  Result<std::map<std::string, std::string>> Attributes(int line, std::string_view s) {
    std::map<std::string, std::string> out;
    size_t i = 0;
    while (i < s.size()) {
      while (i < s.size() && s[i] == ' ') ++i;
      if (i >= s.size()) break;
      const size_t eq = s.find('=', i);
      if (eq == std::string_view::npos)
        return Bad(line, "expected key=value: " + std::string(s.substr(i)));
      std::string key(s.substr(i, eq - i));
      if (key.empty() || key.find(' ') != std::string::npos) {
        return Bad(line, "bad key '" + key + "'");
      }
      i = eq + 1;
      std::string value;
      if (i < s.size() && s[i] == '"') {
        const size_t close = s.find('"', i + 1);
        if (close == std::string_view::npos) return Bad(line, "unterminated quote");
        value = std::string(s.substr(i + 1, close - i - 1));
        i = close + 1;
      } else {
        const size_t sp = s.find(' ', i);
        const size_t end = sp == std::string_view::npos ? s.size() : sp;
        value = std::string(s.substr(i, end - i));
        i = end;
      }
      if (out.count(key)) return Bad(line, "key '" + key + "' given twice");
      out[key] = std::move(value);
    }
    return out;
  }

  Result<void> Record(int line, std::string_view head,
                      const std::vector<std::pair<int, std::string_view>>& body) {
    const size_t sp = head.find(' ');
    const std::string directive(head.substr(0, sp));
    const std::string_view arg = sp == std::string_view::npos ? "" : Trim(head.substr(sp + 1));
    if (directive == "registry" || directive == "registry+") {
      if (directive == "registry") {
        registry_ = {};
        ++registry_index_;
      } else if (registry_index_ == 0) {
        return Bad(line, "registry+ before any registry");
      }
      for (const auto& [n, l] : body) ZJ_TRY(Fact(n, l));
      return Ok();
    }
    if (directive == "report" || directive == "report+") {
      if (directive == "report") {
        report_ = ReportFacts{};
        has_report_ = true;
        if (arg == "text-pdf") {
          report_.source = FactsSource::kTextPdf;
        } else if (arg == "scan") {
          report_.source = FactsSource::kScan;
        } else if (!arg.empty() && arg != "registration") {
          return Bad(line, "unknown report source '" + std::string(arg) + "'");
        }
      } else if (!has_report_) {
        return Bad(line, "report+ before any report");
      }
      for (const auto& [n, l] : body) ZJ_TRY(Field(n, l));
      return Ok();
    }
    if (directive == "check") {
      if (!has_report_ || registry_index_ == 0)
        return Bad(line, "check before registry and report");
      GoldenCase c;
      c.file = file_;
      c.line = line;
      const size_t sp2 = arg.find(' ');
      c.today = std::string(arg.substr(0, sp2));
      if (ToDay(c.today) == kNoDay)
        return Bad(line, "check needs a date: check YYYY-MM-DD [label]");
      if (sp2 != std::string_view::npos) c.label = std::string(Trim(arg.substr(sp2 + 1)));
      if (body.empty() || body.front().second != "----") {
        return Bad(line, "a check is followed by a line ---- and the expected findings");
      }
      for (size_t k = 1; k < body.size(); ++k) {
        ZJ_ASSIGN_OR_RETURN(GoldenFinding f, Expected(body[k].first, body[k].second));
        c.expected.push_back(std::move(f));
      }
      c.registry_index = registry_index_;
      c.registry = registry_;
      c.report = report_;
      cases_.push_back(std::move(c));
      return Ok();
    }
    return Bad(line, "unknown directive '" + directive + "'");
  }

  Result<std::optional<std::string>> Date(int line, const std::map<std::string, std::string>& a,
                                          const char* key) {
    auto it = a.find(key);
    if (it == a.end() || it->second.empty()) return std::optional<std::string>();
    if (ToDay(it->second) == kNoDay) return Bad(line, std::string(key) + " is not a date");
    return std::optional<std::string>(it->second);
  }

  static std::string Get(const std::map<std::string, std::string>& a, const char* key) {
    auto it = a.find(key);
    return it == a.end() ? std::string() : it->second;
  }

  static std::string Canonical(const std::string& number) {
    auto no = StandardNo::Parse(number);
    return no ? no->str() : number;
  }

  Result<void> Fact(int line, std::string_view l) {
    const size_t sp = l.find(' ');
    const std::string kind(l.substr(0, sp));
    ZJ_ASSIGN_OR_RETURN(auto a, Attributes(line, sp == std::string_view::npos ? "" : l.substr(sp)));
    static const std::map<std::string, std::vector<std::string>> kKeys = {
        {"institution", {"uscc", "name", "region"}},
        {"certificate", {"number", "uscc", "issued", "expires", "status", "issuer"}},
        {"history", {"number", "on", "status"}},
        {"capability",
         {"cert", "category", "object", "item", "parameter", "standard", "limitation", "from", "to",
          "approved"}},
        {"person", {"uscc", "name", "roles", "title", "hash"}},
        {"field", {"uscc", "name", "field", "from", "to"}},
        {"standard",
         {"number", "name", "status", "published", "effective", "abolished", "replaced_by"}},
        {"registered", {"uscc", "report_no", "code", "issue", "digest", "status"}},
    };
    auto keys = kKeys.find(kind);
    if (keys == kKeys.end()) return Bad(line, "unknown fact '" + kind + "'");
    for (const auto& [k, v] : a) {
      if (std::find(keys->second.begin(), keys->second.end(), k) == keys->second.end()) {
        return Bad(line, "unknown key '" + k + "' of " + kind);
      }
    }
    GoldenRegistry& g = registry_;
    if (kind == "institution") {
      registry::Institution i;
      i.uscc = Get(a, "uscc");
      i.name = Get(a, "name");
      i.region_code = Get(a, "region").empty() ? "370102" : Get(a, "region");
      if (i.uscc.empty() || i.name.empty()) return Bad(line, "institution needs uscc and name");
      g.institutions.push_back(std::move(i));
    } else if (kind == "certificate") {
      GoldenRegistry::Cert c;
      c.uscc = Get(a, "uscc");
      c.certificate.number = Get(a, "number");
      c.certificate.issuer = Get(a, "issuer");
      ZJ_ASSIGN_OR_RETURN(c.certificate.issued_on, Date(line, a, "issued"));
      ZJ_ASSIGN_OR_RETURN(c.certificate.expires_on, Date(line, a, "expires"));
      auto st = registry::ParseCertStatus(Get(a, "status").empty() ? "valid" : Get(a, "status"));
      if (!st) return Bad(line, "bad certificate status");
      c.certificate.status = *st;
      if (c.uscc.empty() || c.certificate.number.empty()) {
        return Bad(line, "certificate needs number and uscc");
      }
      g.certificates.push_back(std::move(c));
    } else if (kind == "history") {
      auto it = std::find_if(g.certificates.begin(), g.certificates.end(), [&](const auto& c) {
        return c.certificate.number == Get(a, "number");
      });
      if (it == g.certificates.end()) return Bad(line, "history of an unknown certificate");
      auto st = registry::ParseCertStatus(Get(a, "status"));
      ZJ_ASSIGN_OR_RETURN(auto on, Date(line, a, "on"));
      if (!st || !on) return Bad(line, "history needs on=DATE and status=");
      it->certificate.history.push_back(registry::CertStatusChange{*st, *on, ""});
    } else if (kind == "capability") {
      GoldenRegistry::Cap c;
      c.certificate = Get(a, "cert");
      registry::Capability& k = c.capability;
      k.category = Get(a, "category");
      k.object = Get(a, "object");
      k.item = Get(a, "item");
      k.parameter = Get(a, "parameter");
      k.standard_no = Canonical(Get(a, "standard"));
      k.limitation = Get(a, "limitation");
      ZJ_ASSIGN_OR_RETURN(k.valid_from, Date(line, a, "from"));
      ZJ_ASSIGN_OR_RETURN(k.valid_to, Date(line, a, "to"));
      ZJ_ASSIGN_OR_RETURN(k.approved_on, Date(line, a, "approved"));
      if (c.certificate.empty() || k.standard_no.empty()) {
        return Bad(line, "capability needs cert and standard");
      }
      g.capabilities.push_back(std::move(c));
    } else if (kind == "person") {
      GoldenRegistry::Member m;
      m.uscc = Get(a, "uscc");
      m.person.name = Get(a, "name");
      m.person.title = Get(a, "title");
      m.person.roles = SplitList(Get(a, "roles"), ',');
      const std::string hash = Get(a, "hash");
      m.person.id_hash = Sha256Hex(hash.empty() ? m.uscc + "/" + m.person.name : "person:" + hash);
      if (m.uscc.empty() || m.person.name.empty()) return Bad(line, "person needs uscc and name");
      g.people.push_back(std::move(m));
    } else if (kind == "field") {
      auto it = std::find_if(g.people.begin(), g.people.end(), [&](const auto& m) {
        return m.uscc == Get(a, "uscc") && m.person.name == Get(a, "name");
      });
      if (it == g.people.end()) return Bad(line, "field of an unknown person");
      registry::SignatoryField fld;
      fld.field = Get(a, "field");
      ZJ_ASSIGN_OR_RETURN(fld.authorized_from, Date(line, a, "from"));
      ZJ_ASSIGN_OR_RETURN(fld.authorized_to, Date(line, a, "to"));
      if (fld.field.empty()) return Bad(line, "field needs field=");
      it->person.signatory_fields.push_back(std::move(fld));
    } else if (kind == "standard") {
      registry::Standard s;
      s.number = Canonical(Get(a, "number"));
      s.name = Get(a, "name");
      auto st =
          registry::ParseStandardStatus(Get(a, "status").empty() ? "current" : Get(a, "status"));
      if (!st || s.number.empty()) return Bad(line, "standard needs number= and a valid status");
      s.status = *st;
      ZJ_ASSIGN_OR_RETURN(s.published_on, Date(line, a, "published"));
      ZJ_ASSIGN_OR_RETURN(s.effective_on, Date(line, a, "effective"));
      ZJ_ASSIGN_OR_RETURN(s.abolished_on, Date(line, a, "abolished"));
      for (const auto& n : SplitList(Get(a, "replaced_by"), ','))
        s.replaced_by.push_back(Canonical(n));
      g.standards.push_back(std::move(s));
    } else if (kind == "registered") {
      GoldenRegistry::Registered r;
      r.uscc = Get(a, "uscc");
      r.report_no = Get(a, "report_no");
      r.code = Get(a, "code");
      r.issue_date = Get(a, "issue");
      const std::string digest = Get(a, "digest");
      r.document_sha256 = digest.size() == 64 ? digest : Sha256Hex(digest);
      if (!Get(a, "status").empty()) r.status = Get(a, "status");
      if (r.uscc.empty() || r.report_no.empty() || r.code.empty() ||
          ToDay(r.issue_date) == kNoDay) {
        return Bad(line, "registered needs uscc, report_no, code and issue");
      }
      g.reports.push_back(std::move(r));
    }
    return Ok();
  }

  Result<void> Field(int line, std::string_view l) {
    const size_t sp = l.find(' ');
    const std::string name(l.substr(0, sp));
    const std::string value(sp == std::string_view::npos ? "" : Trim(l.substr(sp + 1)));
    ledger::ReportInput& in = report_.report;
    if (name == "line" || name.starts_with("line@")) {
      std::vector<std::string> cells;
      size_t start = 0;
      while (true) {
        const size_t bar = value.find('|', start);
        cells.emplace_back(Trim(std::string_view(value).substr(
            start, bar == std::string::npos ? std::string::npos : bar - start)));
        if (bar == std::string::npos) break;
        start = bar + 1;
      }
      if (cells.size() != 7) {
        return Bad(line,
                   "a test line has 7 cells: item | parameter | standard | result | unit | "
                   "limit | verdict");
      }
      ledger::TestLine t{cells[0], cells[1], cells[2], cells[3], cells[4], cells[5], cells[6]};
      if (name == "line") {
        in.test_lines.push_back(std::move(t));
      } else {
        const int n = std::atoi(name.c_str() + 5);
        if (n < 1 || static_cast<size_t>(n) > in.test_lines.size()) {
          return Bad(line, "no test line " + name.substr(5));
        }
        in.test_lines[static_cast<size_t>(n) - 1] = std::move(t);
      }
      return Ok();
    }
    static const std::map<std::string, std::string ledger::ReportInput::*> kInput = {
        {"institution", &ledger::ReportInput::institution},
        {"certificate", &ledger::ReportInput::certificate},
        {"report_no", &ledger::ReportInput::report_no},
        {"issue_date", &ledger::ReportInput::issue_date},
        {"sampling_date", &ledger::ReportInput::sampling_date},
        {"receipt_date", &ledger::ReportInput::receipt_date},
        {"test_start_date", &ledger::ReportInput::test_start_date},
        {"test_end_date", &ledger::ReportInput::test_end_date},
        {"client", &ledger::ReportInput::client},
        {"sample", &ledger::ReportInput::sample},
        {"conclusion", &ledger::ReportInput::conclusion},
    };
    static const std::map<std::string, std::string ReportFacts::*> kFacts = {
        {"institution_name", &ReportFacts::institution_name},
        {"test_category", &ReportFacts::test_category},
        {"sample_model", &ReportFacts::sample_model},
        {"sample_batch", &ReportFacts::sample_batch},
        {"approver", &ReportFacts::approver},
        {"reviewer", &ReportFacts::reviewer},
        {"chief_tester", &ReportFacts::chief_tester},
        {"code", &ReportFacts::code},
        {"test_site", &ReportFacts::test_site},
        {"subcontracting", &ReportFacts::subcontracting},
    };
    static const std::map<std::string, std::optional<bool> ReportFacts::*> kFlags = {
        {"cma_mark", &ReportFacts::cma_mark},
        {"seal", &ReportFacts::seal},
        {"page_numbering", &ReportFacts::page_numbering},
        {"end_mark", &ReportFacts::end_mark},
        {"sample_statement", &ReportFacts::sample_statement},
        {"copy_statement", &ReportFacts::copy_statement},
    };
    if (auto it = kInput.find(name); it != kInput.end()) {
      in.*(it->second) = value;
    } else if (auto jt = kFacts.find(name); jt != kFacts.end()) {
      report_.*(jt->second) = value;
    } else if (name == "signatories") {
      std::string v = value;
      for (size_t p; (p = v.find("；")) != std::string::npos;) v.replace(p, 3, ";");
      in.signatories = SplitList(v, ';');
    } else if (auto ft = kFlags.find(name); ft != kFlags.end()) {
      if (value == "yes") {
        report_.*(ft->second) = true;
      } else if (value == "no") {
        report_.*(ft->second) = false;
      } else if (value == "unknown" || value.empty()) {
        (report_.*(ft->second)).reset();
      } else {
        return Bad(line, name + " is yes, no or unknown");
      }
    } else if (name == "page_count") {
      report_.page_count = std::atoi(value.c_str());
    } else if (name == "confidence") {
      const size_t gap = value.find(' ');
      char* end = nullptr;
      const double c = gap == std::string::npos ? -1 : std::strtod(value.c_str() + gap + 1, &end);
      if (c < 0 || c > 1 || end == nullptr || *end != '\0') {
        return Bad(line, "confidence FIELD VALUE (0..1)");
      }
      report_.confidence[value.substr(0, gap)] = c;
    } else if (name == "cell_confidence") {
      // LINE COLUMN VALUE
      const std::vector<std::string> w = SplitList(value, ' ');
      char* end = nullptr;
      const int n = w.size() == 3 ? std::atoi(w[0].c_str()) : 0;
      const double c = w.size() == 3 ? std::strtod(w[2].c_str(), &end) : -1;
      if (n < 1 || c < 0 || c > 1 || end == nullptr || *end != '\0') {
        return Bad(line, "cell_confidence LINE COLUMN VALUE (line 1-based, 0..1)");
      }
      if (report_.cell_confidence.size() < static_cast<size_t>(n)) {
        report_.cell_confidence.resize(static_cast<size_t>(n));
      }
      report_.cell_confidence[static_cast<size_t>(n - 1)][w[1]] = c;
    } else if (name == "line_confidence") {
      report_.line_confidence.clear();
      report_.cell_confidence.clear();
      for (const std::string& v : SplitList(value, ',')) {
        char* end = nullptr;
        const double c = std::strtod(v.c_str(), &end);
        if (v.empty() || *end != '\0' || c < 0 || c > 1) {
          return Bad(line, "line_confidence V,V,… (0..1)");
        }
        report_.line_confidence.push_back(c);
      }
    } else if (name == "document") {
      in.document_sha256 = Sha256(value);
    } else if (name == "document_sha256") {
      auto hash = ledger::HashFromHex(value);
      if (!hash) return Bad(line, "document_sha256 is 64 hex digits");
      std::copy(hash->begin(), hash->end(), in.document_sha256.begin());
    } else {
      return Bad(line, "unknown report field '" + name + "'");
    }
    return Ok();
  }

  Result<GoldenFinding> Expected(int line, std::string_view l) {
    GoldenFinding f;
    f.file_line = line;
    std::vector<std::string_view> words;
    size_t i = 0;
    for (int k = 0; k < 3; ++k) {
      while (i < l.size() && l[i] == ' ') ++i;
      const size_t sp = l.find(' ', i);
      const size_t end = sp == std::string_view::npos ? l.size() : sp;
      if (end == i) return Bad(line, "expected: CATEGORY RULE FIELD [line=N] [value=…] [basis=…]");
      words.push_back(l.substr(i, end - i));
      i = end;
    }
    f.category = std::string(words[0]);
    f.rule = std::string(words[1]);
    f.field = std::string(words[2]);
    if (!f.rule.starts_with(f.category + ".")) {
      return Bad(line, "rule " + f.rule + " is not of category " + f.category);
    }
    ZJ_ASSIGN_OR_RETURN(auto a, Attributes(line, l.substr(i)));
    for (const auto& [k, v] : a) {
      if (k == "line") {
        f.line = std::atoi(v.c_str());
        if (f.line < 1) return Bad(line, "line=N is 1-based");
      } else if (k == "value") {
        f.value = v;
      } else if (k == "basis") {
        f.basis = v;
      } else if (k == "certainty") {
        if (v != "confirmed" && v != "unconfirmed") {
          return Bad(line, "certainty=confirmed|unconfirmed");
        }
        f.confirmed = v == "confirmed";
      } else {
        return Bad(line, "unknown key '" + k + "' of an expected finding");
      }
    }
    return f;
  }

  std::string_view text_;
  std::string file_;
  GoldenRegistry registry_;
  int registry_index_ = 0;
  ReportFacts report_;
  bool has_report_ = false;
  std::vector<GoldenCase> cases_;
};

}  // namespace

Result<std::vector<GoldenCase>> ParseGolden(std::string_view text, const std::string& file) {
  Parser p(text, file);
  return p.Run();
}

RegistryFacts FactsOf(const GoldenRegistry& g) {
  RegistryFacts f;
  std::map<std::string, uint32_t> inst;
  for (const auto& i : g.institutions) {
    inst.emplace(i.uscc, static_cast<uint32_t>(f.institutions.size()));
    f.institutions.push_back(FactsInstitution{0, i.uscc, i.name, i.region_code});
  }
  auto inst_of = [&](const std::string& uscc) -> std::optional<uint32_t> {
    auto it = inst.find(uscc);
    if (it == inst.end()) return std::nullopt;
    return it->second;
  };
  auto day = [](const std::optional<std::string>& d) { return d ? ToDay(*d) : kNoDay; };
  std::map<std::string, uint32_t> certs;
  for (const auto& c : g.certificates) {
    auto i = inst_of(c.uscc);
    if (!i) continue;
    SnapCertificate s;
    s.inst = *i;
    s.number = c.certificate.number;
    s.issuer = c.certificate.issuer;
    s.issued = day(c.certificate.issued_on);
    s.expires = day(c.certificate.expires_on);
    s.status = c.certificate.status;
    for (const auto& h : c.certificate.history) {
      s.history.push_back(SnapStatusChange{h.status, ToDay(h.effective_on)});
    }
    std::stable_sort(s.history.begin(), s.history.end(),
                     [](const auto& a, const auto& b) { return a.effective < b.effective; });
    certs.emplace(s.number, static_cast<uint32_t>(f.certificates.size()));
    f.certificates.push_back(std::move(s));
  }
  for (const auto& c : g.capabilities) {
    auto it = certs.find(c.certificate);
    if (it == certs.end()) continue;
    const registry::Capability& k = c.capability;
    f.capabilities.push_back(FactsCapability{
        it->second, k.category, k.object, k.item, k.parameter, k.standard_no, k.limitation,
        k.valid_from ? day(k.valid_from) : day(k.approved_on), day(k.valid_to)});
  }
  for (const auto& m : g.people) {
    auto i = inst_of(m.uscc);
    if (!i) continue;
    SnapPerson p;
    p.inst = *i;
    p.name = m.person.name;
    p.id_hash = m.person.id_hash;
    p.title = m.person.title;
    p.roles = m.person.roles;
    for (const auto& fld : m.person.signatory_fields) {
      p.signatory_fields.push_back(
          SnapSignatoryField{fld.field, day(fld.authorized_from), day(fld.authorized_to)});
    }
    f.people.push_back(std::move(p));
  }
  for (const auto& s : g.standards) {
    SnapStandard t;
    t.number = s.number;
    t.name = s.name;
    t.status = s.status;
    t.published = day(s.published_on);
    t.effective = day(s.effective_on);
    t.abolished = day(s.abolished_on);
    t.replaced_by = s.replaced_by;
    f.standards.push_back(std::move(t));
  }
  for (const auto& r : g.reports) {
    auto i = inst_of(r.uscc);
    if (!i) continue;
    f.reports.push_back(
        FactsReport{*i, r.code, r.report_no, r.issue_date, r.document_sha256, r.status});
  }
  return f;
}

std::string FindingKey(const ComplianceFinding& f) {
  return f.rule->category + " " + f.rule->id + " " + f.field +
         (f.line ? " line=" + std::to_string(f.line) : "") +
         (f.confirmed ? "" : " certainty=unconfirmed");
}

std::string FindingKey(const GoldenFinding& f) {
  return f.category + " " + f.rule + " " + f.field +
         (f.line ? " line=" + std::to_string(f.line) : "") +
         (f.confirmed ? "" : " certainty=unconfirmed");
}

std::string BasisText(const ComplianceFinding& f) {
  std::string s;
  for (const auto& b : f.basis) {
    if (!s.empty()) s += ";";
    s += b.ToString();
  }
  return s;
}

std::string CompareFindings(const GoldenCase& c, const std::vector<ComplianceFinding>& actual) {
  std::vector<bool> used(actual.size(), false);
  std::string diff;
  for (const GoldenFinding& e : c.expected) {
    const std::string key = FindingKey(e);
    bool found = false;
    for (size_t i = 0; i < actual.size() && !found; ++i) {
      if (used[i] || FindingKey(actual[i]) != key) continue;
      if (e.value && *e.value != actual[i].value) continue;
      used[i] = true;
      found = true;
      if (e.basis && *e.basis != BasisText(actual[i])) {
        diff += "  line " + std::to_string(e.file_line) + ": " + key + ": basis " +
                BasisText(actual[i]) + ", expected " + *e.basis + "\n";
      }
    }
    if (!found) {
      diff += "  line " + std::to_string(e.file_line) + ": missing " + key +
              (e.value ? " value=" + *e.value : "") + "\n";
    }
  }
  for (size_t i = 0; i < actual.size(); ++i) {
    if (used[i]) continue;
    diff += "  unexpected " + FindingKey(actual[i]) + " value=" + actual[i].value + "\n";
  }
  return diff;
}

}  // namespace zhijian::checks
