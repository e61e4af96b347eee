-- Several nodes on one database (issue #14, decisions 0039 and 0040). Each node renews a lease;
-- a node whose lease ended is gone, and another node closes what it left open. Every call log
-- names the node that took the call, so that a node closes only its own calls at start.
CREATE TABLE node_leases (
  node_id TEXT PRIMARY KEY,
  expires_at BIGINT NOT NULL
);
ALTER TABLE call_logs ADD COLUMN node_id TEXT;
CREATE INDEX call_logs_open_by_node ON call_logs (node_id) WHERE end_time IS NULL;

-- The provisioning worker runs on every node: a node takes a hotline's job by writing its id
-- and an expiry here, and no other node touches it until then.
ALTER TABLE hotlines ADD COLUMN provisioning_node TEXT;
ALTER TABLE hotlines ADD COLUMN provisioning_until BIGINT;

-- Channels in use, by every node: one claim per call (inbound) or dialled agent leg (outbound),
-- with the phone number that is in a call because of it, if any. hotline_channels holds their
-- counts per hotline, kept by the dialects' triggers (0012_nodes.sqlite.sql, .postgresql.sql):
-- a claim is admitted by one INSERT that reads its hotline's count row locked, so two nodes
-- never both take the last channel.
CREATE TABLE hotline_channels (
  hotline_id BIGINT PRIMARY KEY REFERENCES hotlines (id) ON DELETE CASCADE,
  inbound INTEGER NOT NULL DEFAULT 0,
  outbound INTEGER NOT NULL DEFAULT 0
);
INSERT INTO hotline_channels (hotline_id) SELECT id FROM hotlines;
CREATE TABLE channel_claims (
  id {{ID}},
  node_id TEXT NOT NULL,
  hotline_id BIGINT NOT NULL REFERENCES hotlines (id) ON DELETE CASCADE,
  direction TEXT NOT NULL,
  number TEXT
);
CREATE INDEX channel_claims_by_node ON channel_claims (node_id);
CREATE INDEX channel_claims_by_number ON channel_claims (number) WHERE number IS NOT NULL;
