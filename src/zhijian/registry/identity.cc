#include "zhijian/registry/identity.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <filesystem>
#include <string>

#include "zhijian/base/date.h"
#include "zhijian/base/digest.h"
#include "zhijian/base/region.h"

namespace zhijian::registry {
namespace {

// ISO 7064 MOD 11-2 weights W_i = 2^(18-i) mod 11, i = 1..17.
constexpr std::array<int, 17> kWeights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
constexpr std::string_view kCheckChars = "10X98765432";  // indexed by (sum mod 11)

Error Invalid(const std::string& code, const std::string& zh, const std::string& en,
              const std::string& detail = {}) {
  return Error::Invalid(code, zh, en, detail);
}

Error BadLength(size_t got) {
  return Invalid("identity.bad-length", "身份证号应为18位（或旧版15位）",
                 "an identity card number has 18 characters (or 15 digits, legacy)",
                 "got " + std::to_string(got));
}

Error BadChar(size_t pos) {
  return Invalid("identity.bad-char", "身份证号含有不允许的字符",
                 "the identity card number contains a character other than a digit (or a final X)",
                 "position " + std::to_string(pos));
}

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

// Trims, folds full-width digits (U+FF10..U+FF19) and X/x (U+FF38, U+FF58), upper-cases 'x'.
// Other bytes are kept, so that the character check reports them.
std::string Normalise(std::string_view text) {
  while (!text.empty() && IsAsciiSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsAsciiSpace(text.back())) text.remove_suffix(1);
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b == 0xEF && i + 2 < text.size()) {
      const auto b1 = static_cast<unsigned char>(text[i + 1]);
      const auto b2 = static_cast<unsigned char>(text[i + 2]);
      if (b1 == 0xBC && b2 >= 0x90 && b2 <= 0x99) {  // ０..９
        out += static_cast<char>('0' + (b2 - 0x90));
        i += 2;
        continue;
      }
      if ((b1 == 0xBC && b2 == 0xB8) || (b1 == 0xBD && b2 == 0x98)) {  // Ｘ, ｘ
        out += 'X';
        i += 2;
        continue;
      }
    }
    out += text[i] == 'x' ? 'X' : text[i];
  }
  return out;
}

int Digits(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

Error KeyIo(const std::string& path, const std::string& what) {
  return Error(Error::Kind::kUnavailable, "identity.key-io", "无法读写身份证号哈希密钥文件",
               "cannot read or write the identity hash key file",
               path + ": " + what + ": " + std::strerror(errno));
}

// Reads the whole file at `path`; nullopt when it does not exist.
Result<std::optional<std::string>> ReadKeyFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<std::string>();
    return KeyIo(path, "open");
  }
  std::string data;
  char buf[256];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      Error e = KeyIo(path, "read");
      ::close(fd);
      return e;
    }
    if (n == 0) break;
    data.append(buf, static_cast<size_t>(n));
    if (data.size() > 4096) break;
  }
  ::close(fd);
  return std::optional<std::string>(std::move(data));
}

}  // namespace

Result<char> IdCheckChar(std::string_view first17) {
  if (first17.size() != 17) return BadLength(first17.size());
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) {
    if (first17[i] < '0' || first17[i] > '9') return BadChar(i + 1);
    sum += (first17[i] - '0') * kWeights[i];
  }
  return kCheckChars[static_cast<size_t>(sum % 11)];
}

Result<IdNumber> ValidateIdNumber(std::string_view text, std::string_view today) {
  std::string s = Normalise(text);
  if (s.empty()) {
    return Invalid("identity.empty", "身份证号为空", "the identity card number is empty");
  }
  IdNumber id;
  if (s.size() == 15) {
    for (size_t i = 0; i < 15; ++i) {
      if (s[i] < '0' || s[i] > '9') return BadChar(i + 1);
    }
    std::string first17 = s.substr(0, 6) + "19" + s.substr(6);
    ZJ_ASSIGN_OR_RETURN(char check, IdCheckChar(first17));
    s = first17 + check;
    id.converted = true;
  } else if (s.size() != 18) {
    return BadLength(s.size());
  }
  for (size_t i = 0; i < 17; ++i) {
    if (s[i] < '0' || s[i] > '9') return BadChar(i + 1);
  }
  if (!(s[17] >= '0' && s[17] <= '9') && s[17] != 'X') return BadChar(18);

  // Region: the province must exist (81/82/83: the residence permits of Hong Kong, Macao and
  // Taiwan residents use 810000 / 820000 / 830000).
  const std::string province = s.substr(0, 2) + "0000";
  if (RegionTable::Get().Lookup(province) == nullptr && province != "830000") {
    return Invalid("identity.bad-region", "身份证号的地址码不是有效的省级行政区划代码",
                   "the address code of the identity card number names no province",
                   s.substr(0, 6));
  }

  const int year = Digits(std::string_view(s).substr(6, 4));
  const int month = Digits(std::string_view(s).substr(10, 2));
  const int day = Digits(std::string_view(s).substr(12, 2));
  id.birth_date = s.substr(6, 4) + "-" + s.substr(10, 2) + "-" + s.substr(12, 2);
  if (year < 1850 || !IsValidDate(year, month, day) || (!today.empty() && id.birth_date > today)) {
    return Invalid("identity.bad-birth-date", "身份证号中的出生日期无效",
                   "the birth date in the identity card number is not a valid date", id.birth_date);
  }

  ZJ_ASSIGN_OR_RETURN(char expected, IdCheckChar(std::string_view(s).substr(0, 17)));
  if (s[17] != expected) {
    return Invalid("identity.bad-check", "身份证号校验码错误",
                   "the check character of the identity card number is wrong",
                   std::string("expected ") + expected);
  }
  id.region_code = s.substr(0, 6);
  id.male = (s[16] - '0') % 2 == 1;
  id.number = std::move(s);
  return id;
}

Result<IdHasher> IdHasher::FromKey(std::string_view key) {
  if (key.size() != kKeySize) {
    return Invalid("identity.bad-key", "身份证号哈希密钥应为32字节",
                   "the identity hash key must be 32 bytes", "got " + std::to_string(key.size()));
  }
  return IdHasher(std::string(key));
}

Result<IdHasher> IdHasher::LoadOrCreate(const std::string& path) {
  ZJ_ASSIGN_OR_RETURN(std::optional<std::string> existing, ReadKeyFile(path));
  if (existing) {
    Result<IdHasher> hasher = FromKey(*existing);
    if (!hasher) return hasher.error().WithDetail(path);
    return hasher;
  }

  unsigned char key[kKeySize];
  if (RAND_bytes(key, static_cast<int>(kKeySize)) != 1) {
    return Error::Internal("identity.random", "RAND_bytes failed");
  }
  // Write a private temporary file, then link it into place: link() fails if another process
  // created the key meanwhile, in which case that key wins and is read back.
  unsigned char suffix[8];
  if (RAND_bytes(suffix, sizeof suffix) != 1) {
    return Error::Internal("identity.random", "RAND_bytes failed");
  }
  // The key's directory (e.g. var/keys) is created private if missing.
  if (const auto parent = std::filesystem::path(path).parent_path(); !parent.empty()) {
    std::error_code ec;
    if (std::filesystem::create_directories(parent, ec)) {
      std::filesystem::permissions(parent, std::filesystem::perms::owner_all,
                                   std::filesystem::perm_options::replace, ec);
    }
  }
  const std::string tmp =
      path + ".tmp-" + HexEncode(std::string_view(reinterpret_cast<char*>(suffix), sizeof suffix));
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return KeyIo(tmp, "create");
  size_t written = 0;
  while (written < kKeySize) {
    const ssize_t n = ::write(fd, key + written, kKeySize - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      Error e = KeyIo(tmp, "write");
      ::close(fd);
      ::unlink(tmp.c_str());
      return e;
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    Error e = KeyIo(tmp, "sync");
    ::unlink(tmp.c_str());
    return e;
  }
  const int linked = ::link(tmp.c_str(), path.c_str());
  const int link_errno = errno;
  ::unlink(tmp.c_str());
  if (linked != 0) {
    errno = link_errno;
    if (link_errno != EEXIST) return KeyIo(path, "link");
    ZJ_ASSIGN_OR_RETURN(std::optional<std::string> winner, ReadKeyFile(path));
    if (!winner) return KeyIo(path, "read");
    Result<IdHasher> hasher = FromKey(*winner);
    if (!hasher) return hasher.error().WithDetail(path);
    return hasher;
  }
  return IdHasher(std::string(reinterpret_cast<char*>(key), kKeySize));
}

std::string IdHasher::Hash(const IdNumber& id) const {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(id.number.data()), id.number.size(), mac, &len);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(mac), len));
}

Result<std::string> IdHasher::HashText(std::string_view text) const {
  ZJ_ASSIGN_OR_RETURN(IdNumber id, ValidateIdNumber(text));
  return Hash(id);
}

}  // namespace zhijian::registry
