#!/usr/bin/env python3
"""The call logs of the benchmark's hotlines, over the API (bench/sip/run).

Usage: call_logs.py BASE_URL TOKEN HOTLINES_FILE totals
         prints {"hotline id": number of call logs, ...}
       call_logs.py BASE_URL TOKEN HOTLINES_FILE since TOTALS_JSON
         prints "logged answered other open" over the call logs added since TOTALS_JSON
"""
import concurrent.futures
import json
import sys
import urllib.request

base, token, hotlines_file, mode = sys.argv[1:5]
hotlines = [line.strip() for line in open(hotlines_file) if line.strip()]
pool = concurrent.futures.ThreadPoolExecutor(4)


def page(hotline, offset, limit):
    request = urllib.request.Request(
        f"{base}/v1/hotlines/{hotline}/call-logs?limit={limit}&offset={offset}",
        headers={"Personal-Access-Token": token})
    with urllib.request.urlopen(request) as answer:
        return json.load(answer)


def total(hotline):
    return page(hotline, 0, 1)["totalCallLogs"]


def newest(hotline, before):
    """(logged, answered, other, open) over the hotline's call logs added after `before` logs."""
    count = total(hotline) - before
    answered = other = still_open = 0
    for offset in range(0, count, 50):
        for log in page(hotline, offset, min(50, count - offset))["callLogs"]:
            outcome = log.get("outcome")
            if outcome is None:
                still_open += 1
            elif outcome == "answered":
                answered += 1
            else:
                other += 1
    return count, answered, other, still_open


if mode == "totals":
    print(json.dumps(dict(zip(hotlines, pool.map(total, hotlines)))))
else:
    before = json.load(open(sys.argv[5]))
    sums = [0, 0, 0, 0]
    for counts in pool.map(lambda h: newest(h, before.get(h, 0)), hotlines):
        sums = [a + b for a, b in zip(sums, counts)]
    print(*sums)
