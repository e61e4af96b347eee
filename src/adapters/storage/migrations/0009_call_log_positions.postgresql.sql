-- The triggers that keep hotline_call_totals (see 0009_call_log_positions.sql), as the SQLite
-- ones do. The repository reads a hotline's totals row FOR UPDATE before it numbers a new call
-- or leg, so two nodes never take the same number (decision 0036).
CREATE FUNCTION hotline_totals_start() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO hotline_call_totals (hotline_id) VALUES (NEW.id);
  RETURN NULL;
END;
$$;
CREATE FUNCTION call_logs_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE hotline_call_totals SET call_logs = call_logs + 1, last_call_seq = NEW.hotline_seq
      WHERE hotline_id = NEW.hotline_id;
  ELSE
    UPDATE hotline_call_totals SET call_logs = call_logs - 1 WHERE hotline_id = OLD.hotline_id;
  END IF;
  RETURN NULL;
END;
$$;
CREATE FUNCTION telephone_records_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE hotline_call_totals
      SET telephone_records = telephone_records + 1, last_record_seq = NEW.hotline_seq
      WHERE hotline_id = NEW.hotline_id;
  ELSE
    UPDATE hotline_call_totals SET telephone_records = telephone_records - 1
      WHERE hotline_id = OLD.hotline_id;
  END IF;
  RETURN NULL;
END;
$$;
CREATE TRIGGER hotline_totals_started AFTER INSERT ON hotlines FOR EACH ROW EXECUTE FUNCTION hotline_totals_start();
CREATE TRIGGER call_logs_counted AFTER INSERT ON call_logs FOR EACH ROW EXECUTE FUNCTION call_logs_count();
CREATE TRIGGER call_logs_uncounted AFTER DELETE ON call_logs FOR EACH ROW EXECUTE FUNCTION call_logs_count();
CREATE TRIGGER telephone_records_counted AFTER INSERT ON telephone_records FOR EACH ROW EXECUTE FUNCTION telephone_records_count();
CREATE TRIGGER telephone_records_uncounted AFTER DELETE ON telephone_records FOR EACH ROW EXECUTE FUNCTION telephone_records_count();
