// Password hashing (Argon2id via libsodium) and the password policy.
//
// Purpose: passwords are stored only as libsodium `crypto_pwhash_str` strings
// ("$argon2id$v=19$m=65536,t=3,p=1$salt$hash"), which carry their own salt and parameters, so
// old hashes keep verifying after the defaults change (NeedsRehash tells when to upgrade).
//
// Default cost: t = 3 passes over m = 64 MiB (libsodium's MODERATE ops limit with its
// INTERACTIVE memory limit). This is the second recommended setting of RFC 9106 §4 for
// memory-constrained servers; on the 2-core reference machine one hash takes roughly 0.1–0.2 s,
// and four concurrent sign-ins need 256 MiB of transient memory, which fits the 500 MB server
// budget. libsodium's full MODERATE profile (256 MiB, ~0.7 s) would make four concurrent
// sign-ins exceed it. `PasswordParams::Fast()` (the libsodium minimum) exists for tests only.
//
// Policy (CheckPasswordPolicy): 10 to 128 characters (Unicode code points); at least two of
// the classes letters / digits / other characters; not only one repeated character; must not
// contain the username (case-insensitive).
//
// Thread-safety: all functions are safe to call concurrently (libsodium is initialised once,
// under std::call_once). Errors: policy violations are kInvalidArgument with codes
// "password.too-short", "password.too-long", "password.too-simple",
// "password.contains-username"; a failed hash (out of memory) is kInternal "password.hash".
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "zhijian/base/result.h"

namespace zhijian::accounts {

struct PasswordParams {
  unsigned long long opslimit;
  size_t memlimit;
  static PasswordParams Default();  // t = 3, 64 MiB
  static PasswordParams Fast();     // libsodium minimum; tests only
};

// Initialises libsodium once; returns an error when it cannot be initialised.
Result<void> EnsureSodium();

// Hashes `password` into a "$argon2id$..." string.
Result<std::string> HashPassword(std::string_view password,
                                 const PasswordParams& params = PasswordParams::Default());
// True when `password` matches `hash` (false also for malformed hashes).
bool VerifyPassword(std::string_view hash, std::string_view password);
// True when `hash` was made with other parameters than `params` (or is not Argon2id).
bool NeedsRehash(std::string_view hash, const PasswordParams& params);

// Checks the policy above; `username` may be empty.
Result<void> CheckPasswordPolicy(std::string_view password, std::string_view username);

}  // namespace zhijian::accounts
