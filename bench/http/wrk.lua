-- wrk script of the HTTP benchmark (bench/http/run). Headers such as the token come from wrk's
-- -H options. The environment chooses the request:
--   WRK_METHOD     GET (default) or PUT, …
--   WRK_BODY_FILE  a file whose content is sent as the JSON body of every request
-- `PUT /v1/hotlines/{id}` needs no If-Match (the header is optional; without it the last write
-- wins), so every connection can replace the same hotline over and over without conflicts.
-- At the end one line `WRK_RESULT {json}` reports the counts and latencies (microseconds).

wrk.method = os.getenv("WRK_METHOD") or "GET"

local body_file = os.getenv("WRK_BODY_FILE")
if body_file and body_file ~= "" then
  local file = assert(io.open(body_file, "rb"))
  wrk.body = file:read("*a")
  file:close()
  wrk.headers["Content-Type"] = "application/json"
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests":%d,"durationUs":%d,"bytes":%d,"connectErrors":%d,"readErrors":%d,' ..
    '"writeErrors":%d,"statusErrors":%d,"timeouts":%d,"meanUs":%.1f,"p50Us":%d,"p90Us":%d,' ..
    '"p99Us":%d,"maxUs":%d}\n',
    summary.requests, summary.duration, summary.bytes, errors.connect, errors.read,
    errors.write, errors.status, errors.timeout, latency.mean, latency:percentile(50),
    latency:percentile(90), latency:percentile(99), latency.max))
end
