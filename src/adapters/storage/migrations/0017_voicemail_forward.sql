-- What a caller gets when nobody answers (`noAnswer`) and the fields of the voicemail and
-- forward actions for both fallbacks (decision 0054). `closed_action` is from 0013.
ALTER TABLE hotlines ADD COLUMN no_answer_action TEXT NOT NULL DEFAULT 'message';
ALTER TABLE hotlines ADD COLUMN no_answer_tts_voicemail TEXT NOT NULL DEFAULT '';
ALTER TABLE hotlines ADD COLUMN no_answer_max_seconds INTEGER NOT NULL DEFAULT 120;
ALTER TABLE hotlines ADD COLUMN no_answer_forward_to TEXT NOT NULL DEFAULT '';
ALTER TABLE hotlines ADD COLUMN closed_tts_voicemail TEXT NOT NULL DEFAULT '';
ALTER TABLE hotlines ADD COLUMN closed_max_seconds INTEGER NOT NULL DEFAULT 120;
ALTER TABLE hotlines ADD COLUMN closed_forward_to TEXT NOT NULL DEFAULT '';

-- Voicemails (decision 0055): one row per message, its audio a file in the voicemail folder.
-- A row lives as long as its call log (retention, erasure, hotline and organisation deletion
-- all reach it through the cascade). `state` is 'recording' until the file is whole; the node
-- that recorded it recovers or deletes such rows after a crash.
CREATE TABLE voicemails (
  id {{ID}},
  call_log_id BIGINT NOT NULL REFERENCES call_logs (id) ON DELETE CASCADE,
  hotline_id BIGINT NOT NULL REFERENCES hotlines (id) ON DELETE CASCADE,
  file TEXT NOT NULL UNIQUE,
  node_id TEXT NOT NULL,
  recorded_at BIGINT NOT NULL,
  duration_ms BIGINT NOT NULL DEFAULT 0,
  listened INTEGER NOT NULL DEFAULT 0 CHECK (listened IN (0, 1)),
  state TEXT NOT NULL CHECK (state IN ('recording', 'recorded'))
);
CREATE INDEX voicemails_by_hotline ON voicemails (hotline_id, state, recorded_at, id);
CREATE INDEX voicemails_by_call ON voicemails (call_log_id);

-- The files of deleted rows, filled by a trigger on every delete (cascades included) and
-- emptied by whoever removes the files: no file outlives its row for long, and none is
-- removed while a row still names it.
CREATE TABLE voicemail_files_removed (
  file TEXT NOT NULL PRIMARY KEY
);

-- voicemail.recorded names its voicemail (decision 0050's payloads).
ALTER TABLE webhook_events ADD COLUMN voicemail_id BIGINT;
