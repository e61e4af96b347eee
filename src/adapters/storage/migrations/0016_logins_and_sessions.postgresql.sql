-- Tokens of kind 'session' belong to a user, as personal tokens do (see
-- 0016_logins_and_sessions.sql). The constraints are those 0001 created, by PostgreSQL's names.
ALTER TABLE tokens DROP CONSTRAINT tokens_kind_check;
ALTER TABLE tokens DROP CONSTRAINT tokens_check;
ALTER TABLE tokens ADD CONSTRAINT tokens_kind_check CHECK (kind IN ('personal', 'organization', 'session'));
ALTER TABLE tokens ADD CONSTRAINT tokens_owner_check CHECK ((kind IN ('personal', 'session') AND user_id IS NOT NULL AND organization_id IS NULL) OR (kind = 'organization' AND organization_id IS NOT NULL AND user_id IS NULL));
