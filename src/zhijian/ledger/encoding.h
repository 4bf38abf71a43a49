// Byte-to-text encodings used by the transparency log formats: standard Base64 (RFC 4648 §4,
// used by signed notes and checkpoints) and Base32 (RFC 4648 §6, used by the QR payload URL).
//
// Decoders are strict, so that every text has exactly one byte string and back: Base64 needs
// its '=' padding and zero pad bits, and accepts no whitespace; Base32 is written without
// padding, in upper case, and its decoder refuses padding, lower case, and non-zero pad bits.
//
// Thread-safety: pure functions. Errors (kInvalidArgument): "ledger.bad-base64",
// "ledger.bad-base32".
#pragma once

#include <string>
#include <string_view>

#include "zhijian/base/result.h"

namespace zhijian::ledger {

std::string Base64Encode(std::string_view bytes);
Result<std::string> Base64Decode(std::string_view text);

// RFC 4648 Base32 ("A-Z2-7"), no '=' padding.
std::string Base32Encode(std::string_view bytes);
Result<std::string> Base32Decode(std::string_view text);

}  // namespace zhijian::ledger
