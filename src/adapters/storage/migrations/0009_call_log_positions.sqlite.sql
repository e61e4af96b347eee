-- The triggers that keep hotline_call_totals (see 0009_call_log_positions.sql). Each trigger is
-- one line: the migration runner splits statements at semicolons that end a line.
CREATE TRIGGER hotline_totals_started AFTER INSERT ON hotlines BEGIN INSERT INTO hotline_call_totals (hotline_id) VALUES (NEW.id); END;
CREATE TRIGGER call_logs_counted AFTER INSERT ON call_logs BEGIN UPDATE hotline_call_totals SET call_logs = call_logs + 1, last_call_seq = NEW.hotline_seq WHERE hotline_id = NEW.hotline_id; END;
CREATE TRIGGER call_logs_uncounted AFTER DELETE ON call_logs BEGIN UPDATE hotline_call_totals SET call_logs = call_logs - 1 WHERE hotline_id = OLD.hotline_id; END;
CREATE TRIGGER telephone_records_counted AFTER INSERT ON telephone_records BEGIN UPDATE hotline_call_totals SET telephone_records = telephone_records + 1, last_record_seq = NEW.hotline_seq WHERE hotline_id = NEW.hotline_id; END;
CREATE TRIGGER telephone_records_uncounted AFTER DELETE ON telephone_records BEGIN UPDATE hotline_call_totals SET telephone_records = telephone_records - 1 WHERE hotline_id = OLD.hotline_id; END;
