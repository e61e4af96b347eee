-- The triggers that keep authentication_stamp (see 0008_authentication_stamp.sql). Each trigger
-- is one line: the migration runner splits statements at semicolons that end a line.
CREATE TRIGGER tokens_deleted_stamp AFTER DELETE ON tokens BEGIN UPDATE authentication_stamp SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER tokens_changed_stamp AFTER UPDATE OF kind, user_id, organization_id, secret_hash, expires_at, revoked_at ON tokens BEGIN UPDATE authentication_stamp SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER memberships_added_stamp AFTER INSERT ON memberships BEGIN UPDATE authentication_stamp SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER memberships_changed_stamp AFTER UPDATE ON memberships BEGIN UPDATE authentication_stamp SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER memberships_removed_stamp AFTER DELETE ON memberships BEGIN UPDATE authentication_stamp SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER users_deleted_stamp AFTER DELETE ON users BEGIN UPDATE authentication_stamp SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER organizations_deleted_stamp AFTER DELETE ON organizations BEGIN UPDATE authentication_stamp SET value = value + 1 WHERE id = 1; END;
