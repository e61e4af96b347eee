-- Call logs (one per inbound call), their entries, and telephone records (one per leg).
-- Deleting a hotline deletes its calls; deleting a call deletes its entries and records.
CREATE TABLE call_logs (
  id {{ID}},
  hotline_id BIGINT NOT NULL REFERENCES hotlines (id) ON DELETE CASCADE,
  caller TEXT,
  start_time BIGINT NOT NULL,
  end_time BIGINT,
  outcome TEXT,
  answered_user_id BIGINT,
  answered_agent_phone_id BIGINT
);
CREATE INDEX call_logs_by_hotline ON call_logs (hotline_id, start_time, id);
CREATE INDEX call_logs_by_start ON call_logs (start_time);
CREATE INDEX call_logs_open ON call_logs (id) WHERE end_time IS NULL;

CREATE TABLE call_log_entries (
  id {{ID}},
  call_log_id BIGINT NOT NULL REFERENCES call_logs (id) ON DELETE CASCADE,
  at BIGINT NOT NULL,
  type TEXT NOT NULL,
  user_id BIGINT,
  agent_phone_id BIGINT,
  detail TEXT
);
CREATE INDEX call_log_entries_by_call ON call_log_entries (call_log_id, id);

CREATE TABLE telephone_records (
  id {{ID}},
  hotline_id BIGINT NOT NULL REFERENCES hotlines (id) ON DELETE CASCADE,
  call_log_id BIGINT NOT NULL REFERENCES call_logs (id) ON DELETE CASCADE,
  direction TEXT NOT NULL,
  from_number TEXT,
  to_number TEXT NOT NULL,
  start_time BIGINT NOT NULL,
  answer_time BIGINT,
  end_time BIGINT,
  disposition TEXT,
  sip_status INTEGER
);
CREATE INDEX telephone_records_by_hotline ON telephone_records (hotline_id, start_time, id);
CREATE INDEX telephone_records_by_call ON telephone_records (call_log_id);
CREATE INDEX telephone_records_open ON telephone_records (id) WHERE end_time IS NULL;
