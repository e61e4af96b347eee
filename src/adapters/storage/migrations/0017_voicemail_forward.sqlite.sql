-- A deleted voicemail's file is queued for removal (see 0017_voicemail_forward.sql).
CREATE TRIGGER voicemail_deleted AFTER DELETE ON voicemails BEGIN INSERT OR IGNORE INTO voicemail_files_removed (file) VALUES (OLD.file); END;
