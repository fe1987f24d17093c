#!/usr/bin/env python3
"""Independent checks of what Ronda's alert channels sent, for the integration tests. Exit 0
when every check holds, 1 with the failed check on stdout.

    check_alert.py webhook BODY_FILE SIGNATURE TIMESTAMP SECRET
        X-Ronda-Signature is sha256=HMAC-SHA256(SECRET, body bytes) (Python's hmac), the body is
        ronda.alert/v1 with sorted keys, and TIMESTAMP is the unix time of its sent_at.
    check_alert.py sentry ENVELOPE_FILE EXPECTED_JSON   (sentry-sdk's own envelope parser)
        one event item whose fields equal EXPECTED_JSON's ("event" subset, "header" subset).
    check_alert.py email MESSAGE_FILE EXPECTED_JSON     (Python's email package)
        multipart/alternative with text/plain and text/html parts; EXPECTED_JSON gives subject,
        to (list), message_id_contains, plain_contains, html_contains.
"""
import datetime
import email
import email.policy
import email.utils
import hashlib
import hmac
import json
import sys


def check(condition, what):
    if not condition:
        print(f"FAILED: {what}")
        sys.exit(1)


def webhook(body_file, signature, timestamp, secret):
    body = open(body_file, "rb").read()
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    check(hmac.compare_digest(expected, signature), f"signature {signature} != {expected}")
    document = json.loads(body)
    check(document["schema"] == "ronda.alert/v1", "schema")
    check(body.decode() == json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False),
          "keys sorted, compact")
    sent_at = datetime.datetime.strptime(document["sent_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
    check(int(sent_at.timestamp()) == int(timestamp), f"timestamp {timestamp} != sent_at {document['sent_at']}")
    age = datetime.datetime.now(datetime.timezone.utc) - sent_at
    check(abs(age.total_seconds()) < 300, f"sent_at {document['sent_at']} is not recent")


def sentry(envelope_file, expected_file):
    from sentry_sdk.envelope import Envelope

    expected = json.load(open(expected_file))
    envelope = Envelope.deserialize(open(envelope_file, "rb").read())
    check(len(envelope.items) == 1, f"{len(envelope.items)} items")
    item = envelope.items[0]
    check(item.type == "event", f"item type {item.type}")
    check(item.headers.get("length") == len(item.payload.get_bytes()), "item length")
    event = item.payload.json
    for key, value in expected.get("event", {}).items():
        check(event.get(key) == value, f"event[{key}] = {event.get(key)!r}, expected {value!r}")
    for key, value in expected.get("header", {}).items():
        check(envelope.headers.get(key) == value, f"header[{key}] = {envelope.headers.get(key)!r}")
    check(envelope.headers.get("event_id") == event["event_id"], "envelope event_id")
    check(len(event["event_id"]) == 32 and int(event["event_id"], 16) >= 0, "event_id is 32 hex digits")


def mail(message_file, expected_file):
    expected = json.load(open(expected_file))
    message = email.message_from_bytes(open(message_file, "rb").read(), policy=email.policy.default)
    check(message.get_content_type() == "multipart/alternative", message.get_content_type())
    parts = [part for part in message.iter_parts()]
    check([part.get_content_type() for part in parts] == ["text/plain", "text/html"], "parts")
    check(str(message["Subject"]) == expected["subject"], f"subject {message['Subject']!r}")
    recipients = [address for _, address in email.utils.getaddresses([str(message["To"])])]
    check(recipients == expected["to"], f"To {recipients}")
    check(expected["message_id_contains"] in str(message["Message-ID"]), f"Message-ID {message['Message-ID']}")
    check(email.utils.parsedate_to_datetime(str(message["Date"])) is not None, "Date")
    check(str(message["MIME-Version"]) == "1.0", "MIME-Version")
    plain = parts[0].get_content()
    html = parts[1].get_content()
    for text in expected.get("plain_contains", []):
        check(text in plain, f"plain part lacks {text!r}")
    for text in expected.get("html_contains", []):
        check(text in html, f"html part lacks {text!r}")
    for text in expected.get("html_lacks", []):
        check(text not in html, f"html part has {text!r}")
    raw = open(message_file, "rb").read()
    check(all(len(line) <= 998 for line in raw.split(b"\r\n")), "a line is longer than 998 bytes")


if __name__ == "__main__":
    command, arguments = sys.argv[1], sys.argv[2:]
    {"webhook": webhook, "sentry": sentry, "email": mail}[command](*arguments)
    print("OK")
