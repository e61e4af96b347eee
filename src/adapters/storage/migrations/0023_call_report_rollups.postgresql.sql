-- Rollups for call reports (decision 0061), as 0023_call_report_rollups.sqlite.sql describes
-- them: kept by triggers in the transaction that writes the calls and legs. An upsert adds to a
-- row atomically, so that two nodes closing calls of one slot at once both count.
CREATE TABLE call_report_outcomes (
  hotline_id BIGINT NOT NULL REFERENCES hotlines (id) ON DELETE CASCADE,
  slot BIGINT NOT NULL,
  outcome TEXT NOT NULL,
  calls BIGINT NOT NULL,
  PRIMARY KEY (hotline_id, slot, outcome)
);
CREATE TABLE call_report_times (
  hotline_id BIGINT NOT NULL REFERENCES hotlines (id) ON DELETE CASCADE,
  slot BIGINT NOT NULL,
  waits TEXT NOT NULL,
  talks TEXT NOT NULL,
  stale INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (hotline_id, slot)
);
CREATE INDEX call_report_times_stale ON call_report_times (hotline_id, slot) WHERE stale = 1;
CREATE TABLE call_report_agent_days (
  hotline_id BIGINT NOT NULL REFERENCES hotlines (id) ON DELETE CASCADE,
  day BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  disposition TEXT NOT NULL,
  legs BIGINT NOT NULL,
  PRIMARY KEY (hotline_id, day, user_id, disposition)
);
INSERT INTO call_report_outcomes (hotline_id, slot, outcome, calls) SELECT hotline_id, start_time / 900000, COALESCE(outcome, ''), COUNT(*) FROM call_logs WHERE end_time IS NOT NULL GROUP BY hotline_id, start_time / 900000, COALESCE(outcome, '');
INSERT INTO call_report_times (hotline_id, slot, waits, talks) SELECT hotline_id, start_time / 900000, string_agg(CAST(answered_at - start_time AS TEXT) || ',', ''), string_agg(CAST(end_time - answered_at AS TEXT) || ',', '') FROM call_logs WHERE outcome = 'answered' AND answered_at IS NOT NULL AND end_time IS NOT NULL GROUP BY hotline_id, start_time / 900000;
INSERT INTO call_report_agent_days (hotline_id, day, user_id, disposition, legs) SELECT hotline_id, start_time / 86400000, user_id, disposition, COUNT(*) FROM telephone_records WHERE user_id IS NOT NULL AND disposition IS NOT NULL GROUP BY hotline_id, start_time / 86400000, user_id, disposition;
-- An UPDATE takes the old row out and puts the new one in.
CREATE FUNCTION call_report_count_call() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    IF OLD.end_time IS NOT NULL THEN
      UPDATE call_report_outcomes SET calls = calls - 1 WHERE hotline_id = OLD.hotline_id
        AND slot = OLD.start_time / 900000 AND outcome = COALESCE(OLD.outcome, '');
      DELETE FROM call_report_outcomes WHERE hotline_id = OLD.hotline_id
        AND slot = OLD.start_time / 900000 AND outcome = COALESCE(OLD.outcome, '') AND calls <= 0;
    END IF;
    IF OLD.outcome = 'answered' AND OLD.answered_at IS NOT NULL AND OLD.end_time IS NOT NULL THEN
      UPDATE call_report_times SET stale = 1
        WHERE hotline_id = OLD.hotline_id AND slot = OLD.start_time / 900000;
    END IF;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    IF NEW.end_time IS NOT NULL THEN
      INSERT INTO call_report_outcomes (hotline_id, slot, outcome, calls)
        VALUES (NEW.hotline_id, NEW.start_time / 900000, COALESCE(NEW.outcome, ''), 1)
        ON CONFLICT (hotline_id, slot, outcome)
        DO UPDATE SET calls = call_report_outcomes.calls + 1;
    END IF;
    IF NEW.outcome = 'answered' AND NEW.answered_at IS NOT NULL AND NEW.end_time IS NOT NULL THEN
      INSERT INTO call_report_times (hotline_id, slot, waits, talks)
        VALUES (NEW.hotline_id, NEW.start_time / 900000,
                CAST(NEW.answered_at - NEW.start_time AS TEXT) || ',',
                CAST(NEW.end_time - NEW.answered_at AS TEXT) || ',')
        ON CONFLICT (hotline_id, slot) DO UPDATE SET waits = call_report_times.waits
          || EXCLUDED.waits, talks = call_report_times.talks || EXCLUDED.talks;
    END IF;
  END IF;
  RETURN NULL;
END;
$$;
CREATE FUNCTION call_report_count_leg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    IF OLD.user_id IS NOT NULL AND OLD.disposition IS NOT NULL THEN
      UPDATE call_report_agent_days SET legs = legs - 1 WHERE hotline_id = OLD.hotline_id
        AND day = OLD.start_time / 86400000 AND user_id = OLD.user_id
        AND disposition = OLD.disposition;
      DELETE FROM call_report_agent_days WHERE hotline_id = OLD.hotline_id
        AND day = OLD.start_time / 86400000 AND user_id = OLD.user_id
        AND disposition = OLD.disposition AND legs <= 0;
    END IF;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    IF NEW.user_id IS NOT NULL AND NEW.disposition IS NOT NULL THEN
      INSERT INTO call_report_agent_days (hotline_id, day, user_id, disposition, legs)
        VALUES (NEW.hotline_id, NEW.start_time / 86400000, NEW.user_id, NEW.disposition, 1)
        ON CONFLICT (hotline_id, day, user_id, disposition)
        DO UPDATE SET legs = call_report_agent_days.legs + 1;
    END IF;
  END IF;
  RETURN NULL;
END;
$$;
CREATE TRIGGER call_report_call_added AFTER INSERT ON call_logs FOR EACH ROW EXECUTE FUNCTION call_report_count_call();
CREATE TRIGGER call_report_call_removed AFTER DELETE ON call_logs FOR EACH ROW EXECUTE FUNCTION call_report_count_call();
CREATE TRIGGER call_report_call_changed AFTER UPDATE OF hotline_id, start_time, end_time, outcome, answered_at ON call_logs FOR EACH ROW EXECUTE FUNCTION call_report_count_call();
CREATE TRIGGER call_report_leg_added AFTER INSERT ON telephone_records FOR EACH ROW EXECUTE FUNCTION call_report_count_leg();
CREATE TRIGGER call_report_leg_removed AFTER DELETE ON telephone_records FOR EACH ROW EXECUTE FUNCTION call_report_count_leg();
CREATE TRIGGER call_report_leg_changed AFTER UPDATE OF hotline_id, start_time, user_id, disposition ON telephone_records FOR EACH ROW EXECUTE FUNCTION call_report_count_leg();
