// Deterministic pseudo-random numbers and dates for the registry generator (internal).
//
// Purpose: the generator must produce byte-identical files for the same seed on every platform
// and standard library, so the sampling is implemented here rather than with <random>'s
// distributions (whose algorithms are implementation-defined). xoshiro256** seeded by
// SplitMix64; streams are derived from (seed, stream id) so each institution has its own.
// Civil-date arithmetic on day numbers (days since 1970-01-01), proleptic Gregorian.
//
// Thread-safety: Rng is a value; not shared.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "zhijian/base/date.h"

namespace zhijian::registry::gen {

// 128-bit products (GCC/Clang extension).
__extension__ typedef unsigned __int128 U128;

inline uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// A stateless 64-bit mix of two values (for per-index decisions).
inline uint64_t Mix(uint64_t a, uint64_t b) {
  uint64_t s = a ^ (b * 0xD1B54A32D192ED03ULL);
  SplitMix64(s);
  return SplitMix64(s);
}

class Rng {
 public:
  Rng(uint64_t seed, uint64_t stream) {
    uint64_t s = seed ^ (stream * 0x9E3779B97F4A7C15ULL) ^ 0x5A17C0DEULL;
    for (auto& w : s_) w = SplitMix64(s);
  }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, n); n > 0. Lemire's multiply-shift with rejection (unbiased).
  uint64_t Below(uint64_t n) {
    U128 m = static_cast<U128>(Next()) * n;
    uint64_t low = static_cast<uint64_t>(m);
    if (low < n) {
      const uint64_t threshold = (0 - n) % n;
      while (low < threshold) {
        m = static_cast<U128>(Next()) * n;
        low = static_cast<uint64_t>(m);
      }
    }
    return static_cast<uint64_t>(m >> 64);
  }
  // Uniform integer in [lo, hi] (lo <= hi).
  int64_t Range(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo) + 1));
  }
  // Uniform in [0, 1) with 53 bits.
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  bool Chance(double p) { return Unit() < p; }
  // Standard normal (Box-Muller; one value per call).
  double Normal() {
    double u1 = Unit();
    if (u1 < 1e-300) u1 = 1e-300;
    const double u2 = Unit();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  template <typename C>
  const auto& Pick(const C& c) {
    return c[Below(c.size())];
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

// ---- civil dates: day numbers since 1970-01-01, on base/date.h ----
inline int64_t DaysFromCivil(int y, int m, int d) { return zhijian::DaysFromCivil({y, m, d}); }
using zhijian::CivilFromDays;
inline std::string FormatDay(int64_t day) { return FormatIsoDay(day); }
inline std::optional<int64_t> ParseDay(std::string_view s) { return ParseIsoDay(s); }
inline int64_t AddYears(int64_t day, int years) {
  return zhijian::DaysFromCivil(zhijian::AddYears(CivilFromDays(day), years));
}

}  // namespace zhijian::registry::gen
