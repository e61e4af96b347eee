-- Organisations, users, their memberships, and the tokens that authenticate them.
-- {{ID}} is the dialect's auto-generated, never-reused int64 primary key.
CREATE TABLE organizations (
  id {{ID}},
  name TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE users (
  id {{ID}},
  name TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE memberships (
  organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('admin', 'member')),
  allow_admin_access INTEGER NOT NULL DEFAULT 0 CHECK (allow_admin_access IN (0, 1)),
  created_at BIGINT NOT NULL,
  PRIMARY KEY (organization_id, user_id)
);
CREATE INDEX memberships_by_user ON memberships (user_id);

CREATE TABLE tokens (
  id {{ID}},
  kind TEXT NOT NULL CHECK (kind IN ('personal', 'organization')),
  user_id BIGINT REFERENCES users (id) ON DELETE CASCADE,
  organization_id BIGINT REFERENCES organizations (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  secret_hash TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  last_used_at BIGINT,
  expires_at BIGINT,
  revoked_at BIGINT,
  CHECK ((kind = 'personal' AND user_id IS NOT NULL AND organization_id IS NULL)
      OR (kind = 'organization' AND organization_id IS NOT NULL AND user_id IS NULL))
);
CREATE INDEX tokens_by_user ON tokens (user_id);
CREATE INDEX tokens_by_organization ON tokens (organization_id);
