-- Rollups for call reports (decision 0061): what a report reads instead of every call, kept
-- by triggers in the transaction that writes the calls and legs, so that the writer, crash
-- recovery, retention purges and a hotline's deletion all keep them in step (as the totals of
-- 0009 are kept). A slot is 15 minutes of UTC (start_time / 900000), on which every IANA zone's
-- hour and day boundaries fall today; a report reads the rest of a bucket from call_logs.
-- PostgreSQL's twin is 0023_call_report_rollups.postgresql.sql.
--
-- Closed calls (end_time set) per hotline, slot and outcome; open calls are read from
-- call_logs through call_logs_open_by_hotline (few rows).
CREATE TABLE call_report_outcomes (
  hotline_id BIGINT NOT NULL REFERENCES hotlines (id) ON DELETE CASCADE,
  slot BIGINT NOT NULL,
  outcome TEXT NOT NULL,
  calls BIGINT NOT NULL,
  PRIMARY KEY (hotline_id, slot, outcome)
) WITHOUT ROWID;
-- The answered calls' waits and talk times in milliseconds per hotline and slot, each a list
-- of numbers that ends in a comma ("12000,800,"), in no order: a report ranks a bucket's in
-- memory, exactly as before. A call is appended when it closes; when a listed call changes or
-- goes, the slot is marked stale: reports read a stale slot's times from call_logs until the
-- purge that deleted the calls (or anyone) rebuilds it.
CREATE TABLE call_report_times (
  hotline_id BIGINT NOT NULL REFERENCES hotlines (id) ON DELETE CASCADE,
  slot BIGINT NOT NULL,
  waits TEXT NOT NULL,
  talks TEXT NOT NULL,
  stale INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (hotline_id, slot)
);
CREATE INDEX call_report_times_stale ON call_report_times (hotline_id, slot) WHERE stale = 1;
-- The legs that rang agents, with a disposition, per hotline, UTC day (start_time / 86400000),
-- user and disposition: a report's agents cover the whole period, read by whole days.
CREATE TABLE call_report_agent_days (
  hotline_id BIGINT NOT NULL REFERENCES hotlines (id) ON DELETE CASCADE,
  day BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  disposition TEXT NOT NULL,
  legs BIGINT NOT NULL,
  PRIMARY KEY (hotline_id, day, user_id, disposition)
) WITHOUT ROWID;
-- Back-fill from the stored calls and legs.
INSERT INTO call_report_outcomes (hotline_id, slot, outcome, calls) SELECT hotline_id, start_time / 900000, COALESCE(outcome, ''), COUNT(*) FROM call_logs WHERE end_time IS NOT NULL GROUP BY hotline_id, start_time / 900000, COALESCE(outcome, '');
INSERT INTO call_report_times (hotline_id, slot, waits, talks) SELECT hotline_id, start_time / 900000, group_concat((answered_at - start_time) || ',', ''), group_concat((end_time - answered_at) || ',', '') FROM call_logs WHERE outcome = 'answered' AND answered_at IS NOT NULL AND end_time IS NOT NULL GROUP BY hotline_id, start_time / 900000;
INSERT INTO call_report_agent_days (hotline_id, day, user_id, disposition, legs) SELECT hotline_id, start_time / 86400000, user_id, disposition, COUNT(*) FROM telephone_records WHERE user_id IS NOT NULL AND disposition IS NOT NULL GROUP BY hotline_id, start_time / 86400000, user_id, disposition;
-- Each trigger is one line: the migration runner splits statements at semicolons that end a
-- line. An UPDATE trigger takes the old row out and puts the new one in.
CREATE TRIGGER call_report_call_added AFTER INSERT ON call_logs BEGIN INSERT INTO call_report_outcomes (hotline_id, slot, outcome, calls) SELECT NEW.hotline_id, NEW.start_time / 900000, COALESCE(NEW.outcome, ''), 1 WHERE NEW.end_time IS NOT NULL ON CONFLICT (hotline_id, slot, outcome) DO UPDATE SET calls = calls + 1; INSERT INTO call_report_times (hotline_id, slot, waits, talks) SELECT NEW.hotline_id, NEW.start_time / 900000, (NEW.answered_at - NEW.start_time) || ',', (NEW.end_time - NEW.answered_at) || ',' WHERE NEW.outcome = 'answered' AND NEW.answered_at IS NOT NULL AND NEW.end_time IS NOT NULL ON CONFLICT (hotline_id, slot) DO UPDATE SET waits = waits || excluded.waits, talks = talks || excluded.talks; END;
CREATE TRIGGER call_report_call_removed AFTER DELETE ON call_logs BEGIN UPDATE call_report_outcomes SET calls = calls - 1 WHERE hotline_id = OLD.hotline_id AND slot = OLD.start_time / 900000 AND outcome = COALESCE(OLD.outcome, '') AND OLD.end_time IS NOT NULL; DELETE FROM call_report_outcomes WHERE hotline_id = OLD.hotline_id AND slot = OLD.start_time / 900000 AND outcome = COALESCE(OLD.outcome, '') AND calls <= 0; UPDATE call_report_times SET stale = 1 WHERE hotline_id = OLD.hotline_id AND slot = OLD.start_time / 900000 AND OLD.outcome = 'answered' AND OLD.answered_at IS NOT NULL AND OLD.end_time IS NOT NULL; END;
CREATE TRIGGER call_report_call_changed AFTER UPDATE OF hotline_id, start_time, end_time, outcome, answered_at ON call_logs BEGIN UPDATE call_report_outcomes SET calls = calls - 1 WHERE hotline_id = OLD.hotline_id AND slot = OLD.start_time / 900000 AND outcome = COALESCE(OLD.outcome, '') AND OLD.end_time IS NOT NULL; DELETE FROM call_report_outcomes WHERE hotline_id = OLD.hotline_id AND slot = OLD.start_time / 900000 AND outcome = COALESCE(OLD.outcome, '') AND calls <= 0; UPDATE call_report_times SET stale = 1 WHERE hotline_id = OLD.hotline_id AND slot = OLD.start_time / 900000 AND OLD.outcome = 'answered' AND OLD.answered_at IS NOT NULL AND OLD.end_time IS NOT NULL; INSERT INTO call_report_outcomes (hotline_id, slot, outcome, calls) SELECT NEW.hotline_id, NEW.start_time / 900000, COALESCE(NEW.outcome, ''), 1 WHERE NEW.end_time IS NOT NULL ON CONFLICT (hotline_id, slot, outcome) DO UPDATE SET calls = calls + 1; INSERT INTO call_report_times (hotline_id, slot, waits, talks) SELECT NEW.hotline_id, NEW.start_time / 900000, (NEW.answered_at - NEW.start_time) || ',', (NEW.end_time - NEW.answered_at) || ',' WHERE NEW.outcome = 'answered' AND NEW.answered_at IS NOT NULL AND NEW.end_time IS NOT NULL ON CONFLICT (hotline_id, slot) DO UPDATE SET waits = waits || excluded.waits, talks = talks || excluded.talks; END;
CREATE TRIGGER call_report_leg_added AFTER INSERT ON telephone_records BEGIN INSERT INTO call_report_agent_days (hotline_id, day, user_id, disposition, legs) SELECT NEW.hotline_id, NEW.start_time / 86400000, NEW.user_id, NEW.disposition, 1 WHERE NEW.user_id IS NOT NULL AND NEW.disposition IS NOT NULL ON CONFLICT (hotline_id, day, user_id, disposition) DO UPDATE SET legs = legs + 1; END;
CREATE TRIGGER call_report_leg_removed AFTER DELETE ON telephone_records BEGIN UPDATE call_report_agent_days SET legs = legs - 1 WHERE hotline_id = OLD.hotline_id AND day = OLD.start_time / 86400000 AND user_id = OLD.user_id AND disposition = OLD.disposition; DELETE FROM call_report_agent_days WHERE hotline_id = OLD.hotline_id AND day = OLD.start_time / 86400000 AND user_id = OLD.user_id AND disposition = OLD.disposition AND legs <= 0; END;
CREATE TRIGGER call_report_leg_changed AFTER UPDATE OF hotline_id, start_time, user_id, disposition ON telephone_records BEGIN UPDATE call_report_agent_days SET legs = legs - 1 WHERE hotline_id = OLD.hotline_id AND day = OLD.start_time / 86400000 AND user_id = OLD.user_id AND disposition = OLD.disposition; DELETE FROM call_report_agent_days WHERE hotline_id = OLD.hotline_id AND day = OLD.start_time / 86400000 AND user_id = OLD.user_id AND disposition = OLD.disposition AND legs <= 0; INSERT INTO call_report_agent_days (hotline_id, day, user_id, disposition, legs) SELECT NEW.hotline_id, NEW.start_time / 86400000, NEW.user_id, NEW.disposition, 1 WHERE NEW.user_id IS NOT NULL AND NEW.disposition IS NOT NULL ON CONFLICT (hotline_id, day, user_id, disposition) DO UPDATE SET legs = legs + 1; END;
