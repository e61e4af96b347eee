#include "adapters/storage/soci_identity_repositories.hpp"

namespace fr {
namespace {

constexpr const char* kInsertOrganization =
    "INSERT INTO organizations (name, created_at) VALUES (:name, :created_at) RETURNING id";
constexpr const char* kSelectOrganization =
    "SELECT name, created_at FROM organizations WHERE id = :id";
constexpr const char* kCountOrganizations = "SELECT COUNT(*) FROM organizations";
constexpr const char* kInsertMembership =
    "INSERT INTO memberships (organization_id, user_id, role, allow_admin_access, created_at)"
    " VALUES (:organization_id, :user_id, :role, :allow_admin_access, :created_at)";
constexpr const char* kUpdateMembership =
    "UPDATE memberships SET role = :role, allow_admin_access = :allow_admin_access"
    " WHERE organization_id = :organization_id AND user_id = :user_id";
constexpr const char* kDeleteMembership =
    "DELETE FROM memberships WHERE organization_id = :organization_id AND user_id = :user_id";
constexpr const char* kSelectMembership =
    "SELECT organization_id, user_id, role, allow_admin_access, created_at FROM memberships"
    " WHERE organization_id = :organization_id AND user_id = :user_id";
constexpr const char* kSelectMembershipsOfUser =
    "SELECT organization_id, user_id, role, allow_admin_access, created_at FROM memberships"
    " WHERE user_id = :user_id ORDER BY organization_id";

Membership MembershipFromRow(const soci::row& row) {
  return Membership{OrganizationId(row.get<long long>(0)), UserId(row.get<long long>(1)),
                    ParseRole(row.get<std::string>(2)).value_or(Role::kMember),
                    row.get<int>(3) != 0, FromEpochMillis(row.get<long long>(4))};
}

}  // namespace

Result<Organization> SociOrganizationRepository::Create(std::string_view name, Timestamp now) {
  return database_.Run("create organization", [&](soci::session& session) {
    Organization organization{OrganizationId{}, std::string(name), now};
    long long id = 0;
    long long created_at = ToEpochMillis(now);
    session << kInsertOrganization, soci::use(organization.name), soci::use(created_at),
        soci::into(id);
    organization.id = OrganizationId(id);
    return organization;
  });
}

Result<std::optional<Organization>> SociOrganizationRepository::Find(OrganizationId id) {
  return database_.Run("find organization",
                       [&](soci::session& session) -> std::optional<Organization> {
                         long long key = id.value;
                         std::string name;
                         long long created_at = 0;
                         session << kSelectOrganization, soci::use(key), soci::into(name),
                             soci::into(created_at);
                         if (!session.got_data()) return std::nullopt;
                         return Organization{id, name, FromEpochMillis(created_at)};
                       });
}

Result<std::int64_t> SociOrganizationRepository::Count() {
  return database_.Run("count organizations", [&](soci::session& session) -> std::int64_t {
    long long count = 0;
    session << kCountOrganizations, soci::into(count);
    return count;
  });
}

Status SociOrganizationRepository::AddMember(const Membership& membership) {
  return database_.Run("add member", [&](soci::session& session) {
    long long organization = membership.organization_id.value;
    long long user = membership.user_id.value;
    std::string role = RoleName(membership.role);
    int allow = membership.allow_admin_access ? 1 : 0;
    long long created_at = ToEpochMillis(membership.created_at);
    session << kInsertMembership, soci::use(organization), soci::use(user), soci::use(role),
        soci::use(allow), soci::use(created_at);
  });
}

Status SociOrganizationRepository::UpdateMembership(const Membership& membership) {
  return database_.Run("update membership", [&](soci::session& session) -> Status {
    std::string role = RoleName(membership.role);
    int allow = membership.allow_admin_access ? 1 : 0;
    long long organization = membership.organization_id.value;
    long long user = membership.user_id.value;
    soci::statement statement = (session.prepare << kUpdateMembership, soci::use(role),
                                 soci::use(allow), soci::use(organization), soci::use(user));
    statement.execute(true);
    if (statement.get_affected_rows() == 0) return Error::NotFound("No such membership.");
    return Ok();
  });
}

Result<bool> SociOrganizationRepository::RemoveMember(OrganizationId organization, UserId user) {
  return database_.Run("remove member", [&](soci::session& session) {
    long long organization_key = organization.value;
    long long user_key = user.value;
    soci::statement statement = (session.prepare << kDeleteMembership,
                                 soci::use(organization_key), soci::use(user_key));
    statement.execute(true);
    return statement.get_affected_rows() > 0;
  });
}

Result<std::optional<Membership>> SociOrganizationRepository::FindMembership(
    OrganizationId organization, UserId user) {
  return database_.Run("find membership",
                       [&](soci::session& session) -> std::optional<Membership> {
                         long long organization_key = organization.value;
                         long long user_key = user.value;
                         soci::row row;
                         session << kSelectMembership, soci::use(organization_key),
                             soci::use(user_key), soci::into(row);
                         if (!session.got_data()) return std::nullopt;
                         return MembershipFromRow(row);
                       });
}

Result<std::vector<Membership>> SociOrganizationRepository::MembershipsOfUser(UserId user) {
  return database_.Run("list memberships", [&](soci::session& session) {
    long long user_key = user.value;
    std::vector<Membership> memberships;
    soci::rowset<soci::row> rows = (session.prepare << kSelectMembershipsOfUser,
                                    soci::use(user_key));
    for (const auto& row : rows) memberships.push_back(MembershipFromRow(row));
    return memberships;
  });
}

}  // namespace fr
