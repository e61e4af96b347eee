-- Whether the answering agent must press 1 before being connected (decision 0025). Existing
-- hotlines get it too: a voicemail must not take their calls either.
ALTER TABLE hotlines ADD COLUMN confirm_answer INTEGER NOT NULL DEFAULT 1;
