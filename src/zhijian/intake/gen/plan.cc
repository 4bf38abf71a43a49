// Planning the reports of the corpus from the registry (report_gen.h): pure and deterministic.
#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "zhijian/base/date.h"
#include "zhijian/checks/compliance.h"
#include "zhijian/intake/gen/report_gen.h"
#include "zhijian/intake/gen/values_internal.h"
#include "zhijian/intake/normalize.h"

namespace zhijian::intake::gen {
namespace {

using checks::Day;
using checks::kNoDay;
using checks::Snapshot;

struct InstInfo {
  uint32_t inst = 0;
  std::vector<uint32_t> certs;
  std::map<std::string, std::vector<uint32_t>> caps;  // category -> capability rows
  std::vector<uint32_t> people;
};

std::string Iso(Day d) { return checks::DayText(d); }

Layout LayoutOfDomain(std::string_view domain) {
  if (domain == "机动车") return Layout::kVehicle;
  if (domain == "建设工程") return Layout::kConstruction;
  return Layout::kGeneral;
}

struct Line {
  uint32_t cap = 0;  // capability row (or UINT32_MAX for an added out-of-scope line)
  std::string item, standard, parameter;
  ItemSpec spec;
  Value value;
};

class Planner {
 public:
  Planner(const Snapshot& s, const Options& o) : s_(s), o_(o) {}

  Result<std::vector<PlannedReport>> Run() {
    const auto today = ParseIsoDay(o_.today);
    if (!today) return Error::Invalid("gen.bad-option", "today 日期无效", "bad today", o_.today);
    today_ = static_cast<Day>(*today);
    Index();
    std::vector<PlannedReport> out;
    for (int i = 0; i < o_.count; ++i) {
      ZJ_ASSIGN_OR_RETURN(PlannedReport r, PlanOne(i, out));
      out.push_back(std::move(r));
    }
    return out;
  }

 private:
  // ---- registry facts ----

  void Index() {
    infos_.resize(s_.institutions.size());
    for (uint32_t i = 0; i < s_.institutions.size(); ++i) infos_[i].inst = i;
    for (uint32_t c = 0; c < s_.certificates.size(); ++c) {
      infos_[s_.certificates[c].inst].certs.push_back(c);
    }
    for (uint32_t k = 0; k < s_.capabilities.size(); ++k) {
      const auto& cap = s_.capabilities[k];
      infos_[s_.InstOf(cap)].caps[s_.strings[cap.category]].push_back(k);
    }
    for (uint32_t p = 0; p < s_.people.size(); ++p) infos_[s_.people[p].inst].people.push_back(p);
    // People registered at two institutions (a registry defect) sign no clean report.
    std::unordered_map<std::string, std::set<uint32_t>> by_hash;
    for (const auto& person : s_.people) {
      if (!person.id_hash.empty()) by_hash[person.id_hash].insert(person.inst);
    }
    for (const auto& ext : s_.external_people) by_hash[ext.id_hash].insert(UINT32_MAX);
    for (const auto& [hash, insts] : by_hash) {
      if (insts.size() > 1) two_places_.insert(hash);
    }
    // A report names its signer, not the person: a namesake at the same institution who is
    // registered twice makes the name suspect too.
    for (const auto& person : s_.people) {
      if (two_places_.count(person.id_hash)) two_place_names_.insert({person.inst, person.name});
    }
    for (const InstInfo& in : infos_) {
      if (!s_.institutions[in.inst].in_scope || in.people.size() < 3) continue;
      for (const auto& [domain, caps] : in.caps) {
        if (caps.size() < 2) continue;
        by_layout_[LayoutOfDomain(domain)].push_back({in.inst, domain});
      }
    }
  }

  bool CertValidAt(uint32_t c, Day d) const {
    const auto& cert = s_.certificates[c];
    if (cert.issued == kNoDay || cert.expires == kNoDay || d < cert.issued || d > cert.expires) {
      return false;
    }
    if (cert.history.empty()) {
      return cert.status == registry::CertStatus::kValid ||
             cert.status == registry::CertStatus::kExpired;
    }
    registry::CertStatus st = registry::CertStatus::kValid;
    for (const auto& h : cert.history) {
      if (h.effective != kNoDay && h.effective <= d) st = h.status;
    }
    return st == registry::CertStatus::kValid;
  }

  // Capability row usable for a test between `from` and `to` (its certificate valid at `to` when
  // `need_cert`, the row approved before `from`, the standard in force over the period).
  bool CapUsable(uint32_t k, Day from, Day to, bool need_cert = true) const {
    const auto& cap = s_.capabilities[k];
    if (need_cert && !CertValidAt(cap.cert, to)) return false;
    if (cap.valid_from != kNoDay && cap.valid_from > from) return false;
    if (cap.valid_to != kNoDay && cap.valid_to < to) return false;
    if (s_.strings[cap.item].empty()) return false;
    return StandardCurrent(cap.standard_no, from, to);
  }

  bool StandardCurrent(uint32_t string_index, Day from, Day to) const {
    const int32_t si = s_.StandardOfString(string_index);
    if (si < 0) return false;
    const auto& st = s_.standards[si];
    if (st.effective != kNoDay && st.effective > from) return false;
    if (st.abolished != kNoDay && st.abolished <= to) return false;
    return true;
  }

  // The minimum test period the duration table (data/rules/durations.tsv) states for a line.
  static int TableDays(std::string_view item, std::string_view parameter,
                       std::string_view standard) {
    ledger::TestLine t;
    t.item = item;
    t.parameter = parameter;
    t.standard = standard;
    return checks::MinTestDays(t, checks::DurationTable::Embedded());
  }

  bool Authorised(uint32_t p, std::string_view domain, Day d) const {
    const auto& person = s_.people[p];
    if (two_place_names_.count({person.inst, person.name})) return false;
    if (std::find(person.roles.begin(), person.roles.end(), "授权签字人") == person.roles.end()) {
      return false;
    }
    for (const auto& f : person.signatory_fields) {
      if (f.field != domain) continue;
      if (f.from != kNoDay && f.from > d) continue;
      if (f.to != kNoDay && f.to < d) continue;
      return true;
    }
    return false;
  }

  // ---- one report ----

  struct Choice {
    uint32_t inst = 0;
    std::string domain;
    uint32_t cert = 0;
    Day issue = 0;
  };

  Result<PlannedReport> PlanOne(int i, const std::vector<PlannedReport>& earlier) {
    Rng rng(o_.seed, 1000 + static_cast<uint64_t>(i));
    const auto& kinds = DefectKinds();
    std::string kind;
    if (o_.defect_share > 0 && rng.Chance(o_.defect_share)) kind = rng.Pick(kinds);
    const Layout want = static_cast<Layout>(i % 3);
    for (int attempt = 0; attempt < 200; ++attempt) {
      // A defect kind that cannot be made after many attempts is replaced by another one.
      if (!kind.empty() && attempt > 0 && attempt % 40 == 0) kind = rng.Pick(kinds);
      auto r = TryPlan(i, rng, want, kind, earlier, attempt);
      if (r) return std::move(*r);
    }
    return Error(Error::Kind::kUnprocessable, "gen.no-institution",
                 "登记库中没有可生成报告的机构（需有效证书、现行能力和授权签字人）",
                 "no institution in the registry can issue a report (valid certificate, current "
                 "capabilities, authorised signatory)");
  }

  std::optional<PlannedReport> TryPlan(int i, Rng& rng, Layout want, const std::string& kind,
                                       const std::vector<PlannedReport>& earlier, int attempt) {
    Choice ch;
    const PlannedReport* dup = nullptr;
    const Day lo = today_ - 540, hi = today_ - 3;
    if (kind == "duplicate-report-number") {
      std::vector<const PlannedReport*> cands;
      for (const auto& e : earlier) {
        // A clean report: the institution registered it (bench/checks_bench.sh does), which a
        // report with a defect of its own might not pass.
        if (e.defects.empty() && e.facts.report.issue_date < Iso(hi)) cands.push_back(&e);
      }
      if (cands.empty()) return std::nullopt;
      dup = rng.Pick(cands);
      ch.inst = inst_of_.at(dup->id);
      ch.domain = dup->domain;
    } else if (kind == "expired-certificate") {
      // A certificate that expired before today with no other certificate valid after it.
      std::vector<std::pair<uint32_t, uint32_t>> cands;  // (cert, inst)
      for (uint32_t c = 0; c < s_.certificates.size(); ++c) {
        const auto& cert = s_.certificates[c];
        if (cert.expires == kNoDay || cert.expires >= hi - 5 || cert.expires < lo) continue;
        if (!s_.institutions[cert.inst].in_scope) continue;
        bool renewed = false;
        for (uint32_t o : infos_[cert.inst].certs) {
          if (o != c && CertValidAt(o, cert.expires + 1)) renewed = true;
        }
        if (!renewed) cands.push_back({c, cert.inst});
      }
      if (cands.empty()) return std::nullopt;
      const auto [c, inst] = rng.Pick(cands);
      ch.inst = inst;
      ch.cert = c;
      std::vector<std::string> domains;
      for (const auto& [d, caps] : infos_[inst].caps) domains.push_back(d);
      if (domains.empty()) return std::nullopt;
      ch.domain = rng.Pick(domains);
    } else {
      const auto it = by_layout_.find(want);
      const auto& pool = (it != by_layout_.end() && !it->second.empty() && attempt < 100)
                             ? it->second
                             : all_pool();
      if (pool.empty()) return std::nullopt;
      const auto& pick = rng.Pick(pool);
      ch.inst = pick.first;
      ch.domain = pick.second;
    }
    const InstInfo& info = infos_[ch.inst];
    // The issue date.
    if (kind == "expired-certificate") {
      const Day exp = s_.certificates[ch.cert].expires;
      ch.issue = static_cast<Day>(rng.Range(exp + 1, std::min<Day>(hi, exp + 200)));
    } else {
      std::vector<std::pair<Day, Day>> windows;
      std::vector<uint32_t> certs;
      for (uint32_t c : info.certs) {
        const auto& cert = s_.certificates[c];
        if (cert.issued == kNoDay || cert.expires == kNoDay) continue;
        Day a = std::max<Day>(lo, cert.issued + 60);
        Day b = std::min<Day>(hi, cert.expires - 1);
        if (dup)
          a = std::max<Day>(a, static_cast<Day>(*ParseIsoDay(dup->facts.report.issue_date)) + 1);
        if (a > b) continue;
        windows.push_back({a, b});
        certs.push_back(c);
      }
      if (windows.empty()) return std::nullopt;
      const size_t w = rng.Below(windows.size());
      ch.cert = certs[w];
      ch.issue = static_cast<Day>(rng.Range(windows[w].first, windows[w].second));
      if (!CertValidAt(ch.cert, ch.issue)) return std::nullopt;
    }
    const Day from = ch.issue - 40;
    const bool need_cert = kind != "expired-certificate";

    // Capability rows of the domain usable over the test period, grouped by object.
    const auto caps_it = info.caps.find(ch.domain);
    if (caps_it == info.caps.end()) return std::nullopt;
    std::map<std::string, std::vector<uint32_t>> by_object;
    for (uint32_t k : caps_it->second) {
      const auto& cap = s_.capabilities[k];
      if (!need_cert && cap.cert != ch.cert) continue;
      if (!CapUsable(k, from, ch.issue, need_cert)) continue;
      by_object[s_.strings[cap.object]].push_back(k);
    }
    std::vector<std::string> objects;
    for (const auto& [obj, rows] : by_object) {
      std::set<std::string> items;
      for (uint32_t k : rows) items.insert(s_.strings[s_.capabilities[k].item]);
      if (items.size() >= 2) objects.push_back(obj);
    }
    if (objects.empty()) return std::nullopt;
    std::string object = rng.Pick(objects);
    if (kind == "too-short-test") {
      // An object with an item whose minimum test period the reviewed duration table states
      // (microbiology, BOD5): a shorter test is a defect a checker can know.
      std::vector<std::string> slow;
      for (const auto& obj : objects) {
        for (uint32_t k : by_object[obj]) {
          const auto& cap = s_.capabilities[k];
          for (const auto& sp : SpecsOf(ch.domain, s_.strings[cap.item])) {
            if (TableDays(s_.strings[cap.item], sp.parameter, s_.strings[cap.standard_no]) >= 1) {
              slow.push_back(obj);
            }
          }
        }
      }
      if (slow.empty()) return std::nullopt;
      object = rng.Pick(slow);
    }
    // Lines: distinct items.
    std::vector<uint32_t> rows = by_object[object];
    for (size_t a = rows.size(); a > 1; --a) std::swap(rows[a - 1], rows[rng.Below(a)]);
    const size_t want_lines = static_cast<size_t>(rng.Range(3, 7));
    std::set<std::string> seen_items;
    std::vector<Line> lines;
    const Layout layout = LayoutOfDomain(ch.domain);
    const std::string pass_word = layout == Layout::kConstruction ? "符合" : "合格";
    const std::string fail_word = layout == Layout::kConstruction ? "不符合" : "不合格";
    bool has_slow = false;
    for (uint32_t k : rows) {
      if (lines.size() >= want_lines) break;
      const std::string& item = s_.strings[s_.capabilities[k].item];
      if (!seen_items.insert(item).second) continue;
      for (const ItemSpec& sp : SpecsOf(ch.domain, item)) {
        Line l;
        l.cap = k;
        l.item = item;
        l.standard = s_.strings[s_.capabilities[k].standard_no];
        l.parameter = std::string(sp.parameter);
        l.spec = sp;
        has_slow |= TableDays(l.item, l.parameter, l.standard) >= 1;
        lines.push_back(std::move(l));
      }
    }
    if (lines.size() < 2) return std::nullopt;
    if (kind == "too-short-test" && !has_slow) return std::nullopt;

    // People.
    std::vector<uint32_t> signers, others;
    for (uint32_t p : info.people) {
      (Authorised(p, ch.domain, ch.issue) ? signers : others).push_back(p);
    }
    if (signers.empty()) return std::nullopt;
    const uint32_t approver = rng.Pick(signers);
    std::vector<uint32_t> rest;
    for (uint32_t p : info.people) {
      if (p != approver && s_.people[p].name != s_.people[approver].name &&
          !s_.people[p].name.empty()) {
        rest.push_back(p);
      }
    }
    if (rest.size() < 2) return std::nullopt;
    const uint32_t reviewer = rng.Pick(rest);
    uint32_t chief = rng.Pick(rest);
    for (int t = 0; t < 8 && s_.people[chief].name == s_.people[reviewer].name; ++t) {
      chief = rng.Pick(rest);
    }
    if (s_.people[chief].name == s_.people[reviewer].name) return std::nullopt;

    // Build the report.
    PlannedReport r;
    r.id = ReportId(i);
    r.layout = layout;
    r.domain = ch.domain;
    const auto& inst = s_.institutions[ch.inst];
    const std::string city = CityOf(inst.address);
    r.institution_address = inst.address;
    r.institution_phone = MakePhone(rng);
    r.date_style = layout == Layout::kConstruction ? (rng.Chance(0.7) ? 2 : 1)
                                                   : static_cast<int>(rng.Below(4));
    auto& f = r.facts;
    auto& rep = f.report;
    f.source = checks::FactsSource::kTextPdf;
    f.institution_name = inst.name;
    rep.institution = inst.uscc;
    rep.certificate = s_.certificates[ch.cert].number;
    f.cma_mark = true;
    f.seal = f.page_numbering = f.end_mark = f.sample_statement = f.copy_statement = true;
    f.approver = s_.people[approver].name;
    f.reviewer = s_.people[reviewer].name;
    f.chief_tester = s_.people[chief].name;
    rep.client = MakeClient(ch.domain, city, rng);

    // Dates.
    // The test period: at least the slowest method's incubation, and never shorter than the
    // duration table's minimum (clean reports are clean).
    int min_days = 0;
    for (const Line& l : lines) {
      min_days = std::max({min_days, l.spec.min_days, TableDays(l.item, l.parameter, l.standard)});
    }
    Day issue = ch.issue, t1 = 0, t0 = 0, receipt = kNoDay, sampling = kNoDay;
    if (layout == Layout::kVehicle) {
      t0 = t1 = issue;
    } else {
      t1 = issue - static_cast<Day>(rng.Range(0, 3));
      t0 = t1 - static_cast<Day>(min_days + rng.Range(0, 3));
      receipt = t0 - static_cast<Day>(rng.Range(0, 2));
      if (layout == Layout::kConstruction || rng.Chance(0.75)) {
        sampling = receipt - static_cast<Day>(rng.Range(0, 3));
      }
    }
    const Day produced = (sampling != kNoDay  ? sampling
                          : receipt != kNoDay ? receipt
                                              : t0) -
                         static_cast<Day>(rng.Range(5, 90));
    const Sample sample = MakeSample(ch.domain, object, rng, Iso(produced));
    rep.sample = sample.name;
    f.sample_model = sample.model;
    f.sample_batch = sample.batch;
    if (layout == Layout::kVehicle) r.plate = MakePlate(inst.region_code, rng);
    if (layout == Layout::kConstruction) r.project = MakeProject(city, rng);

    // Values; now and then a real failure (consistently judged), which is not a defect.
    const bool real_failure = kind.empty() && rng.Chance(0.08);
    std::vector<size_t> judgeable;
    for (size_t k = 0; k < lines.size(); ++k) {
      lines[k].value = MakeValue(lines[k].spec, rng, false, pass_word, fail_word);
      if (lines[k].spec.kind != LimitKind::kReportOnly) judgeable.push_back(k);
    }
    std::string failed_item;
    if (real_failure && !judgeable.empty()) {
      const size_t k = rng.Pick(judgeable);
      lines[k].value = MakeValue(lines[k].spec, rng, true, pass_word, fail_word);
      failed_item = lines[k].item;
    }

    // Category, title, basis.
    f.test_category = TestCategory(layout, ch.domain, rng);
    // Noise is measured where it is made: an on-site test, which names its site.
    if (ch.domain == "生态环境" && object == "环境噪声") {
      f.test_category = "现场检测";
      f.test_site = rep.client + "厂界";
    }
    r.title = Title(layout, ch.domain, object, lines);
    r.judgement_basis = JudgementBasis(ch.domain, object);

    // The defect.
    std::vector<std::string> expected;
    Defect defect;
    if (!kind.empty()) {
      defect.kind = kind;
      if (!ApplyDefect(kind, rng, ch, info, object, from, pass_word, fail_word, approver, reviewer,
                       chief, &lines, &issue, &t0, &t1, &receipt, &sampling, &r, &defect,
                       &expected)) {
        return std::nullopt;
      }
    }
    if (dup) {
      rep.report_no = dup->facts.report.report_no;
      r.duplicate_of = dup->id;
    } else {
      rep.report_no = ReportNo(layout, ch.domain, ch.inst, issue, rng);
    }
    rep.issue_date = Iso(issue);
    rep.test_start_date = Iso(t0);
    rep.test_end_date = Iso(t1);
    rep.receipt_date = receipt == kNoDay ? "" : Iso(receipt);
    rep.sampling_date = sampling == kNoDay ? "" : Iso(sampling);
    rep.conclusion = Conclusion(layout, failed_item, lines, r.judgement_basis);
    for (const Line& l : lines) {
      ledger::TestLine t;
      t.item = l.item;
      t.parameter = l.parameter;
      t.standard = l.standard;
      t.unit = l.value.unit;
      t.limit = l.value.limit;
      t.result = l.value.result;
      t.verdict = l.value.verdict;
      rep.test_lines.push_back(std::move(t));
    }
    if (!r.print_client) rep.client.clear();
    if (!f.approver.empty()) rep.signatories = {f.approver};
    if (!*f.cma_mark) rep.certificate.clear();
    if (!kind.empty()) r.defects.push_back(defect);
    r.expected = expected;
    Canonicalise(&f);
    inst_of_[r.id] = ch.inst;
    return r;
  }

  bool ApplyDefect(const std::string& kind, Rng& rng, const Choice& ch, const InstInfo& info,
                   const std::string& object, Day from, const std::string& pass_word,
                   const std::string& fail_word, uint32_t approver, uint32_t reviewer,
                   uint32_t chief, std::vector<Line>* lines, Day* issue, Day* t0, Day* t1,
                   Day* receipt, Day* sampling, PlannedReport* r, Defect* d,
                   std::vector<std::string>* expected) {
    auto& f = r->facts;
    const auto cat = [&](std::initializer_list<const char*> cs) {
      for (const char* c : cs) expected->push_back(c);
      d->category = *cs.begin();
    };
    // Where the finding of `category` points (report_gen.h ExpectedFinding).
    const auto at = [&](const char* category, std::string field, int line = 0) {
      r->expected_findings.push_back({category, std::move(field), line});
    };
    if (kind == "date-order-swapped") {
      const int variant = static_cast<int>(rng.Below(3));
      if (variant == 1 && *sampling != kNoDay && *receipt != kNoDay) {
        *receipt = *sampling - static_cast<Day>(rng.Range(1, 5));
        if (*receipt > *t0) return false;
        d->detail = "receipt_date before sampling_date";
        at("date-order", "receipt_date");
      } else if (variant == 2 && *receipt != kNoDay) {
        *t0 = *receipt - static_cast<Day>(rng.Range(1, 3));
        if (*sampling != kNoDay && *t0 < *sampling) *t0 = *sampling;
        if (*t0 >= *receipt) return false;
        d->detail = "test_start_date before receipt_date";
        at("date-order", "test_start_date");
      } else {
        *t1 = *issue + static_cast<Day>(rng.Range(1, 6));
        if (r->layout == Layout::kVehicle) *t0 = *t1;
        d->detail = "test_end_date after issue_date";
        at("date-order", "issue_date");
      }
      cat({"date-order"});
      return true;
    }
    if (kind == "date-future") {
      const Day shift = today_ + static_cast<Day>(rng.Range(5, 60)) - *issue;
      const Day new_issue = *issue + shift;
      if (!CertValidAt(ch.cert, new_issue) || !Authorised(approver, ch.domain, new_issue)) {
        return false;
      }
      for (const Line& l : *lines) {
        if (!CapUsable(l.cap, *t0 + shift, new_issue)) return false;
      }
      *issue = new_issue;
      *t0 += shift;
      *t1 += shift;
      if (*receipt != kNoDay) *receipt += shift;
      if (*sampling != kNoDay) *sampling += shift;
      d->detail = "issue_date after today (" + o_.today + ")";
      at("date-order", "issue_date");
      cat({"date-order"});
      return true;
    }
    if (kind == "out-of-scope-item") {
      // An item and standard of the same domain from another institution's scope that this
      // institution's scope has neither of.
      std::set<std::string> items, standards;
      const auto it = info.caps.find(ch.domain);
      for (uint32_t k : it->second) {
        items.insert(s_.strings[s_.capabilities[k].item]);
        standards.insert(s_.strings[s_.capabilities[k].standard_no]);
      }
      const auto& pool = by_layout_[LayoutOfDomain(ch.domain)];
      for (int t = 0; t < 30 && !pool.empty(); ++t) {
        const auto& other = rng.Pick(pool);
        if (other.first == ch.inst || other.second != ch.domain) continue;
        const auto& rows = infos_[other.first].caps.at(ch.domain);
        const uint32_t k = rng.Pick(rows);
        const auto& cap = s_.capabilities[k];
        const std::string& item = s_.strings[cap.item];
        const std::string& st = s_.strings[cap.standard_no];
        if (item.empty() || items.count(item) || standards.count(st)) continue;
        if (!StandardCurrent(cap.standard_no, from, *issue)) continue;
        const ItemSpec sp = SpecsOf(ch.domain, item).front();
        Line l;
        l.cap = UINT32_MAX;
        l.item = item;
        l.standard = st;
        l.parameter = std::string(sp.parameter);
        l.spec = sp;
        l.value = MakeValue(sp, rng, false, pass_word, fail_word);
        const size_t pos = rng.Below(lines->size() + 1);
        lines->insert(lines->begin() + static_cast<long>(pos), l);
        d->detail = "line " + item + " / " + st + " not in the capability scope";
        at("out-of-scope", "item", static_cast<int>(pos) + 1);
        at("mark-misuse", "cma_mark");
        cat({"out-of-scope", "mark-misuse"});
        return true;
      }
      return false;
    }
    if (kind == "obsolete-standard") {
      // (a) the institution's own scope row on an abolished standard (a registry defect).
      const auto it = info.caps.find(ch.domain);
      std::vector<uint32_t> abolished;
      for (uint32_t k : it->second) {
        const auto& cap = s_.capabilities[k];
        const int32_t si = s_.StandardOfString(cap.standard_no);
        if (si < 0 || s_.strings[cap.item].empty()) continue;
        const auto& st = s_.standards[si];
        if (st.abolished == kNoDay || st.abolished > *t0) continue;
        if (cap.valid_from != kNoDay && cap.valid_from > *t0) continue;
        if (!CertValidAt(cap.cert, *issue)) continue;
        abolished.push_back(k);
      }
      if (!abolished.empty()) {
        const uint32_t k = rng.Pick(abolished);
        const auto& cap = s_.capabilities[k];
        const std::string& item = s_.strings[cap.item];
        for (const Line& l : *lines) {
          if (l.item == item) return false;
        }
        const ItemSpec sp = SpecsOf(ch.domain, item).front();
        Line l;
        l.cap = k;
        l.item = item;
        l.standard = s_.strings[cap.standard_no];
        l.parameter = std::string(sp.parameter);
        l.spec = sp;
        l.value = MakeValue(sp, rng, false, pass_word, fail_word);
        lines->push_back(l);
        at("standard-obsolete", "standard", static_cast<int>(lines->size()));
        d->detail = "line " + item + " tested by " + l.standard + ", abolished on " +
                    Iso(s_.standards[s_.StandardOfString(cap.standard_no)].abolished);
        cat({"standard-obsolete"});
        return true;
      }
      // (b) a line's standard replaced by the edition it superseded.
      for (Line& l : *lines) {
        for (const auto& st : s_.standards) {
          if (st.abolished == kNoDay || st.abolished > *t0) continue;
          if (std::find(st.replaced_by.begin(), st.replaced_by.end(), l.standard) ==
              st.replaced_by.end()) {
            continue;
          }
          bool in_scope = false;
          for (uint32_t k : it->second) {
            in_scope |= s_.strings[s_.capabilities[k].standard_no] == st.number &&
                        s_.strings[s_.capabilities[k].item] == l.item;
          }
          d->detail = "line " + l.item + " tested by " + st.number + " (replaced by " + l.standard +
                      ", abolished on " + Iso(st.abolished) + ")";
          const std::string replaced = l.standard;
          l.standard = st.number;
          const int line_no = static_cast<int>(&l - lines->data()) + 1;
          at("standard-obsolete", "standard", line_no);
          // The scope names the item with the replacing standard only. Another edition of the
          // same standard is an edition not filed (out-of-scope.method-edition, a warning; the
          // mark is not misused for it); a standard of another number (GB 21861 replaced by
          // GB 38900, HJ/T 38 by HJ 38) is a method outside the scope, and the mark with it is
          // misused.
          const auto old_no = checks::CitedStandard(st.number);
          const auto new_no = checks::CitedStandard(replaced);
          const bool edition = old_no && new_no && old_no->WithoutYear() == new_no->WithoutYear();
          if (in_scope) {
            cat({"standard-obsolete"});
          } else if (edition) {
            at("out-of-scope", "standard", line_no);
            cat({"standard-obsolete", "out-of-scope"});
          } else {
            at("out-of-scope", "standard", line_no);
            at("mark-misuse", "cma_mark");
            cat({"standard-obsolete", "out-of-scope", "mark-misuse"});
          }
          return true;
        }
      }
      return false;
    }
    if (kind == "unauthorised-signatory") {
      std::vector<uint32_t> cands;
      for (uint32_t p : info.people) {
        if (p == approver || p == reviewer || p == chief) continue;
        const auto& person = s_.people[p];
        if (person.name.empty() || person.name == s_.people[reviewer].name ||
            person.name == s_.people[chief].name) {
          continue;
        }
        if (!Authorised(p, ch.domain, *issue)) cands.push_back(p);
      }
      if (cands.empty()) return false;
      const uint32_t p = rng.Pick(cands);
      f.approver = s_.people[p].name;
      d->detail = "approver " + f.approver + " is not an authorised signatory of " + ch.domain +
                  " on the issue date";
      at("signatory-unauthorized", "signatories");
      cat({"signatory-unauthorized"});
      return true;
    }
    if (kind == "verdict-inconsistent") {
      std::vector<size_t> judgeable;
      for (size_t k = 0; k < lines->size(); ++k) {
        const LimitKind lk = (*lines)[k].spec.kind;
        if (lk == LimitKind::kMax || lk == LimitKind::kMin || lk == LimitKind::kRange ||
            lk == LimitKind::kNotDetected) {
          judgeable.push_back(k);
        }
      }
      if (judgeable.empty()) return false;
      const size_t k = rng.Pick(judgeable);
      Line& l = (*lines)[k];
      at("verdict-inconsistent", "verdict", static_cast<int>(k) + 1);
      if (rng.Chance(0.7)) {
        l.value = MakeValue(l.spec, rng, true, pass_word, fail_word);
        l.value.verdict = pass_word;
        d->detail = "line " + l.item + ": result " + l.value.result + " outside " + l.value.limit +
                    " judged " + pass_word;
      } else {
        l.value.verdict = fail_word;
        d->detail = "line " + l.item + ": result " + l.value.result + " within " + l.value.limit +
                    " judged " + fail_word;
      }
      cat({"verdict-inconsistent"});
      return true;
    }
    if (kind == "missing-cma-mark") {
      f.cma_mark = false;
      d->detail = "no CMA mark on the cover";
      at("mark-misuse", "cma_mark");
      cat({"mark-misuse"});
      return true;
    }
    if (kind == "missing-content") {
      // One content of the RB/T 214 §4.5.20 list left out (report_facts.h).
      std::vector<std::string> what = {"client",         "sample",   "seal",
                                       "page_numbering", "end_mark", "sample_statement",
                                       "copy_statement"};
      if (!f.test_site.empty()) what.push_back("test_site");
      const std::string w = rng.Pick(what);
      if (w == "client") {
        r->print_client = false;
      } else if (w == "sample") {
        f.report.sample.clear();
      } else if (w == "seal") {
        f.seal = false;
      } else if (w == "page_numbering") {
        f.page_numbering = false;
      } else if (w == "end_mark") {
        f.end_mark = false;
      } else if (w == "sample_statement") {
        f.sample_statement = false;
      } else if (w == "copy_statement") {
        f.copy_statement = false;
      } else {
        f.test_site.clear();
      }
      d->detail = w + " not printed";
      at("missing-content", w);
      cat({"missing-content"});
      return true;
    }
    if (kind == "duplicate-report-number") {
      d->detail = "report number of an earlier report of the same institution";
      at("duplicate-report-number", "report_no");
      cat({"duplicate-report-number"});
      return true;
    }
    if (kind == "wrong-uscc") {
      const auto& pool = all_pool();
      for (int t = 0; t < 20; ++t) {
        const uint32_t other = rng.Pick(pool).first;
        const std::string& u = s_.institutions[other].uscc;
        if (other == ch.inst || u.empty() || u == s_.institutions[ch.inst].uscc) continue;
        f.report.institution = u;
        d->detail = "USCC of " + s_.institutions[other].name + " printed";
        at("institution-mismatch", "institution,institution_name");
        cat({"institution-mismatch"});
        return true;
      }
      return false;
    }
    if (kind == "expired-certificate") {
      if (!Authorised(approver, ch.domain, *issue)) return false;
      d->detail = "issued after certificate " + s_.certificates[ch.cert].number + " expired on " +
                  Iso(s_.certificates[ch.cert].expires);
      // The mark used without a valid certificate is a breach of its own (163 Art. 20).
      at("no-valid-certificate", "issue_date,certificate");
      at("mark-misuse", "cma_mark");
      cat({"no-valid-certificate", "mark-misuse"});
      return true;
    }
    if (kind == "too-short-test") {
      int min_days = 0;
      for (const Line& l : *lines)
        min_days = std::max(min_days, TableDays(l.item, l.parameter, l.standard));
      if (min_days < 1) return false;
      *t0 = *t1;
      d->detail = "tested in 0 days; the slowest method needs " + std::to_string(min_days);
      at("implausible-duration", "test_end_date,issue_date");
      cat({"implausible-duration"});
      return true;
    }
    (void)object;
    return false;
  }

  // ---- texts ----

  std::string TestCategory(Layout layout, const std::string& domain, Rng& rng) const {
    if (layout == Layout::kVehicle) return rng.Chance(0.7) ? "定期检验" : "注册登记检验";
    if (layout == Layout::kConstruction) return rng.Chance(0.6) ? "见证取样" : "委托检测";
    if (domain == "食品") {
      const double u = rng.Unit();
      return u < 0.6 ? "委托检验" : u < 0.85 ? "监督抽查" : "抽样检验";
    }
    if (domain == "水质" || domain == "生态环境") return rng.Chance(0.7) ? "委托检测" : "委托检验";
    return rng.Chance(0.7) ? "委托检验" : "型式检验";
  }

  static std::string Title(Layout layout, const std::string& domain, const std::string& object,
                           const std::vector<Line>& lines) {
    if (layout == Layout::kVehicle) {
      for (const Line& l : lines) {
        if (l.item == "一氧化碳" || l.item == "碳氢化合物" || l.item == "光吸收系数" ||
            l.item == "氮氧化物" || l.item == "过量空气系数") {
          return "机动车排放检验报告";
        }
      }
      return "机动车安全技术检验报告";
    }
    if (layout == Layout::kConstruction) {
      if (object == "混凝土") return "混凝土抗压强度检测报告";
      if (object == "钢筋") return "钢筋力学性能检测报告";
      if (object == "水泥") return "水泥物理性能检测报告";
      return "建设工程质量检测报告";
    }
    if (domain == "食品") return "检验报告";
    if (domain == "水质" || domain == "生态环境") return "检测报告";
    return "检验检测报告";
  }

  static std::string JudgementBasis(const std::string& domain, const std::string& object) {
    if (domain == "食品") return "GB 2762-2022";
    if (domain == "水质") {
      if (object == "地表水") return "GB 3838-2002";
      if (object == "地下水") return "GB/T 14848-2017";
      if (object == "污水" || object == "工业废水") return "GB 8978-1996";
      if (object == "海水") return "GB 3097-1997";
      return "GB 5749-2022";
    }
    if (domain == "生态环境") {
      if (object == "环境空气") return "GB 3095-2012";
      if (object == "土壤") return "GB 15618-2018";
      if (object == "环境噪声") return "GB 12348-2008";
      if (object == "室内空气") return "GB/T 18883-2022";
      return "GB 16297-1996";
    }
    return "";
  }

  static std::string Conclusion(Layout layout, const std::string& failed_item,
                                const std::vector<Line>& lines, const std::string& basis) {
    const std::string std_text =
        !basis.empty() ? basis : (lines.empty() ? std::string() : lines.front().standard);
    if (layout == Layout::kVehicle) {
      if (!failed_item.empty()) {
        return "经检验，该车" + failed_item + "不符合" + std_text + "要求，判定不合格。";
      }
      return "经检验，该车所检项目符合" + std_text + "要求，判定合格。";
    }
    if (layout == Layout::kConstruction) {
      if (!failed_item.empty()) return "所检" + failed_item + "不符合" + std_text + "标准要求。";
      return "所检项目符合" + std_text + "标准要求。";
    }
    const std::string where = basis.empty() ? "标准" : basis;
    if (!failed_item.empty()) {
      return "经检验，" + failed_item + "项目不符合" + where + "要求，检验结论为不合格。";
    }
    return "经检验，所检项目符合" + where + "要求，检验结论为合格。";
  }

  std::string ReportNo(Layout layout, const std::string& domain, uint32_t inst, Day issue,
                       Rng& rng) {
    int& serial = serials_[inst];
    if (serial == 0) serial = static_cast<int>(rng.Range(100, 800));
    serial += static_cast<int>(rng.Range(1, 37));
    const CivilDate d = CivilFromDays(issue);
    char buf[64];
    if (layout == Layout::kVehicle) {
      std::snprintf(buf, sizeof buf, "JD%04d%02d%02d%04d", d.year, d.month, d.day, serial % 10000);
      return buf;
    }
    if (layout == Layout::kConstruction) {
      std::snprintf(buf, sizeof buf, "GC-%04d-%05d", d.year, serial);
      return buf;
    }
    static const std::map<std::string, std::string> prefix = {
        {"食品", "SP"}, {"水质", "SZ"},     {"生态环境", "HJ"}, {"公共卫生", "WS"},
        {"农业", "NY"}, {"纺织服装", "FZ"}, {"电子电器", "DQ"}, {"医疗器械", "YX"}};
    const auto it = prefix.find(domain);
    std::snprintf(buf, sizeof buf, "%s%04d-%05d", it == prefix.end() ? "JC" : it->second.c_str(),
                  d.year, serial);
    return buf;
  }

  static std::string ReportId(int i) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "r%04d", i + 1);
    return buf;
  }

  // The truth in the canonical form intake produces (normalize.h).
  static void Canonicalise(checks::ReportFacts* f) {
    auto& r = f->report;
    for (std::string* s : {&r.client, &r.sample, &r.conclusion, &f->institution_name,
                           &f->sample_model, &f->sample_batch, &f->test_category, &f->test_site}) {
      *s = NormalizeText(*s);
    }
    for (auto& l : r.test_lines) {
      l.item = NormalizeText(l.item);
      l.parameter = NormalizeText(l.parameter);
      l.unit = NormalizeUnit(l.unit);
      l.limit = NormalizeNumber(l.limit);
      l.result = NormalizeNumber(l.result);
      l.verdict = NormalizeText(l.verdict);
      for (std::string* cell :
           {&l.parameter, &l.standard, &l.unit, &l.limit, &l.result, &l.verdict}) {
        if (IsNotStatedMark(*cell)) cell->clear();
      }
    }
  }

  const std::vector<std::pair<uint32_t, std::string>>& all_pool() {
    if (all_.empty()) {
      for (const auto& [layout, v] : by_layout_) all_.insert(all_.end(), v.begin(), v.end());
    }
    return all_;
  }

  const Snapshot& s_;
  const Options& o_;
  Day today_ = 0;
  std::vector<InstInfo> infos_;
  std::map<Layout, std::vector<std::pair<uint32_t, std::string>>> by_layout_;
  std::vector<std::pair<uint32_t, std::string>> all_;
  std::map<uint32_t, int> serials_;
  std::unordered_map<std::string, uint32_t> inst_of_;
  std::set<std::string> two_places_;  // ID hashes registered at two institutions
  std::set<std::pair<uint32_t, std::string>> two_place_names_;  // (institution, name) of those
};

}  // namespace

const char* LayoutName(Layout layout) {
  switch (layout) {
    case Layout::kGeneral:
      return "general";
    case Layout::kVehicle:
      return "vehicle";
    case Layout::kConstruction:
      return "construction";
  }
  return "";
}

const std::vector<std::string>& DefectKinds() {
  static const std::vector<std::string> kinds = {
      "date-order-swapped",      "date-future",          "out-of-scope-item",   "obsolete-standard",
      "unauthorised-signatory",  "verdict-inconsistent", "missing-cma-mark",    "missing-content",
      "duplicate-report-number", "wrong-uscc",           "expired-certificate", "too-short-test"};
  return kinds;
}

Result<std::vector<PlannedReport>> Plan(const checks::Snapshot& registry, const Options& options) {
  if (options.count < 1) {
    return Error::Invalid("gen.bad-option", "报告数量至少为 1", "count must be at least 1");
  }
  if (options.defect_share < 0 || options.defect_share > 1) {
    return Error::Invalid("gen.bad-option", "缺陷比例应在 0 到 1 之间",
                          "defect share must be within [0, 1]");
  }
  Planner p(registry, options);
  return p.Run();
}

}  // namespace zhijian::intake::gen
