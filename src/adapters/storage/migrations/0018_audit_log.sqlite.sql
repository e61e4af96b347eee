-- Entries cannot be changed, by the service or by anyone with SQL access who forgets it; the
-- retention purge deletes whole entries (decision 0058). One line per trigger (see 0012).
CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
