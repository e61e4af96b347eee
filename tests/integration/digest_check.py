#!/usr/bin/env python3
"""Checks a SIP digest answer independently of the service's own code (RFC 7616 with hashlib).

Usage: digest_check.py METHOD USERNAME PASSWORD 'Digest username="…", realm="…", …'
Prints "ok" and exits 0 when the response parameter is right for that password; otherwise
prints what was expected and exits 1.
"""
import hashlib
import re
import sys


def params(value):
    found = {}
    for name, quoted, token in re.findall(r'([A-Za-z-]+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]+))', value):
        found[name.lower()] = re.sub(r'\\(.)', r'\1', quoted) if quoted or not token else token
    return found


def main():
    method, username, password, value = sys.argv[1:5]
    p = params(value)
    algorithm = p.get("algorithm", "MD5")
    name = "sha256" if algorithm.upper().startswith("SHA-256") else "md5"

    def h(text):
        return hashlib.new(name, text.encode()).hexdigest()

    ha1 = h(f"{username}:{p['realm']}:{password}")
    if algorithm.lower().endswith("-sess"):
        ha1 = h(f"{ha1}:{p['nonce']}:{p['cnonce']}")
    ha2 = h(f"{method}:{p['uri']}")
    if "qop" in p:
        expected = h(f"{ha1}:{p['nonce']}:{p['nc']}:{p['cnonce']}:{p['qop']}:{ha2}")
    else:
        expected = h(f"{ha1}:{p['nonce']}:{ha2}")
    if p.get("username") != username or p.get("response") != expected:
        print(f"expected username {username} and response {expected}, got {p}")
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
