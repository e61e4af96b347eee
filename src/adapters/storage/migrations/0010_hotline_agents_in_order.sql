-- A hotline's agents in their order straight from an index, for one hotline or a page of them,
-- instead of sorting them by position on every read (issue #12).
CREATE INDEX hotline_agents_in_order ON hotline_agents (hotline_id, position, user_id);
