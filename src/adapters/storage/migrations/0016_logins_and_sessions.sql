-- Sign-in for the web console (decisions 0051-0053): a user's optional login (an e-mail address,
-- unique by its lower-cased key, and an Argon2id password hash), one-time set-password invites
-- (only the SHA-256 of their secrets), and browser sessions as tokens of kind 'session' (the
-- dialect files widen the tokens table's checks for that kind).
ALTER TABLE users ADD COLUMN email TEXT;
ALTER TABLE users ADD COLUMN email_key TEXT;
ALTER TABLE users ADD COLUMN password_hash TEXT;
ALTER TABLE users ADD COLUMN password_set_at BIGINT;
CREATE UNIQUE INDEX users_by_email_key ON users (email_key);

CREATE TABLE password_invites (
  id {{ID}},
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  secret_hash TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at BIGINT
);
CREATE INDEX password_invites_by_user ON password_invites (user_id);
