-- A number that grows with every change that can alter how a request authenticates (decision
-- 0027): the HTTP layer keeps authenticated tokens in memory and reads only this row per
-- request, so a token revoked by `admin token revoke` in another process is refused at once.
-- The last use of a token is bookkeeping and does not count. The triggers that keep it are the
-- dialects' own: 0008_authentication_stamp.sqlite.sql and .postgresql.sql.
CREATE TABLE authentication_stamp (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  value BIGINT NOT NULL
);
INSERT INTO authentication_stamp (id, value) VALUES (1, 0);
