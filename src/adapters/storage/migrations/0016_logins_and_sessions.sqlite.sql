-- Tokens of kind 'session' belong to a user, as personal tokens do (see
-- 0016_logins_and_sessions.sql). SQLite cannot change a CHECK, so the table is rebuilt: same
-- columns and ids, its AUTOINCREMENT counter carried over so that no id is ever reused, then
-- its indexes and the authentication_stamp triggers of 0008 again. Nothing references tokens.
ALTER TABLE tokens RENAME TO tokens_before_sessions;
CREATE TABLE tokens (
  id {{ID}},
  kind TEXT NOT NULL CHECK (kind IN ('personal', 'organization', 'session')),
  user_id BIGINT REFERENCES users (id) ON DELETE CASCADE,
  organization_id BIGINT REFERENCES organizations (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  secret_hash TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  last_used_at BIGINT,
  expires_at BIGINT,
  revoked_at BIGINT,
  CHECK ((kind IN ('personal', 'session') AND user_id IS NOT NULL AND organization_id IS NULL)
      OR (kind = 'organization' AND organization_id IS NOT NULL AND user_id IS NULL))
);
INSERT INTO tokens (id, kind, user_id, organization_id, name, secret_hash, created_at, last_used_at, expires_at, revoked_at) SELECT id, kind, user_id, organization_id, name, secret_hash, created_at, last_used_at, expires_at, revoked_at FROM tokens_before_sessions;
DELETE FROM sqlite_sequence WHERE name = 'tokens';
INSERT INTO sqlite_sequence (name, seq) SELECT 'tokens', seq FROM sqlite_sequence WHERE name = 'tokens_before_sessions';
DROP TABLE tokens_before_sessions;
CREATE INDEX tokens_by_user ON tokens (user_id);
CREATE INDEX tokens_by_organization ON tokens (organization_id);
CREATE TRIGGER tokens_deleted_stamp AFTER DELETE ON tokens BEGIN UPDATE authentication_stamp SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER tokens_changed_stamp AFTER UPDATE OF kind, user_id, organization_id, secret_hash, expires_at, revoked_at ON tokens BEGIN UPDATE authentication_stamp SET value = value + 1 WHERE id = 1; END;
