-- What RTCP showed of a leg's audio (decision 0023): the share of packets lost (0..1) and the
-- highest interarrival jitter in milliseconds, both of the leg's worse direction. Null when the
-- leg carried no measured audio, and on legs written before this migration.
ALTER TABLE telephone_records ADD COLUMN packet_loss DOUBLE PRECISION;
ALTER TABLE telephone_records ADD COLUMN jitter_ms DOUBLE PRECISION;
