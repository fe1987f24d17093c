#!/usr/bin/env python3
"""A hostile application under test: every answer is a 500 full of attacker content.

Ronda records failures with excerpts of what the target sent (body, headers, JSON), and the
dashboard shows them; this target makes those excerpts attacks, so the page checks
(Tests/Servers/page_check.py) can prove the dashboard shows them as inert text.

    python3 Tests/Servers/xss_target.py --port 0     # prints "ready PORT" once listening

Routes (any method answers like GET):
  /html   text/html with script tags, event handlers, a javascript: link, an SVG onload,
          an RTL override and an image from a foreign host
  /json   application/json with the same strings as values and as keys
  other   text/html echoing the path, decoded (so a scenario can put an attack in the URL)
Every response also carries the headers X-Evil and Set-Cookie with a script in them.
Standard library only; binds 127.0.0.1; stops on SIGTERM or Ctrl-C.
"""

import argparse
import json
import signal
import sys
from urllib.parse import unquote
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SCRIPT = "<script>__ronda_pwned()</script>"
PAYLOADS = [
    SCRIPT,
    '"><img src=x onerror=__ronda_pwned()>',
    '<a href="javascript:__ronda_pwned()">x</a>',
    "<svg onload=__ronda_pwned()>",
    "\u202eevil.exe\u202c txt.exe",  # RTL override: reads as "exe.txt" where it is not neutralised
    '<img src="http://evil.example/x.png">',
]
HEADERS = [("X-Evil", SCRIPT), ("Set-Cookie", 'evil="><script>__ronda_pwned()</script>')]


def html_body():
    items = "\n".join(f"<p>{p}</p>" for p in PAYLOADS)
    return f"<!doctype html><html><head><title>{SCRIPT}</title></head><body>\n<h1>Server error</h1>\n{items}\n</body></html>\n"


def json_body():
    document = {
        "error": SCRIPT,
        "payloads": PAYLOADS,
        "detail": {p: p for p in PAYLOADS},
        SCRIPT: {"nested": PAYLOADS[1], "link": PAYLOADS[2]},
    }
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


class Handler(BaseHTTPRequestHandler):
    server_version = "xss-target/1 " + SCRIPT  # the Server header carries one too
    protocol_version = "HTTP/1.1"

    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        path = self.path.split("?", 1)[0]
        if path == "/html":
            body, kind = html_body(), "text/html; charset=utf-8"
        elif path == "/json":
            body, kind = json_body(), "application/json; charset=utf-8"
        else:
            body, kind = f"<p>no such page: {unquote(self.path)}</p>{SCRIPT}\n", "text/html; charset=utf-8"
        data = body.encode("utf-8")
        self.send_response(500)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        for name, value in HEADERS:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = answer

    def log_message(self, format, *args):  # noqa: A002 - quiet: the tests read stdout
        pass


def main():
    parser = argparse.ArgumentParser(description="A hostile target: 500s full of attacker content.")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (0: any free port)")
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"ready {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
