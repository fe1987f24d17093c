#!/usr/bin/env python3
"""A real SMTP server (aiosmtpd) for Ronda's email channel tests.

    .build-tools/receivers/bin/python smtp_receiver.py LOG --port N [--mode MODE]
        [--cert PEM --key PEM] [--user U --password P]

Modes: plain (no TLS, no STARTTLS offered), starttls (STARTTLS offered and required before MAIL),
smtps (TLS from the first byte). With --user/--password, AUTH LOGIN and PLAIN are offered and
required, with that one account (over plain too, for the tests). Listens on 127.0.0.1:N, prints
"PORT <n>" once it accepts connections, and appends every message it accepts to LOG as one JSON
line: {"mail_from", "rcpt_tos", "data": base64 of the message bytes, "tls": bool, "login"}.
Stops on SIGTERM.
"""
import argparse
import base64
import json
import signal
import ssl
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("log")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--mode", choices=["plain", "starttls", "smtps"], default="plain")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--user")
    parser.add_argument("--password")
    options = parser.parse_args()

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            record = {
                "mail_from": envelope.mail_from,
                "rcpt_tos": envelope.rcpt_tos,
                "data": base64.b64encode(envelope.original_content or envelope.content).decode("ascii"),
                # session.ssl is set by STARTTLS; an smtps connection is TLS from its first byte.
                "tls": session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None,
                "login": login(session),
            }
            with open(options.log, "a", encoding="utf-8") as log:
                log.write(json.dumps(record) + "\n")
            return "250 Message accepted for delivery"

    def login(session):
        data = getattr(session, "auth_data", None)
        return data.login.decode() if isinstance(data, LoginPassword) else None

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == options.user
            and auth_data.password.decode() == options.password
        )
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    context = None
    if options.mode != "plain":
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(options.cert, options.key)

    kwargs = {"hostname": "127.0.0.1", "port": options.port}
    if options.mode == "starttls":
        kwargs.update(tls_context=context, require_starttls=True)
    elif options.mode == "smtps":
        kwargs.update(ssl_context=context)
    if options.user:
        kwargs.update(authenticator=authenticator, auth_required=True, auth_require_tls=False)
    controller = Controller(Handler(), **kwargs)
    controller.start()
    print(f"PORT {options.port}", flush=True)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    while not stop.wait(1):
        pass
    controller.stop()


if __name__ == "__main__":
    main()
