#pragma once

#include <memory>
#include <string>

#include "adapters/crypto/openssl_crypto.hpp"
#include "adapters/storage/database.hpp"
#include "adapters/storage/soci_identity_repositories.hpp"
#include "app/account_service.hpp"
#include "app/administration_service.hpp"
#include "app/authentication_service.hpp"
#include "common/clock.hpp"

namespace fr {

// The wiring shared by `serve` and `admin`: one database, its repositories, and the app
// services built on them. Members are declared in construction order.
struct Services {
  explicit Services(std::unique_ptr<Database> db)
      : database(std::move(db)),
        users(*database),
        organizations(*database),
        tokens(*database),
        authentication(tokens, organizations, digest, clock),
        accounts(users, organizations),
        administration(users, organizations, tokens, digest, random, clock) {}

  // Opens `url` and builds everything. Errors: those of Database::Open.
  static Result<std::unique_ptr<Services>> Open(const std::string& url, std::size_t pool_size);

  SystemClock clock;
  OpensslSecretDigest digest;
  OpensslSecureRandom random;
  std::unique_ptr<Database> database;
  SociUserRepository users;
  SociOrganizationRepository organizations;
  SociTokenRepository tokens;
  AuthenticationService authentication;
  AccountService accounts;
  AdministrationService administration;
};

}  // namespace fr
