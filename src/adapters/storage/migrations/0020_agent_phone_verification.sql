-- Agent phones proven to reach their owner (issue 15 §6, decision 0069). Phones that exist
-- already keep ringing: they are taken as verified; new ones are inserted as pending.
ALTER TABLE agent_phones ADD COLUMN verification TEXT NOT NULL DEFAULT 'verified' CHECK (verification IN ('pending', 'verified', 'failed'));
-- One row per verification call placed, kept for the limits (per number per day, per
-- organisation per hour): the number and the owner stay when the phone is deleted, so that
-- deleting and adding a phone again does not reset them. The code itself is never stored.
CREATE TABLE agent_phone_verifications (
  id {{ID}},
  agent_phone_id BIGINT REFERENCES agent_phones (id) ON DELETE SET NULL,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  number TEXT NOT NULL,
  started_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  outcome TEXT NOT NULL DEFAULT 'calling' CHECK (outcome IN ('calling', 'verified', 'failed'))
);
CREATE INDEX agent_phone_verifications_by_number ON agent_phone_verifications (number, started_at);
CREATE INDEX agent_phone_verifications_by_user ON agent_phone_verifications (user_id, started_at);
CREATE INDEX agent_phone_verifications_by_phone ON agent_phone_verifications (agent_phone_id, outcome);
