#include "adapters/crypto/openssl_crypto.hpp"

#include <gtest/gtest.h>

#include <array>
#include <set>
#include <string>

namespace fr {
namespace {

// FIPS 180-2 test vectors: the adapter is SHA-256, not merely some 64-character digest.
TEST(OpensslSecretDigest, MatchesKnownSha256Vectors) {
  const OpensslSecretDigest digest;
  EXPECT_EQ(digest.Sha256Hex(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(digest.Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(digest.Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(digest.Sha256Hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

// Not a test of randomness (nothing short is), but of the wiring: every call fills the whole
// buffer with fresh bytes from the generator, never zeros or a repeated block.
TEST(OpensslSecureRandom, FillsEveryByteWithFreshValues) {
  OpensslSecureRandom random;
  std::set<std::array<std::uint8_t, 32>> seen;
  std::array<int, 32> nonzero_at{};
  for (int i = 0; i < 1000; ++i) {
    std::array<std::uint8_t, 32> bytes{};
    random.Fill(bytes);
    EXPECT_TRUE(seen.insert(bytes).second) << "a 256-bit value came twice";
    for (std::size_t k = 0; k < bytes.size(); ++k) nonzero_at[k] += bytes[k] != 0;
  }
  // Each position is zero about 4 times in 1000; a position never written stays zero always.
  for (std::size_t k = 0; k < nonzero_at.size(); ++k) EXPECT_GT(nonzero_at[k], 950) << k;
}

}  // namespace
}  // namespace fr
