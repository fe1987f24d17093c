#!/usr/bin/env python3
"""An echo server for Ronda's redaction tests: it sends back everything it was sent, in every
encoding a real target might use, computed with Python's own libraries (independently of Ronda).

    python3 echo_server.py            # prints "PORT <n>" once listening on 127.0.0.1

Routes (any method):
  /login   sets a session cookie (a random value) and a consent cookie, answers {"ok": true}
  /echo    answers JSON (ensure_ascii: non-ASCII as \\uXXXX) with the request's method, args,
           headers, cookies, raw body as a string ("data"), parsed form and JSON, and for every
           value it received: percent-encoded (upper and lower hex, '+' for spaces, reserved
           characters raw), base64, base64url, base64 of "user:<value>", HTML-escaped; plus
           response headers X-Echo-<n>-B64 / -B64URL / -BASIC / -Q carrying those forms.
  /text    the same values as plain text, one form a line, among ordinary prose.
"""
import base64
import html
import json
import re
import secrets
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, quote_plus, urlsplit

PROSE = "the quick brown fox says yes to the password field; token_type is bearer, session ends at noon"


def lower_hex(text):
    return re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), text)


def forms(value):
    raw = value.encode("utf-8")
    return {
        "q_upper": quote(value, safe=""),
        "q_lower": lower_hex(quote(value, safe="")),
        "q_plus": quote_plus(value),
        "q_reserved_raw": quote(value, safe="!#$&'()*+,/:;=?@[]~"),
        "b64": base64.b64encode(raw).decode(),
        "b64url": base64.urlsafe_b64encode(raw).decode().rstrip("="),
        "b64_user": base64.b64encode(b"user:" + raw).decode(),
        "html": html.escape(value, quote=True),
        "html_numeric": "".join(f"&#{ord(c)};" if not c.isalnum() or ord(c) > 127 else c for c in value),
    }


def leaves(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from leaves(v)
    elif isinstance(value, list):
        for v in value:
            yield from leaves(v)
    elif isinstance(value, str):
        yield value


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def handle_any(self):
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if url.path == "/login":
            session = secrets.token_urlsafe(18)
            print(f"COOKIE {session}", flush=True)  # for the tests, which search outputs for it
            self.reply(200, {"ok": True}, [
                ("Set-Cookie", f"sessionid={session}; Path=/; HttpOnly"),
                ("Set-Cookie", "consent=yes; Path=/"),
            ])
            return
        args = {k: v[0] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        text = body.decode("utf-8", "replace")
        ctype = self.headers.get("Content-Type", "")
        form = {k: v[0] for k, v in parse_qs(text, keep_blank_values=True).items()} if "urlencoded" in ctype else {}
        try:
            parsed = json.loads(text) if "json" in ctype else None
        except ValueError:
            parsed = None
        cookies = {}
        for part in (self.headers.get("Cookie") or "").encode("latin-1").decode("utf-8", "replace").split(";"):
            if "=" in part:
                k, v = part.strip().split("=", 1)
                cookies[k] = v
        # http.server reads header bytes as Latin-1; a UTF-8 value is decoded as UTF-8, as most servers do.
        headers = {k: v.encode("latin-1").decode("utf-8", "replace") for k, v in self.headers.items()}
        values = list(args.values()) + list(form.values()) + list(leaves(parsed)) + list(cookies.values())
        values += [v.split(" ", 1)[-1] for v in headers.values()]
        values = [v for v in dict.fromkeys(values) if len(v) >= 3]
        extra = []
        for i, v in enumerate(values):
            f = forms(v)
            extra += [(f"X-Echo-{i}-B64", f["b64"]), (f"X-Echo-{i}-B64URL", f["b64url"]),
                      (f"X-Echo-{i}-BASIC", "Basic " + f["b64_user"]), (f"X-Echo-{i}-Q", f["q_upper"])]
        if url.path == "/text":
            lines = [PROSE] + [form for v in values for form in [v] + list(forms(v).values())] + [PROSE]
            self.reply(200, "\n".join(lines), extra, content_type="text/plain; charset=utf-8")
            return
        document = {
            "method": self.command, "args": args, "headers": headers, "cookies": cookies, "data": text,
            "form": form, "json": parsed, "note": PROSE, "token_type": "bearer",
            "encoded": [forms(v) for v in values],
        }
        self.reply(200, document, extra)

    def reply(self, status, document, headers, content_type="application/json"):
        payload = (document if isinstance(document, str) else json.dumps(document, ensure_ascii=True)).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"PORT {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        sys.exit(0)
