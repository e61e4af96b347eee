-- The triggers that keep hotline_channels (see 0012_nodes.sql), as the SQLite ones do. The
-- count row stays locked by the claim's transaction until it commits; a concurrent claim that
-- reads it FOR UPDATE waits and then sees the new count (decision 0039).
CREATE FUNCTION hotline_channels_start() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO hotline_channels (hotline_id) VALUES (NEW.id);
  RETURN NULL;
END;
$$;
CREATE FUNCTION channel_claims_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE hotline_channels
      SET inbound = inbound + (NEW.direction = 'inbound')::int,
          outbound = outbound + (NEW.direction = 'outbound')::int
      WHERE hotline_id = NEW.hotline_id;
  ELSE
    UPDATE hotline_channels
      SET inbound = inbound - (OLD.direction = 'inbound')::int,
          outbound = outbound - (OLD.direction = 'outbound')::int
      WHERE hotline_id = OLD.hotline_id;
  END IF;
  RETURN NULL;
END;
$$;
CREATE TRIGGER hotline_channels_start AFTER INSERT ON hotlines FOR EACH ROW EXECUTE FUNCTION hotline_channels_start();
CREATE TRIGGER channel_claimed AFTER INSERT ON channel_claims FOR EACH ROW EXECUTE FUNCTION channel_claims_count();
CREATE TRIGGER channel_released AFTER DELETE ON channel_claims FOR EACH ROW EXECUTE FUNCTION channel_claims_count();
