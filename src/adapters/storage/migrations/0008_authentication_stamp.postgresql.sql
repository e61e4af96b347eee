-- The triggers that keep authentication_stamp (see 0008_authentication_stamp.sql), as the
-- SQLite ones do. The increment takes the stamp row's lock, so concurrent changes on several
-- nodes each count once and a reader never sees a change without its new stamp.
CREATE FUNCTION authentication_stamp_advance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE authentication_stamp SET value = value + 1 WHERE id = 1;
  RETURN NULL;
END;
$$;
CREATE TRIGGER tokens_deleted_stamp AFTER DELETE ON tokens FOR EACH ROW EXECUTE FUNCTION authentication_stamp_advance();
CREATE TRIGGER tokens_changed_stamp AFTER UPDATE OF kind, user_id, organization_id, secret_hash, expires_at, revoked_at ON tokens FOR EACH ROW EXECUTE FUNCTION authentication_stamp_advance();
CREATE TRIGGER memberships_added_stamp AFTER INSERT ON memberships FOR EACH ROW EXECUTE FUNCTION authentication_stamp_advance();
CREATE TRIGGER memberships_changed_stamp AFTER UPDATE ON memberships FOR EACH ROW EXECUTE FUNCTION authentication_stamp_advance();
CREATE TRIGGER memberships_removed_stamp AFTER DELETE ON memberships FOR EACH ROW EXECUTE FUNCTION authentication_stamp_advance();
CREATE TRIGGER users_deleted_stamp AFTER DELETE ON users FOR EACH ROW EXECUTE FUNCTION authentication_stamp_advance();
CREATE TRIGGER organizations_deleted_stamp AFTER DELETE ON organizations FOR EACH ROW EXECUTE FUNCTION authentication_stamp_advance();
