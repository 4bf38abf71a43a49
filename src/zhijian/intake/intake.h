// Report intake (智识, issue 5): a test-report document — a PDF with a text layer, a scanned PDF,
// or an image (PNG, JPEG, TIFF) — read into structured fields with a confidence per field.
//
// Purpose: the front of the report compliance checks. `ReadFile` / `ReadBytes` open the document
// (sources.h: poppler-cpp for PDFs, Leptonica for images), take each PDF page's text layer with
// word boxes, or — for a page without one, and for images — render it at `ocr_dpi` and OCR it
// (Tesseract 5, Chinese), group words into lines and cells (layout.h) and extract the fields
// (fields.h). The result's `facts` is a checks::ReportFacts (report_facts.h), the same input the
// checks get from a registration, with facts.report.document_sha256 set to the SHA-256 of the
// document's bytes and facts.source kTextPdf or kScan (any page read by OCR).
// `ExtractionToJson` writes the fields under the names of ledger::ReportInputToJson plus the
// printed-only ones and a "confidence" object (docs/intake.md "JSON").
//
// Ownership: values; the Ocr passed in Options is borrowed and must outlive the call.
// Thread-safety: ReadFile/ReadBytes may run on several threads at once (each thread gets its own
// Tesseract engine through the default Ocr; a caller-supplied Ocr must be thread-safe too).
// Errors: those of sources.h (intake.unknown-format, intake.empty, intake.encrypted,
// intake.damaged, intake.too-large, intake.render, intake.ocr-unavailable, intake.ocr-failed),
// plus "intake.io" (kNotFound: no such file; kUnavailable: it cannot be read) and
// "intake.not-a-report" (kUnprocessable: fewer than two report fields were found — an image or
// PDF that is not a test report). Every message is in Chinese and English.
#pragma once

#include <boost/json/object.hpp>
#include <string>

#include "zhijian/base/result.h"
#include "zhijian/intake/fields.h"
#include "zhijian/intake/sources.h"

namespace zhijian::intake {

struct Options {
  int ocr_dpi = 300;        // rendering resolution of PDF pages without a text layer
  int min_text_chars = 20;  // a text layer with fewer characters counts as none
  bool allow_ocr = true;    // false: pages without text are left empty (no Tesseract)
  bool force_ocr = false;   // OCR every page, even one with a text layer (for measuring)
  Ocr* ocr = nullptr;       // nullptr: DefaultOcr()
  // Page 1 is OCR'd a second time in its top quarter as sparse text (OcrMode::kSparse), for the
  // mark's certificate number that layout analysis takes for part of a graphic; every OCR'd page
  // in its bottom tenth, for the footer's page numbers that layout analysis skips.
  bool header_pass = true;
  DocumentLimits limits;
};

// The process-wide Tesseract OCR with the default options (sources.h TesseractOptions).
Ocr& DefaultOcr();

Result<Extraction> ReadBytes(std::string bytes, const Options& options = {});
Result<Extraction> ReadFile(const std::string& path, const Options& options = {});

// The positioned text of every page (text layer or OCR) before field extraction: for tools and
// tests that look at the layout.
Result<std::vector<PageText>> ReadPages(std::string bytes, const Options& options = {});

// {"source": "text-pdf"|"scan", "pages": N, <ReportInputToJson fields, every one present>,
//  "institution_name", "cma_mark", "test_category", "sample_model", "sample_batch", "approver",
//  "reviewer", "chief_tester", "page_count", "seal", "page_numbering", "end_mark",
//  "sample_statement", "copy_statement" (true/false/null), "test_site", "subcontracting",
//  "confidence": {field: 0..1},
//  "line_confidence": [..], "warnings": [..],
//  "corrections": [{"field", "line", "read", "corrected"}] (hints.h; [] without hints)}
boost::json::object ExtractionToJson(const Extraction& extraction);

// The facts the compliance checks get from a reading: extraction.facts with, for a document read
// by OCR (source kScan), the confidence of every field and test line attached
// (report_facts.h ReportFacts::confidence, line_confidence), so that a finding resting on an
// unsure reading is unconfirmed (checks/compliance.h "Certainty"). A text layer's facts carry
// none: every field of it is certain. Call after any hints (hints.h), which lower confidences.
checks::ReportFacts FactsForChecks(Extraction extraction);

// "text-pdf", "scan", "registration".
const char* FactsSourceName(checks::FactsSource source);

}  // namespace zhijian::intake
