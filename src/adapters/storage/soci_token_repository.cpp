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
constexpr const char* kRecordUse = "UPDATE tokens SET last_used_at = :now WHERE id = :id";
// Kept by triggers (migration 0008).
constexpr const char* kAuthenticationStamp = "SELECT value FROM authentication_stamp WHERE id = 1";

// The columns of kTokenColumns, in order.
struct TokenRow {
  long long id = 0;
  std::string kind;
  long long user_id = 0;
  long long organization_id = 0;
  std::string name;
  std::string secret_hash;
  long long created_at = 0;
  long long last_used_at = 0;
  long long expires_at = 0;
  long long revoked_at = 0;
  soci::indicator user_id_null = soci::i_ok;
  soci::indicator organization_id_null = soci::i_ok;
  soci::indicator last_used_at_null = soci::i_ok;
  soci::indicator expires_at_null = soci::i_ok;
  soci::indicator revoked_at_null = soci::i_ok;

  void Bind(soci::statement& statement) {
    statement.exchange(soci::into(id));
    statement.exchange(soci::into(kind));
    statement.exchange(soci::into(user_id, user_id_null));
    statement.exchange(soci::into(organization_id, organization_id_null));
    statement.exchange(soci::into(name));
    statement.exchange(soci::into(secret_hash));
    statement.exchange(soci::into(created_at));
    statement.exchange(soci::into(last_used_at, last_used_at_null));
    statement.exchange(soci::into(expires_at, expires_at_null));
    statement.exchange(soci::into(revoked_at, revoked_at_null));
  }

  static std::optional<Timestamp> Optional(long long value, soci::indicator indicator) {
    if (indicator == soci::i_null) return std::nullopt;
    return FromEpochMillis(value);
  }

  Token ToToken() const {
    Token token;
    token.id = TokenId(id);
    token.kind = kind == "organization" ? TokenKind::kOrganization : TokenKind::kPersonal;
    if (user_id_null == soci::i_ok) token.user_id = UserId(user_id);
    if (organization_id_null == soci::i_ok) token.organization_id = OrganizationId(organization_id);
    token.name = name;
    token.secret_hash = secret_hash;
    token.created_at = FromEpochMillis(created_at);
    token.last_used_at = Optional(last_used_at, last_used_at_null);
    token.expires_at = Optional(expires_at, expires_at_null);
    token.revoked_at = Optional(revoked_at, revoked_at_null);
    return token;
  }
};

// Runs `sql` (kTokenColumns plus a WHERE clause) and collects every token it yields.
std::vector<Token> SelectTokens(soci::statement& statement) {
  TokenRow row;
  row.Bind(statement);
  statement.define_and_bind();
  std::vector<Token> tokens;
  if (statement.execute(true)) {
    do {
      tokens.push_back(row.ToToken());
    } while (statement.fetch());
  }
  return tokens;
}

}  // namespace

Result<Token> SociTokenRepository::Create(const Token& token) {
  return database_.Run("create token", [&](soci::session& session) {
    std::string kind = TokenKindName(token.kind);
    long long user_id = token.user_id.value;
    long long organization_id = token.organization_id.value;
    soci::indicator user_null = token.user_id.valid() ? soci::i_ok : soci::i_null;
    soci::indicator organization_null = token.organization_id.valid() ? soci::i_ok : soci::i_null;
    std::string name = token.name;
    std::string hash = token.secret_hash;
    long long created_at = ToEpochMillis(token.created_at);
    long long expires_at = token.expires_at ? ToEpochMillis(*token.expires_at) : 0;
    soci::indicator expires_null = token.expires_at ? soci::i_ok : soci::i_null;
    long long id = 0;
    session << kInsertToken, soci::use(kind), soci::use(user_id, user_null),
        soci::use(organization_id, organization_null), soci::use(name), soci::use(hash),
        soci::use(created_at), soci::use(expires_at, expires_null), soci::into(id);
    Token stored = token;
    stored.id = TokenId(id);
    return stored;
  });
}

Result<std::optional<Token>> SociTokenRepository::FindBySecretHash(std::string_view secret_hash) {
  return database_.Run("find token", [&](soci::session& session) -> std::optional<Token> {
    std::string hash(secret_hash);
    soci::statement statement(session);
    statement.alloc();
    statement.prepare(std::string(kTokenColumns) + " WHERE secret_hash = :hash");
    statement.exchange(soci::use(hash));
    auto tokens = SelectTokens(statement);
    if (tokens.empty()) return std::nullopt;
    return tokens.front();
  });
}

Result<std::vector<Token>> SociTokenRepository::List(const TokenFilter& filter) {
  return database_.Run("list tokens", [&](soci::session& session) {
    long long user = filter.user ? filter.user->value : 0;
    long long organization = filter.organization ? filter.organization->value : 0;
    std::string sql = std::string(kTokenColumns) + " WHERE 1 = 1";
    if (filter.user) sql += " AND user_id = :user_id";
    if (filter.organization) sql += " AND organization_id = :organization_id";
    sql += " ORDER BY id";
    soci::statement statement(session);
    statement.alloc();
    statement.prepare(sql);
    if (filter.user) statement.exchange(soci::use(user));
    if (filter.organization) statement.exchange(soci::use(organization));
    return SelectTokens(statement);
  });
}

Result<bool> SociTokenRepository::Revoke(TokenId id, Timestamp now) {
  return database_.Run("revoke token", [&](soci::session& session) {
    long long at = ToEpochMillis(now);
    long long key = id.value;
    soci::statement statement = (session.prepare << kRevokeToken, soci::use(at), soci::use(key));
    statement.execute(true);
    return statement.get_affected_rows() > 0;
  });
}

Status SociTokenRepository::RecordUse(TokenId id, Timestamp now) {
  return database_.Run("record token use", [&](soci::session& session) {
    long long at = ToEpochMillis(now);
    long long key = id.value;
    session << kRecordUse, soci::use(at), soci::use(key);
  });
}

Result<std::int64_t> SociTokenRepository::AuthenticationStamp() {
  // Read on every authenticated request: kept prepared.
  return database_.Run("read the authentication stamp", [&](soci::session& session) {
    long long stamp = 0;
    PreparedStatement statement(database_, session, kAuthenticationStamp);
    statement->exchange(soci::into(stamp));
    statement->define_and_bind();
    statement->execute(true);
    return static_cast<std::int64_t>(stamp);
  });
}

}  // namespace fr
