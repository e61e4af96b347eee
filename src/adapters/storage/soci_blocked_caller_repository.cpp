#include "adapters/storage/soci_blocked_caller_repository.hpp"

#include "adapters/storage/row_reader.hpp"

namespace fr {
namespace {

// Only blocks that still apply: an expired one waits for the purge, unlisted (decision 0077).
constexpr const char* kSelectPage =
    "SELECT id, organization_id, number, note, expires_at, created_at FROM blocked_callers"
    " WHERE organization_id = :organization_id AND (expires_at IS NULL OR expires_at > :now)"
    " ORDER BY id LIMIT :limit OFFSET :offset";
constexpr const char* kCount =
    "SELECT COUNT(*) FROM blocked_callers WHERE organization_id = :organization_id"
    " AND (expires_at IS NULL OR expires_at > :now)";
constexpr const char* kPurgeExpired =
    "DELETE FROM blocked_callers WHERE expires_at IS NOT NULL AND expires_at <= :now";
// A block that expired makes room for a new one of the same number.
constexpr const char* kDeleteExpired =
    "DELETE FROM blocked_callers WHERE organization_id = :organization_id AND number = :number"
    " AND expires_at IS NOT NULL AND expires_at <= :now";
constexpr const char* kInsert =
    "INSERT INTO blocked_callers (organization_id, number, note, expires_at, created_at)"
    " VALUES (:organization_id, :number, :note, :expires_at, :created_at) RETURNING id";
constexpr const char* kDelete =
    "DELETE FROM blocked_callers WHERE id = :id AND organization_id = :organization_id";
// Read for every call from a number: the unique index on (organization_id, number) finds it.
constexpr const char* kIsBlocked =
    "SELECT COUNT(*) FROM blocked_callers WHERE organization_id = :organization_id"
    " AND number = :number AND (expires_at IS NULL OR expires_at > :now)";

// The columns of kSelectPage, in order.
struct BlockedCallerRow {
  long long id = 0, organization_id = 0, created_at = 0;
  std::string number, note;
  Nullable<long long> expires_at;

  auto Columns() { return std::tie(id, organization_id, number, note, expires_at, created_at); }
  BlockedCaller ToBlockedCaller() const {
    return {BlockedCallerId(id),
            OrganizationId(organization_id),
            number,
            note,
            expires_at.ToOptional(FromEpochMillis),
            FromEpochMillis(created_at)};
  }
};

}  // namespace

Result<BlockedCaller> SociBlockedCallerRepository::Create(const BlockedCaller& block) {
  auto created =
      database_.Run("block a caller", [&](soci::session& session) -> Result<BlockedCaller> {
        WriteTransaction transaction(database_, session);
        long long organization = block.organization_id.value;
        std::string number = block.number;
        long long now = ToEpochMillis(block.created_at);
        std::string note = block.note;
        session << kDeleteExpired, soci::use(organization), soci::use(number), soci::use(now);
        const auto id =
            ReadValue<long long>(session, kInsert, organization, number, note,
                                 Nullable<long long>::From(block.expires_at, ToEpochMillis), now);
        transaction.Commit();
        BlockedCaller stored = block;
        stored.id = BlockedCallerId(id.value_or(0));
        return stored;
      });
  if (!created.ok() && created.error().code == ErrorCode::kAlreadyExists) {
    return Error::AlreadyExists("This number is blocked in the organization already.");
  }
  return created;
}

Result<BlockedCallerPage> SociBlockedCallerRepository::List(OrganizationId organization,
                                                            Timestamp now, std::int64_t limit,
                                                            std::int64_t offset) {
  return database_.Run("list blocked callers", [&](soci::session& session) {
    BlockedCallerPage page;
    const long long at = ToEpochMillis(now);
    page.total = ReadValue<long long>(session, kCount, organization.value, at).value_or(0);
    soci::statement statement = OneUseStatement(session, kSelectPage);
    page.blocked_callers = ReadRows<BlockedCallerRow>(statement, &BlockedCallerRow::ToBlockedCaller,
                                                      organization.value, at, limit, offset);
    return page;
  });
}

Result<std::int64_t> SociBlockedCallerRepository::PurgeExpired(Timestamp now) {
  return database_.RunWrite("purge expired blocks", [&](soci::session& session) -> std::int64_t {
    long long at = ToEpochMillis(now);
    soci::statement statement = (session.prepare << kPurgeExpired, soci::use(at));
    statement.execute(true);
    return static_cast<std::int64_t>(statement.get_affected_rows());
  });
}

Status SociBlockedCallerRepository::Delete(OrganizationId organization, BlockedCallerId id) {
  return database_.RunWrite("unblock a caller", [&](soci::session& session) -> Status {
    long long key = id.value;
    long long owner = organization.value;
    soci::statement statement = (session.prepare << kDelete, soci::use(key), soci::use(owner));
    statement.execute(true);
    if (statement.get_affected_rows() == 0) return Error::NotFound("No such blocked caller.");
    return Ok();
  });
}

Result<bool> SociBlockedCallerRepository::IsBlocked(OrganizationId organization,
                                                    const std::string& number, Timestamp now) {
  return database_.Run("check the blocklist", [&](soci::session& session) {
    PreparedStatement statement(database_, session, kIsBlocked);
    return ReadValue<long long>(*statement, organization.value, number, ToEpochMillis(now))
               .value_or(0) > 0;
  });
}

}  // namespace fr
