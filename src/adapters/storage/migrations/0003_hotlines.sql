-- Hotlines, their agents and status history, and the inventory of numbers the trunk routes here.
CREATE TABLE phone_numbers (
  number TEXT PRIMARY KEY,
  country TEXT NOT NULL,
  city TEXT NOT NULL,
  city_key TEXT NOT NULL,
  hotline_id BIGINT,
  quarantined_until BIGINT,
  routing_enabled INTEGER NOT NULL DEFAULT 0 CHECK (routing_enabled IN (0, 1))
);
CREATE INDEX phone_numbers_by_place ON phone_numbers (country, city_key, number);

CREATE TABLE hotlines (
  id {{ID}},
  organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  channels_inbound INTEGER NOT NULL,
  channels_outbound INTEGER NOT NULL,
  is_active INTEGER NOT NULL CHECK (is_active IN (0, 1)),
  tts_inbound TEXT NOT NULL,
  tts_outbound TEXT NOT NULL,
  number TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL,
  status_detail TEXT NOT NULL,
  version BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX hotlines_by_organization ON hotlines (organization_id, id);

CREATE TABLE hotline_agents (
  hotline_id BIGINT NOT NULL REFERENCES hotlines (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  PRIMARY KEY (hotline_id, user_id)
);
CREATE INDEX hotline_agents_by_user ON hotline_agents (user_id);

CREATE TABLE hotline_status_events (
  id {{ID}},
  hotline_id BIGINT NOT NULL REFERENCES hotlines (id) ON DELETE CASCADE,
  status TEXT NOT NULL,
  detail TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX hotline_status_events_by_hotline ON hotline_status_events (hotline_id, id);
