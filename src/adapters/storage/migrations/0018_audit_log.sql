-- The audit log (decision 0058): append-only, per organisation. Ids of actors and objects,
-- never secrets, never caller numbers. Entries of a change are written in its transaction.
CREATE TABLE audit_log (
  id {{ID}},
  organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  type TEXT NOT NULL,
  occurred_at BIGINT NOT NULL,
  actor_user_id BIGINT,
  actor_token_id BIGINT,
  source_address TEXT NOT NULL,
  request_id TEXT NOT NULL,
  member_user_id BIGINT,
  agent_phone_id BIGINT,
  hotline_id BIGINT,
  token_id BIGINT,
  webhook_id BIGINT,
  row_count BIGINT
);
CREATE INDEX audit_log_by_organization ON audit_log (organization_id, id);
CREATE INDEX audit_log_by_member ON audit_log (member_user_id, id);
CREATE INDEX audit_log_by_time ON audit_log (occurred_at);
