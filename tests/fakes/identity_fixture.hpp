#pragma once

#include <gtest/gtest.h>

#include "app/administration_service.hpp"
#include "app/authentication_service.hpp"
#include "fakes/fake_clock.hpp"
#include "fakes/fake_crypto.hpp"
#include "fakes/in_memory_hotline_repository.hpp"
#include "fakes/in_memory_identity_repositories.hpp"

namespace fr::testing {

// A fixture for the tests of authentication and what rests on it: the administration and
// authentication services over the in-memory repositories, with a fake clock and fake crypto,
// and one organisation ("Relief") whose admin is the user Ann.
class IdentityFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    organization_ = *administration_.CreateOrganization("Relief");
    user_ = *administration_.CreateUser("Ann");
    ASSERT_TRUE(administration_.AddMember(organization_.id, user_.id, Role::kAdmin, true).ok());
  }

  FakeClock clock_;
  FakeSecureRandom random_;
  FakeSecretDigest digest_;
  InMemoryUserRepository users_;
  InMemoryOrganizationRepository organizations_;
  InMemoryTokenRepository tokens_;
  InMemoryHotlineRepository hotlines_;
  AdministrationService administration_{users_,  organizations_, tokens_, hotlines_,
                                        digest_, random_,        clock_};
  AuthenticationService authentication_{tokens_, organizations_, digest_, clock_};
  Organization organization_;
  User user_;
};

}  // namespace fr::testing
