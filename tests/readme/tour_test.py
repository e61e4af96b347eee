#!/usr/bin/env python3
"""Runs the README's five-minute tour against a fresh server and checks what its comments promise.

    tour_test.py BINARY README

Every fenced `sh` block of the section "A five-minute tour" runs, in order, in one bash session
(variables carry over), against `BINARY serve --demo` on a new database, with the address, the
credentials file and the SIP ports of that server substituted for those of `make run`. A sipp
trunk is what `scripts/try-call` expects at FR_TRUNK. After each command, the comment that
follows it (on its line, or on the lines below) is compared with what the command printed:

- `# HTTP/1.1 201 Created, Location: /v1/…, {…}`: the status line, each header named, the JSON;
- `# {…}` or `# […]`: the JSON printed, exactly, or where the comment elides with `…`, each
  `"key":value` it shows (scalars) must be in the printed JSON with that value;
- `# 403 …`: the printed problem has that status;
- any other comment in a block whose command prints text: that text must be printed, when the
  comment is a sentence the command prints (the try-call lines).

Comments that describe rather than show ("# prints a personal access token") are skipped: the
rules above only take comments that start with `HTTP/`, `{`, `[`, three digits and a space or a
colon, or a line the command printed. Exit status 0 and "N passed, 0 failed" when all holds.
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

MARK = "@@README-TOUR@@"


def tour_blocks(readme):
    """The sh blocks of the tour section, as lists of lines."""
    section = readme.split("## A five-minute tour", 1)[1].split("\n## ", 1)[0]
    return [block.split("\n") for block in re.findall(r"```sh\n(.*?)```", section, re.S)]


def split_commands(lines):
    """(command text, [expectation comments]) pairs: a command ends where bash says it is whole."""
    commands = []
    pending = []
    for line in lines:
        if not pending and line.lstrip().startswith("#"):
            if commands:
                commands[-1][1].append(line.lstrip()[1:].strip())
            continue
        if not pending and not line.strip():
            continue
        pending.append(line)
        text = "\n".join(pending)
        if text.rstrip().endswith("\\"):
            continue
        if subprocess.run(["bash", "-n", "-c", text], capture_output=True).returncode != 0:
            continue
        command, inline = strip_inline_comment(text)
        commands.append((command, [inline] if inline else []))
        pending = []
    if pending:
        raise SystemExit("README tour: an unfinished command: " + "\n".join(pending))
    return commands


def strip_inline_comment(text):
    """The command and its trailing `# …` comment, if the comment is outside quotes."""
    last = text.split("\n")[-1]
    quote = None
    for i, ch in enumerate(last):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and i > 0 and last[i - 1] in " \t":
            head = "\n".join(text.split("\n")[:-1] + [last[:i].rstrip()])
            return head, last[i + 1:].strip()
    return text, None


def free_port(kind):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def last_json(output):
    """The last JSON value the output holds (a body printed after headers, for example)."""
    for start in sorted({m.start() for m in re.finditer(r"[\[{]", output)}):
        try:
            value, end = json.JSONDecoder().raw_decode(output[start:])
        except ValueError:
            continue
        if not output[start + end:].strip():
            return value
    return None


def scalar_pairs(text):
    """The `"key":scalar` pairs a comment shows, parsed as JSON values."""
    pairs = []
    for key, raw in re.findall(r'"([A-Za-z]+)":\s*("(?:[^"\\]|\\.)*"|-?\d+|true|false|null)', text):
        pairs.append((key, json.loads(raw)))
    return pairs


def find_key(value, key):
    """Every value of `key` anywhere in `value`."""
    found = []
    if isinstance(value, dict):
        for k, v in value.items():
            if k == key:
                found.append(v)
            found.extend(find_key(v, key))
    elif isinstance(value, list):
        for item in value:
            found.extend(find_key(item, key))
    return found


def check(expectation, output, substitutions):
    """None when `output` keeps the promise of the comment, else why not. Skipped: 'skip'."""
    for old, new in substitutions:
        expectation = expectation.replace(old, new)
    problems = []
    body = last_json(output)
    if expectation.startswith("HTTP/"):
        parts = [part.strip() for part in expectation.split(", ", 2)]
        status_line = parts[0]
        if not re.search(r"^" + re.escape(status_line), output, re.M):
            problems.append("no status line " + status_line)
        for part in parts[1:]:
            header = re.match(r"([A-Za-z-]+): (.*)$", part)
            if header and not part.startswith("{"):
                name, value = header.group(1), header.group(2).rstrip("…").rstrip()
                if not re.search(r"^" + re.escape(name) + r": *" + re.escape(value), output, re.M | re.I):
                    problems.append("no header %s: %s" % (name, value))
            elif part.startswith("{"):
                problems.extend(json_problems(part, body))
    elif expectation.startswith("{") or expectation.startswith("["):
        shown = re.match(r"^([\[{].*[\]}])", expectation)
        problems.extend(json_problems(shown.group(1) if shown else expectation, body))
    elif re.match(r"^\d{3}[ :]", expectation):
        status = int(expectation[:3])
        is_problem = isinstance(body, dict) and "type" in body and "status" in body
        # curl -s prints no status line: a problem body says its status, a success its data.
        kept = (is_problem and body["status"] == status) or \
            (status < 300 and body is not None and not is_problem) or \
            re.search(r"^HTTP/1\.1 %d " % status, output, re.M)
        if not kept:
            problems.append("expected status %d" % status)
    elif expectation and expectation in output:
        return None
    elif re.match(r"^(calling|the call)", expectation):
        problems.append("the output lacks: " + expectation)
    else:
        return "skip"
    return "; ".join(problems) if problems else None


def json_problems(shown, body):
    if body is None:
        return ["no JSON printed"]
    if "…" not in shown:
        try:
            expected = json.loads(shown)
        except ValueError:
            return ["the README's JSON does not parse: " + shown]
        return [] if expected == body else ["JSON differs: expected %s" % shown]
    problems = []
    for key, value in scalar_pairs(shown):
        if value not in find_key(body, key):
            problems.append('"%s":%s not printed' % (key, json.dumps(value)))
    return problems


def main():
    binary, readme_path = sys.argv[1], sys.argv[2]
    root = os.path.dirname(os.path.abspath(readme_path))
    readme = open(readme_path, encoding="utf-8").read()
    work = tempfile.mkdtemp(prefix="fr-tour-")
    server = None
    try:
        # The server picks its own HTTP and SIP ports (port 0) and names them in the listen file:
        # a port picked here could be taken by another test before the server binds it.
        trunk_port = free_port(socket.SOCK_DGRAM)
        listen_file = os.path.join(work, "listen.json")
        server = subprocess.Popen(
            [binary, "serve", "--demo", "--database", "sqlite:" + os.path.join(work, "fr.db"),
             "--listen", "127.0.0.1:0", "--sip-listen", "127.0.0.1:0",
             "--sip-trunk", "127.0.0.1:%d" % trunk_port, "--listen-file", listen_file,
             # Outside the ranges the media suite (40000-44999) and try-call's defaults use.
             "--rtp-ports", "31000-31999"],
            stdout=open(os.path.join(work, "stdout.log"), "w"),
            stderr=open(os.path.join(work, "stderr.log"), "w"))
        deadline = time.time() + 30
        listening = None
        while listening is None:
            if time.time() > deadline or server.poll() is not None:
                raise SystemExit("the server did not start: " + open(os.path.join(work, "stderr.log")).read())
            time.sleep(0.05)
            try:
                listening = json.load(open(listen_file))
            except (OSError, ValueError):
                pass  # not there yet, or still being written
        http_port = int(listening["http"].rsplit(":", 1)[1])
        sip_port = int(listening["sip"].rsplit(":", 1)[1])
        base = "http://127.0.0.1:%d" % http_port
        substitutions = [("http://127.0.0.1:8080", base), ("127.0.0.1:5060", "127.0.0.1:%d" % sip_port),
                         ("127.0.0.1:5070", "127.0.0.1:%d" % trunk_port)]

        commands = []
        for block in tour_blocks(readme):
            commands.extend(split_commands(block))
        script = ["cd %s" % subprocess.list2cmdline([root]),
                  "export FR_SIP=127.0.0.1:%d FR_TRUNK=127.0.0.1:%d" % (sip_port, trunk_port),
                  "export FR_CALLER_RTP=%d FR_AGENT_RTP=%d" % (free_port(socket.SOCK_DGRAM),
                                                              free_port(socket.SOCK_DGRAM))]
        for index, (command, _) in enumerate(commands):
            command = command.replace("http://127.0.0.1:8080", base)
            command = command.replace("var/demo-credentials.txt", os.path.join(work, "demo-credentials.txt"))
            # The operator's commands run on this server's database, with the binary under test.
            command = command.replace("build/release/src/main/first-responder admin",
                                      "%s admin --database sqlite:%s" % (binary, os.path.join(work, "fr.db")))
            # A browser is not for a test: fetch the page instead.
            command = re.sub(r"^xdg-open (\S+)", r"curl -s -o /dev/null -w '%{http_code}' \1", command)
            # Provisioning activates a hotline within a second; the README's reader is slower.
            if "scripts/try-call" in command or command.startswith("ETAG="):
                script.append("sleep 1.5")
            script.append("echo; echo '%s %d'" % (MARK, index))
            script.append(command)
            # try-call returns once both phones hung up; the call's log is stored a moment later
            # (the call-event writer commits in batches), which a reader never notices and the
            # next command, run at once, may. Silent, so the output stays try-call's.
            if "scripts/try-call" in command:
                script.append('for _ in $(seq 100); do curl -s "$BASE/v1/hotlines/1/call-logs?limit=1" '
                              '-H "Personal-Access-Token: $ADMIN" | grep -q \'"outcome":null\' '
                              '|| break; sleep 0.1; done')
        script.append("echo; echo '%s end'" % MARK)
        result = subprocess.run(["bash", "-c", "\n".join(script)], capture_output=True, text=True,
                                timeout=600)
        # One piece per command, then what follows the end mark (nothing).
        outputs = re.split(re.escape(MARK) + r" (?:\d+|end)\n", result.stdout)[1:-1]

        passed = failed = skipped = 0
        for (command, expectations), output in zip(commands, outputs):
            for expectation in expectations:
                verdict = check(expectation, output, substitutions)
                if verdict == "skip":
                    skipped += 1
                elif verdict is None:
                    passed += 1
                else:
                    failed += 1
                    print("FAILED: %s\n  # %s\n  %s\n  printed: %s" % (command.strip(), expectation, verdict,
                                                                      output.strip()[:600]))
        if len(outputs) != len(commands):
            failed += 1
            print("FAILED: the tour stopped after %d of %d commands: %s" % (len(outputs), len(commands),
                                                                         result.stderr[-2000:]))
        print("%d passed, %d failed, %d skipped" % (passed, failed, skipped))
        return 0 if failed == 0 and passed > 0 else 1
    finally:
        if server and server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
