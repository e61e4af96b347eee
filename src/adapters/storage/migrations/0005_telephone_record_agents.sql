-- The agent's phone a leg to an agent reached, by ids: the number in to_number is the agent's
-- personal data, shown to admins only with the agent's consent, so the reader must know whose
-- it is. Legs written before this migration have none and are masked whenever they reach a
-- phone (see decision 0018).
ALTER TABLE telephone_records ADD COLUMN user_id BIGINT;
ALTER TABLE telephone_records ADD COLUMN agent_phone_id BIGINT;
