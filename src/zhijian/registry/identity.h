// Resident identity card numbers (公民身份号码, GB 11643-1999) and their keyed hash.
//
// Purpose: people in the registry are matched across institutions by their 身份证号, but the
// number itself is never stored (PIPL: sensitive personal information). Importers validate it
// with `ValidateIdNumber` and store only `IdHasher::Hash` of the normalised number.
//
//   pos 1-6    address code (GB/T 2260) of the place of first registration
//   pos 7-14   birth date YYYYMMDD
//   pos 15-17  sequence (odd: male, even: female)
//   pos 18     ISO 7064 MOD 11-2 check character ('0'-'9' or 'X')
//
// Normalisation: ASCII whitespace at both ends is dropped, full-width digits and 'Ｘ' are folded,
// 'x' is upper-cased. A 15-digit legacy number (issued before 1999, birth year 19yy) is
// converted to 18 characters by the standard rule: "19" is inserted before the year and the
// check character is appended.
// Region: the two province digits must name a province of the region table (base/region.h);
// the full six-digit code is not required to be in the table, because a number keeps the code
// of the place and time of first registration, and many such codes were retired long ago.
//
// Hash: HMAC-SHA256 keyed with a 32-byte deployment secret over the 18 normalised characters,
// as 64 lowercase hex digits. A plain SHA-256 would not protect the numbers: there are only
// about 10^9..10^11 plausible ones (far fewer for a known region and age), cheap to enumerate
// against an unkeyed hash. The key file is
// created with mode 0600 on first use and must be backed up with the database: a new key
// makes every stored hash unmatchable.
//
// Ownership: IdHasher owns its key (copyable value).
// Thread-safety: pure functions; an IdHasher is immutable after construction.
// Errors (kInvalidArgument): "identity.empty", "identity.bad-length", "identity.bad-char"
// (detail: 1-based position), "identity.bad-region", "identity.bad-birth-date",
// "identity.bad-check" (detail: the expected check character). Key file: "identity.key-io"
// (kUnavailable; detail: path and reason), "identity.bad-key" (kInvalidArgument: not 32 bytes).
#pragma once

#include <string>
#include <string_view>

#include "zhijian/base/result.h"

namespace zhijian::registry {

struct IdNumber {
  std::string number;       // the normalised 18 characters
  std::string region_code;  // positions 1-6
  std::string birth_date;   // "YYYY-MM-DD"
  bool male = false;        // position 17 odd
  bool converted = false;   // given as a 15-digit legacy number
};

// Validates and normalises `text`. When `today` ("YYYY-MM-DD") is given, a birth date after it
// is "identity.bad-birth-date" too.
Result<IdNumber> ValidateIdNumber(std::string_view text, std::string_view today = {});

// The ISO 7064 MOD 11-2 check character of the first 17 digits. Error "identity.bad-length"
// unless exactly 17 characters, "identity.bad-char" for a non-digit.
Result<char> IdCheckChar(std::string_view first17);

class IdHasher {
 public:
  static constexpr size_t kKeySize = 32;

  // Reads the key from `path`, or creates the file (mode 0600, 32 random bytes from the
  // OpenSSL CSPRNG; a missing directory is created with mode 0700) if it does not exist.
  // Concurrent first calls agree on one key.
  static Result<IdHasher> LoadOrCreate(const std::string& path);
  // A hasher with the given key (exactly kKeySize bytes); for tests and tools.
  static Result<IdHasher> FromKey(std::string_view key);

  // Lowercase hex HMAC-SHA256 of `id.number`.
  std::string Hash(const IdNumber& id) const;
  // ValidateIdNumber(text) then Hash.
  Result<std::string> HashText(std::string_view text) const;

 private:
  explicit IdHasher(std::string key) : key_(std::move(key)) {}
  std::string key_;
};

}  // namespace zhijian::registry
