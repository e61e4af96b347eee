-- The event stream reads events in the order their transactions became visible, not only by
-- id (decision 0063): tx_id is the inserting transaction's id on PostgreSQL (set by the
-- default in 0024_event_stream_order.postgresql.sql) and 0 on SQLite, whose ids follow commit
-- order. Events stored before this migration keep 0: they were all committed long ago.
ALTER TABLE webhook_events ADD COLUMN tx_id BIGINT NOT NULL DEFAULT 0;
DROP INDEX webhook_events_by_organization;
CREATE INDEX webhook_events_by_organization ON webhook_events (organization_id, tx_id, id);
