// Cryptographic digests used across modules (OpenSSL 3 EVP; SHA-NI where the CPU has it).
//
// Thread-safety: pure functions. Errors: none (the built-in SHA-256 cannot fail).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace zhijian {

using Sha256Digest = std::array<uint8_t, 32>;

Sha256Digest Sha256(std::string_view bytes);
// Lower-case hex of SHA-256(bytes), 64 characters.
std::string Sha256Hex(std::string_view bytes);
// Lower-case hex of arbitrary bytes.
std::string HexEncode(std::string_view bytes);

}  // namespace zhijian
