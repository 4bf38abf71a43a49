// A plain in-memory view of the registry for the data-quality rules (quality.h).
//
// Purpose: the rules are pure functions over this struct; `LoadSnapshot` is the only part that
// touches the database. It reads the registry tables (store/migrations/0003_registry.sql) of the
// whole registry or of one region subtree, keeping only what the rules need, in compact form:
//   - dates as day numbers (base/date.h; kNoDay for NULL);
//   - the texts repeated over millions of rows (capability category, object, item, standard
//     number; equipment name and model) interned once in `strings` (index 0 is "");
//   - of a capability row its ids, interned texts, whether the standard name and approval date
//     are filled, and its validity period (valid_from falls back to approved_on, as in the
//     registry); not its parameter or limitation texts;
//   - equipment serial numbers packed into `texts` (8 bytes a row);
//   - of an institution, `last_updated`: the latest updated_at (as a date in China) of the
//     institution and all its certificates, capability rows, people and equipment.
// At province scale (3,803 institutions, 4.79 M capability rows, 1.25 M instruments, 159 k
// people) this is 40 bytes per capability row and 32 per instrument; ApproxBytes() estimates the
// total (docs/data-quality.md has the measured figures).
//
// Scope: `institutions` holds EVERY institution (the duplicate rules compare against all of
// them), with `in_scope` marking those in the region; certificates, capabilities, people and
// equipment are those of in-scope institutions only. For a region run, `external_people` lists
// the people outside the region who share an ID hash with someone inside it (for the "one
// person at two institutions" rule). Standards and credit flags: the whole registry.
//
// Loading streams rows in pages by primary key (no table is read in one result), inside one
// read transaction (SQLite: one consistent snapshot; PostgreSQL: READ COMMITTED, so a registry
// changing during a run may be seen partly changed). Rows are in id order.
//
// Ownership: Snapshot is a value (movable); indexes refer into its own vectors.
// Thread-safety: a loaded Snapshot is immutable and may be read from several threads.
// Errors: store errors pass through; "quality.bad-scope" (kInvalidArgument) for a region prefix
// that is not 2, 4 or 6 digits.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "zhijian/base/result.h"
#include "zhijian/registry/model.h"
#include "zhijian/store/db.h"

namespace zhijian::checks {

// A civil date as a day number (1970-01-01 = 0); kNoDay for an unknown (NULL) date.
using Day = int32_t;
inline constexpr Day kNoDay = std::numeric_limits<int32_t>::min();
// "YYYY-MM-DD" -> Day; kNoDay for empty or malformed text.
Day ToDay(std::string_view iso_date);
// Day -> "YYYY-MM-DD"; "" for kNoDay.
std::string DayText(Day day);

// Interned strings: equal texts share one index; index 0 is always "".
class StringPool {
 public:
  StringPool();
  StringPool(const StringPool&) = delete;
  StringPool& operator=(const StringPool&) = delete;
  StringPool(StringPool&&) = default;
  StringPool& operator=(StringPool&&) = default;

  uint32_t Intern(std::string_view s);
  // The index of `s` if interned.
  std::optional<uint32_t> Find(std::string_view s) const;
  const std::string& operator[](uint32_t i) const { return strings_[i]; }
  size_t size() const { return strings_.size(); }
  size_t bytes() const { return bytes_; }

 private:
  std::deque<std::string> strings_;  // stable addresses for the views in index_
  std::unordered_map<std::string_view, uint32_t> index_;
  size_t bytes_ = 0;
};

// Texts unique to a row (equipment serial numbers), packed into shared chunks: 8 bytes a row
// instead of a std::string's 32. A text longer than 65,535 bytes is cut there.
struct TextRef {
  uint32_t offset = 0;
  uint16_t chunk = 0;
  uint16_t size = 0;  // 0: empty
};

class TextArena {
 public:
  TextRef Add(std::string_view s);
  std::string_view operator[](TextRef r) const {
    return r.size == 0 ? std::string_view()
                       : std::string_view(chunks_[r.chunk]).substr(r.offset, r.size);
  }
  size_t bytes() const { return chunks_.size() * kChunk; }

 private:
  static constexpr size_t kChunk = 1 << 20;
  std::vector<std::string> chunks_;
};

struct SnapInstitution {
  int64_t id = 0;
  std::string uscc;
  std::string name;
  std::string region_code;
  std::string address;
  std::string legal_rep;
  std::string legal_form;
  std::vector<std::string> domains;
  bool national_centre = false;
  bool in_scope = true;
  Day last_updated = kNoDay;  // see the top comment
};

struct SnapStatusChange {
  registry::CertStatus status = registry::CertStatus::kValid;
  Day effective = kNoDay;
};

struct SnapCertificate {
  int64_t id = 0;
  uint32_t inst = 0;  // index into institutions
  std::string number;
  std::string issuer;
  Day issued = kNoDay;
  Day expires = kNoDay;
  registry::CertStatus status = registry::CertStatus::kValid;  // recorded now
  std::vector<SnapStatusChange> history;                       // by effective date, then id
};

// 40 bytes: the institution is the certificate's (Snapshot::InstOf).
struct SnapCapability {
  enum Flags : uint8_t { kHasStandardName = 1, kHasApprovedOn = 2 };
  int64_t id = 0;
  uint32_t cert = 0;                                             // index into certificates
  uint32_t category = 0, object = 0, item = 0, standard_no = 0;  // into strings
  Day valid_from = kNoDay;  // COALESCE(valid_from, approved_on)
  Day valid_to = kNoDay;
  uint8_t flags = 0;
};

struct SnapSignatoryField {
  std::string field;
  Day from = kNoDay;
  Day to = kNoDay;
};

struct SnapPerson {
  int64_t id = 0;
  uint32_t inst = 0;
  std::string name;
  std::string id_hash;
  std::string title;
  std::vector<std::string> roles;
  std::vector<SnapSignatoryField> signatory_fields;
};

// A person outside the snapshot's region who shares an ID hash with a person inside it.
struct ExternalPerson {
  std::string id_hash;
  uint32_t inst = 0;  // index into institutions (an out-of-scope one)
};

// 32 bytes.
struct SnapEquipment {
  int64_t id = 0;
  uint32_t inst = 0;
  uint32_t name = 0, model = 0;  // into strings
  Day calibration_due = kNoDay;
  TextRef serial;  // into texts
};

struct SnapStandard {
  int64_t id = 0;
  std::string number;
  std::string name;
  registry::StandardStatus status = registry::StandardStatus::kCurrent;
  Day published = kNoDay;
  Day effective = kNoDay;
  Day abolished = kNoDay;
  std::vector<std::string> replaced_by;  // canonical numbers (standard_replacements)
};

struct SnapCredit {
  uint32_t inst = 0;
  registry::CreditKind kind = registry::CreditKind::kAbnormalOperation;
  Day listed = kNoDay;
  Day removed = kNoDay;
};

struct Snapshot {
  std::string region_prefix;  // "" = the whole registry
  std::vector<SnapInstitution> institutions;
  std::vector<SnapCertificate> certificates;
  std::vector<SnapCapability> capabilities;
  std::vector<SnapPerson> people;
  std::vector<ExternalPerson> external_people;
  std::vector<SnapEquipment> equipment;
  std::vector<SnapStandard> standards;
  std::vector<SnapCredit> credit;
  StringPool strings;
  TextArena texts;

  // The institution (index) of a capability row: its certificate's.
  uint32_t InstOf(const SnapCapability& c) const { return certificates[c.cert].inst; }

  // Rebuilds the look-up indexes below from the vectors; call after building a snapshot by
  // hand (LoadSnapshot calls it).
  void Finish();
  // Index of the standard with this canonical number, or -1.
  int32_t StandardIndex(std::string_view number) const;
  // For an interned string index: the catalogue index of the standard with that number, or -1.
  int32_t StandardOfString(uint32_t string_index) const;
  // Institutions in scope.
  int64_t InScopeInstitutions() const;
  // An estimate of the heap bytes held (vectors, strings, pool).
  size_t ApproxBytes() const;

  std::unordered_map<std::string_view, int32_t> standard_index;  // number -> index
  std::vector<int32_t> standard_of_string;                       // string index -> standard
};

struct LoadProgress {
  std::string_view phase;  // "institutions", "certificates", "capabilities", "people", ...
  int64_t done = 0;        // rows of this phase so far
  int64_t total = 0;       // rows of this phase (counted first; 0 = unknown)
};

struct LoadOptions {
  std::string region_prefix;  // "" whole registry, else 2/4/6 digits (see base/region.h)
  int page_rows = 20000;      // rows per paged query
  std::function<void(const LoadProgress&)> progress;
};

Result<Snapshot> LoadSnapshot(store::Connection& conn, const LoadOptions& options);

}  // namespace zhijian::checks
