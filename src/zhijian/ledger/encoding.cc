#include "zhijian/ledger/encoding.h"

#include <sodium.h>

namespace zhijian::ledger {
namespace {

constexpr std::string_view kBase32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

Error BadBase64(std::string detail = {}) {
  return Error::Invalid("ledger.bad-base64", "Base64 编码无效", "invalid Base64 encoding",
                        std::move(detail));
}

Error BadBase32(std::string detail) {
  return Error::Invalid("ledger.bad-base32", "Base32 编码无效", "invalid Base32 encoding",
                        std::move(detail));
}

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  const size_t cap = sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  std::string out(cap, '\0');
  sodium_bin2base64(out.data(), cap, reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(cap - 1);  // the terminating NUL
  return out;
}

Result<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return BadBase64("length is not a multiple of 4");
  std::string out(text.size() / 4 * 3, '\0');
  size_t len = 0;
  const char* end = nullptr;
  // libsodium's decoder (no ignored characters) refuses bad characters, missing or misplaced
  // padding and non-zero pad bits.
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &len, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size()) {
    return BadBase64();
  }
  out.resize(len);
  return out;
}

std::string Base32Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 8 + 4) / 5);
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += kBase32Alphabet[(acc >> bits) & 31];
    }
  }
  if (bits > 0) out += kBase32Alphabet[(acc << (5 - bits)) & 31];
  return out;
}

Result<std::string> Base32Decode(std::string_view text) {
  // Valid lengths mod 8 are 0, 2, 4, 5, 7 (1, 3, 6 cannot come from whole bytes).
  const size_t rem = text.size() % 8;
  if (rem == 1 || rem == 3 || rem == 6) return BadBase32("impossible length");
  std::string out;
  out.reserve(text.size() * 5 / 8);
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    int v = -1;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    if (c >= '2' && c <= '7') v = c - '2' + 26;
    if (v < 0) return BadBase32("character " + std::to_string(i + 1));
    acc = (acc << 5) | static_cast<uint32_t>(v);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  if ((acc & ((1u << bits) - 1)) != 0) return BadBase32("non-zero pad bits");
  return out;
}

}  // namespace zhijian::ledger
