#include "app/login_service.hpp"

#include <algorithm>
#include <array>

#include "common/text.hpp"
#include "identity/authorization.hpp"

namespace fr {
namespace {

constexpr std::string_view kCsrfPurpose = "first-responder session csrf v1";
constexpr std::size_t kMaxSessionLabel = 100;

Error WrongCredentials() {
  // One answer for every way a sign-in can fail, so that it tells nobody which addresses exist.
  return Error::Unauthenticated("The e-mail address or the password is wrong.");
}

Error InvalidInvite() {
  return Error::InvalidArgument(
      "The link is unknown, used or expired; ask for a new one.",
      {{"invite", "is unknown, used or expired"}});
}

// Printable ASCII only, cut short: a label for people, from a header anyone can write.
std::string SessionLabel(std::string_view user_agent) {
  std::string label;
  for (const char ch : user_agent) {
    if (label.size() == kMaxSessionLabel) break;
    if (ch >= 0x20 && ch < 0x7F) label.push_back(ch);
  }
  return label.empty() ? "unknown browser" : label;
}

}  // namespace

std::string SessionCsrfToken(const SecretDigest& digest, std::string_view session_secret) {
  return digest.HmacSha256Hex(session_secret, kCsrfPurpose);
}

std::string InviteUrl(std::string_view public_url, std::string_view secret) {
  std::string base(public_url);
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/set-password#invite=" + std::string(secret);
}

LoginService::LoginService(UserRepository& users, OrganizationRepository& organizations,
                           LoginRepository& logins, TokenRepository& tokens,
                           const PasswordHasher& hasher, const SecretDigest& digest,
                           SecureRandom& random, const Clock& clock, SessionPolicy sessions,
                           LoginThrottlePolicy throttle)
    : users_(users),
      organizations_(organizations),
      logins_(logins),
      tokens_(tokens),
      hasher_(hasher),
      digest_(digest),
      random_(random),
      clock_(clock),
      sessions_(sessions),
      by_account_(throttle.failures_per_account, throttle.window),
      by_address_(throttle.failures_per_address, throttle.window) {}

Result<Login> LoginService::SetEmail(UserId user, std::string_view email) {
  const std::string trimmed(TrimAsciiWhitespace(email));
  FR_RETURN_IF_ERROR(ValidateEmail(trimmed));
  FR_RETURN_IF_ERROR(logins_.SetEmail(user, trimmed, EmailKey(trimmed)));
  FR_ASSIGN_OR_RETURN(std::optional<Login> login, logins_.Find(user));
  if (!login) return Error::Internal("a login just stored is missing");
  return *std::move(login);
}

Result<IssuedInvite> LoginService::Invite(UserId user) {
  const Timestamp now = clock_.Now();
  IssuedInvite issued{user, GeneratePrefixedSecret(kInviteSecretPrefix, random_),
                      now + std::chrono::duration_cast<std::chrono::milliseconds>(kInviteValidity)};
  FR_RETURN_IF_ERROR(logins_.ReplaceInvites(
      PasswordInvite{user, digest_.Sha256Hex(issued.secret), now, issued.expires_at, std::nullopt}));
  return issued;
}

Result<IssuedInvite> LoginService::InviteUser(UserId user) {
  FR_ASSIGN_OR_RETURN(const std::optional<User> found, users_.Find(user));
  if (!found) return Error::NotFound("User " + std::to_string(user.value) + " does not exist.");
  return Invite(user);
}

Result<IssuedInvite> LoginService::InviteMember(const Principal& principal,
                                                OrganizationId organization, UserId member,
                                                const std::optional<std::string>& email) {
  FR_RETURN_IF_ERROR(RequireOrganizationAdmin(
      principal, organization, "Only an admin of the organisation creates invite links."));
  FR_ASSIGN_OR_RETURN(const auto membership, organizations_.FindMembership(organization, member));
  if (!membership) return Error::NotFound("The user is not a member of this organisation.");
  FR_ASSIGN_OR_RETURN(std::optional<Login> login, logins_.Find(member));
  // The admin receives the link, so whoever it is for must have nothing an admin of this one
  // organisation may not take over (decision 0053): no password, no token or session in use,
  // no other organisation, no login e-mail that someone else chose. The operator handles the
  // rest (`admin user invite`).
  if (login && login->password_hash) {
    return Error::FailedPrecondition(
        "The member has a password already; only the operator can send a new link.");
  }
  FR_ASSIGN_OR_RETURN(const auto memberships, organizations_.MembershipsOfUser(member));
  if (memberships.size() != 1) {
    return Error::FailedPrecondition(
        "The member belongs to other organisations too; only the operator can send a link.");
  }
  TokenFilter own_tokens;
  own_tokens.user = member;
  FR_ASSIGN_OR_RETURN(const auto tokens, tokens_.List(own_tokens));
  const Timestamp now = clock_.Now();
  for (const Token& token : tokens) {
    if (!token.revoked_at && (!token.expires_at || *token.expires_at > now)) {
      return Error::FailedPrecondition(
          "The member already uses a token or session; only the operator can send a link.");
    }
  }
  if (email && login && !login->email.empty() && EmailKey(login->email) != EmailKey(*email)) {
    return Error::FailedPrecondition(
        "The member has a login e-mail already; only the operator changes it.");
  }
  if (email) {
    FR_ASSIGN_OR_RETURN(login, SetEmail(member, *email));
  } else if (!login) {
    return Error::FailedPrecondition(
        "The member has no login e-mail yet; send `email` with the request.");
  }
  return Invite(member);
}

Status LoginService::SetPasswordWithInvite(std::string_view invite_secret,
                                           std::string_view password) {
  std::vector<FieldError> errors;
  if (!IsWellFormedSecret(invite_secret, kInviteSecretPrefix)) {
    errors.push_back({"invite", "is unknown, used or expired"});
  }
  if (const Status rules = ValidateNewPassword(password); !rules.ok()) {
    errors.insert(errors.end(), rules.error().field_errors.begin(),
                  rules.error().field_errors.end());
  }
  if (!errors.empty()) return Error::InvalidArgument("The request body is invalid.", errors);
  const std::string invite_hash = digest_.Sha256Hex(invite_secret);
  // Checked before the slow hash, so that guessed links cost the server nothing much.
  FR_ASSIGN_OR_RETURN(const std::optional<PasswordInvite> invite, logins_.FindInvite(invite_hash));
  if (!invite || invite->used_at || clock_.Now() >= invite->expires_at) return InvalidInvite();
  FR_ASSIGN_OR_RETURN(const std::string hash, hasher_.Hash(password));
  const Timestamp now = clock_.Now();
  FR_ASSIGN_OR_RETURN(const std::optional<UserId> user, logins_.ConsumeInvite(invite_hash, now));
  if (!user) return InvalidInvite();
  FR_RETURN_IF_ERROR(logins_.SetPasswordHash(*user, hash, now));
  FR_RETURN_IF_ERROR(tokens_.RevokeSessions(*user, now));
  return Ok();
}

Status LoginService::SetPassword(UserId user, std::string_view password) {
  FR_RETURN_IF_ERROR(ValidateNewPassword(password));
  FR_ASSIGN_OR_RETURN(const std::string hash, hasher_.Hash(password));
  const Timestamp now = clock_.Now();
  FR_RETURN_IF_ERROR(logins_.SetPasswordHash(user, hash, now));
  FR_RETURN_IF_ERROR(tokens_.RevokeSessions(user, now));
  return Ok();
}

const std::string& LoginService::DummyHash() {
  std::call_once(dummy_once_, [this] {
    std::array<std::uint8_t, 32> bytes{};
    random_.Fill(bytes);
    const auto hash =
        hasher_.Hash(HexEncode(std::string_view(reinterpret_cast<const char*>(bytes.data()),
                                                bytes.size())));
    // Without it an unknown address would answer faster; an empty hash still verifies false.
    if (hash.ok()) dummy_hash_ = *hash;
  });
  return dummy_hash_;
}

Result<StartedSession> LoginService::SignIn(std::string_view email, std::string_view password,
                                            std::string_view client_address,
                                            std::string_view client_label) {
  std::vector<FieldError> missing;
  if (email.empty()) missing.push_back({"email", "is required"});
  if (password.empty()) missing.push_back({"password", "is required"});
  if (!missing.empty()) return Error::InvalidArgument("The request body is invalid.", missing);
  if (email.size() > kMaxEmailBytes || password.size() > kMaxPasswordBytes) {
    return WrongCredentials();
  }
  const std::string account_key = EmailKey(email);
  const std::string address_key(client_address);
  const Timestamp now = clock_.Now();
  if (by_address_.Blocked(address_key, now) || by_account_.Blocked(account_key, now)) {
    return Error::TooManyRequests(
        "Too many failed sign-ins for this address or account; wait a few minutes.");
  }
  FR_ASSIGN_OR_RETURN(const std::optional<Login> login, logins_.FindByEmailKey(account_key));
  const bool has_password = login && login->password_hash;
  const bool verified = hasher_.Verify(has_password ? *login->password_hash : DummyHash(), password);
  if (!has_password || !verified) {
    by_address_.RecordFailure(address_key, now);
    by_account_.RecordFailure(account_key, now);
    return WrongCredentials();
  }
  by_account_.Clear(account_key);
  FR_ASSIGN_OR_RETURN(const std::optional<User> user, users_.Find(login->user));
  if (!user) return WrongCredentials();  // deleted in between

  // The session starts now, after the deliberately slow verification.
  const Timestamp started = clock_.Now();
  Token session;
  session.kind = TokenKind::kSession;
  session.user_id = user->id;
  session.name = SessionLabel(client_label);
  session.created_at = started;
  session.expires_at = started + sessions_.lifetime;
  std::string secret = GenerateTokenSecret(TokenKind::kSession, random_);
  session.secret_hash = digest_.Sha256Hex(secret);
  FR_ASSIGN_OR_RETURN(Token stored, tokens_.Create(session));
  std::string csrf = SessionCsrfToken(digest_, secret);
  const Timestamp idle_expires_at = IdleExpiry(stored);
  return StartedSession{std::move(stored), std::move(secret), std::move(csrf), *user,
                        idle_expires_at};
}

Timestamp LoginService::IdleExpiry(const Token& session) const {
  const Timestamp last = session.last_used_at.value_or(session.created_at);
  Timestamp idle_end = std::max(last, session.created_at) + sessions_.idle_timeout;
  return session.expires_at ? std::min(idle_end, *session.expires_at) : idle_end;
}

Status LoginService::SignOut(const Principal& principal) {
  if (!principal.IsSession()) {
    return Error::FailedPrecondition(
        "Only a session signs out; revoke a token with `first-responder admin token revoke`.");
  }
  FR_RETURN_IF_ERROR(tokens_.Revoke(principal.token_id, clock_.Now()));
  return Ok();
}

Result<std::vector<SessionView>> LoginService::ListSessions(const Principal& principal) {
  if (!principal.IsUser()) {
    return Error::PermissionDenied("Sessions belong to users; an organisation token has none.");
  }
  FR_ASSIGN_OR_RETURN(const std::vector<Token> tokens,
                      tokens_.List({principal.user_id, std::nullopt, TokenKind::kSession}));
  const Timestamp now = clock_.Now();
  std::vector<SessionView> sessions;
  for (auto it = tokens.rbegin(); it != tokens.rend(); ++it) {
    const Timestamp idle_end = IdleExpiry(*it);
    if (it->IsUsableAt(now) && now < idle_end) sessions.push_back({*it, idle_end});
  }
  return sessions;
}

Status LoginService::RevokeSession(const Principal& principal, TokenId session) {
  FR_ASSIGN_OR_RETURN(const std::vector<SessionView> sessions, ListSessions(principal));
  const bool own = std::any_of(sessions.begin(), sessions.end(),
                               [&](const SessionView& view) { return view.session.id == session; });
  if (!own) return Error::NotFound("You have no session " + std::to_string(session.value) + ".");
  FR_RETURN_IF_ERROR(tokens_.Revoke(session, clock_.Now()));
  return Ok();
}

}  // namespace fr
