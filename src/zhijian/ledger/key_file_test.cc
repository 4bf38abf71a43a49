#include "zhijian/ledger/key_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "zhijian/ledger/note.h"

namespace zhijian::ledger {
namespace {

namespace fs = std::filesystem;

class KeyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/zj-keyfile-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string dir_;
};

TEST_F(KeyFileTest, SaveLoadRoundTripWithMode0600) {
  Result<KeyPair> key = GenerateEd25519Key("zhijian.example.cn/log", std::string(32, 'k'));
  ASSERT_TRUE(key.ok());
  const std::string path = dir_ + "/log.key";
  ASSERT_TRUE(SaveKeyFile(path, key->signer_key).ok());
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  Result<std::string> loaded = LoadKeyFile(path);
  ASSERT_TRUE(loaded.ok()) << loaded.error().ToString();
  EXPECT_EQ(*loaded, key->signer_key);
  EXPECT_TRUE(NewNoteSigner(*loaded).ok());
  // Never overwritten.
  Result<void> again = SaveKeyFile(path, key->verifier_key);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), "key-file.exists");
  EXPECT_EQ(*LoadKeyFile(path), key->signer_key);
}

TEST_F(KeyFileTest, RefusesLoosePermissionsAndBadContents) {
  const std::string path = dir_ + "/loose.key";
  ASSERT_TRUE(SaveKeyFile(path, "PRIVATE+KEY+x").ok());
  ASSERT_EQ(chmod(path.c_str(), 0644), 0);
  Result<std::string> r = LoadKeyFile(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), "key-file.insecure");
  EXPECT_EQ(r.error().kind(), Error::Kind::kPermissionDenied);
  EXPECT_TRUE(LoadKeyFile(path, /*secret=*/false).ok());  // a public verifier key file

  EXPECT_EQ(LoadKeyFile(dir_ + "/missing").error().code(), "key-file.io");
  EXPECT_EQ(SaveKeyFile(dir_ + "/two", "a\nb").error().code(), "key-file.malformed");
  EXPECT_EQ(SaveKeyFile(dir_ + "/empty", "").error().code(), "key-file.malformed");
  EXPECT_EQ(SaveKeyFile(dir_ + "/no/such/dir/k", "a").error().code(), "key-file.io");
  const std::string two = dir_ + "/two-lines";
  std::ofstream(two) << "a\nb\n";
  ASSERT_EQ(chmod(two.c_str(), 0600), 0);
  EXPECT_EQ(LoadKeyFile(two).error().code(), "key-file.malformed");
}

}  // namespace
}  // namespace zhijian::ledger
