-- The triggers that keep hotline_channels (see 0012_nodes.sql). Each trigger is one line: the
-- migration runner splits statements at semicolons that end a line.
CREATE TRIGGER hotline_channels_start AFTER INSERT ON hotlines BEGIN INSERT INTO hotline_channels (hotline_id) VALUES (NEW.id); END;
CREATE TRIGGER channel_claimed AFTER INSERT ON channel_claims BEGIN UPDATE hotline_channels SET inbound = inbound + (NEW.direction = 'inbound'), outbound = outbound + (NEW.direction = 'outbound') WHERE hotline_id = NEW.hotline_id; END;
CREATE TRIGGER channel_released AFTER DELETE ON channel_claims BEGIN UPDATE hotline_channels SET inbound = inbound - (OLD.direction = 'inbound'), outbound = outbound - (OLD.direction = 'outbound') WHERE hotline_id = OLD.hotline_id; END;
