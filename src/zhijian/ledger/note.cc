#include "zhijian/ledger/note.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <sodium.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <mutex>

#include "zhijian/base/digest.h"
#include "zhijian/base/utf8.h"
#include "zhijian/ledger/encoding.h"

namespace zhijian::ledger {
namespace {

constexpr std::string_view kSignaturePrefix = "\xe2\x80\x94 ";  // U+2014 EM DASH, space
constexpr std::string_view kSignerPrefix = "PRIVATE+KEY+";
constexpr size_t kEd25519PublicSize = crypto_sign_PUBLICKEYBYTES;  // 32
constexpr size_t kEd25519SeedSize = crypto_sign_SEEDBYTES;         // 32
constexpr size_t kEd25519SignatureSize = crypto_sign_BYTES;        // 64
constexpr size_t kSm2PublicSize = 65;                              // 04 ‖ x ‖ y
constexpr size_t kSm2PrivateSize = 32;
constexpr size_t kSm2SignatureSize = 64;  // r ‖ s

void InitSodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) std::abort();  // no usable libsodium: nothing can be signed
  });
}

// ---- errors ---------------------------------------------------------------------------------

Error Malformed(std::string detail) {
  return Error::Invalid("note.malformed", "签名注记格式错误", "malformed signed note",
                        std::move(detail));
}
Error BadKey(std::string detail) {
  return Error::Invalid("note.bad-key", "密钥无效", "invalid key", std::move(detail));
}
Error Unsupported(std::string detail) {
  return Error::Invalid("note.unsupported-algorithm", "不支持的签名算法",
                        "unsupported signature algorithm", std::move(detail));
}
Error SignFailed(std::string detail) {
  return Error(Error::Kind::kInternal, "note.sign-failed", "签名失败", "signing failed",
               std::move(detail));
}
Error CheckpointMalformed(std::string detail) {
  return Error::Invalid("checkpoint.malformed", "检查点格式错误", "malformed checkpoint",
                        std::move(detail));
}

// ---- text rules -----------------------------------------------------------------------------

// Valid UTF-8 without ASCII control characters other than newline.
bool ValidNoteChars(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const std::optional<char32_t> cp = DecodeUtf8(s, &i);
    if (!cp || (*cp < 0x20 && *cp != '\n')) return false;
  }
  return true;
}

bool ValidNoteText(std::string_view text) {
  return !text.empty() && text.back() == '\n' && ValidNoteChars(text);
}

// Unicode White_Space (as Go's unicode.IsSpace).
bool IsUnicodeSpace(char32_t cp) {
  return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
         cp == 0x205F || cp == 0x3000;
}

uint32_t ReadBe32(std::string_view s) {
  return (uint32_t{static_cast<uint8_t>(s[0])} << 24) |
         (uint32_t{static_cast<uint8_t>(s[1])} << 16) |
         (uint32_t{static_cast<uint8_t>(s[2])} << 8) | uint32_t{static_cast<uint8_t>(s[3])};
}

std::string Be32(uint32_t v) {
  std::string s(4, '\0');
  for (int i = 0; i < 4; ++i) s[i] = static_cast<char>(v >> (24 - 8 * i));
  return s;
}

std::string KeyIdHex(uint32_t id) {
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", id);
  return buf;
}

bool ParseKeyIdHex(std::string_view s, uint32_t* out) {
  if (s.size() != 8) return false;
  uint32_t v = 0;
  for (char c : s) {
    int d = -1;
    if (c >= '0' && c <= '9') d = c - '0';
    if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    if (d < 0) return false;
    v = (v << 4) | static_cast<uint32_t>(d);
  }
  *out = v;
  return true;
}

// Splits at the first '+'; false if there is none.
bool Chop(std::string_view s, std::string_view* head, std::string_view* tail) {
  const size_t p = s.find('+');
  if (p == std::string_view::npos) return false;
  *head = s.substr(0, p);
  *tail = s.substr(p + 1);
  return true;
}

// ---- OpenSSL helpers ------------------------------------------------------------------------

template <typename T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const { F(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_clear_free>>;
using BnCtxPtr = std::unique_ptr<BN_CTX, Deleter<BN_CTX, BN_CTX_free>>;
using GroupPtr = std::unique_ptr<EC_GROUP, Deleter<EC_GROUP, EC_GROUP_free>>;
using PointPtr = std::unique_ptr<EC_POINT, Deleter<EC_POINT, EC_POINT_free>>;
using SigPtr = std::unique_ptr<ECDSA_SIG, Deleter<ECDSA_SIG, ECDSA_SIG_free>>;
using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using ParamPtr = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM, OSSL_PARAM_free>>;

// An SM2 EVP_PKEY from a public point (and optionally the private scalar); nullptr on failure.
PkeyPtr Sm2Pkey(std::string_view public_point, const BIGNUM* priv) {
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld ||
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "SM2", 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, public_point.data(),
                                       public_point.size()) != 1 ||
      (priv != nullptr && OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, priv) != 1)) {
    return nullptr;
  }
  ParamPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "SM2", nullptr));
  EVP_PKEY* pkey = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &pkey, priv != nullptr ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
                        params.get()) != 1) {
    return nullptr;
  }
  return PkeyPtr(pkey);
}

// The uncompressed public point d·G for an SM2 private scalar in [1, n−2].
Result<std::string> Sm2PublicPoint(const BIGNUM* d) {
  GroupPtr group(EC_GROUP_new_by_curve_name(NID_sm2));
  BnCtxPtr bn_ctx(BN_CTX_new());
  BnPtr max(BN_new());
  if (!group || !bn_ctx || !max) return BadKey("SM2 is not available from this OpenSSL");
  // n − 2 is the largest private key GB/T 32918.1 allows (1 + d must be invertible mod n).
  if (BN_copy(max.get(), EC_GROUP_get0_order(group.get())) == nullptr ||
      BN_sub_word(max.get(), 2) != 1) {
    return BadKey("SM2 group order");
  }
  if (BN_is_zero(d) || BN_cmp(d, max.get()) > 0) return BadKey("SM2 private key out of range");
  PointPtr pub(EC_POINT_new(group.get()));
  std::string out(kSm2PublicSize, '\0');
  if (!pub || EC_POINT_mul(group.get(), pub.get(), d, nullptr, nullptr, bn_ctx.get()) != 1 ||
      EC_POINT_point2oct(group.get(), pub.get(), POINT_CONVERSION_UNCOMPRESSED,
                         reinterpret_cast<unsigned char*>(out.data()), out.size(),
                         bn_ctx.get()) != kSm2PublicSize) {
    return BadKey("SM2 public key derivation failed");
  }
  return out;
}

// ---- Ed25519 --------------------------------------------------------------------------------

class Ed25519Verifier final : public NoteVerifier {
 public:
  Ed25519Verifier(std::string name, std::string public_key)
      : name_(std::move(name)),
        public_key_(std::move(public_key)),
        id_(ComputeKeyId(name_, TypeAndKey())) {}
  const std::string& KeyName() const override { return name_; }
  uint32_t KeyId() const override { return id_; }
  KeyAlgorithm Algorithm() const override { return KeyAlgorithm::kEd25519; }
  bool Verify(std::string_view message, std::string_view signature) const override {
    return signature.size() == kEd25519SignatureSize &&
           crypto_sign_verify_detached(
               reinterpret_cast<const unsigned char*>(signature.data()),
               reinterpret_cast<const unsigned char*>(message.data()), message.size(),
               reinterpret_cast<const unsigned char*>(public_key_.data())) == 0;
  }
  std::string VerifierKey() const override {
    return name_ + "+" + KeyIdHex(id_) + "+" + Base64Encode(TypeAndKey());
  }

 private:
  std::string TypeAndKey() const {
    return std::string(1, static_cast<char>(kEd25519SignatureType)) + public_key_;
  }
  std::string name_;
  std::string public_key_;
  uint32_t id_;
};

class Ed25519Signer final : public NoteSigner {
 public:
  // `secret_key` is libsodium's 64-byte form (seed ‖ public key).
  Ed25519Signer(std::string name, uint32_t id, std::string secret_key)
      : name_(std::move(name)), id_(id), secret_key_(std::move(secret_key)) {}
  ~Ed25519Signer() override { sodium_memzero(secret_key_.data(), secret_key_.size()); }
  const std::string& KeyName() const override { return name_; }
  uint32_t KeyId() const override { return id_; }
  KeyAlgorithm Algorithm() const override { return KeyAlgorithm::kEd25519; }
  Result<std::string> Sign(std::string_view message) const override {
    std::string sig(kEd25519SignatureSize, '\0');
    if (crypto_sign_detached(reinterpret_cast<unsigned char*>(sig.data()), nullptr,
                             reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                             reinterpret_cast<const unsigned char*>(secret_key_.data())) != 0) {
      return SignFailed("crypto_sign_detached");
    }
    return sig;
  }

 private:
  std::string name_;
  uint32_t id_;
  std::string secret_key_;
};

// The libsodium secret key and public key of an Ed25519 seed.
void Ed25519FromSeed(std::string_view seed, std::string* public_key, std::string* secret_key) {
  InitSodium();
  public_key->assign(kEd25519PublicSize, '\0');
  secret_key->assign(crypto_sign_SECRETKEYBYTES, '\0');
  crypto_sign_seed_keypair(reinterpret_cast<unsigned char*>(public_key->data()),
                           reinterpret_cast<unsigned char*>(secret_key->data()),
                           reinterpret_cast<const unsigned char*>(seed.data()));
}

// ---- SM2 ------------------------------------------------------------------------------------

// Runs an SM2-with-SM3 sign or verify over `message`, owning both OpenSSL contexts.
class Sm2Operation {
 public:
  Sm2Operation(EVP_PKEY* pkey, bool sign) : md_(EVP_MD_CTX_new()) {
    pctx_.reset(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
    if (!md_ || !pctx_ ||
        EVP_PKEY_CTX_set1_id(pctx_.get(), kSm2DistinguishingId.data(),
                             static_cast<int>(kSm2DistinguishingId.size())) <= 0) {
      return;
    }
    EVP_MD_CTX_set_pkey_ctx(md_.get(), pctx_.get());
    ready_ = (sign ? EVP_DigestSignInit(md_.get(), nullptr, EVP_sm3(), nullptr, pkey)
                   : EVP_DigestVerifyInit(md_.get(), nullptr, EVP_sm3(), nullptr, pkey)) == 1;
  }
  ~Sm2Operation() {
    md_.reset();  // before pctx_, which md_ borrows
  }
  bool ready() const { return ready_; }
  EVP_MD_CTX* md() { return md_.get(); }

 private:
  MdCtxPtr md_;
  PkeyCtxPtr pctx_;
  bool ready_ = false;
};

class Sm2Verifier final : public NoteVerifier {
 public:
  Sm2Verifier(std::string name, std::string public_point, PkeyPtr pkey)
      : name_(std::move(name)),
        public_point_(std::move(public_point)),
        pkey_(std::move(pkey)),
        id_(ComputeKeyId(name_, std::string(kSm2SignatureType) + public_point_)) {}
  const std::string& KeyName() const override { return name_; }
  uint32_t KeyId() const override { return id_; }
  KeyAlgorithm Algorithm() const override { return KeyAlgorithm::kSm2; }
  bool Verify(std::string_view message, std::string_view signature) const override {
    if (signature.size() != kSm2SignatureSize) return false;
    SigPtr sig(ECDSA_SIG_new());
    BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(signature.data()), 32, nullptr);
    BIGNUM* s =
        BN_bin2bn(reinterpret_cast<const unsigned char*>(signature.data()) + 32, 32, nullptr);
    if (!sig || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
      BN_free(r);
      BN_free(s);
      return false;
    }
    unsigned char* der = nullptr;
    const int der_len = i2d_ECDSA_SIG(sig.get(), &der);
    if (der_len <= 0) return false;
    Sm2Operation op(pkey_.get(), /*sign=*/false);
    const bool ok =
        op.ready() && EVP_DigestVerify(op.md(), der, static_cast<size_t>(der_len),
                                       reinterpret_cast<const unsigned char*>(message.data()),
                                       message.size()) == 1;
    OPENSSL_free(der);
    return ok;
  }
  std::string VerifierKey() const override {
    return name_ + "+" + KeyIdHex(id_) + "+" +
           Base64Encode(std::string(kSm2SignatureType) + public_point_);
  }

 private:
  std::string name_;
  std::string public_point_;
  PkeyPtr pkey_;
  uint32_t id_;
};

class Sm2Signer final : public NoteSigner {
 public:
  Sm2Signer(std::string name, uint32_t id, PkeyPtr pkey)
      : name_(std::move(name)), id_(id), pkey_(std::move(pkey)) {}
  const std::string& KeyName() const override { return name_; }
  uint32_t KeyId() const override { return id_; }
  KeyAlgorithm Algorithm() const override { return KeyAlgorithm::kSm2; }
  Result<std::string> Sign(std::string_view message) const override {
    Sm2Operation op(pkey_.get(), /*sign=*/true);
    size_t der_len = 0;
    const auto* msg = reinterpret_cast<const unsigned char*>(message.data());
    if (!op.ready() || EVP_DigestSign(op.md(), nullptr, &der_len, msg, message.size()) != 1) {
      return SignFailed("SM2 sign init");
    }
    std::string der(der_len, '\0');
    if (EVP_DigestSign(op.md(), reinterpret_cast<unsigned char*>(der.data()), &der_len, msg,
                       message.size()) != 1) {
      return SignFailed("SM2 sign");
    }
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    SigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der_len)));
    if (!sig) return SignFailed("SM2 signature DER");
    const BIGNUM* r = nullptr;
    const BIGNUM* s = nullptr;
    ECDSA_SIG_get0(sig.get(), &r, &s);
    std::string out(kSm2SignatureSize, '\0');
    auto* o = reinterpret_cast<unsigned char*>(out.data());
    if (BN_bn2binpad(r, o, 32) != 32 || BN_bn2binpad(s, o + 32, 32) != 32) {
      return SignFailed("SM2 signature size");
    }
    return out;
  }

 private:
  std::string name_;
  uint32_t id_;
  PkeyPtr pkey_;
};

struct Sm2Keys {
  std::string public_point;
  PkeyPtr pkey;
};

// From a 32-byte private scalar: the public point and the key pair.
Result<Sm2Keys> Sm2FromPrivate(std::string_view scalar) {
  if (scalar.size() != kSm2PrivateSize) return BadKey("an SM2 private key has 32 bytes");
  BnPtr d(BN_bin2bn(reinterpret_cast<const unsigned char*>(scalar.data()),
                    static_cast<int>(scalar.size()), nullptr));
  if (!d) return BadKey("SM2 private key");
  ZJ_ASSIGN_OR_RETURN(std::string point, Sm2PublicPoint(d.get()));
  PkeyPtr pkey = Sm2Pkey(point, d.get());
  if (!pkey) return BadKey("SM2 key import failed");
  return Sm2Keys{std::move(point), std::move(pkey)};
}

}  // namespace

// ---- public: keys ---------------------------------------------------------------------------

bool IsValidKeyName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size();) {
    const std::optional<char32_t> cp = DecodeUtf8(name, &i);
    if (!cp || *cp < 0x20 || *cp == '+' || IsUnicodeSpace(*cp)) return false;
  }
  return true;
}

uint32_t ComputeKeyId(std::string_view name, std::string_view type_and_public_key) {
  std::string buf;
  buf.reserve(name.size() + 1 + type_and_public_key.size());
  buf.append(name);
  buf += '\n';
  buf.append(type_and_public_key);
  const Sha256Digest d = Sha256(buf);
  return (uint32_t{d[0]} << 24) | (uint32_t{d[1]} << 16) | (uint32_t{d[2]} << 8) | d[3];
}

Result<KeyPair> GenerateEd25519Key(std::string_view name, std::string_view seed) {
  if (!IsValidKeyName(name)) return BadKey("invalid key name");
  if (seed.size() != kEd25519SeedSize) return BadKey("an Ed25519 seed has 32 bytes");
  std::string pub, secret;
  Ed25519FromSeed(seed, &pub, &secret);
  sodium_memzero(secret.data(), secret.size());
  const std::string type(1, static_cast<char>(kEd25519SignatureType));
  const std::string id = KeyIdHex(ComputeKeyId(name, type + pub));
  KeyPair pair;
  pair.verifier_key = std::string(name) + "+" + id + "+" + Base64Encode(type + pub);
  pair.signer_key = std::string(kSignerPrefix) + std::string(name) + "+" + id + "+" +
                    Base64Encode(type + std::string(seed));
  return pair;
}

Result<KeyPair> GenerateSm2Key(std::string_view name, std::string_view seed) {
  if (!IsValidKeyName(name)) return BadKey("invalid key name");
  ZJ_ASSIGN_OR_RETURN(Sm2Keys keys, Sm2FromPrivate(seed));
  const std::string type(kSm2SignatureType);
  const std::string id = KeyIdHex(ComputeKeyId(name, type + keys.public_point));
  KeyPair pair;
  pair.verifier_key = std::string(name) + "+" + id + "+" + Base64Encode(type + keys.public_point);
  pair.signer_key = std::string(kSignerPrefix) + std::string(name) + "+" + id + "+" +
                    Base64Encode(type + std::string(seed));
  return pair;
}

Result<std::unique_ptr<NoteVerifier>> NewNoteVerifier(std::string_view verifier_key) {
  std::string_view name, rest, id_hex, key64;
  if (!Chop(verifier_key, &name, &rest) || !Chop(rest, &id_hex, &key64)) {
    return BadKey("a verifier key is name+id+key");
  }
  uint32_t id = 0;
  if (!IsValidKeyName(name)) return BadKey("invalid key name");
  if (!ParseKeyIdHex(id_hex, &id)) return BadKey("the key id is 8 hex digits");
  Result<std::string> key = Base64Decode(key64);
  if (!key || key->empty()) return BadKey("the key is not Base64");
  if (ComputeKeyId(name, *key) != id) return BadKey("the key id does not match the key");
  InitSodium();
  if (static_cast<uint8_t>((*key)[0]) == kEd25519SignatureType) {
    if (key->size() != 1 + kEd25519PublicSize) return BadKey("an Ed25519 public key has 32 bytes");
    return std::unique_ptr<NoteVerifier>(
        std::make_unique<Ed25519Verifier>(std::string(name), key->substr(1)));
  }
  if (key->substr(0, kSm2SignatureType.size()) == kSm2SignatureType) {
    std::string point = key->substr(kSm2SignatureType.size());
    if (point.size() != kSm2PublicSize || point[0] != '\x04') {
      return BadKey("an SM2 public key is an uncompressed point of 65 bytes");
    }
    PkeyPtr pkey = Sm2Pkey(point, nullptr);
    if (!pkey) return BadKey("the SM2 public key is not a point of the curve");
    return std::unique_ptr<NoteVerifier>(
        std::make_unique<Sm2Verifier>(std::string(name), std::move(point), std::move(pkey)));
  }
  return Unsupported("signature type " + HexEncode(key->substr(0, 1)));
}

Result<std::unique_ptr<NoteSigner>> NewNoteSigner(std::string_view signer_key) {
  if (signer_key.substr(0, kSignerPrefix.size()) != kSignerPrefix) {
    return BadKey("a signer key starts with PRIVATE+KEY+");
  }
  std::string_view name, rest, id_hex, key64;
  if (!Chop(signer_key.substr(kSignerPrefix.size()), &name, &rest) ||
      !Chop(rest, &id_hex, &key64)) {
    return BadKey("a signer key is PRIVATE+KEY+name+id+key");
  }
  uint32_t id = 0;
  if (!IsValidKeyName(name)) return BadKey("invalid key name");
  if (!ParseKeyIdHex(id_hex, &id)) return BadKey("the key id is 8 hex digits");
  Result<std::string> key = Base64Decode(key64);
  if (!key || key->empty()) return BadKey("the key is not Base64");
  struct Wipe {
    std::string* s;
    ~Wipe() { sodium_memzero(s->data(), s->size()); }
  } wipe{&*key};
  if (static_cast<uint8_t>((*key)[0]) == kEd25519SignatureType) {
    if (key->size() != 1 + kEd25519SeedSize) return BadKey("an Ed25519 seed has 32 bytes");
    std::string pub, secret;
    Ed25519FromSeed(std::string_view(*key).substr(1), &pub, &secret);
    const std::string type(1, static_cast<char>(kEd25519SignatureType));
    if (ComputeKeyId(name, type + pub) != id) {
      sodium_memzero(secret.data(), secret.size());
      return BadKey("the key id does not match the key");
    }
    return std::unique_ptr<NoteSigner>(
        std::make_unique<Ed25519Signer>(std::string(name), id, std::move(secret)));
  }
  if (key->substr(0, kSm2SignatureType.size()) == kSm2SignatureType) {
    ZJ_ASSIGN_OR_RETURN(Sm2Keys keys,
                        Sm2FromPrivate(std::string_view(*key).substr(kSm2SignatureType.size())));
    if (ComputeKeyId(name, std::string(kSm2SignatureType) + keys.public_point) != id) {
      return BadKey("the key id does not match the key");
    }
    return std::unique_ptr<NoteSigner>(
        std::make_unique<Sm2Signer>(std::string(name), id, std::move(keys.pkey)));
  }
  return Unsupported("signature type " + HexEncode(key->substr(0, 1)));
}

// ---- public: notes --------------------------------------------------------------------------

Result<Note> ParseNote(std::string_view message) {
  if (!ValidNoteChars(message)) return Malformed("invalid UTF-8 or a control character");
  const size_t split = message.rfind("\n\n");
  if (split == std::string_view::npos) return Malformed("no blank line before the signatures");
  Note note;
  note.text = std::string(message.substr(0, split + 1));
  std::string_view sigs = message.substr(split + 2);
  if (sigs.empty() || sigs.back() != '\n') return Malformed("no signature lines");
  while (!sigs.empty()) {
    const size_t nl = sigs.find('\n');
    std::string_view line = sigs.substr(0, nl);
    sigs.remove_prefix(nl + 1);
    if (note.signatures.size() == kMaxNoteSignatures) return Malformed("too many signatures");
    if (line.substr(0, kSignaturePrefix.size()) != kSignaturePrefix) {
      return Malformed("a signature line starts with an em dash and a space");
    }
    line.remove_prefix(kSignaturePrefix.size());
    const size_t space = line.find(' ');
    if (space == std::string_view::npos) return Malformed("signature line without signature");
    const std::string_view name = line.substr(0, space);
    if (!IsValidKeyName(name)) return Malformed("invalid key name in a signature line");
    Result<std::string> sig = Base64Decode(line.substr(space + 1));
    if (!sig || sig->size() < 5) return Malformed("invalid signature encoding");
    note.signatures.push_back({std::string(name), ReadBe32(*sig), sig->substr(4)});
  }
  return note;
}

Result<std::string> FormatNote(const Note& note) {
  if (!ValidNoteText(note.text)) return Malformed("invalid note text");
  if (note.signatures.empty()) return Malformed("a signed note needs a signature");
  std::string out = note.text;
  out += '\n';
  for (const NoteSignature& s : note.signatures) {
    if (!IsValidKeyName(s.key_name)) return Malformed("invalid key name");
    out.append(kSignaturePrefix);
    out += s.key_name;
    out += ' ';
    out += Base64Encode(Be32(s.key_id) + s.signature);
    out += '\n';
  }
  return out;
}

Result<std::string> SignNote(std::string_view text, std::span<const NoteSigner* const> signers) {
  if (!ValidNoteText(text)) return Malformed("invalid note text");
  Note note;
  note.text = std::string(text);
  for (const NoteSigner* signer : signers) {
    ZJ_ASSIGN_OR_RETURN(std::string sig, signer->Sign(text));
    note.signatures.push_back({signer->KeyName(), signer->KeyId(), std::move(sig)});
  }
  return FormatNote(note);
}

Result<VerifiedNote> OpenNote(std::string_view message,
                              std::span<const NoteVerifier* const> known) {
  ZJ_ASSIGN_OR_RETURN(Note note, ParseNote(message));
  VerifiedNote out;
  out.text = std::move(note.text);
  for (NoteSignature& s : note.signatures) {
    const NoteVerifier* verifier = nullptr;
    for (const NoteVerifier* v : known) {
      if (v->KeyName() == s.key_name && v->KeyId() == s.key_id) verifier = v;
    }
    if (verifier == nullptr) {
      if (std::find(out.unverified.begin(), out.unverified.end(), s) == out.unverified.end()) {
        out.unverified.push_back(std::move(s));
      }
      continue;
    }
    const bool seen = std::any_of(out.verified.begin(), out.verified.end(), [&](const auto& v) {
      return v.key_name == s.key_name && v.key_id == s.key_id;
    });
    if (seen) continue;
    if (!verifier->Verify(out.text, s.signature)) {
      return Error(Error::Kind::kUnprocessable, "note.invalid-signature", "签名验证失败",
                   "a signature by a known key does not verify",
                   s.key_name + "+" + KeyIdHex(s.key_id));
    }
    out.verified.push_back(std::move(s));
  }
  if (out.verified.empty()) {
    return Error(Error::Kind::kUnprocessable, "note.unverified", "注记没有来自可信密钥的签名",
                 "the note carries no signature by a known key");
  }
  return out;
}

// ---- public: checkpoints --------------------------------------------------------------------

Result<std::string> FormatCheckpoint(const Checkpoint& checkpoint) {
  auto line_ok = [](std::string_view line) {
    return !line.empty() && line.find('\n') == std::string_view::npos && ValidNoteChars(line);
  };
  if (!line_ok(checkpoint.origin)) return CheckpointMalformed("invalid origin line");
  std::string text = checkpoint.origin + "\n" + std::to_string(checkpoint.size) + "\n" +
                     HashBase64(checkpoint.root) + "\n";
  for (const std::string& ext : checkpoint.extensions) {
    if (!line_ok(ext)) return CheckpointMalformed("invalid extension line");
    text += ext + "\n";
  }
  return text;
}

Result<Checkpoint> ParseCheckpoint(std::string_view text) {
  if (!ValidNoteText(text)) return CheckpointMalformed("not note text ending in a newline");
  std::vector<std::string_view> lines;
  for (std::string_view rest = text; !rest.empty();) {
    const size_t nl = rest.find('\n');
    lines.push_back(rest.substr(0, nl));
    rest.remove_prefix(nl + 1);
  }
  if (lines.size() < 3) return CheckpointMalformed("fewer than 3 lines");
  for (std::string_view l : lines) {
    if (l.empty()) return CheckpointMalformed("empty line");
  }
  Checkpoint cp;
  cp.origin = std::string(lines[0]);
  const std::string_view size = lines[1];
  if (size.size() > 20 || (size.size() > 1 && size[0] == '0')) {
    return CheckpointMalformed("tree size");
  }
  uint64_t v = 0;
  for (char c : size) {
    if (c < '0' || c > '9') return CheckpointMalformed("tree size");
    const auto d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return CheckpointMalformed("tree size");
    v = v * 10 + d;
  }
  cp.size = v;
  Result<Hash> root = HashFromBase64(lines[2]);
  if (!root) return CheckpointMalformed("root hash");
  cp.root = *root;
  for (size_t i = 3; i < lines.size(); ++i) cp.extensions.emplace_back(lines[i]);
  return cp;
}

Result<std::string> SignCheckpoint(const Checkpoint& checkpoint,
                                   std::span<const NoteSigner* const> signers) {
  ZJ_ASSIGN_OR_RETURN(std::string text, FormatCheckpoint(checkpoint));
  return SignNote(text, signers);
}

Result<Checkpoint> OpenCheckpoint(std::string_view note, const NoteVerifier& log_key,
                                  std::string_view origin) {
  const NoteVerifier* known[] = {&log_key};
  ZJ_ASSIGN_OR_RETURN(VerifiedNote verified, OpenNote(note, known));
  ZJ_ASSIGN_OR_RETURN(Checkpoint cp, ParseCheckpoint(verified.text));
  if (cp.origin != origin) {
    return Error(Error::Kind::kUnprocessable, "checkpoint.wrong-origin", "检查点来源与日志不符",
                 "the checkpoint's origin is not this log's", cp.origin);
  }
  return cp;
}

}  // namespace zhijian::ledger
