-- Webhooks, the outbox of events they hear about, and the deliveries of those events
-- (decisions 0048, 0049).
CREATE TABLE webhooks (
  id {{ID}},
  organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  url TEXT NOT NULL,
  -- ",call.started,call.ended,": the outbox matches a type with LIKE '%,type,%'.
  event_types TEXT NOT NULL,
  is_active INTEGER NOT NULL CHECK (is_active IN (0, 1)),
  include_caller_number INTEGER NOT NULL CHECK (include_caller_number IN (0, 1)),
  -- AES-256-GCM under the service's webhook key, never the secret itself (decision 0048).
  secret_sealed TEXT NOT NULL,
  disabled_reason TEXT NOT NULL DEFAULT '',
  failing_since BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX webhooks_by_organization ON webhooks (organization_id, id);

-- Written in the transaction of the change it reports, only while a webhook of the
-- organisation wants its type. A snapshot: it outlives the hotline or call it names.
CREATE TABLE webhook_events (
  id {{ID}},
  organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  type TEXT NOT NULL,
  occurred_at BIGINT NOT NULL,
  hotline_id BIGINT,
  call_log_id BIGINT,
  caller TEXT,
  outcome TEXT,
  duration_seconds BIGINT,
  answered_user_id BIGINT,
  answered_agent_phone_id BIGINT,
  status TEXT,
  detail TEXT,
  user_id BIGINT,
  agent_phone_id BIGINT,
  change_kind TEXT,
  is_active INTEGER
);
CREATE INDEX webhook_events_by_time ON webhook_events (occurred_at);

CREATE TABLE webhook_deliveries (
  id {{ID}},
  webhook_id BIGINT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
  event_id BIGINT NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
  state TEXT NOT NULL CHECK (state IN ('pending', 'succeeded', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT,
  last_attempt_at BIGINT,
  status_code INTEGER,
  duration_ms BIGINT,
  error TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL
);
-- The head of each webhook's queue, and the due ones among them.
CREATE INDEX webhook_deliveries_queue ON webhook_deliveries (state, webhook_id, event_id, id);
CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, id);
CREATE INDEX webhook_deliveries_by_event ON webhook_deliveries (event_id);
