#include "identity/token.hpp"

#include <gtest/gtest.h>

#include <set>

#include "fakes/fake_crypto.hpp"

namespace fr {
namespace {

TEST(TokenSecret, CarriesItsKindInThePrefix) {
  testing::FakeSecureRandom random;
  const std::string personal = GenerateTokenSecret(TokenKind::kPersonal, random);
  const std::string organization = GenerateTokenSecret(TokenKind::kOrganization, random);
  EXPECT_TRUE(personal.starts_with("frpat_"));
  EXPECT_TRUE(organization.starts_with("frapi_"));
  EXPECT_EQ(personal.size(), 6u + 43u);  // 256 bits in unpadded base64url
  EXPECT_EQ(TokenKindOfSecret(personal), TokenKind::kPersonal);
  EXPECT_EQ(TokenKindOfSecret(organization), TokenKind::kOrganization);
}

TEST(TokenSecret, DifferentEveryTime) {
  testing::FakeSecureRandom random;
  std::set<std::string> secrets;
  for (int i = 0; i < 100; ++i) secrets.insert(GenerateTokenSecret(TokenKind::kPersonal, random));
  EXPECT_EQ(secrets.size(), 100u);
}

TEST(TokenSecret, RejectsWhatIsNotOurs) {
  const std::string body(43, 'A');
  EXPECT_FALSE(TokenKindOfSecret("").has_value());
  EXPECT_FALSE(TokenKindOfSecret("frpat_").has_value());
  EXPECT_FALSE(TokenKindOfSecret("frpat_" + body.substr(1)).has_value());
  EXPECT_FALSE(TokenKindOfSecret("frpat_" + body + "A").has_value());
  EXPECT_FALSE(TokenKindOfSecret("frpat_" + body.substr(1) + "=").has_value());
  EXPECT_FALSE(TokenKindOfSecret("ghp_" + body).has_value());
  EXPECT_TRUE(TokenKindOfSecret("frpat_" + body).has_value());
}

TEST(Token, UsableUntilRevokedOrExpired) {
  const Timestamp now = FromEpochMillis(1'000'000);
  Token token;
  EXPECT_TRUE(token.IsUsableAt(now));
  token.expires_at = now + std::chrono::milliseconds(1);
  EXPECT_TRUE(token.IsUsableAt(now));
  EXPECT_FALSE(token.IsUsableAt(now + std::chrono::milliseconds(1)));
  token.expires_at.reset();
  token.revoked_at = now;
  EXPECT_FALSE(token.IsUsableAt(now));
}

TEST(ConstantTimeEquals, ComparesWholeStrings) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
}

}  // namespace
}  // namespace fr
