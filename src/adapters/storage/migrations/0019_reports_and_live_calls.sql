-- Reports over calls and the live view of calls in progress (issue #16, decision 0061).
-- When an answered call was bridged to its agent: the wait ends and the talk begins there. The
-- writer sets it with the `bridged` entry; calls logged before take it from that entry.
ALTER TABLE call_logs ADD COLUMN answered_at BIGINT;
UPDATE call_logs SET answered_at = (SELECT MIN(e.at) FROM call_log_entries e WHERE e.call_log_id = call_logs.id AND e.type = 'bridged') WHERE outcome = 'answered';
-- A report reads a hotline's calls of a period from this index alone, and the legs that rang
-- agents from the next one.
CREATE INDEX call_logs_for_reports ON call_logs (hotline_id, start_time, outcome, answered_at, end_time);
CREATE INDEX telephone_records_for_reports ON telephone_records (hotline_id, start_time, user_id, disposition) WHERE user_id IS NOT NULL;
-- The calls in progress of a hotline, whichever node took them.
CREATE INDEX call_logs_open_by_hotline ON call_logs (hotline_id, id) WHERE end_time IS NULL;
-- The event stream reads an organisation's events in id order from its last one (decision 0063).
CREATE INDEX webhook_events_by_organization ON webhook_events (organization_id, id);
