#include "app/administration_service.hpp"

#include <chrono>

#include "common/validation.hpp"

namespace fr {
namespace {

constexpr int kMaxTokenLifetimeDays = 3650;

}  // namespace

Result<Organization> AdministrationService::CreateOrganization(std::string_view name) {
  std::vector<FieldError> errors;
  const auto checked = CheckText("name", name, 1, 200, errors);
  if (!checked) return Error::InvalidArgument("The organization is invalid.", std::move(errors));
  return organizations_.Create(*checked, clock_.Now());
}

Result<User> AdministrationService::CreateUser(std::string_view name) {
  std::vector<FieldError> errors;
  const auto checked = CheckText("name", name, 1, 100, errors);
  if (!checked) return Error::InvalidArgument("The user is invalid.", std::move(errors));
  return users_.Create(*checked, clock_.Now());
}

Status AdministrationService::DeleteUser(UserId user) {
  FR_ASSIGN_OR_RETURN(const auto memberships, organizations_.MembershipsOfUser(user));
  AuditedChange audited;
  for (const Membership& membership : memberships) {
    audited.Add(membership.organization_id, AuditType::kMemberRemoved, {.member = user},
                clock_.Now());
  }
  FR_ASSIGN_OR_RETURN(const bool deleted, users_.Delete(user));
  if (!deleted) return Error::NotFound("No such user.");
  return Ok();
}

Result<Membership> AdministrationService::AddMember(OrganizationId organization, UserId user,
                                                    Role role, bool allow_admin_access) {
  FR_ASSIGN_OR_RETURN(const auto found_organization, organizations_.Find(organization));
  if (!found_organization) return Error::NotFound("No such organization.");
  FR_ASSIGN_OR_RETURN(const auto found_user, users_.Find(user));
  if (!found_user) return Error::NotFound("No such user.");
  Membership membership{organization, user, role, allow_admin_access, clock_.Now()};
  AuditedChange audited;
  audited.Add(organization, AuditType::kMemberAdded, {.member = user}, clock_.Now());
  FR_RETURN_IF_ERROR(organizations_.AddMember(membership));
  return membership;
}

Status AdministrationService::RemoveMember(OrganizationId organization, UserId user) {
  AuditedChange audited;
  audited.Add(organization, AuditType::kMemberRemoved, {.member = user}, clock_.Now());
  FR_ASSIGN_OR_RETURN(const bool removed, organizations_.RemoveMember(organization, user));
  if (!removed) return Error::NotFound("The user is not a member of this organization.");
  // A user who left the organisation answers none of its hotlines.
  return hotlines_.RemoveAgentFromOrganization(organization, user);
}

Result<IssuedToken> AdministrationService::CreatePersonalToken(UserId user,
                                                               const TokenRequest& request) {
  FR_ASSIGN_OR_RETURN(const auto found, users_.Find(user));
  if (!found) return Error::NotFound("No such user.");
  Token token;
  token.kind = TokenKind::kPersonal;
  token.user_id = user;
  return Issue(std::move(token), request);
}

Result<IssuedToken> AdministrationService::CreateOrganizationToken(OrganizationId organization,
                                                                   const TokenRequest& request) {
  FR_ASSIGN_OR_RETURN(const auto found, organizations_.Find(organization));
  if (!found) return Error::NotFound("No such organization.");
  Token token;
  token.kind = TokenKind::kOrganization;
  token.organization_id = organization;
  return Issue(std::move(token), request);
}

Result<IssuedToken> AdministrationService::Issue(Token token, const TokenRequest& request) {
  std::vector<FieldError> errors;
  const auto name = CheckText("name", request.name, 0, 100, errors);
  if (request.expires_in_days &&
      (*request.expires_in_days < 1 || *request.expires_in_days > kMaxTokenLifetimeDays)) {
    errors.push_back({"expires", "must be between 1 and 3650 days"});
  }
  if (!errors.empty()) return Error::InvalidArgument("The token is invalid.", std::move(errors));

  const Timestamp now = clock_.Now();
  std::string secret = GenerateTokenSecret(token.kind, random_);
  token.name = *name;
  token.secret_hash = digest_.Sha256Hex(secret);
  token.created_at = now;
  if (request.expires_in_days) {
    token.expires_at = now + std::chrono::days(*request.expires_in_days);
  }
  AuditedChange audited;
  FR_RETURN_IF_ERROR(AuditTokenChange(audited, token, AuditType::kTokenCreated));
  FR_ASSIGN_OR_RETURN(Token stored, tokens_.Create(token));
  return IssuedToken{std::move(stored), std::move(secret)};
}

Result<std::vector<Token>> AdministrationService::ListTokens(const TokenFilter& filter) {
  return tokens_.List(filter);
}

// A personal token is recorded in the log of every organisation its user belongs to (any of them
// may see what it does there), an organisation token in its organisation's.
Status AdministrationService::AuditTokenChange(AuditedChange& audited, const Token& token,
                                               AuditType type) {
  const AuditSubject subject{
      .member = token.user_id.valid() ? std::optional(token.user_id) : std::nullopt,
      .token = token.id.valid() ? std::optional(token.id) : std::nullopt};
  if (token.kind == TokenKind::kOrganization) {
    audited.Add(token.organization_id, type, subject, clock_.Now());
    return Ok();
  }
  FR_ASSIGN_OR_RETURN(const auto memberships, organizations_.MembershipsOfUser(token.user_id));
  for (const Membership& membership : memberships) {
    audited.Add(membership.organization_id, type, subject, clock_.Now());
  }
  return Ok();
}

Status AdministrationService::RevokeToken(TokenId id) {
  FR_ASSIGN_OR_RETURN(const auto token, tokens_.Find(id));
  AuditedChange audited;
  // Sessions are sign-ins, not tokens anyone issued: their end is not a token.revoked entry.
  if (token && token->kind != TokenKind::kSession) {
    FR_RETURN_IF_ERROR(AuditTokenChange(audited, *token, AuditType::kTokenRevoked));
  }
  FR_ASSIGN_OR_RETURN(const bool revoked, tokens_.Revoke(id, clock_.Now()));
  if (!revoked) return Error::NotFound("No such token.");
  return Ok();
}

}  // namespace fr
