#include "server/api_keys.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

namespace srclink::server {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(ApiKeysTest, GeneratedKeysHaveTheDocumentedShapeAndDiffer) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    auto key = GenerateApiKey();
    ASSERT_TRUE(key.ok());
    EXPECT_EQ(key->key_id.size(), kKeyIdLength);
    EXPECT_EQ(key->secret.size(), kSecretLength);
    EXPECT_EQ(key->key, "sk_" + key->key_id + "_" + key->secret);
    auto parsed = ParseApiKey(key->key);
    ASSERT_TRUE(parsed.ok()) << parsed.status().message();
    EXPECT_EQ(parsed->key_id, key->key_id);
    EXPECT_EQ(parsed->secret, key->secret);
    EXPECT_TRUE(seen.insert(key->key).second);
  }
}

TEST(ApiKeysTest, SecretsMayContainUnderscores) {
  std::string key = "sk_0123456789ab_" + std::string(31, '_') + "x";
  auto parsed = ParseApiKey(key);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->key_id, "0123456789ab");
  EXPECT_EQ(parsed->secret, std::string(31, '_') + "x");
}

TEST(ApiKeysTest, MalformedKeysAreRefusedWithoutQuotingThem) {
  const std::string secret = "hunter2hunter2hunter2hunter2hunt";
  for (std::string bad :
       {std::string(""), "pk_0123456789ab_" + secret, "sk_0123456789ab" + secret,
        "sk_0123456789AB_" + secret, "sk_0123456789ab_" + secret + "x",
        std::string("sk_0123456789ab_hunter2hunter2hunter2hunter2hun!"), std::string(300, 'a')}) {
    auto parsed = ParseApiKey(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), Status::Code::kInvalidArgument);
    EXPECT_THAT(parsed.status().message(), Not(HasSubstr("hunter2")));
    EXPECT_THAT(parsed.status().message(), HasSubstr("srclink keys create"));
  }
}

TEST(ApiKeysTest, HashIsSha256Hex) {
  EXPECT_EQ(HashSecret("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(HashSecret(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(ApiKeysTest, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
}

TEST(ApiKeysTest, ScopesRoundTrip) {
  EXPECT_EQ(*ParseScopes("upload"), kScopeUpload);
  EXPECT_EQ(*ParseScopes("upload,read"), kScopeUpload | kScopeRead);
  EXPECT_EQ(*ParseScopes(" admin , read "), kScopeAdmin | kScopeRead);
  EXPECT_EQ(ScopeNames(kScopeAdmin | kScopeRead | kScopeUpload), "upload,read,admin");
  EXPECT_EQ(ScopeNames(kScopeRead), "read");
  EXPECT_EQ(ScopeName(kScopeUpload), "upload");
  auto bad = ParseScopes("upload,write");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("\"write\""));
  EXPECT_FALSE(ParseScopes("").ok());
  EXPECT_FALSE(ParseScopes(",").ok());
}

}  // namespace
}  // namespace srclink::server
