-- Each event records the id of the transaction that inserted it (64-bit, never wraps).
ALTER TABLE webhook_events ALTER COLUMN tx_id SET DEFAULT CAST(CAST(pg_current_xact_id() AS TEXT) AS BIGINT);
