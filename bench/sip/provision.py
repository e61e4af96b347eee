#!/usr/bin/env python3
"""Sets up the service that bench/sip/run measures (README.md, "Setup").

Usage: provision.py BINARY DATABASE BASE_URL HOTLINES OUT_DIR

A volunteer on a call is not rung for another one, so every call of the benchmark needs an
answering agent of its own: HOTLINES hotlines, each with its own answering agent (phone
+49 151 0010xxxx, answered by trunk_agents.xml) and one agent shared by all (+49 151 00000002,
which rings until it is cancelled and so is never in a call). The callers go through the
hotlines in turn. Writes to OUT_DIR: token (the organisation admin's), hotlines (one id per line)
and numbers.csv (sipp's -inf file: the hotline numbers, in the same order).
"""
import concurrent.futures
import json
import subprocess
import sys
import time
import urllib.error
import urllib.request

binary, database, base, hotline_count, out = sys.argv[1:6]
hotline_count = int(hotline_count)
pool = concurrent.futures.ThreadPoolExecutor(6)


def admin(*args):
    # Six of these run at once beside the server, each its own SQLite writer: on a loaded machine
    # one may find the database busy for longer than its wait. It is tried again.
    for attempt in range(10):
        result = subprocess.run([binary, "admin", "--json", "--database", f"sqlite:{database}",
                                 *args], capture_output=True, text=True)
        if result.returncode == 0:
            return json.loads(result.stdout) if result.stdout.strip() else None
        time.sleep(0.2 * (attempt + 1))
    sys.exit(f"provision.py: admin {' '.join(args)}: exit {result.returncode}: {result.stderr}")


def api(token, method, path, body=None):
    request = urllib.request.Request(
        base + path, method=method, data=None if body is None else json.dumps(body).encode(),
        headers={"Personal-Access-Token": token, "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as answer:
        return json.load(answer)


def agent(name, orgs, phone):
    """A member of each of `orgs` with one active phone; returns the user's id."""
    user = admin("user", "create", "--name", name)["id"]
    for org in orgs:
        admin("member", "add", "--org", str(org), "--user", str(user), "--role", "member")
    token = admin("token", "create", "--user", str(user))["secret"]
    api(token, "POST", "/v1/agent-phones", {"userID": user, "name": name, "phone": phone,
                                            "isActive": True})
    return user


def organisation(j):
    """An organisation with the admin and a SIP customer."""
    org = admin("org", "create", "--name", f"Bench Relief {j}")["id"]
    admin("member", "add", "--org", str(org), "--user", str(boss), "--role", "admin")
    api(boss_token, "POST", "/v1/sip-customer", {
        "organizationID": org, "name": f"Bench Relief {j} e.V.", "street": "Markt",
        "streetHousenumber": 1, "cityCode": "52062", "city": "Aachen", "country": "DE"})
    return org


def hotline(k):
    # The answering agent first: the engine dials in the hotline's agent order. 100 channels
    # each way, no prompts and no confirmation: a call is bridged as soon as the agent answers.
    body = {"organizationID": org_of(k), "name": f"Bench {k}", "isActive": True,
            "agents": [answering[k], rings], "channelsInbound": 100, "channelsOutbound": 100,
            "confirmAnswer": False, "ttsInbound": "", "ttsOutbound": ""}
    for attempt in range(20):
        try:
            return api(boss_token, "POST", "/v1/hotlines", body)["id"]
        except urllib.error.HTTPError as error:
            # 409: another hotline created at the same time took the number this one chose.
            if error.code != 409 or attempt == 19:
                sys.exit(f"provision.py: POST /v1/hotlines: {error.code} {error.read().decode()}")
            time.sleep(0.05)


if not 1 <= hotline_count <= 10000:
    sys.exit("provision.py: HOTLINES must be 1..10000")
boss = admin("user", "create", "--name", "Bench Admin")["id"]
boss_token = admin("token", "create", "--user", str(boss))["secret"]
admin("numbers", "add", "--country", "DE", "--city", "Aachen", "--from", "004924155660000",
      "--to", f"00492415566{hotline_count - 1:04d}")
# An organisation has at most 100 hotlines.
orgs = [organisation(j) for j in range((hotline_count + 99) // 100)]
org_of = lambda k: orgs[k // 100]
rings = agent("Agent Rings", orgs, "+49 151 00000002")
answering = list(pool.map(
    lambda k: agent(f"Agent Answers {k}", [org_of(k)], f"+49 151 0010{k:04d}"), range(hotline_count)))
hotlines = list(pool.map(hotline, range(hotline_count)))
deadline = time.time() + 60
numbers = {}
while len(numbers) < len(hotlines) and time.time() < deadline:
    for id, found in zip(hotlines, pool.map(lambda id: api(boss_token, "GET", f"/v1/hotlines/{id}"),
                                            hotlines)):
        if found["status"] == "active":
            numbers[id] = found["number"]
    if len(numbers) < len(hotlines):
        time.sleep(0.2)
if len(numbers) < len(hotlines):
    sys.exit(f"provision.py: {len(hotlines) - len(numbers)} hotlines did not become active")

with open(f"{out}/token", "w") as file:
    file.write(boss_token)
with open(f"{out}/hotlines", "w") as file:
    file.writelines(f"{id}\n" for id in hotlines)
with open(f"{out}/numbers.csv", "w") as file:
    file.write("SEQUENTIAL\n")
    file.writelines(f"{numbers[id]}\n" for id in hotlines)
