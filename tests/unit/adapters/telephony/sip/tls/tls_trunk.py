#!/usr/bin/env python3
"""A SIP trunk over TLS for one INVITE, written with python3's ssl module (not sofia's TLS).

Usage: tls_trunk.py CERT KEY PORT_FILE
Listens on 127.0.0.1 (the port goes to PORT_FILE), accepts one connection, and prints
"handshake failed: …", "no request" (the client hung up, e.g. after refusing our certificate)
or "received: <request line>"; a request is answered 486 Busy Here.
"""
import os
import socket
import ssl
import sys


def main():
    cert, key, port_file = sys.argv[1:4]
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    with open(port_file + ".tmp", "w") as out:
        out.write(str(server.getsockname()[1]))
    os.rename(port_file + ".tmp", port_file)
    server.settimeout(20)
    connection, _ = server.accept()
    connection.settimeout(20)
    try:
        tls = context.wrap_socket(connection, server_side=True)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = tls.recv(4096)
            if not chunk:
                break
            data += chunk
    except (ssl.SSLError, OSError) as error:
        print("handshake failed:", error, flush=True)
        return
    if not data:
        print("no request", flush=True)
        return
    head = data.split(b"\r\n\r\n")[0].decode()
    lines = head.split("\r\n")
    print("received:", lines[0], flush=True)
    copied = [line for line in lines[1:]
              if line.split(":")[0].strip().lower() in ("via", "from", "to", "call-id", "cseq")]
    copied = [line + ";tag=trunk1" if line.lower().startswith("to:") else line for line in copied]
    tls.sendall(("SIP/2.0 486 Busy Here\r\n" + "\r\n".join(copied) +
                 "\r\nContent-Length: 0\r\n\r\n").encode())
    try:
        tls.recv(4096)  # the ACK
    except (ssl.SSLError, OSError):
        pass


if __name__ == "__main__":
    main()
