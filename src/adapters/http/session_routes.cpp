#include <cctype>
#include <chrono>
#include <string>

#include "adapters/http/json_io.hpp"
#include "adapters/http/pipeline.hpp"
#include "adapters/http/request_bodies.hpp"
#include "adapters/http/routes.hpp"
#include "common/text.hpp"

namespace fr::http {
namespace {

Json UserJson(const User& user, std::string_view email) {
  return {{"id", user.id.value}, {"name", user.name}, {"email", email}};
}

Json TimestampOrNull(const std::optional<Timestamp>& at) {
  return at ? Json(FormatTimestamp(*at)) : Json(nullptr);
}

// Decision 0051: Secure when the operator says the service is reached over HTTPS, or when the
// request says it came that way. A client that claims HTTPS over plain HTTP only gets a cookie
// its browser will not send back over HTTP: the header can add Secure, never take it away.
bool CameOverHttps(const Request& request, const SessionRouteOptions& options) {
  if (options.always_secure) return true;
  if (const auto proto = request.Header("x-forwarded-proto")) {
    const std::string_view first = TrimAsciiWhitespace(proto->substr(0, proto->find(',')));
    if (EqualsIgnoringAsciiCase(first, "https")) return true;
  }
  if (const auto forwarded = request.Header("forwarded")) {
    std::string lower(*forwarded);
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (lower.find("proto=https") != std::string::npos ||
        lower.find("proto=\"https\"") != std::string::npos) {
      return true;
    }
  }
  return false;
}

std::string SessionCookie(const Request& request, const SessionRouteOptions& options,
                          std::string_view value, std::int64_t max_age_seconds) {
  std::string cookie = std::string(kSessionCookieName) + "=" + std::string(value) +
                       "; Path=/; Max-Age=" + std::to_string(max_age_seconds) +
                       "; HttpOnly; SameSite=Strict";
  if (CameOverHttps(request, options)) cookie += "; Secure";
  return cookie;
}

HandlerResult PostSession(LoginService& logins, const SessionRouteOptions& options,
                          const RequestContext& context) {
  FR_RETURN_IF_ERROR(RequireJsonBody(context.request));
  FR_ASSIGN_OR_RETURN(const SignInBody body, DecodeSignIn(context.request.body));
  FR_ASSIGN_OR_RETURN(
      const StartedSession started,
      logins.SignIn(body.email, body.password, context.request.remote_address,
                    context.request.Header("user-agent").value_or("")));
  const auto lifetime =
      std::chrono::duration_cast<std::chrono::seconds>(logins.session_policy().lifetime);
  return JsonResponse(200, {{"user", UserJson(started.user, body.email)},
                            {"sessionID", started.session.id.value},
                            {"expiresAt", TimestampOrNull(started.session.expires_at)},
                            {"idleExpiresAt", FormatTimestamp(started.idle_expires_at)},
                            {"csrfToken", started.csrf_token}})
      .WithHeader("Set-Cookie",
                  SessionCookie(context.request, options, started.secret, lifetime.count()));
}

HandlerResult DeleteSession(LoginService& logins, const SessionRouteOptions& options,
                            const RequestContext& context) {
  FR_RETURN_IF_ERROR(logins.SignOut(*context.principal));
  return NoContentResponse().WithHeader("Set-Cookie",
                                        SessionCookie(context.request, options, "", 0));
}

HandlerResult GetSessions(LoginService& logins, const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const auto sessions, logins.ListSessions(*context.principal));
  Json list = Json::array();
  for (const SessionView& view : sessions) {
    const Token& session = view.session;
    list.push_back({{"id", session.id.value},
                    {"userAgent", session.name},
                    {"createdAt", FormatTimestamp(session.created_at)},
                    {"lastUsedAt", TimestampOrNull(session.last_used_at)},
                    {"expiresAt", TimestampOrNull(session.expires_at)},
                    {"idleExpiresAt", FormatTimestamp(view.idle_expires_at)},
                    {"current", session.id == context.principal->token_id}});
  }
  return JsonResponse(200, {{"sessions", std::move(list)}});
}

HandlerResult DeleteOwnSession(LoginService& logins, const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const std::int64_t session, PathId(context, "sessionID"));
  FR_RETURN_IF_ERROR(logins.RevokeSession(*context.principal, TokenId(session)));
  return NoContentResponse();
}

HandlerResult PostPassword(LoginService& logins, const RequestContext& context) {
  FR_RETURN_IF_ERROR(RequireJsonBody(context.request));
  FR_ASSIGN_OR_RETURN(const SetPasswordBody body, DecodeSetPassword(context.request.body));
  FR_RETURN_IF_ERROR(logins.SetPasswordWithInvite(body.invite, body.password));
  return NoContentResponse();
}

HandlerResult PostInvite(LoginService& logins, const SessionRouteOptions& options,
                         const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const std::int64_t organization, PathId(context, "organizationID"));
  FR_ASSIGN_OR_RETURN(const std::int64_t member, PathId(context, "userID"));
  if (!TrimAsciiWhitespace(context.request.body).empty()) {
    FR_RETURN_IF_ERROR(RequireJsonBody(context.request));
  }
  FR_ASSIGN_OR_RETURN(const auto email, DecodeInviteRequest(context.request.body));
  FR_ASSIGN_OR_RETURN(const IssuedInvite invite,
                      logins.InviteMember(*context.principal, OrganizationId(organization),
                                          UserId(member), email));
  return JsonResponse(201, {{"userID", invite.user.value},
                            {"url", InviteUrl(options.public_url(), invite.secret)},
                            {"expiresAt", FormatTimestamp(invite.expires_at)}});
}

}  // namespace

void AddSessionRoutes(Router& router, LoginService& logins, SessionRouteOptions options) {
  router.Add({"POST", "/v1/session", AuthPolicy::kPublic,
              [&logins, options](const RequestContext& context) {
                return PostSession(logins, options, context);
              }});
  router.Add({"DELETE", "/v1/session", AuthPolicy::kTokenRequired,
              [&logins, options](const RequestContext& context) {
                return DeleteSession(logins, options, context);
              }});
  router.Add({"GET", "/v1/me/sessions", AuthPolicy::kTokenRequired,
              [&logins](const RequestContext& context) { return GetSessions(logins, context); }});
  router.Add({"DELETE", "/v1/me/sessions/{sessionID}", AuthPolicy::kTokenRequired,
              [&logins](const RequestContext& context) {
                return DeleteOwnSession(logins, context);
              }});
  router.Add({"POST", "/v1/password", AuthPolicy::kPublic,
              [&logins](const RequestContext& context) { return PostPassword(logins, context); }});
  router.Add({"POST", "/v1/organizations/{organizationID}/members/{userID}/invite",
              AuthPolicy::kTokenRequired, [&logins, options](const RequestContext& context) {
                return PostInvite(logins, options, context);
              }});
}

}  // namespace fr::http
