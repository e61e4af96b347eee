#include "adapters/storage/soci_calls_in_progress.hpp"

#include "adapters/storage/row_reader.hpp"

namespace fr {
namespace {

// A claim is admitted by the one INSERT that reads its hotline's count row: on PostgreSQL with
// FOR UPDATE, so that a concurrent claim waits for this one's commit and then checks the count
// the trigger raised (READ COMMITTED rechecks a locked row's condition on its newest version);
// on SQLite the statement's write lock excludes every other writer. The counts are kept by the
// triggers of migration 0012 whatever deletes a claim.
constexpr const char* kClaimInbound =
    "INSERT INTO channel_claims (node_id, hotline_id, direction, number)"
    " SELECT :node_id, hotline_id, 'inbound', :number FROM hotline_channels"
    " WHERE hotline_id = :hotline_id AND inbound < :limit";
constexpr const char* kClaimOutbound =
    "INSERT INTO channel_claims (node_id, hotline_id, direction, number)"
    " SELECT :node_id, hotline_id, 'outbound', :number FROM hotline_channels"
    " WHERE hotline_id = :hotline_id AND outbound < :limit";
constexpr const char* kLockCountsPostgresql = " FOR UPDATE";
constexpr const char* kReturningId = " RETURNING id";
constexpr const char* kMarkInCall =
    "UPDATE channel_claims SET number = :number WHERE id = :id AND number IS NULL";
constexpr const char* kInCall = "SELECT COUNT(*) FROM channel_claims WHERE number = :number";
constexpr const char* kRelease = "DELETE FROM channel_claims WHERE id = :id";

constexpr const char* kRenewLease =
    "INSERT INTO node_leases (node_id, expires_at) VALUES (:node_id, :until)"
    " ON CONFLICT (node_id) DO UPDATE SET expires_at = excluded.expires_at";
constexpr const char* kExpiredLeases =
    "SELECT node_id FROM node_leases WHERE expires_at < :now AND node_id <> :except"
    " ORDER BY node_id";
constexpr const char* kReleaseNode = "DELETE FROM channel_claims WHERE node_id = :node_id";
constexpr const char* kForgetLease = "DELETE FROM node_leases WHERE node_id = :node_id";

const std::string& ClaimSql(Dialect dialect, LegDirection direction) {
  static const std::string kSql[2][2] = {
      {std::string(kClaimInbound) + kReturningId, std::string(kClaimOutbound) + kReturningId},
      {std::string(kClaimInbound) + kLockCountsPostgresql + kReturningId,
       std::string(kClaimOutbound) + kLockCountsPostgresql + kReturningId}};
  return kSql[dialect == Dialect::kPostgresql ? 1 : 0]
             [direction == LegDirection::kInbound ? 0 : 1];
}

}  // namespace

Result<std::optional<ChannelClaimId>> SociCallsInProgress::Claim(
    HotlineId hotline, LegDirection direction, int limit,
    const std::optional<std::string>& number) {
  return database_.RunWrite("claim a channel", [&](soci::session& session) {
    PreparedStatement statement(database_, session, ClaimSql(database_.dialect(), direction));
    const auto id = ReadValue<long long>(*statement, node_, Nullable<std::string>::From(number),
                                         hotline.value, limit);
    return id ? std::optional(ChannelClaimId(*id)) : std::nullopt;
  });
}

Status SociCallsInProgress::MarkInCall(ChannelClaimId claim, const std::string& number) {
  return database_.RunWrite("mark a phone in a call", [&](soci::session& session) {
    PreparedStatement statement(database_, session, kMarkInCall);
    BindParameters(*statement, number, claim.value);
    statement->define_and_bind();
    statement->execute(true);
  });
}

Result<bool> SociCallsInProgress::InCall(const std::string& number) {
  return database_.Run("check a phone", [&](soci::session& session) {
    PreparedStatement statement(database_, session, kInCall);
    return ReadValue<long long>(*statement, number).value_or(0) > 0;
  });
}

Status SociCallsInProgress::Release(ChannelClaimId claim) {
  return database_.RunWrite("release a channel", [&](soci::session& session) {
    PreparedStatement statement(database_, session, kRelease);
    BindParameters(*statement, claim.value);
    statement->define_and_bind();
    statement->execute(true);
  });
}

Status SociCallsInProgress::Renew(const std::string& node, Timestamp until) {
  return database_.RunWrite("renew the node lease", [&](soci::session& session) {
    long long at = ToEpochMillis(until);
    std::string id = node;
    session << kRenewLease, soci::use(id), soci::use(at);
  });
}

Result<std::vector<std::string>> SociCallsInProgress::Expired(Timestamp now,
                                                              const std::string& except) {
  return database_.Run("find expired node leases", [&](soci::session& session) {
    soci::statement statement = OneUseStatement(session, kExpiredLeases);
    return ReadRows<std::string>(
        statement, [](const std::string& node) { return node; }, ToEpochMillis(now), except);
  });
}

Status SociCallsInProgress::Forget(const std::string& node) {
  return database_.Run("forget a node", [&](soci::session& session) {
    WriteTransaction transaction(database_, session);
    std::string id = node;
    session << kReleaseNode, soci::use(id);
    session << kForgetLease, soci::use(id);
    transaction.Commit();
  });
}

}  // namespace fr
