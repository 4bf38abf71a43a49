#include "zhijian/ledger/qr.h"

#include <png.h>
#include <qrencode.h>

#include <algorithm>
#include <cerrno>
#include <csetjmp>
#include <memory>

#include "zhijian/base/date.h"
#include "zhijian/base/report_code.h"
#include "zhijian/ledger/encoding.h"

namespace zhijian::ledger {
namespace {

constexpr size_t kCodeOffset = 1;
constexpr size_t kDigestOffset = 21;
constexpr size_t kDateOffset = 53;
constexpr size_t kKeyIdOffset = 57;
constexpr size_t kSignatureOffset = 61;
constexpr size_t kSignatureSize = 64;
constexpr std::string_view kPathMarker = "/V/";
// The QR alphanumeric character set (ISO/IEC 18004 §7.4.4).
constexpr std::string_view kAlphanumeric = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

Error BadClaims(std::string detail) {
  return Error::Invalid("qr.bad-claims", "二维码内容无效", "invalid QR claims", std::move(detail));
}
Error Malformed(std::string detail) {
  return Error::Invalid("qr.malformed", "不是本平台的报告二维码", "not a report QR payload",
                        std::move(detail));
}
Error RenderFailed(std::string detail) {
  return Error(Error::Kind::kInternal, "qr.render-failed", "二维码生成失败", "QR rendering failed",
               std::move(detail));
}

void PutBe32(std::string* out, uint32_t v) {
  for (int i = 3; i >= 0; --i) out->push_back(static_cast<char>(v >> (8 * i)));
}

uint32_t GetBe32(std::string_view s) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(s[i]);
  return v;
}

char Upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

std::string ToUpper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Upper(c);
  return out;
}

bool IsAlphanumeric(std::string_view s) {
  return s.find_first_not_of(kAlphanumeric) == std::string_view::npos;
}

// 1..64 characters of the RFC 4648 Base32 alphabet (upper case).
bool IsSecretSegment(std::string_view s) {
  return !s.empty() && s.size() <= 64 &&
         s.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") == std::string_view::npos;
}

// The bytes that are signed: context ‖ payload[0:61].
std::string SignedMessage(std::string_view body) {
  std::string m(kQrSignatureContext);
  m.append(body.substr(0, kSignatureOffset));
  return m;
}

// The unsigned first 61 bytes, or an error for invalid claims.
Result<std::string> Body(const QrClaims& c, uint32_t key_id) {
  Result<ReportCode> code = ReportCode::Parse(c.code);
  if (!code || code->str() != c.code) return BadClaims("code is not a canonical report code");
  std::optional<int64_t> day = ParseIsoDay(c.issue_date);
  if (!day || *day < 0 || *day > UINT32_MAX) return BadClaims("issue date");
  std::string out;
  out.reserve(kQrPayloadSize);
  out.push_back(static_cast<char>(kQrPayloadVersion));
  out.append(c.code);
  out.append(reinterpret_cast<const char*>(c.document_sha256.data()), c.document_sha256.size());
  PutBe32(&out, static_cast<uint32_t>(*day));
  PutBe32(&out, key_id);
  return out;
}

// Checks "http[s]://" + QR-alphanumeric characters; returns the upper-cased prefix without a
// trailing '/'.
Result<std::string> NormalizePrefix(std::string_view prefix) {
  std::string p = ToUpper(prefix);
  while (!p.empty() && p.back() == '/') p.pop_back();
  const bool scheme = p.rfind("HTTPS://", 0) == 0 || p.rfind("HTTP://", 0) == 0;
  const size_t host = p.find("://") + 3;
  if (!scheme || p.size() <= host || !IsAlphanumeric(p) || p.find(' ') != std::string::npos) {
    return Error::Invalid("qr.bad-prefix", "二维码网址前缀无效",
                          "the QR URL prefix must be http(s)://host of QR alphanumeric "
                          "characters",
                          std::string(prefix));
  }
  return p;
}

}  // namespace

Result<std::string> SignQrPayload(const QrClaims& claims, const NoteSigner& signer) {
  ZJ_ASSIGN_OR_RETURN(std::string body, Body(claims, signer.KeyId()));
  ZJ_ASSIGN_OR_RETURN(std::string sig, signer.Sign(SignedMessage(body)));
  if (sig.size() != kSignatureSize) {
    return Error(Error::Kind::kInternal, "qr.bad-signature", "签名长度不符",
                 "the signer returned a signature that is not 64 bytes",
                 std::to_string(sig.size()));
  }
  body += sig;
  return body;
}

Result<std::string> QrText(std::string_view url_prefix, std::string_view payload,
                           std::string_view secret) {
  if (payload.size() != kQrPayloadSize) return Malformed("payload is not 125 bytes");
  ZJ_ASSIGN_OR_RETURN(std::string prefix, NormalizePrefix(url_prefix));
  std::string text = prefix + std::string(kPathMarker) + Base32Encode(payload);
  if (!secret.empty()) {
    const std::string upper = ToUpper(secret);
    if (!IsSecretSegment(upper)) return Malformed("the secret is not 1-64 Base32 characters");
    text += '/' + upper;
  }
  return text;
}

Result<std::string> MakeQrText(const QrClaims& claims, const NoteSigner& signer,
                               std::string_view url_prefix, std::string_view secret) {
  ZJ_ASSIGN_OR_RETURN(std::string payload, SignQrPayload(claims, signer));
  return QrText(url_prefix, payload, secret);
}

Result<QrPayload> ParseQrText(std::string_view text) {
  // Scanners may add a trailing newline; nothing else is trimmed.
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  QrPayload out;
  std::string upper = ToUpper(text);
  std::string_view b32 = upper;
  const size_t marker = upper.rfind(kPathMarker);
  if (marker != std::string::npos) {
    ZJ_ASSIGN_OR_RETURN(out.url_prefix, NormalizePrefix(std::string_view(upper).substr(0, marker)));
    b32 = std::string_view(upper).substr(marker + kPathMarker.size());
    if (const size_t slash = b32.find('/'); slash != std::string_view::npos) {
      out.secret = std::string(b32.substr(slash + 1));
      b32 = b32.substr(0, slash);
      if (!IsSecretSegment(out.secret)) return Malformed("the segment after the payload");
    }
  } else if (upper.find("://") != std::string::npos) {
    return Malformed("a URL without /V/");
  }
  Result<std::string> bytes = Base32Decode(b32);
  if (!bytes) return Malformed("payload is not Base32");
  if (bytes->size() != kQrPayloadSize) {
    // A long enough payload of another version is a newer format, anything else noise.
    if (bytes->size() > kSignatureOffset &&
        static_cast<uint8_t>((*bytes)[0]) != kQrPayloadVersion) {
      return Error::Invalid("qr.unsupported-version", "不支持的二维码版本",
                            "unsupported QR payload version",
                            std::to_string(static_cast<uint8_t>((*bytes)[0])));
    }
    return Malformed("payload is not 125 bytes");
  }
  const std::string_view p = *bytes;
  if (static_cast<uint8_t>(p[0]) != kQrPayloadVersion) {
    return Error::Invalid("qr.unsupported-version", "不支持的二维码版本",
                          "unsupported QR payload version",
                          std::to_string(static_cast<uint8_t>(p[0])));
  }
  out.claims.code = std::string(p.substr(kCodeOffset, ReportCode::kLength));
  Result<ReportCode> code = ReportCode::Parse(out.claims.code);
  if (!code || code->str() != out.claims.code) return Malformed("invalid report code");
  std::copy_n(p.data() + kDigestOffset, 32,
              reinterpret_cast<char*>(out.claims.document_sha256.data()));
  out.claims.issue_date = FormatIsoDay(GetBe32(p.substr(kDateOffset)));
  if (ParseIsoDay(out.claims.issue_date) !=
      std::optional<int64_t>(GetBe32(p.substr(kDateOffset)))) {
    return Malformed("issue date out of range");
  }
  out.key_id = GetBe32(p.substr(kKeyIdOffset));
  out.signature = std::string(p.substr(kSignatureOffset));
  return out;
}

Result<QrPayload> VerifyQrText(std::string_view text, std::span<const NoteVerifier* const> keys) {
  ZJ_ASSIGN_OR_RETURN(QrPayload payload, ParseQrText(text));
  const NoteVerifier* key = nullptr;
  for (const NoteVerifier* k : keys) {
    if (k->KeyId() == payload.key_id) key = k;
  }
  if (key == nullptr) {
    return Error(Error::Kind::kUnprocessable, "qr.unknown-key", "二维码的签名密钥不在可信列表中",
                 "the QR was signed by a key that is not trusted",
                 "key id " + std::to_string(payload.key_id));
  }
  ZJ_ASSIGN_OR_RETURN(std::string body, Body(payload.claims, payload.key_id));
  if (!key->Verify(SignedMessage(body), payload.signature)) {
    return Error(Error::Kind::kUnprocessable, "qr.bad-signature", "二维码签名验证失败",
                 "the QR signature does not verify", key->KeyName());
  }
  return payload;
}

// ---- rendering ------------------------------------------------------------------------------

Result<QrSymbol> EncodeQr(std::string_view text, QrEcc ecc) {
  QRecLevel level = QR_ECLEVEL_Q;
  switch (ecc) {
    case QrEcc::kL:
      level = QR_ECLEVEL_L;
      break;
    case QrEcc::kM:
      level = QR_ECLEVEL_M;
      break;
    case QrEcc::kQ:
      level = QR_ECLEVEL_Q;
      break;
    case QrEcc::kH:
      level = QR_ECLEVEL_H;
      break;
  }
  if (text.empty() || text.find('\0') != std::string_view::npos) {
    return Error::Invalid("qr.empty", "二维码内容为空或含 NUL", "empty QR text or a NUL byte");
  }
  std::unique_ptr<QRcode, decltype(&QRcode_free)> code(nullptr, &QRcode_free);
  const std::string s(text);
  if (IsAlphanumeric(s)) {
    std::unique_ptr<QRinput, decltype(&QRinput_free)> input(QRinput_new2(0, level), &QRinput_free);
    if (!input || QRinput_append(input.get(), QR_MODE_AN, static_cast<int>(s.size()),
                                 reinterpret_cast<const unsigned char*>(s.data())) != 0) {
      return RenderFailed("QRinput_append");
    }
    code.reset(QRcode_encodeInput(input.get()));
  } else {
    code.reset(QRcode_encodeString(s.c_str(), 0, level, QR_MODE_8, 1));
  }
  if (!code) {
    if (errno == ERANGE) {
      return Error::Invalid("qr.too-long", "内容过长，无法生成二维码",
                            "the text does not fit a QR");
    }
    return RenderFailed("QRcode_encode");
  }
  QrSymbol sym;
  sym.version = code->version;
  sym.width = code->width;
  sym.modules.resize(static_cast<size_t>(sym.width) * sym.width);
  for (size_t i = 0; i < sym.modules.size(); ++i) sym.modules[i] = (code->data[i] & 1) != 0;
  return sym;
}

std::string QrSvg(const QrSymbol& symbol, int margin, int module_px) {
  const int size = symbol.width + 2 * margin;
  std::string path;
  for (int y = 0; y < symbol.width; ++y) {
    for (int x = 0; x < symbol.width;) {
      if (!symbol.dark(x, y)) {
        ++x;
        continue;
      }
      int run = 1;
      while (x + run < symbol.width && symbol.dark(x + run, y)) ++run;
      path += "M" + std::to_string(x + margin) + " " + std::to_string(y + margin) + "h" +
              std::to_string(run) + "v1h-" + std::to_string(run) + "z";
      x += run;
    }
  }
  const std::string n = std::to_string(size);
  const std::string px = std::to_string(size * module_px);
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" + px +
         "\" height=\"" + px + "\" viewBox=\"0 0 " + n + " " + n +
         "\" shape-rendering=\"crispEdges\"><rect width=\"" + n + "\" height=\"" + n +
         "\" fill=\"#fff\"/><path fill=\"#000\" d=\"" + path + "\"/></svg>\n";
}

namespace {

void PngWrite(png_structp png, png_bytep data, size_t length) {
  static_cast<std::string*>(png_get_io_ptr(png))
      ->append(reinterpret_cast<const char*>(data), length);
}
void PngFlush(png_structp) {}

// libpng reports errors by longjmp: keep this frame free of objects with destructors.
bool WriteGrayPng(const unsigned char* pixels, uint32_t side, std::string* out) {
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  if (png == nullptr) return false;
  png_infop info = png_create_info_struct(png);
  if (info == nullptr) {
    png_destroy_write_struct(&png, nullptr);
    return false;
  }
  if (setjmp(png_jmpbuf(png)) != 0) {
    png_destroy_write_struct(&png, &info);
    return false;
  }
  png_set_write_fn(png, out, &PngWrite, &PngFlush);
  png_set_IHDR(png, info, side, side, 8, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (uint32_t y = 0; y < side; ++y) png_write_row(png, pixels + static_cast<size_t>(y) * side);
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return true;
}

}  // namespace

Result<std::string> QrPng(const QrSymbol& symbol, int margin, int module_px) {
  if (symbol.width <= 0 || margin < 0 || module_px <= 0) return RenderFailed("bad dimensions");
  const int side = (symbol.width + 2 * margin) * module_px;
  std::vector<unsigned char> pixels(static_cast<size_t>(side) * side, 0xff);
  for (int y = 0; y < symbol.width; ++y) {
    for (int x = 0; x < symbol.width; ++x) {
      if (!symbol.dark(x, y)) continue;
      for (int dy = 0; dy < module_px; ++dy) {
        unsigned char* row =
            pixels.data() + static_cast<size_t>((y + margin) * module_px + dy) * side;
        std::fill_n(row + (x + margin) * module_px, module_px, 0x00);
      }
    }
  }
  std::string png;
  if (!WriteGrayPng(pixels.data(), static_cast<uint32_t>(side), &png)) {
    return RenderFailed("libpng");
  }
  return png;
}

}  // namespace zhijian::ledger
