#include "adapters/http/json_io.hpp"
#include "adapters/http/routes.hpp"

namespace fr::http {
namespace {

Json TimestampOrNull(const std::optional<Timestamp>& at) {
  return at ? Json(FormatTimestamp(*at)) : Json(nullptr);
}

// Never the hash: what identifies a token to its user is its id, name and times.
Json TokenJson(const Token& token) {
  return {{"id", token.id.value},
          {"name", token.name},
          {"createdAt", FormatTimestamp(token.created_at)},
          {"lastUsedAt", TimestampOrNull(token.last_used_at)},
          {"expiresAt", TimestampOrNull(token.expires_at)}};
}

// POST /v1/me/tokens: an optional `name` (the service checks its length) and an optional
// `expiresInDays`, 1..3650 as the operator's --expires-days.
Result<TokenRequest> DecodeTokenRequest(std::string_view body) {
  FR_ASSIGN_OR_RETURN(const Json object, ParseJsonObject(body));
  FieldReader reader(object);
  auto name = reader.String("name", false);
  const auto days = reader.Int64("expiresInDays", false, 1, 3650);
  FR_RETURN_IF_ERROR(reader.Finish());
  return TokenRequest{name.value_or(""),
                      days ? std::optional<int>(static_cast<int>(*days)) : std::nullopt};
}

HandlerResult ListTokens(PersonalTokenService& tokens, const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const auto list, tokens.List(*context.principal));
  Json json = Json::array();
  for (const Token& token : list) json.push_back(TokenJson(token));
  return JsonResponse(200, {{"tokens", std::move(json)}});
}

HandlerResult PostToken(PersonalTokenService& tokens, const RequestContext& context) {
  FR_RETURN_IF_ERROR(RequireJsonBody(context.request));
  FR_ASSIGN_OR_RETURN(const TokenRequest request, DecodeTokenRequest(context.request.body));
  FR_ASSIGN_OR_RETURN(const IssuedToken issued, tokens.Create(*context.principal, request));
  Json json = TokenJson(issued.token);
  json["secret"] = issued.secret;
  return JsonResponse(201, json);
}

HandlerResult DeleteToken(PersonalTokenService& tokens, const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const std::int64_t token, PathId(context, "tokenID"));
  FR_RETURN_IF_ERROR(tokens.Revoke(*context.principal, TokenId(token)));
  return NoContentResponse();
}

}  // namespace

void AddPersonalTokenRoutes(Router& router, PersonalTokenService& tokens) {
  router.Add({"GET", "/v1/me/tokens", AuthPolicy::kTokenRequired,
              [&tokens](const RequestContext& context) { return ListTokens(tokens, context); }});
  router.Add({"POST", "/v1/me/tokens", AuthPolicy::kTokenRequired,
              [&tokens](const RequestContext& context) { return PostToken(tokens, context); }});
  router.Add({"DELETE", "/v1/me/tokens/{tokenID}", AuthPolicy::kTokenRequired,
              [&tokens](const RequestContext& context) { return DeleteToken(tokens, context); }});
}

}  // namespace fr::http
