#include "adapters/crypto/secret_sealer.hpp"

#include <gtest/gtest.h>

namespace fr {
namespace {

AesGcmSecretSealer::Key KeyOf(std::uint8_t fill) {
  AesGcmSecretSealer::Key key{};
  key.fill(fill);
  return key;
}

TEST(AesGcmSecretSealer, OpensWhatItSealedAndNeverStoresTheSecretItself) {
  const AesGcmSecretSealer sealer(KeyOf(7));
  const std::string secret = "whsec_0123456789abcdef";
  const auto sealed = sealer.Seal(secret);
  ASSERT_TRUE(sealed.ok());
  EXPECT_TRUE(sealed->starts_with("v1:"));
  EXPECT_EQ(sealed->find("0123456789abcdef"), std::string::npos);
  EXPECT_NE(*sealer.Seal(secret), *sealed) << "a fresh nonce each time";
  EXPECT_EQ(*sealer.Open(*sealed), secret);
}

TEST(AesGcmSecretSealer, RefusesAnotherKeyAlteredTextAndNoKey) {
  const AesGcmSecretSealer sealer(KeyOf(7));
  const std::string sealed = *sealer.Seal("whsec_x");
  EXPECT_EQ(AesGcmSecretSealer(KeyOf(8)).Open(sealed).error().code, ErrorCode::kFailedPrecondition);
  std::string altered = sealed;
  altered[altered.size() - 40] = altered[altered.size() - 40] == '0' ? '1' : '0';
  EXPECT_FALSE(sealer.Open(altered).ok());
  EXPECT_FALSE(sealer.Open("whsec_x").ok());
  const AesGcmSecretSealer keyless(std::nullopt);
  EXPECT_EQ(keyless.Seal("whsec_x").error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(keyless.Open(sealed).error().code, ErrorCode::kFailedPrecondition);
}

TEST(ParseSealingKey, SixtyFourHexDigits) {
  const std::string hex(64, 'a');
  ASSERT_TRUE(ParseSealingKey(" " + hex + "\n").has_value());
  EXPECT_EQ(ParseSealingKey(hex)->at(0), 0xaa);
  EXPECT_FALSE(ParseSealingKey(hex.substr(2)).has_value());
  EXPECT_FALSE(ParseSealingKey(std::string(63, 'a') + "g").has_value());
}

}  // namespace
}  // namespace fr
