-- A number that grows with every change that can alter how a request authenticates (decision
-- 0027): the HTTP layer keeps authenticated tokens in memory and reads only this row per
-- request, so a token revoked by `admin token revoke` in another process is refused at once.
-- The last use of a token is bookkeeping and does not count. Each trigger is one line: the
-- migration runner splits statements at semicolons that end a line.
CREATE TABLE authentication_stamp (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  value BIGINT NOT NULL
);
INSERT INTO authentication_stamp (id, value) VALUES (1, 0);
CREATE TRIGGER tokens_deleted_stamp AFTER DELETE ON tokens BEGIN UPDATE authentication_stamp SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER tokens_changed_stamp AFTER UPDATE OF kind, user_id, organization_id, secret_hash, expires_at, revoked_at ON tokens BEGIN UPDATE authentication_stamp SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER memberships_added_stamp AFTER INSERT ON memberships BEGIN UPDATE authentication_stamp SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER memberships_changed_stamp AFTER UPDATE ON memberships BEGIN UPDATE authentication_stamp SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER memberships_removed_stamp AFTER DELETE ON memberships BEGIN UPDATE authentication_stamp SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER users_deleted_stamp AFTER DELETE ON users BEGIN UPDATE authentication_stamp SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER organizations_deleted_stamp AFTER DELETE ON organizations BEGIN UPDATE authentication_stamp SET value = value + 1 WHERE id = 1; END;
