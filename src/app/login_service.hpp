#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/login_throttle.hpp"
#include "common/clock.hpp"
#include "common/random.hpp"
#include "common/result.hpp"
#include "identity/login.hpp"
#include "identity/principal.hpp"
#include "identity/repositories.hpp"

namespace fr {

// How long browser sessions last (decision 0051).
struct SessionPolicy {
  std::chrono::milliseconds idle_timeout = std::chrono::hours(12);
  std::chrono::milliseconds lifetime = std::chrono::hours(24 * 7);
};

// A session as just started: the only moment its secret exists outside the browser.
struct StartedSession {
  Token session;
  std::string secret;
  std::string csrf_token;  // SessionCsrfToken(secret)
  User user;
  Timestamp idle_expires_at;
};

// A session as its user sees it in the list.
struct SessionView {
  Token session;
  Timestamp idle_expires_at;  // the earlier of this and session.expires_at ends it
};

// A set-password link as just created.
struct IssuedInvite {
  UserId user;
  std::string secret;
  Timestamp expires_at;
};

// How long an invite link works.
inline constexpr auto kInviteValidity = std::chrono::hours(24);

// The CSRF token of a session (decision 0051): HMAC-SHA-256 keyed with the session's secret,
// so that it is derived, never stored, and tells nothing about the secret.
std::string SessionCsrfToken(const SecretDigest& digest, std::string_view session_secret);

// The link an invite is used through: `public_url` (no trailing slash needed) followed by
// "/set-password#invite=SECRET". The secret sits in the fragment, which browsers never send to
// a server, so that it reaches no access log and no Referer.
std::string InviteUrl(std::string_view public_url, std::string_view secret);

// Sign-in to the web console: logins, passwords, invites and sessions. Thread-safe.
class LoginService {
 public:
  LoginService(UserRepository& users, OrganizationRepository& organizations, LoginRepository& logins,
               TokenRepository& tokens, const PasswordHasher& hasher, const SecretDigest& digest,
               SecureRandom& random, const Clock& clock, SessionPolicy sessions = {},
               LoginThrottlePolicy throttle = {});

  // Operator: sets `user`'s login e-mail. Errors: kInvalidArgument (email), kNotFound,
  // kAlreadyExists (another user's address, in any letter case).
  Result<Login> SetEmail(UserId user, std::string_view email);
  // Operator: a new set-password link for `user`, replacing earlier ones. Errors: kNotFound.
  Result<IssuedInvite> InviteUser(UserId user);
  // An admin of `organization` creates the link for a newcomer among its members: no password,
  // no token or session in use, no other organisation; `email`, when given, becomes the
  // member's login e-mail first unless another one is set (decision 0053).
  // Errors: kNotFound (an outsider of the organisation, or no such member),
  // kPermissionDenied (a member, not an admin),
  // kFailedPrecondition (not a newcomer, or no e-mail and none given),
  // kInvalidArgument, kAlreadyExists (email).
  Result<IssuedInvite> InviteMember(const Principal& principal, OrganizationId organization,
                                    UserId member, const std::optional<std::string>& email);
  // Sets the password of an invite's user, uses the invite up and signs the user out
  // everywhere. Errors: kInvalidArgument (password rules; an unknown, used or expired invite,
  // as a field error on `invite`).
  Status SetPasswordWithInvite(std::string_view invite_secret, std::string_view password);
  // Operator (the demo): sets `user`'s password directly. Errors: kInvalidArgument, kNotFound.
  Status SetPassword(UserId user, std::string_view password);

  // Signs in. `client_address` keys the per-address throttle; `client_label` (the User-Agent)
  // names the session in its user's list. Errors: kUnauthenticated with one detail for an
  // unknown address, a user without password and a wrong password alike (each costs one
  // password verification); kTooManyRequests when the address or account is throttled
  // (nothing is verified then); kInvalidArgument when a field is missing.
  Result<StartedSession> SignIn(std::string_view email, std::string_view password,
                                std::string_view client_address, std::string_view client_label);
  // Ends the session that authenticated `principal`. Errors: kFailedPrecondition when the
  // request was not authenticated by a session.
  Status SignOut(const Principal& principal);
  // The principal's user's sessions that still work, newest first. Errors: kPermissionDenied
  // for an organisation token.
  Result<std::vector<SessionView>> ListSessions(const Principal& principal);
  // Revokes one of the principal's user's sessions. Errors: kPermissionDenied (organisation
  // token), kNotFound (no such session of this user, or already ended).
  Status RevokeSession(const Principal& principal, TokenId session);

  const SessionPolicy& session_policy() const { return sessions_; }

 private:
  Result<IssuedInvite> Invite(UserId user);
  // A password that nobody knows, hashed once: verified when the account is unknown, so that
  // an unknown address costs as much time as a wrong password.
  const std::string& DummyHash();
  Timestamp IdleExpiry(const Token& session) const;

  UserRepository& users_;
  OrganizationRepository& organizations_;
  LoginRepository& logins_;
  TokenRepository& tokens_;
  const PasswordHasher& hasher_;
  const SecretDigest& digest_;
  SecureRandom& random_;
  const Clock& clock_;
  const SessionPolicy sessions_;
  FailureWindow by_account_;
  FailureWindow by_address_;
  std::once_flag dummy_once_;
  std::string dummy_hash_;  // Written once under dummy_once_.
};

}  // namespace fr
