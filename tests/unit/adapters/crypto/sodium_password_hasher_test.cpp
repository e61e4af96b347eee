#include "adapters/crypto/sodium_password_hasher.hpp"

#include <gtest/gtest.h>

namespace fr {
namespace {

TEST(SodiumPasswordHasher, HashesWithArgon2idAndASaltAndVerifies) {
  const SodiumPasswordHasher hasher;
  const auto first = hasher.Hash("purple tractor sings");
  const auto second = hasher.Hash("purple tractor sings");
  ASSERT_TRUE(first.ok() && second.ok());
  // The PHC string names the algorithm and libsodium's interactive limits (64 MiB, 2 passes).
  EXPECT_EQ(first->rfind("$argon2id$v=19$m=65536,t=2,p=1$", 0), 0u) << *first;
  EXPECT_NE(*first, *second);  // a fresh salt each time
  EXPECT_EQ(first->find("purple"), std::string::npos);
  EXPECT_TRUE(hasher.Verify(*first, "purple tractor sings"));
  EXPECT_TRUE(hasher.Verify(*second, "purple tractor sings"));
  EXPECT_FALSE(hasher.Verify(*first, "purple tractor sing"));
  EXPECT_FALSE(hasher.Verify(*first, ""));
}

TEST(SodiumPasswordHasher, RefusesHashesItCannotRead) {
  const SodiumPasswordHasher hasher;
  EXPECT_FALSE(hasher.Verify("", "anything"));
  EXPECT_FALSE(hasher.Verify("$argon2id$garbage", "anything"));
  EXPECT_FALSE(hasher.Verify(std::string(500, 'x'), "anything"));
}

}  // namespace
}  // namespace fr
