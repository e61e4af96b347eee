#include "main/demo_data.hpp"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fr {
namespace {

// A sign-in of the demo: its e-mail and a fresh password nobody else knows.
struct DemoLogin {
  std::string email;
  std::string password;
};

// 16 random base64url characters (96 bits): long enough for the password rules, and unlike
// any common password.
std::string DemoPassword(SecureRandom& random) {
  const std::string secret = GenerateTokenSecret(TokenKind::kPersonal, random);
  return secret.substr(kPersonalTokenPrefix.size(), 16);
}

Result<DemoLogin> GiveLogin(Services& services, const User& user, std::string email) {
  DemoLogin login{std::move(email), DemoPassword(services.random)};
  FR_RETURN_IF_ERROR(services.login.SetEmail(user.id, login.email));
  FR_RETURN_IF_ERROR(services.login.SetPassword(user.id, login.password));
  return login;
}

std::string Tour(const std::string& base_url, const Organization& organization,
                 const User& admin, const IssuedToken& admin_token, const User& member,
                 const IssuedToken& member_token, const IssuedToken& api_token,
                 const DemoLogin& admin_login, const DemoLogin& member_login) {
  std::ostringstream out;
  out << "first-responder demo data (tokens and passwords are shown only now; keep this text):\n"
      << "  organization " << organization.id.value << "  " << organization.name << "\n"
      << "  admin  user  " << admin.id.value << "  " << admin.name
      << "   Personal-Access-Token: " << admin_token.secret << "\n"
      << "  member user  " << member.id.value << "  " << member.name
      << "  Personal-Access-Token: " << member_token.secret << "\n"
      << "  organization API-TOKEN: " << api_token.secret << "\n"
      << "  sign-in (web console at " << base_url << "/ or POST /v1/session):\n"
      << "    " << admin.name << "  e-mail: " << admin_login.email
      << "  password: " << admin_login.password << "\n"
      << "    " << member.name << "  e-mail: " << member_login.email
      << "  password: " << member_login.password << "\n\n"
      << "Try:\n"
      << "  curl -s " << base_url << "/healthz\n"
      << "  curl -s " << base_url << "/v1/me -H 'Personal-Access-Token: " << admin_token.secret
      << "'\n"
      << "  curl -s " << base_url << "/v1/me -H 'Authorization: Bearer " << member_token.secret
      << "'\n"
      << "  curl -s -X PUT " << base_url << "/v1/me/organizations/" << organization.id.value
      << " -H 'Personal-Access-Token: " << member_token.secret
      << "' -H 'Content-Type: application/json' -d '{\"allowAdminAccess\": true}'\n"
      << "  curl -s -c cookies.txt " << base_url
      << "/v1/session -H 'Content-Type: application/json' -d '{\"email\": \"" << admin_login.email
      << "\", \"password\": \"" << admin_login.password << "\"}'\n"
      << "  open " << base_url << "/ in a browser and sign in as Ada (admin) or Max (member)\n"
      << "  open " << base_url << "/docs in a browser for the API reference\n";
  return out.str();
}

}  // namespace

Status SeedDemoDataIfEmpty(Services& services, const std::string& base_url,
                           const std::string& credentials_path) {
  AdministrationService& admin = services.administration;
  FR_ASSIGN_OR_RETURN(const std::int64_t organizations, admin.CountOrganizations());
  if (organizations > 0) {
    if (std::filesystem::exists(credentials_path)) {
      spdlog::info("demo: demo data exists; its tokens are in {}", credentials_path);
    } else {
      spdlog::info("demo: the database has data already; no demo data was added");
    }
    return Ok();
  }
  FR_ASSIGN_OR_RETURN(const Organization organization,
                      admin.CreateOrganization("Demo Relief Team"));
  FR_ASSIGN_OR_RETURN(const User ada, admin.CreateUser("Ada Admin"));
  FR_ASSIGN_OR_RETURN(const User max, admin.CreateUser("Max Member"));
  FR_RETURN_IF_ERROR(admin.AddMember(organization.id, ada.id, Role::kAdmin, false));
  FR_RETURN_IF_ERROR(admin.AddMember(organization.id, max.id, Role::kMember, true));
  FR_ASSIGN_OR_RETURN(const IssuedToken ada_token,
                      admin.CreatePersonalToken(ada.id, {"demo", std::nullopt}));
  FR_ASSIGN_OR_RETURN(const IssuedToken max_token,
                      admin.CreatePersonalToken(max.id, {"demo", std::nullopt}));
  FR_ASSIGN_OR_RETURN(const IssuedToken api_token,
                      admin.CreateOrganizationToken(organization.id, {"demo", std::nullopt}));
  FR_ASSIGN_OR_RETURN(const DemoLogin ada_login, GiveLogin(services, ada, "ada@example.org"));
  FR_ASSIGN_OR_RETURN(const DemoLogin max_login, GiveLogin(services, max, "max@example.org"));
  // Local numbers for hotlines of an organisation whose SIP customer account is in Aachen.
  FR_RETURN_IF_ERROR(
      services.number_service.AddBlock("DE", "Aachen", "004924155660000", "004924155660019"));

  const std::string tour =
      Tour(base_url, organization, ada, ada_token, max, max_token, api_token, ada_login, max_login);
  std::fwrite(tour.data(), 1, tour.size(), stdout);
  std::fflush(stdout);
  const mode_t previous = umask(0077);
  std::ofstream(credentials_path) << tour;
  umask(previous);
  spdlog::info("demo: the tokens are also saved in {} (readable only by you)", credentials_path);
  return Ok();
}

}  // namespace fr
