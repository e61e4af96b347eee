-- Issue 15: who may call a hotline, when, and in which language (decisions 0042, 0043, 0044).
-- A hotline's language ('' = the service's default), what callers outside the opening hours
-- hear, whether anonymous callers are refused, and its opening hours: a time zone ('' = no
-- schedule, always open), weekly ranges in local time and closed dates.
ALTER TABLE hotlines ADD COLUMN language TEXT NOT NULL DEFAULT '';
ALTER TABLE hotlines ADD COLUMN closed_action TEXT NOT NULL DEFAULT 'message';
ALTER TABLE hotlines ADD COLUMN tts_closed TEXT NOT NULL DEFAULT '';
ALTER TABLE hotlines ADD COLUMN reject_anonymous INTEGER NOT NULL DEFAULT 0 CHECK (reject_anonymous IN (0, 1));
ALTER TABLE hotlines ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';

CREATE TABLE hotline_opening_hours (
  hotline_id BIGINT NOT NULL REFERENCES hotlines (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  day TEXT NOT NULL,
  from_minute INTEGER NOT NULL CHECK (from_minute BETWEEN 0 AND 1439),
  to_minute INTEGER NOT NULL CHECK (to_minute BETWEEN 0 AND 1440),
  PRIMARY KEY (hotline_id, position)
);

CREATE TABLE hotline_closed_dates (
  hotline_id BIGINT NOT NULL REFERENCES hotlines (id) ON DELETE CASCADE,
  closed_date TEXT NOT NULL,
  PRIMARY KEY (hotline_id, closed_date)
);

-- An organisation's blocklist: one row per number ("00…"); expires_at NULL blocks for good.
CREATE TABLE blocked_callers (
  id {{ID}},
  organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  number TEXT NOT NULL,
  note TEXT NOT NULL,
  expires_at BIGINT,
  created_at BIGINT NOT NULL,
  UNIQUE (organization_id, number)
);
