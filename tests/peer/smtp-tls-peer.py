#!/usr/bin/env python3
"""smtp-tls-peer.py: a small SMTP server with STARTTLS and implicit TLS
whose TLS versions the tests choose, for smtpscope's TLS tests (issue 9).

  smtp-tls-peer.py --dir DIR --cert PEM --key PEM [--min V] [--max V]
                   [--client-ca PEM] [--password-file FILE] [--user NAME]
                   [--tickets N] [--name HOST] [--legacy]

V is 1.0, 1.1, 1.2 or 1.3.  It listens on two free loopback ports and
writes "STARTTLS-PORT IMPLICIT-PORT" to DIR/ports once both are bound.
Each connection appends one JSON line to DIR/peer.log when it ends: the
negotiated version and cipher (or the handshake error), the client
certificate's subject and SHA-256 fingerprint if one was sent, and the
commands received (of AUTH only the mechanism).

The dialog: a 220 greeting; EHLO lists STARTTLS before TLS and AUTH PLAIN
LOGIN only inside it; AUTH PLAIN (initial response or 334) and AUTH LOGIN
check --user and the password file; MAIL, RCPT, DATA, RSET, NOOP, QUIT as
a sink that accepts everything; anything else is 502.  --client-ca makes
the TLS handshake demand a client certificate signed by that CA
(CERT_REQUIRED).  Versions below 1.2 and --legacy get OpenSSL's security
level 0, as a legacy server would have (it then serves an RSA key of 1024
bits or a certificate signed with SHA-1).  Stops on SIGTERM.
"""

import argparse
import base64
import hashlib
import json
import os
import signal
import socket
import ssl
import sys
import threading
import warnings

VERSIONS = {
    "1.0": ssl.TLSVersion.TLSv1,
    "1.1": ssl.TLSVersion.TLSv1_1,
    "1.2": ssl.TLSVersion.TLSv1_2,
    "1.3": ssl.TLSVersion.TLSv1_3,
}
LINE_MAX = 4096
TIMEOUT = 30

log_lock = threading.Lock()


def make_context(args):
    """The server's TLS context for the versions asked."""
    # TLSVersion.TLSv1 and TLSv1_1 are deprecated: that is the point here.
    warnings.simplefilter("ignore", DeprecationWarning)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    # Before the certificate: the level also decides which keys and
    # signatures OpenSSL agrees to serve.
    if args.min in ("1.0", "1.1") or args.legacy:
        ctx.set_ciphers("DEFAULT@SECLEVEL=0")
    ctx.load_cert_chain(args.cert, args.key)
    ctx.minimum_version = VERSIONS[args.min]
    ctx.maximum_version = VERSIONS[args.max]
    if args.client_ca:
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(args.client_ca)
    if args.tickets is not None:
        ctx.num_tickets = args.tickets
    return ctx


class Conversation:
    """One client: the SMTP dialog, over plain TCP and then TLS."""

    def __init__(self, args, ctx, sock, implicit):
        self.args = args
        self.ctx = ctx
        self.sock = sock
        self.tls = False
        self.buf = b""
        self.record = {"implicit": implicit, "commands": []}
        self.password = read_password(args.password_file)

    def send(self, text):
        self.sock.sendall(text.encode() + b"\r\n")

    def readline(self):
        """One line without its CRLF, or None at the end."""
        while b"\n" not in self.buf:
            if len(self.buf) > LINE_MAX:
                return None
            data = self.sock.recv(4096)
            if not data:
                return None
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return line.rstrip(b"\r").decode("utf-8", "replace")

    def start_tls(self):
        """Handshake; record what was agreed or why it failed."""
        try:
            self.sock = self.ctx.wrap_socket(self.sock, server_side=True)
        except (ssl.SSLError, OSError) as e:
            self.record["tls_error"] = str(e)
            return False
        self.tls = True
        self.record["version"] = self.sock.version()
        self.record["cipher"] = self.sock.cipher()[0]
        der = self.sock.getpeercert(binary_form=True)
        if der:
            cert = self.sock.getpeercert()
            self.record["client_cert_sha256"] = hashlib.sha256(der).hexdigest()
            self.record["client_cert_subject"] = ", ".join(
                "%s=%s" % pair for rdn in cert.get("subject", ())
                for pair in rdn)
        return True

    def ehlo(self, words):
        lines = [self.args.name + " greets " + (words[1] if len(words) > 1
                                                else "you")]
        lines += ["PIPELINING", "SIZE 10485760", "8BITMIME"]
        lines += ["AUTH PLAIN LOGIN"] if self.tls else ["STARTTLS"]
        # One write for the whole reply, as real servers do.
        self.send("\r\n".join("250%s%s" % (" " if i == len(lines) - 1
                                             else "-", text)
                                for i, text in enumerate(lines)))

    def check_plain(self, payload):
        try:
            parts = base64.b64decode(payload, validate=True).split(b"\0")
        except ValueError:
            return False
        return (len(parts) == 3 and parts[1].decode() == self.args.user and
                parts[2].decode() == self.password)

    def auth(self, words):
        if not self.tls:
            self.send("538 5.7.11 Encryption required for requested "
                      "authentication mechanism")
            return
        mech = words[1].upper() if len(words) > 1 else ""
        if mech == "PLAIN":
            payload = words[2] if len(words) > 2 else None
            if payload is None:
                self.send("334 ")
                payload = self.readline() or ""
            ok = self.check_plain(payload)
        elif mech == "LOGIN":
            self.send("334 VXNlcm5hbWU6")
            user = base64.b64decode(self.readline() or "").decode()
            self.send("334 UGFzc3dvcmQ6")
            password = base64.b64decode(self.readline() or "").decode()
            ok = user == self.args.user and password == self.password
        else:
            self.send("504 5.5.4 Unrecognized authentication type")
            return
        self.record["auth"] = "ok" if ok else "failed"
        self.send("235 2.7.0 Authentication successful" if ok else
                  "535 5.7.8 Authentication credentials invalid")

    def data(self):
        self.send("354 End data with <CR><LF>.<CR><LF>")
        while True:
            line = self.readline()
            if line is None or line == ".":
                break
        self.send("250 2.0.0 Ok: queued")

    def run(self):
        if self.record["implicit"] and not self.start_tls():
            return
        self.send("220 %s ESMTP smtp-tls-peer" % self.args.name)
        simple = {"MAIL": "250 2.1.0 Ok", "RCPT": "250 2.1.5 Ok",
                  "RSET": "250 2.0.0 Ok", "NOOP": "250 2.0.0 Ok",
                  "HELO": "250 " + self.args.name}
        while True:
            line = self.readline()
            if line is None:
                return
            words = line.split()
            verb = words[0].upper() if words else ""
            # Of AUTH only the mechanism: the payload is a secret.
            shown = " ".join(words[:2]) if verb == "AUTH" else line
            self.record["commands"].append(("TLS " if self.tls else "") +
                                           shown)
            if verb == "EHLO":
                self.ehlo(words)
            elif verb == "STARTTLS" and not self.tls:
                self.send("220 2.0.0 Ready to start TLS")
                if not self.start_tls():
                    return
            elif verb == "AUTH":
                self.auth(words)
            elif verb == "DATA":
                self.data()
            elif verb == "QUIT":
                self.send("221 2.0.0 Bye")
                return
            elif verb in simple:
                self.send(simple[verb])
            else:
                self.send("502 5.5.2 Error: command not recognized")

    def finish(self):
        try:
            if self.tls:
                self.sock = self.sock.unwrap()
        except (ssl.SSLError, OSError):
            pass
        try:
            self.sock.close()
        except OSError:
            pass
        with log_lock, open(os.path.join(self.args.dir, "peer.log"),
                            "a") as f:
            f.write(json.dumps(self.record) + "\n")


def read_password(path):
    if not path:
        return None
    with open(path) as f:
        return f.readline().rstrip("\n")


def serve_client(args, ctx, sock, implicit):
    sock.settimeout(TIMEOUT)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    conv = Conversation(args, ctx, sock, implicit)
    try:
        conv.run()
    except (OSError, ssl.SSLError, UnicodeError, ValueError) as e:
        conv.record["error"] = str(e)
    finally:
        conv.finish()


def accept_loop(args, ctx, listener, implicit):
    while True:
        sock, _ = listener.accept()
        threading.Thread(target=serve_client, daemon=True,
                         args=(args, ctx, sock, implicit)).start()


def listen():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(16)
    return s


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--dir", required=True)
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--min", choices=VERSIONS, default="1.2")
    p.add_argument("--max", choices=VERSIONS, default="1.3")
    p.add_argument("--client-ca")
    p.add_argument("--user", default="alice")
    p.add_argument("--password-file")
    p.add_argument("--tickets", type=int)
    p.add_argument("--legacy", action="store_true",
                   help="security level 0: serve weak keys and SHA-1")
    p.add_argument("--name", default="peer.smtpscope.test")
    args = p.parse_args()

    ctx = make_context(args)
    plain, implicit = listen(), listen()
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    threading.Thread(target=accept_loop, daemon=True,
                     args=(args, ctx, implicit, True)).start()
    ports = os.path.join(args.dir, "ports")
    with open(ports + ".tmp", "w") as f:
        f.write("%d %d\n" % (plain.getsockname()[1],
                             implicit.getsockname()[1]))
    os.rename(ports + ".tmp", ports)
    accept_loop(args, ctx, plain, False)


if __name__ == "__main__":
    sys.exit(main())
