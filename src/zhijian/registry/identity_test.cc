#include "zhijian/registry/identity.h"

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace zhijian::registry {
namespace {

// The check character computed the long way: sum of a_i * (2^(17-i) mod 11), then the table
// of ISO 7064 MOD 11-2 as printed in GB 11643.
char CheckByDefinition(const std::string& first17) {
  int sum = 0;
  for (int i = 0; i < 17; ++i) {
    int weight = 1;
    for (int k = 0; k < 17 - i; ++k) weight = weight * 2 % 11;
    sum += (first17[i] - '0') * weight;
  }
  const int r = sum % 11;
  const int value = (12 - r) % 11;  // the value that makes the total 1 mod 11
  return value == 10 ? 'X' : static_cast<char>('0' + value);
}

TEST(IdentityTest, StandardWorkedExample) {
  Result<IdNumber> id = ValidateIdNumber("11010519491231002X");
  ASSERT_TRUE(id) << id.error().ToString();
  EXPECT_EQ(id->number, "11010519491231002X");
  EXPECT_EQ(id->region_code, "110105");
  EXPECT_EQ(id->birth_date, "1949-12-31");
  EXPECT_FALSE(id->male);  // sequence 002: even
  EXPECT_FALSE(id->converted);
}

TEST(IdentityTest, OtherValidNumbers) {
  Result<IdNumber> a = ValidateIdNumber("440524188001010014");
  ASSERT_TRUE(a) << a.error().ToString();
  EXPECT_EQ(a->birth_date, "1880-01-01");
  EXPECT_TRUE(a->male);
  // Built here from parts with the check computed by definition.
  for (std::string first17 : {"37010219800305123", "51010720000229456", "65400119991231001"}) {
    std::string full = first17 + CheckByDefinition(first17);
    EXPECT_TRUE(ValidateIdNumber(full)) << full;
    Result<char> c = IdCheckChar(first17);
    ASSERT_TRUE(c);
    EXPECT_EQ(*c, CheckByDefinition(first17));
  }
}

TEST(IdentityTest, NormalisesSpelling) {
  Result<IdNumber> lower = ValidateIdNumber("  11010519491231002x\n");
  ASSERT_TRUE(lower) << lower.error().ToString();
  EXPECT_EQ(lower->number, "11010519491231002X");
  // Full-width digits and Ｘ.
  Result<IdNumber> wide = ValidateIdNumber(
      "\xEF\xBC\x91\xEF\xBC\x91\xEF\xBC\x90\xEF\xBC\x91\xEF\xBC\x90\xEF\xBC\x95"
      "19491231002\xEF\xBC\xB8");
  ASSERT_TRUE(wide) << wide.error().ToString();
  EXPECT_EQ(wide->number, "11010519491231002X");
}

TEST(IdentityTest, WrongCheckCharacterIsAnError) {
  Result<IdNumber> id = ValidateIdNumber("110105194912310021");
  ASSERT_FALSE(id);
  EXPECT_EQ(id.error().code(), "identity.bad-check");
  EXPECT_EQ(id.error().kind(), Error::Kind::kInvalidArgument);
  EXPECT_NE(id.error().detail().find('X'), std::string::npos);
  // Every wrong check character of a valid body is refused.
  const std::string body = "37010219800305123";
  const char good = CheckByDefinition(body);
  for (char c : std::string("0123456789X")) {
    Result<IdNumber> r = ValidateIdNumber(body + c);
    EXPECT_EQ(r.ok(), c == good) << c;
  }
}

TEST(IdentityTest, LegacyFifteenDigitsConverted) {
  Result<IdNumber> id = ValidateIdNumber("110105491231002");
  ASSERT_TRUE(id) << id.error().ToString();
  EXPECT_EQ(id->number, "11010519491231002X");
  EXPECT_TRUE(id->converted);
  Result<IdNumber> other = ValidateIdNumber("320311770706001");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->number, "320311197707060018");
  EXPECT_EQ(other->birth_date, "1977-07-06");
  // A 15-digit number with a bad birth date is refused after conversion.
  EXPECT_EQ(ValidateIdNumber("110105491331002").error().code(), "identity.bad-birth-date");
}

TEST(IdentityTest, StructuralErrors) {
  EXPECT_EQ(ValidateIdNumber("").error().code(), "identity.empty");
  EXPECT_EQ(ValidateIdNumber("   ").error().code(), "identity.empty");
  EXPECT_EQ(ValidateIdNumber("1101051949123100").error().code(), "identity.bad-length");
  EXPECT_EQ(ValidateIdNumber("11010519491231002X1").error().code(), "identity.bad-length");
  Result<IdNumber> bad_char = ValidateIdNumber("1101051949A231002X");
  ASSERT_FALSE(bad_char);
  EXPECT_EQ(bad_char.error().code(), "identity.bad-char");
  EXPECT_EQ(bad_char.error().detail(), "position 11");
  EXPECT_EQ(ValidateIdNumber("X10105194912310021").error().code(), "identity.bad-char");
  EXPECT_EQ(ValidateIdNumber("11010519491231002Y").error().code(), "identity.bad-char");
  EXPECT_EQ(ValidateIdNumber("11010 19491231002X").error().code(), "identity.bad-char");
}

TEST(IdentityTest, BirthDateAndRegionChecked) {
  auto with_check = [](const std::string& first17) { return first17 + CheckByDefinition(first17); };
  EXPECT_EQ(ValidateIdNumber(with_check("11010519490230002")).error().code(),
            "identity.bad-birth-date");  // 30 February
  EXPECT_EQ(ValidateIdNumber(with_check("11010519491301002")).error().code(),
            "identity.bad-birth-date");
  EXPECT_EQ(ValidateIdNumber(with_check("11010519000229002")).error().code(),
            "identity.bad-birth-date");                            // 1900 is not a leap year
  EXPECT_TRUE(ValidateIdNumber(with_check("11010520000229002")));  // 2000 is
  EXPECT_EQ(ValidateIdNumber(with_check("11010520300101002"), "2026-01-01").error().code(),
            "identity.bad-birth-date");  // after today
  EXPECT_TRUE(ValidateIdNumber(with_check("11010520300101002")));
  EXPECT_EQ(ValidateIdNumber(with_check("00010519491231002")).error().code(),
            "identity.bad-region");
  EXPECT_EQ(ValidateIdNumber(with_check("99010519491231002")).error().code(),
            "identity.bad-region");
  // A six-digit code missing from the table (long retired) under an existing province passes.
  EXPECT_TRUE(ValidateIdNumber(with_check("37019919800101001")));
}

std::string HmacByEvpMac(const std::string& key, const std::string& data) {
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                         OSSL_PARAM_construct_end()};
  EXPECT_EQ(
      EVP_MAC_init(ctx, reinterpret_cast<const unsigned char*>(key.data()), key.size(), params), 1);
  EXPECT_EQ(EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(data.data()), data.size()),
            1);
  unsigned char out[64];
  size_t len = 0;
  EXPECT_EQ(EVP_MAC_final(ctx, out, &len, sizeof out), 1);
  EVP_MAC_CTX_free(ctx);
  EVP_MAC_free(mac);
  std::string hex;
  char buf[3];
  for (size_t i = 0; i < len; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", out[i]);
    hex += buf;
  }
  return hex;
}

std::string Key0To31() {
  std::string key;
  for (int i = 0; i < 32; ++i) key += static_cast<char>(i);
  return key;
}

TEST(IdHasherTest, HmacMatchesIndependentComputations) {
  Result<IdHasher> hasher = IdHasher::FromKey(Key0To31());
  ASSERT_TRUE(hasher);
  Result<std::string> h = hasher->HashText("11010519491231002x");
  ASSERT_TRUE(h) << h.error().ToString();
  // Python: hmac.new(bytes(range(32)), b"11010519491231002X", hashlib.sha256).hexdigest()
  EXPECT_EQ(*h, "a66755453b106dcea0cfa264214ae59ff1e8b067f3e5f3aa8085e1d8757880eb");
  EXPECT_EQ(*h, HmacByEvpMac(Key0To31(), "11010519491231002X"));
  // The legacy spelling hashes like its 18-character form.
  EXPECT_EQ(*hasher->HashText("110105491231002"), *h);
  // A different key gives a different hash; a bad number gives no hash.
  std::string other_key = Key0To31();
  other_key[0] = 'k';
  EXPECT_NE(*IdHasher::FromKey(other_key)->HashText("11010519491231002X"), *h);
  EXPECT_EQ(hasher->HashText("110105194912310021").error().code(), "identity.bad-check");
  EXPECT_EQ(IdHasher::FromKey("short").error().code(), "identity.bad-key");
}

class KeyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/zj-idkey-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

TEST_F(KeyFileTest, CreatesAPrivateKeyOnceAndReloadsIt) {
  const std::string path = dir_ + "/id.key";
  Result<IdHasher> first = IdHasher::LoadOrCreate(path);
  ASSERT_TRUE(first) << first.error().ToString();
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_size, 32);
  std::ifstream in(path, std::ios::binary);
  std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string h = *first->HashText("11010519491231002X");
  EXPECT_EQ(h, HmacByEvpMac(key, "11010519491231002X"));
  Result<IdHasher> again = IdHasher::LoadOrCreate(path);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again->HashText("11010519491231002X"), h);
  // Only the key file is left (no temporary files).
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_),
                          std::filesystem::directory_iterator()),
            1);
  // Another directory gets another random key.
  Result<IdHasher> other = IdHasher::LoadOrCreate(dir_ + "/other.key");
  ASSERT_TRUE(other);
  EXPECT_NE(*other->HashText("11010519491231002X"), h);
}

TEST_F(KeyFileTest, ConcurrentCreatorsAgree) {
  const std::string path = dir_ + "/id.key";
  std::vector<std::string> hashes(8);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < hashes.size(); ++i) {
    threads.emplace_back([&, i] {
      Result<IdHasher> h = IdHasher::LoadOrCreate(path);
      if (h) hashes[i] = *h->HashText("11010519491231002X");
    });
  }
  for (auto& t : threads) t.join();
  for (const std::string& h : hashes) EXPECT_EQ(h, hashes[0]);
  EXPECT_FALSE(hashes[0].empty());
}

TEST_F(KeyFileTest, RefusesAMalformedKeyFile) {
  const std::string path = dir_ + "/id.key";
  std::ofstream(path) << "too short";
  Result<IdHasher> h = IdHasher::LoadOrCreate(path);
  ASSERT_FALSE(h);
  EXPECT_EQ(h.error().code(), "identity.bad-key");
  // A directory that cannot be created (a file stands in its way) is an I/O error.
  std::ofstream(dir_ + "/blocker") << "x";
  Result<IdHasher> blocked = IdHasher::LoadOrCreate(dir_ + "/blocker/sub/id.key");
  ASSERT_FALSE(blocked);
  EXPECT_EQ(blocked.error().code(), "identity.key-io");
}

TEST_F(KeyFileTest, CreatesAMissingDirectoryPrivately) {
  const std::string path = dir_ + "/var/keys/id.key";
  Result<IdHasher> h = IdHasher::LoadOrCreate(path);
  ASSERT_TRUE(h) << h.error().ToString();
  struct stat st {};
  ASSERT_EQ(::stat((dir_ + "/var/keys").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // Read back: the same key.
  Result<IdHasher> again = IdHasher::LoadOrCreate(path);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->Hash(IdNumber{"110105194912310025", "", "", false, false}),
            h->Hash(IdNumber{"110105194912310025", "", "", false, false}));
}

}  // namespace
}  // namespace zhijian::registry
