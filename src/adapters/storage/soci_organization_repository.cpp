#include "adapters/storage/row_reader.hpp"
#include "adapters/storage/soci_audit_log_repository.hpp"
#include "adapters/storage/soci_identity_repositories.hpp"

namespace fr {
namespace {

constexpr const char* kInsertOrganization =
    "INSERT INTO organizations (name, created_at) VALUES (:name, :created_at) RETURNING id";
constexpr const char* kSelectOrganization =
    "SELECT id, name, created_at, call_retention_days FROM organizations WHERE id = :id";
constexpr const char* kUpdateCallRetention =
    "UPDATE organizations SET call_retention_days = :days WHERE id = :id";
constexpr const char* kCountOrganizations = "SELECT COUNT(*) FROM organizations";
constexpr const char* kInsertMembership =
    "INSERT INTO memberships (organization_id, user_id, role, allow_admin_access, created_at)"
    " VALUES (:organization_id, :user_id, :role, :allow_admin_access, :created_at)";
constexpr const char* kUpdateMembership =
    "UPDATE memberships SET role = :role, allow_admin_access = :allow_admin_access"
    " WHERE organization_id = :organization_id AND user_id = :user_id";
constexpr const char* kDeleteMembership =
    "DELETE FROM memberships WHERE organization_id = :organization_id AND user_id = :user_id";
// Locks the organisation's row on PostgreSQL (with ForUpdate) so that its admins are counted
// by one remover at a time.
constexpr const char* kLockOrganization = "SELECT id FROM organizations WHERE id = :id";
constexpr const char* kSelectRole =
    "SELECT role FROM memberships WHERE organization_id = :organization_id AND user_id = :user_id";
constexpr const char* kCountAdmins =
    "SELECT COUNT(*) FROM memberships WHERE organization_id = :organization_id AND role = 'admin'";
constexpr const char* kUpdateRole =
    "UPDATE memberships SET role = :role WHERE organization_id = :organization_id"
    " AND user_id = :user_id";
constexpr const char* kSelectMembership =
    "SELECT organization_id, user_id, role, allow_admin_access, created_at FROM memberships"
    " WHERE organization_id = :organization_id AND user_id = :user_id";
constexpr const char* kSelectMembershipsOfUser =
    "SELECT organization_id, user_id, role, allow_admin_access, created_at FROM memberships"
    " WHERE user_id = :user_id ORDER BY organization_id";
constexpr const char* kSelectMembersOf =
    "SELECT organization_id, user_id, role, allow_admin_access, created_at FROM memberships"
    " WHERE organization_id = :organization_id ORDER BY user_id";

// The columns of kSelectMembership and kSelectMembershipsOfUser, in order.
struct MembershipRow {
  long long organization_id = 0, user_id = 0, created_at = 0;
  std::string role;
  int allow_admin_access = 0;

  auto Columns() {
    return std::tie(organization_id, user_id, role, allow_admin_access, created_at);
  }
  Membership ToMembership() const {
    return Membership{OrganizationId(organization_id), UserId(user_id),
                      ParseRole(role).value_or(Role::kMember), allow_admin_access != 0,
                      FromEpochMillis(created_at)};
  }
};

// The columns of kSelectOrganization, in order.
struct OrganizationRow {
  long long id = 0, created_at = 0;
  std::string name;
  Nullable<int> call_retention_days;

  auto Columns() { return std::tie(id, name, created_at, call_retention_days); }
  Organization ToOrganization() const {
    return Organization{OrganizationId(id), name, FromEpochMillis(created_at),
                        call_retention_days.ToOptional()};
  }
};

}  // namespace

Result<Organization> SociOrganizationRepository::Create(std::string_view name, Timestamp now) {
  return database_.RunWrite("create organization", [&](soci::session& session) {
    Organization organization{OrganizationId{}, std::string(name), now};
    const auto id =
        ReadValue<long long>(session, kInsertOrganization, organization.name, ToEpochMillis(now));
    organization.id = OrganizationId(id.value_or(0));
    return organization;
  });
}

Result<std::optional<Organization>> SociOrganizationRepository::Find(OrganizationId id) {
  return database_.Run("find organization", [&](soci::session& session) {
    soci::statement statement = OneUseStatement(session, kSelectOrganization);
    return ReadFirstRow<OrganizationRow>(statement, &OrganizationRow::ToOrganization, id.value);
  });
}

Result<std::int64_t> SociOrganizationRepository::Count() {
  return database_.Run("count organizations", [&](soci::session& session) -> std::int64_t {
    return ReadValue<long long>(session, kCountOrganizations).value_or(0);
  });
}

Status SociOrganizationRepository::AddMember(const Membership& membership) {
  return database_.Run("add member", [&](soci::session& session) {
    long long organization = membership.organization_id.value;
    long long user = membership.user_id.value;
    std::string role = RoleName(membership.role);
    int allow = membership.allow_admin_access ? 1 : 0;
    long long created_at = ToEpochMillis(membership.created_at);
    WriteTransaction transaction(database_, session);
    session << kInsertMembership, soci::use(organization), soci::use(user), soci::use(role),
        soci::use(allow), soci::use(created_at);
    AppendAuditedChanges(session);
    transaction.Commit();
  });
}

Status SociOrganizationRepository::UpdateMembership(const Membership& membership) {
  return database_.Run("update membership", [&](soci::session& session) -> Status {
    std::string role = RoleName(membership.role);
    int allow = membership.allow_admin_access ? 1 : 0;
    long long organization = membership.organization_id.value;
    long long user = membership.user_id.value;
    WriteTransaction transaction(database_, session);
    soci::statement statement = (session.prepare << kUpdateMembership, soci::use(role),
                                 soci::use(allow), soci::use(organization), soci::use(user));
    statement.execute(true);
    if (statement.get_affected_rows() == 0) return Error::NotFound("No such membership.");
    AppendAuditedChanges(session);
    transaction.Commit();
    return Ok();
  });
}

Result<bool> SociOrganizationRepository::RemoveMember(OrganizationId organization, UserId user) {
  return database_.Run("remove member", [&](soci::session& session) {
    long long organization_key = organization.value;
    long long user_key = user.value;
    WriteTransaction transaction(database_, session);
    soci::statement statement =
        (session.prepare << kDeleteMembership, soci::use(organization_key), soci::use(user_key));
    statement.execute(true);
    const bool removed = statement.get_affected_rows() > 0;
    if (removed) AppendAuditedChanges(session);
    transaction.Commit();
    return removed;
  });
}

Result<OrganizationRepository::Removal> SociOrganizationRepository::RemoveMemberKeepingAnAdmin(
    OrganizationId organization, UserId user) {
  return database_.Run("remove member", [&](soci::session& session) {
    long long organization_key = organization.value;
    long long user_key = user.value;
    WriteTransaction transaction(database_, session);
    long long locked = 0;
    session << std::string(kLockOrganization) + ForUpdate(database_.dialect()),
        soci::use(organization_key), soci::into(locked);
    std::string role;
    session << kSelectRole, soci::use(organization_key), soci::use(user_key), soci::into(role);
    if (!session.got_data()) return Removal::kNotAMember;
    if (role == "admin") {
      long long admins = 0;
      session << kCountAdmins, soci::use(organization_key), soci::into(admins);
      if (admins <= 1) return Removal::kLastAdmin;
    }
    session << kDeleteMembership, soci::use(organization_key), soci::use(user_key);
    AppendAuditedChanges(session);
    transaction.Commit();
    return Removal::kRemoved;
  });
}

Result<OrganizationRepository::RoleChange> SociOrganizationRepository::ChangeRoleKeepingAnAdmin(
    OrganizationId organization, UserId user, Role role) {
  return database_.Run("change role", [&](soci::session& session) {
    long long organization_key = organization.value;
    long long user_key = user.value;
    std::string new_role = RoleName(role);
    WriteTransaction transaction(database_, session);
    long long locked = 0;
    session << std::string(kLockOrganization) + ForUpdate(database_.dialect()),
        soci::use(organization_key), soci::into(locked);
    std::string old_role;
    session << kSelectRole, soci::use(organization_key), soci::use(user_key), soci::into(old_role);
    if (!session.got_data()) return RoleChange::kNotAMember;
    if (old_role == "admin" && role != Role::kAdmin) {
      long long admins = 0;
      session << kCountAdmins, soci::use(organization_key), soci::into(admins);
      if (admins <= 1) return RoleChange::kLastAdmin;
    }
    session << kUpdateRole, soci::use(new_role), soci::use(organization_key), soci::use(user_key);
    AppendAuditedChanges(session);
    transaction.Commit();
    return RoleChange::kChanged;
  });
}

Result<std::optional<Membership>> SociOrganizationRepository::FindMembership(
    OrganizationId organization, UserId user) {
  return database_.Run("find membership", [&](soci::session& session) {
    // Once per agent of every hotline PUT: kept prepared.
    PreparedStatement statement(database_, session, kSelectMembership);
    return ReadFirstRow<MembershipRow>(*statement, &MembershipRow::ToMembership, organization.value,
                                       user.value);
  });
}

Result<std::vector<Membership>> SociOrganizationRepository::MembershipsOfUser(UserId user) {
  return database_.Run("list memberships", [&](soci::session& session) {
    soci::statement statement = OneUseStatement(session, kSelectMembershipsOfUser);
    return ReadRows<MembershipRow>(statement, &MembershipRow::ToMembership, user.value);
  });
}

Result<std::vector<Membership>> SociOrganizationRepository::MembersOf(OrganizationId organization) {
  return database_.Run("list members", [&](soci::session& session) {
    soci::statement statement = OneUseStatement(session, kSelectMembersOf);
    return ReadRows<MembershipRow>(statement, &MembershipRow::ToMembership, organization.value);
  });
}

Result<bool> SociOrganizationRepository::SetCallRetentionDays(OrganizationId organization,
                                                              std::optional<int> days) {
  return database_.RunWrite("set call retention", [&](soci::session& session) {
    soci::statement statement = OneUseStatement(session, kUpdateCallRetention);
    auto value = Nullable<int>::From(days);
    long long key = organization.value;
    BindParameters(statement, value, key);
    statement.define_and_bind();
    statement.execute(true);
    return statement.get_affected_rows() > 0;
  });
}

}  // namespace fr
