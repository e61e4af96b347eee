#include <cstdio>
#include <functional>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "main/backup_restore.hpp"
#include "main/commands.hpp"
#include "main/logging.hpp"
#include "main/services.hpp"

namespace fr {
namespace {

using Json = nlohmann::json;

struct AdminOptions {
  DatabaseOption database;
  bool json = false;
  std::string name;
  std::int64_t organization = 0;
  std::int64_t user = 0;
  std::int64_t token = 0;
  std::string role = "member";
  bool allow_admin_access = false;
  int expires_days = 0;
  std::string country;
  std::string city;
  std::string from;
  std::string to;
  std::string email;
  std::string public_url = "http://127.0.0.1:8080";
  std::string path;  // backup --to, restore --from
  std::string voicemail_dir;  // backup, restore: empty: DefaultVoicemailDir
  std::string number;
  std::int64_t phone = 0;
};

Json TimestampOrNull(const std::optional<Timestamp>& at) {
  return at ? Json(FormatTimestamp(*at)) : Json(nullptr);
}

Json TokenJson(const Token& token) {
  return {{"id", token.id.value},
          {"kind", TokenKindName(token.kind)},
          {"userID", token.user_id.valid() ? Json(token.user_id.value) : Json(nullptr)},
          {"organizationID", token.organization_id.valid() ? Json(token.organization_id.value)
                                                           : Json(nullptr)},
          {"name", token.name},
          {"createdAt", FormatTimestamp(token.created_at)},
          {"lastUsedAt", TimestampOrNull(token.last_used_at)},
          {"expiresAt", TimestampOrNull(token.expires_at)},
          {"revokedAt", TimestampOrNull(token.revoked_at)}};
}

int Fail(const AdminOptions& options, const Error& error) {
  if (options.json) {
    Json body = {{"error", ErrorCodeName(error.code)}, {"detail", error.detail}};
    for (const auto& field : error.field_errors) {
      body["errors"].push_back({{"field", field.field}, {"message", field.message}});
    }
    std::cout << body.dump() << std::endl;
  }
  std::fprintf(stderr, "error: %s\n", error.detail.c_str());
  for (const auto& field : error.field_errors) {
    std::fprintf(stderr, "  %s: %s\n", field.field.c_str(), field.message.c_str());
  }
  return 1;
}

// Prints `json` in --json mode, else `text`.
int Print(const AdminOptions& options, const Json& json, const std::string& text) {
  if (options.json) {
    std::cout << json.dump() << std::endl;
  } else {
    std::cout << text << std::endl;
  }
  return 0;
}

using Action = std::function<int(Services&, const AdminOptions&)>;

int RunAction(const AdminOptions& options, const Action& action) {
  // Progress (migrations) goes to stderr, so that stdout stays the command's answer.
  (void)SetUpLogging("text", "warn");
  auto services = Services::Open(options.database.url, 1);
  if (!services.ok()) return Fail(options, services.error());
  // The operator at the machine: no user, no token; what the command changes is audited as
  // theirs (decision 0058).
  const AuditScope operator_scope(AuditActor{std::nullopt, std::nullopt, "admin-command", ""});
  return action(**services, options);
}

int CreateOrganization(Services& services, const AdminOptions& options) {
  const auto organization = services.administration.CreateOrganization(options.name);
  if (!organization.ok()) return Fail(options, organization.error());
  return Print(options, {{"id", organization->id.value}, {"name", organization->name}},
               "organization " + std::to_string(organization->id.value) + " created");
}

int CreateUser(Services& services, const AdminOptions& options) {
  const auto user = services.administration.CreateUser(options.name);
  if (!user.ok()) return Fail(options, user.error());
  return Print(options, {{"id", user->id.value}, {"name", user->name}},
               "user " + std::to_string(user->id.value) + " created");
}

int SetLogin(Services& services, const AdminOptions& options) {
  const auto login = services.login.SetEmail(UserId(options.user), options.email);
  if (!login.ok()) return Fail(options, login.error());
  return Print(options,
               {{"userID", options.user},
                {"email", login->email},
                {"hasPassword", login->password_hash.has_value()}},
               "user " + std::to_string(options.user) + " signs in as " + login->email);
}

int InviteUser(Services& services, const AdminOptions& options) {
  if (!options.public_url.starts_with("http://") && !options.public_url.starts_with("https://")) {
    return Fail(options, Error::InvalidArgument("--public-url must start with http:// or https://"));
  }
  const auto invite = services.login.InviteUser(UserId(options.user));
  if (!invite.ok()) return Fail(options, invite.error());
  const std::string url = InviteUrl(options.public_url, invite->secret);
  return Print(options,
               {{"userID", options.user},
                {"url", url},
                {"expiresAt", FormatTimestamp(invite->expires_at)}},
               url);
}

int DeleteUser(Services& services, const AdminOptions& options) {
  const Status deleted = services.administration.DeleteUser(UserId(options.user));
  if (!deleted.ok()) return Fail(options, deleted.error());
  return Print(options, {{"id", options.user}, {"deleted", true}},
               "user " + std::to_string(options.user) +
                   " deleted with their memberships, agent phones and tokens");
}

int EraseCaller(Services& services, const AdminOptions& options) {
  const auto erased =
      services.privacy.EraseCallerAsOperator(OrganizationId(options.organization), options.number);
  if (!erased.ok()) return Fail(options, erased.error());
  return Print(options,
               {{"callLogs", erased->call_logs},
                {"telephoneRecords", erased->telephone_records},
                {"callLogEntries", erased->call_log_entries}},
               "erased from " + std::to_string(erased->call_logs) + " call log(s), " +
                   std::to_string(erased->telephone_records) + " telephone record(s) and " +
                   std::to_string(erased->call_log_entries) + " call-log entry detail(s)");
}

int AddMember(Services& services, const AdminOptions& options) {
  const auto role = ParseRole(options.role);
  if (!role) return Fail(options, Error::InvalidArgument("--role must be 'admin' or 'member'."));
  const auto membership = services.administration.AddMember(
      OrganizationId(options.organization), UserId(options.user), *role,
      options.allow_admin_access);
  if (!membership.ok()) return Fail(options, membership.error());
  return Print(options,
               {{"organizationID", options.organization},
                {"userID", options.user},
                {"role", RoleName(*role)},
                {"allowAdminAccess", options.allow_admin_access}},
               "user " + std::to_string(options.user) + " is now " + RoleName(*role) +
                   " of organization " + std::to_string(options.organization));
}

int VerifyPhone(Services& services, const AdminOptions& options) {
  const auto phone = services.agent_phone_service.VerifyByOperator(AgentPhoneId(options.phone));
  if (!phone.ok()) return Fail(options, phone.error());
  return Print(options,
               {{"id", phone->id.value},
                {"userID", phone->user_id.value},
                {"verification", PhoneVerificationName(phone->verification)}},
               "agent phone " + std::to_string(phone->id.value) + " is verified");
}

int RemoveMember(Services& services, const AdminOptions& options) {
  const Status removed = services.administration.RemoveMember(
      OrganizationId(options.organization), UserId(options.user));
  if (!removed.ok()) return Fail(options, removed.error());
  return Print(options, {{"organizationID", options.organization}, {"userID", options.user}},
               "membership removed");
}

int CreateToken(Services& services, const AdminOptions& options) {
  if ((options.user > 0) == (options.organization > 0)) {
    return Fail(options, Error::InvalidArgument("Give exactly one of --user ID and --org ID."));
  }
  TokenRequest request{options.name, std::nullopt};
  if (options.expires_days != 0) request.expires_in_days = options.expires_days;
  auto issued = options.user > 0 ? services.administration.CreatePersonalToken(
                                       UserId(options.user), request)
                                 : services.administration.CreateOrganizationToken(
                                       OrganizationId(options.organization), request);
  if (!issued.ok()) return Fail(options, issued.error());
  Json json = TokenJson(issued->token);
  json["secret"] = issued->secret;
  return Print(options, json, issued->secret);
}

int ListTokens(Services& services, const AdminOptions& options) {
  TokenFilter filter;
  if (options.user > 0) filter.user = UserId(options.user);
  if (options.organization > 0) filter.organization = OrganizationId(options.organization);
  const auto tokens = services.administration.ListTokens(filter);
  if (!tokens.ok()) return Fail(options, tokens.error());
  Json list = Json::array();
  std::string text = "ID  KIND          OWNER  NAME  CREATED  LAST USED  EXPIRES  REVOKED";
  for (const Token& token : *tokens) {
    list.push_back(TokenJson(token));
    const auto owner = token.kind == TokenKind::kPersonal ? "user " + std::to_string(token.user_id.value)
                                                          : "org " + std::to_string(token.organization_id.value);
    text += "\n" + std::to_string(token.id.value) + "  " + TokenKindName(token.kind) + "  " +
            owner + "  " + (token.name.empty() ? "-" : token.name) + "  " +
            FormatTimestamp(token.created_at) + "  " +
            (token.last_used_at ? FormatTimestamp(*token.last_used_at) : "-") + "  " +
            (token.expires_at ? FormatTimestamp(*token.expires_at) : "-") + "  " +
            (token.revoked_at ? FormatTimestamp(*token.revoked_at) : "-");
  }
  return Print(options, {{"tokens", list}}, text);
}

int AddNumbers(Services& services, const AdminOptions& options) {
  const auto added =
      services.number_service.AddBlock(options.country, options.city, options.from, options.to);
  if (!added.ok()) return Fail(options, added.error());
  return Print(options, {{"added", *added}, {"country", options.country}, {"city", options.city}},
               std::to_string(*added) + " numbers added in " + options.city + ", " +
                   options.country);
}

int ListNumbers(Services& services, const AdminOptions& options) {
  const auto numbers = services.number_service.List();
  if (!numbers.ok()) return Fail(options, numbers.error());
  Json list = Json::array();
  std::string text = "NUMBER            COUNTRY  CITY  STATE";
  for (const InventoryNumber& number : *numbers) {
    Json entry = {{"number", number.number},
                  {"country", number.country},
                  {"city", number.city},
                  {"state", NumberStateName(number.state)},
                  {"hotlineID", number.hotline.valid() ? Json(number.hotline.value) : Json(nullptr)},
                  {"quarantinedUntil", TimestampOrNull(number.quarantined_until)},
                  {"routed", number.routed}};
    text += "\n" + number.number + "  " + number.country + "  " + number.city + "  " +
            NumberStateName(number.state);
    if (number.hotline.valid()) text += " (hotline " + std::to_string(number.hotline.value) + ")";
    if (number.quarantined_until) text += " until " + FormatTimestamp(*number.quarantined_until);
    if (number.routed) text += ", routed";
    list.push_back(std::move(entry));
  }
  return Print(options, {{"numbers", list}}, text);
}

int RevokeToken(Services& services, const AdminOptions& options) {
  const Status revoked = services.administration.RevokeToken(TokenId(options.token));
  if (!revoked.ok()) return Fail(options, revoked.error());
  return Print(options, {{"id", options.token}, {"revoked", true}},
               "token " + std::to_string(options.token) + " revoked");
}

std::filesystem::path VoicemailDirOf(const AdminOptions& options) {
  return options.voicemail_dir.empty() ? DefaultVoicemailDir(options.database.url)
                                       : std::filesystem::path(options.voicemail_dir);
}

int BackUpDatabase(Services& services, const AdminOptions& options) {
  const auto done = BackUp(*services.database, options.path, VoicemailDirOf(options));
  if (!done.ok()) return Fail(options, done.error());
  return Print(options,
               {{"path", done->path},
                {"checksumPath", done->checksum_path},
                {"sha256", done->sha256},
                {"schemaVersion", done->schema_version},
                {"voicemails", done->voicemails}},
               "backup written to " + done->path + " (SHA-256 in " + done->checksum_path + ", " +
                   std::to_string(done->voicemails) + " voicemail(s) in " + done->path +
                   ".voicemails)");
}

// Without Services: opening the database would hold the very lock a restore must take alone.
int RestoreDatabase(const AdminOptions& options) {
  (void)SetUpLogging("text", "warn");
  const auto done = Restore(options.database.url, options.path, VoicemailDirOf(options));
  if (!done.ok()) return Fail(options, done.error());
  return Print(options,
               {{"sha256", done->sha256},
                {"schemaVersion", done->schema_version},
                {"voicemails", done->voicemails}},
               "restored " + options.path + " (schema version " +
                   std::to_string(done->schema_version) + ", " + std::to_string(done->voicemails) +
                   " voicemail(s))");
}

// A leaf subcommand that accepts the admin tree's shared options wherever they are written.
CLI::App* Leaf(CLI::App& parent, const std::string& name, const std::string& description,
               std::shared_ptr<AdminOptions> options, Action action, int& exit_code) {
  CLI::App* leaf = parent.add_subcommand(name, description);
  leaf->fallthrough();
  leaf->callback([options, action = std::move(action), &exit_code] {
    exit_code = RunAction(*options, action);
  });
  return leaf;
}

}  // namespace

void AddAdminCommands(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<AdminOptions>();
  CLI::App* admin = app.add_subcommand("admin", "Manage organisations, users and tokens");
  admin->require_subcommand(1);
  AddDatabaseOption(*admin, options->database);
  admin->add_flag("--json", options->json, "Print one JSON object instead of text");

  CLI::App* org = admin->add_subcommand("org", "Organisations")->require_subcommand(1);
  org->fallthrough();
  Leaf(*org, "create", "Create an organisation", options, CreateOrganization, exit_code)
      ->add_option("--name", options->name, "Its name (1..200 characters)")
      ->required();

  CLI::App* user = admin->add_subcommand("user", "Users")->require_subcommand(1);
  user->fallthrough();
  Leaf(*user, "create", "Create a user", options, CreateUser, exit_code)
      ->add_option("--name", options->name, "The user's name (1..100 characters)")
      ->required();
  Leaf(*user, "delete", "Delete a user with their memberships, agent phones and tokens", options,
       DeleteUser, exit_code)
      ->add_option("id", options->user, "User id")
      ->required();

  CLI::App* set_login = Leaf(*user, "set-login", "Set the e-mail a user signs in with", options,
                             SetLogin, exit_code);
  set_login->add_option("--user", options->user, "User id")->required();
  set_login->add_option("--email", options->email, "E-mail address (unique in any letter case)")
      ->required();
  CLI::App* invite = Leaf(*user, "invite", "Print a one-time link (24 h) to set a password",
                          options, InviteUser, exit_code);
  invite->add_option("--user", options->user, "User id")->required();
  invite->add_option("--public-url", options->public_url,
                     "Base URL of the service as users reach it")
      ->envname("FR_PUBLIC_URL")
      ->capture_default_str();

  CLI::App* member = admin->add_subcommand("member", "Memberships")->require_subcommand(1);
  member->fallthrough();
  CLI::App* add = Leaf(*member, "add", "Add a user to an organisation", options, AddMember,
                       exit_code);
  add->add_option("--org", options->organization, "Organisation id")->required();
  add->add_option("--user", options->user, "User id")->required();
  add->add_option("--role", options->role, "admin or member")->capture_default_str();
  add->add_flag("--allow-admin-access", options->allow_admin_access,
                "Record the user's consent that admins manage their agent phones");
  CLI::App* remove = Leaf(*member, "remove", "Remove a user from an organisation", options,
                          RemoveMember, exit_code);
  remove->add_option("--org", options->organization, "Organisation id")->required();
  remove->add_option("--user", options->user, "User id")->required();

  CLI::App* phone = admin->add_subcommand("phone", "Agent phones")->require_subcommand(1);
  phone->fallthrough();
  Leaf(*phone, "verify",
       "Mark an agent phone verified without a verification call (a number proven otherwise)",
       options, VerifyPhone, exit_code)
      ->add_option("--phone", options->phone, "Agent phone id")
      ->required();

  CLI::App* token = admin->add_subcommand("token", "Access tokens")->require_subcommand(1);
  token->fallthrough();
  CLI::App* create = Leaf(*token, "create", "Create a token and print its secret once", options,
                          CreateToken, exit_code);
  create->add_option("--user", options->user, "A personal access token for this user");
  create->add_option("--org", options->organization, "An API token for this organisation");
  create->add_option("--name", options->name, "A label for the token");
  create->add_option("--expires", options->expires_days, "Expire after this many days (1..3650)")
      ->check(CLI::Range(1, 3650));
  CLI::App* list = Leaf(*token, "list", "List tokens (never their secrets)", options, ListTokens,
                        exit_code);
  list->add_option("--user", options->user, "Only this user's tokens");
  list->add_option("--org", options->organization, "Only this organisation's tokens");
  Leaf(*token, "revoke", "Revoke a token", options, RevokeToken, exit_code)
      ->add_option("id", options->token, "Token id")
      ->required();

  CLI::App* numbers = admin->add_subcommand("numbers", "The phone-number inventory")
                          ->require_subcommand(1);
  numbers->fallthrough();
  CLI::App* add_numbers = Leaf(*numbers, "add", "Import a block of numbers the trunk routes here",
                               options, AddNumbers, exit_code);
  add_numbers->add_option("--country", options->country, "ISO country code, e.g. DE")->required();
  add_numbers->add_option("--city", options->city, "City, e.g. Aachen")->required();
  add_numbers->add_option("--from", options->from, "First number, e.g. 004924155660000")
      ->required();
  add_numbers->add_option("--to", options->to, "Last number, e.g. 004924155660999")->required();
  Leaf(*numbers, "list", "Every number with its state", options, ListNumbers, exit_code);

  CLI::App* privacy = admin->add_subcommand("privacy", "Callers' data")->require_subcommand(1);
  privacy->fallthrough();
  CLI::App* erase = Leaf(*privacy, "erase-caller",
                         "Replace a caller's number by 'erased' in an organisation's call history",
                         options, EraseCaller, exit_code);
  erase->add_option("--org", options->organization, "Organisation id")->required();
  erase->add_option("--number", options->number, "The caller's number, +49… or 0049…")->required();

  CLI::App* backup =
      Leaf(*admin, "backup", "Write a consistent copy of the SQLite database and its checksum",
           options, BackUpDatabase, exit_code);
  backup->add_option("--to", options->path, "The backup file; PATH.sha256 is written beside it")
      ->required();
  backup->add_option("--voicemail-dir", options->voicemail_dir,
                     "The server's --voicemail-dir; its recordings go to PATH.voicemails");
  CLI::App* restore =
      admin->add_subcommand("restore", "Replace the SQLite database by a backup (server stopped)");
  restore->fallthrough();
  restore->add_option("--from", options->path, "The backup file (with PATH.sha256 beside it)")
      ->required();
  restore->add_option("--voicemail-dir", options->voicemail_dir,
                      "The server's --voicemail-dir; it gets the recordings of PATH.voicemails");
  restore->callback([options, &exit_code] { exit_code = RestoreDatabase(*options); });
}

}  // namespace fr
