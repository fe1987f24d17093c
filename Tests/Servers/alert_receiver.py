#!/usr/bin/env python3
"""An HTTP receiver for Ronda's alert channel tests (Slack, webhook, Sentry, WhatsApp-capable APIs).

    python3 alert_receiver.py LOG [--status N] [--body TEXT] [--hang] [--port N]

Binds 127.0.0.1 on a free port (or --port N) and prints "PORT <n>" once listening. Appends every request it
receives to LOG as one JSON line: {"path", "method", "headers": [[name, value], ...],
"body": base64 of the raw body bytes}, then answers with status N (default 200) and TEXT (default
"ok"). With --hang it records the request and never answers (until the connection is closed).
"""
import argparse
import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("log")
    parser.add_argument("--status", type=int, default=200)
    parser.add_argument("--body", default="ok")
    parser.add_argument("--hang", action="store_true")
    parser.add_argument("--port", type=int, default=0)
    options = parser.parse_args()
    hang = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def handle_any(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            record = {
                "path": self.path,
                "method": self.command,
                "headers": [[name, value] for name, value in self.headers.items()],
                "body": base64.b64encode(body).decode("ascii"),
            }
            with LOCK, open(options.log, "a", encoding="utf-8") as log:
                log.write(json.dumps(record) + "\n")
            if options.hang:
                hang.wait()
                return
            answer = options.body.encode("utf-8")
            self.send_response(options.status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        do_GET = do_POST = do_PUT = handle_any

        def log_message(self, format, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", options.port), Handler)
    server.daemon_threads = True
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
