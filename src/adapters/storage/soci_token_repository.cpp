#include <algorithm>

#include "adapters/storage/row_reader.hpp"
#include "adapters/storage/soci_audit_log_repository.hpp"
#include "adapters/storage/soci_identity_repositories.hpp"

namespace fr {
namespace {

constexpr const char* kInsertToken =
    "INSERT INTO tokens (kind, user_id, organization_id, name, secret_hash, created_at,"
    " expires_at) VALUES (:kind, :user_id, :organization_id, :name, :secret_hash, :created_at,"
    " :expires_at) RETURNING id";
constexpr const char* kTokenColumns =
    "SELECT id, kind, user_id, organization_id, name, secret_hash, created_at, last_used_at,"
    " expires_at, revoked_at FROM tokens";
constexpr const char* kRevokeToken =
    "UPDATE tokens SET revoked_at = COALESCE(revoked_at, :now) WHERE id = :id";
// Never backwards: uses are written behind the requests, so another node's later use may be
// stored before this one.
constexpr const char* kRecordUse =
    "UPDATE tokens SET last_used_at = :now"
    " WHERE id = :id AND (last_used_at IS NULL OR last_used_at < :now2)";
constexpr const char* kRevokeSessions =
    "UPDATE tokens SET revoked_at = :now"
    " WHERE user_id = :user_id AND kind = 'session' AND revoked_at IS NULL";
// Kept by triggers (migration 0008).
constexpr const char* kAuthenticationStamp = "SELECT value FROM authentication_stamp WHERE id = 1";

// The columns of kTokenColumns, in order.
struct TokenRow {
  long long id = 0, created_at = 0;
  std::string kind, name, secret_hash;
  Nullable<long long> user_id, organization_id, last_used_at, expires_at, revoked_at;

  auto Columns() {
    return std::tie(id, kind, user_id, organization_id, name, secret_hash, created_at, last_used_at,
                    expires_at, revoked_at);
  }

  Token ToToken() const {
    Token token;
    token.id = TokenId(id);
    token.kind = ParseTokenKind(kind).value_or(TokenKind::kPersonal);
    if (!user_id.is_null()) token.user_id = UserId(user_id.value);
    if (!organization_id.is_null()) token.organization_id = OrganizationId(organization_id.value);
    token.name = name;
    token.secret_hash = secret_hash;
    token.created_at = FromEpochMillis(created_at);
    token.last_used_at = last_used_at.ToOptional(FromEpochMillis);
    token.expires_at = expires_at.ToOptional(FromEpochMillis);
    token.revoked_at = revoked_at.ToOptional(FromEpochMillis);
    return token;
  }
};

}  // namespace

Result<Token> SociTokenRepository::Create(const Token& token) {
  return database_.Run("create token", [&](soci::session& session) {
    std::string kind = TokenKindName(token.kind);
    auto user_id = NullableId(token.user_id);
    auto organization_id = NullableId(token.organization_id);
    auto expires_at = Nullable<long long>::From(token.expires_at, ToEpochMillis);
    WriteTransaction transaction(database_, session);
    const auto id =
        ReadValue<long long>(session, kInsertToken, kind, user_id, organization_id, token.name,
                             token.secret_hash, ToEpochMillis(token.created_at), expires_at);
    Token stored = token;
    stored.id = TokenId(id.value_or(0));
    AppendAuditedChanges(session, {.token = stored.id});
    transaction.Commit();
    return stored;
  });
}

Result<std::optional<Token>> SociTokenRepository::FindBySecretHash(std::string_view secret_hash) {
  return database_.Run("find token", [&](soci::session& session) {
    const std::string hash(secret_hash);
    soci::statement statement =
        OneUseStatement(session, kTokenColumns + std::string(" WHERE secret_hash = :hash"));
    return ReadFirstRow<TokenRow>(statement, &TokenRow::ToToken, hash);
  });
}

Result<std::optional<Token>> SociTokenRepository::Find(TokenId id) {
  return database_.Run("find token", [&](soci::session& session) {
    const long long key = id.value;
    soci::statement statement =
        OneUseStatement(session, kTokenColumns + std::string(" WHERE id = :id"));
    return ReadFirstRow<TokenRow>(statement, &TokenRow::ToToken, key);
  });
}

Result<std::vector<Token>> SociTokenRepository::List(const TokenFilter& filter) {
  return database_.Run("list tokens", [&](soci::session& session) {
    long long user = filter.user ? filter.user->value : 0;
    long long organization = filter.organization ? filter.organization->value : 0;
    std::string kind = filter.kind ? TokenKindName(*filter.kind) : "";
    std::string sql = std::string(kTokenColumns) + " WHERE 1 = 1";
    if (filter.user) sql += " AND user_id = :user_id";
    if (filter.organization) sql += " AND organization_id = :organization_id";
    // Sessions only when asked for by kind (TokenFilter).
    sql += filter.kind ? " AND kind = :kind" : " AND kind <> 'session'";
    sql += " ORDER BY id";
    soci::statement statement = OneUseStatement(session, sql);
    if (filter.user) BindParameters(statement, user);
    if (filter.organization) BindParameters(statement, organization);
    if (filter.kind) BindParameters(statement, kind);
    return ReadRows<TokenRow>(statement, &TokenRow::ToToken);
  });
}

Result<bool> SociTokenRepository::Revoke(TokenId id, Timestamp now) {
  return database_.Run("revoke token", [&](soci::session& session) {
    long long at = ToEpochMillis(now);
    long long key = id.value;
    WriteTransaction transaction(database_, session);
    soci::statement statement = (session.prepare << kRevokeToken, soci::use(at), soci::use(key));
    statement.execute(true);
    const bool revoked = statement.get_affected_rows() > 0;
    if (revoked) AppendAuditedChanges(session);
    transaction.Commit();
    return revoked;
  });
}

Status SociTokenRepository::RecordUse(TokenId id, Timestamp now) {
  return database_.RunWrite("record token use", [&](soci::session& session) {
    long long at = ToEpochMillis(now);
    long long key = id.value;
    session << kRecordUse, soci::use(at), soci::use(key), soci::use(at);
  });
}

Status SociTokenRepository::RecordUses(const std::vector<TokenUse>& uses) {
  if (uses.empty()) return Ok();
  return database_.Run("record token uses", [&](soci::session& session) -> Status {
    // In id order: batches of several nodes then lock the rows in one order (PostgreSQL), and
    // never deadlock each other.
    std::vector<TokenUse> ordered = uses;
    std::sort(ordered.begin(), ordered.end(),
              [](const TokenUse& a, const TokenUse& b) { return a.id < b.id; });
    WriteTransaction transaction(database_, session);
    for (const TokenUse& use : ordered) {
      long long at = ToEpochMillis(use.at);
      long long at2 = at;
      long long key = use.id.value;
      PreparedStatement statement(database_, session, kRecordUse);
      Execute(*statement, at, key, at2);
    }
    transaction.Commit();
    return Ok();
  });
}

Result<std::int64_t> SociTokenRepository::RevokeSessions(UserId user, Timestamp now) {
  return database_.RunWrite("revoke sessions", [&](soci::session& session) {
    long long at = ToEpochMillis(now);
    long long key = user.value;
    soci::statement statement =
        (session.prepare << kRevokeSessions, soci::use(at), soci::use(key));
    statement.execute(true);
    return static_cast<std::int64_t>(statement.get_affected_rows());
  });
}

Result<std::int64_t> SociTokenRepository::AuthenticationStamp() {
  // Asked on every authenticated request: on SQLite a look at the wal-index tells whether the
  // stamp can have changed, and a read transaction is paid only when it can.
  return stamp_.ReadThrough(database_.change_watch(), 0, [&] {
    return database_.Run("read the authentication stamp", [&](soci::session& session) {
      PreparedStatement statement(database_, session, kAuthenticationStamp);
      return static_cast<std::int64_t>(ReadValue<long long>(*statement).value_or(0));
    });
  });
}

}  // namespace fr
