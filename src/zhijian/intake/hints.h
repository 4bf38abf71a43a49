// Registry-informed correction of OCR readings (智识, issue 5).
//
// Purpose: a checker who knows the registry knows who works at a report's institution and which
// standards it is certified for. OCR of a scan loses single characters of names ("袁春东" read as
// "袁春乐") and of standard numbers; `ApplyHints` replaces such a reading with the one candidate
// of the institution it is one character away from (one character replaced, added or dropped),
// and lowers the field's confidence (× 0.8) so that the correction stays visible; each
// correction is also noted in the warnings ("approver: 袁春乐 -> 袁春东 (registry)").
//   - names: approver, reviewer, chief tester against `names` (the institution's people);
//   - standards: each test line's standard against `standards` (its capabilities' standard
//     numbers, canonical). A reading that differs from a candidate in its year only is another
//     edition and stays as read: the standard-obsolete check must see it.
//   - the institution name (institution_name) against `institutions`: the registered names of
//     the institutions the printed USCC and the cited certificate point to; a name of 6 or more
//     characters may be up to two characters away ("滩坊…" for "潍坊…"; ASCII and full-width
//     brackets count as the same); the name taken is in intake's canonical form.
// A reading that already is a candidate, is empty, or is within reach of no candidate or of
// several stays as read. Only OCR readings are touched (facts.source kScan): a text layer is
// exact, and a name one character from a registered one may be the finding itself.
// Every correction is also recorded in facts.corrections (report_facts.h: field, line, the
// reading and the registry's text), which the checks show as evidence ("…_as_read").
//
// Ownership: values. Thread-safety: pure functions.
// Errors: none.
#pragma once

#include <string>
#include <vector>

#include "zhijian/intake/fields.h"

namespace zhijian::intake {

struct RegistryHints {
  std::vector<std::string> names;      // people of the report's institution
  std::vector<std::string> standards;  // canonical standard numbers of its capabilities
  // Registered names of the institutions the printed USCC and certificate number point to.
  std::vector<std::string> institutions;
};

// Corrects `extraction` in place; returns the number of values corrected.
int ApplyHints(const RegistryHints& hints, Extraction* extraction);

}  // namespace zhijian::intake
