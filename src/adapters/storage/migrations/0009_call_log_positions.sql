-- Call logs and telephone records are numbered per hotline in the order they are logged, and
-- each hotline keeps its totals (decision 0032): a page is a range of numbers found through the
-- index, and totalCallLogs/totalRecords are one row, not a count of every row per request. The
-- triggers keep the totals whatever deletes the rows (retention, a hotline's deletion, erasure);
-- they are the dialects' own: 0009_call_log_positions.sqlite.sql and .postgresql.sql.
ALTER TABLE call_logs ADD COLUMN hotline_seq BIGINT;
ALTER TABLE telephone_records ADD COLUMN hotline_seq BIGINT;
UPDATE call_logs SET hotline_seq = ranked.n FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY hotline_id ORDER BY start_time, id) AS n FROM call_logs) AS ranked WHERE ranked.id = call_logs.id;
UPDATE telephone_records SET hotline_seq = ranked.n FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY hotline_id ORDER BY start_time, id) AS n FROM telephone_records) AS ranked WHERE ranked.id = telephone_records.id;
DROP INDEX call_logs_by_hotline;
DROP INDEX telephone_records_by_hotline;
CREATE UNIQUE INDEX call_logs_by_hotline_seq ON call_logs (hotline_id, hotline_seq);
CREATE UNIQUE INDEX telephone_records_by_hotline_seq ON telephone_records (hotline_id, hotline_seq);

CREATE TABLE hotline_call_totals (
  hotline_id BIGINT PRIMARY KEY REFERENCES hotlines (id) ON DELETE CASCADE,
  call_logs BIGINT NOT NULL DEFAULT 0,
  last_call_seq BIGINT NOT NULL DEFAULT 0,
  telephone_records BIGINT NOT NULL DEFAULT 0,
  last_record_seq BIGINT NOT NULL DEFAULT 0
);
INSERT INTO hotline_call_totals (hotline_id, call_logs, last_call_seq, telephone_records, last_record_seq)
  SELECT h.id,
    (SELECT COUNT(*) FROM call_logs c WHERE c.hotline_id = h.id),
    (SELECT COALESCE(MAX(c.hotline_seq), 0) FROM call_logs c WHERE c.hotline_id = h.id),
    (SELECT COUNT(*) FROM telephone_records r WHERE r.hotline_id = h.id),
    (SELECT COALESCE(MAX(r.hotline_seq), 0) FROM telephone_records r WHERE r.hotline_id = h.id)
  FROM hotlines h;
