-- A deleted voicemail's file is queued for removal (see 0017_voicemail_forward.sql).
CREATE FUNCTION voicemail_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO voicemail_files_removed (file) VALUES (OLD.file) ON CONFLICT DO NOTHING;
  RETURN NULL;
END;
$$;
CREATE TRIGGER voicemail_deleted AFTER DELETE ON voicemails FOR EACH ROW EXECUTE FUNCTION voicemail_deleted();
