-- An organisation may keep call logs and telephone records for fewer days than the server's
-- --call-retention-days (issue #18): null keeps the server's. The purge deletes by it too.
ALTER TABLE organizations ADD COLUMN call_retention_days INTEGER CHECK (call_retention_days >= 1);
