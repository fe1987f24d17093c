import Foundation
import RondaCore
import Testing

@testable import RondaNotify

struct WebhookPayloadTests {
    let sentAt = Date(timeIntervalSince1970: 1_796_534_200)  // 2026-12-06T05:16:40Z

    @Test func theBodyFollowsSchemaV1WithSnakeCaseKeysAndISODates() throws {
        let json = WebhookPayload.json(AlertFixtures.alert(), idempotencyKey: "dec-42:hooks", sentAt: sentAt)
        #expect(
            json.objectValue.map { Set($0.keys) } == [
                "schema", "id", "idempotency_key", "sent_at", "created_at", "title", "text", "triggers", "priority",
                "test", "run", "items", "causes",
            ]
        )
        #expect(json["schema"] == "ronda.alert/v1")
        #expect(json["id"] == "dec-42")
        #expect(json["idempotency_key"] == "dec-42:hooks")
        #expect(json["sent_at"] == "2026-12-06T05:16:40Z")
        #expect(json["created_at"] == "2026-12-06T05:16:37Z")
        #expect(json["triggers"] == ["threshold", "new_error", "regression"])
        #expect(json["priority"] == "P0")
        #expect(json["test"] == false)
        #expect(json["run"]?["totals"] == ["scenarios": 10, "passed": 6, "failed": 3, "errored": 1, "skipped": 0])
        #expect(json["run"]?["started_at"] == "2026-12-06T05:15:22Z")
        #expect(json["run"]?["execution_time"] == .double(74.5))
        #expect(json["items"]?[0]?["group"] == .null)
        #expect(json["items"]?[0]?["module"] == .null)
        #expect(json["items"]?[3]?["group"]?["error_kind"] == "status")
        #expect(json["items"]?[3]?["group"]?["http_status"] == 502)
        #expect(json["items"]?[3]?["group"]?["first_seen"] == "2026-12-06T04:06:40Z")
        #expect(json["causes"]?[0]?["scenarios"] == ["CreateAppointment", "CancelAppointment"])
        let text = String(
            decoding: WebhookPayload.body(AlertFixtures.alert(), idempotencyKey: "k", sentAt: sentAt),
            as: UTF8.self
        )
        #expect(text.hasPrefix(#"{"causes":[{"error_kind":"status","message":"#))
    }

    @Test func theSignatureIsHMACSHA256OfTheExactBodyAndTheTimestampIsSentAt() {
        // RFC 4231 test case 2.
        let vector = WebhookPayload.signatureHeaders(
            body: Array("what do ya want for nothing?".utf8),
            secret: "Jefe",
            sentAt: sentAt
        )
        #expect(vector[0].0 == "X-Ronda-Signature")
        #expect(vector[0].1 == "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(vector[1].0 == "X-Ronda-Timestamp")
        #expect(vector[1].1 == "1796534200")
        let body = WebhookPayload.body(AlertFixtures.alert(), idempotencyKey: "k", sentAt: sentAt)
        let headers = WebhookPayload.signatureHeaders(body: body, secret: "s3cret", sentAt: sentAt)
        #expect(GenericSignature.verify(body: body, header: headers[0].1, secret: "s3cret"))
        #expect(!GenericSignature.verify(body: body + [0x20], header: headers[0].1, secret: "s3cret"))
    }
}

struct SentryEnvelopeTests {
    let dsn = SentryDSN("https://abc123@sentry.example.com:9000/prefix/42")!

    @Test func aDSNNamesTheEnvelopeEndpointAndTheKey() {
        #expect(dsn.envelopeURL == "https://sentry.example.com:9000/prefix/api/42/envelope/")
        #expect(dsn.authHeader == "Sentry sentry_version=7, sentry_client=ronda/1.0, sentry_key=abc123")
        #expect(SentryDSN("http://k@127.0.0.1:8080/7")?.envelopeURL == "http://127.0.0.1:8080/api/7/envelope/")
    }

    @Test(arguments: [
        "https://sentry.example.com/42", "https://k@sentry.example.com/", "ftp://k@h/1", "k@h/1", "https://k@h/abc",
    ])
    func aStringThatIsNotADSNIsRejected(_ text: String) {
        #expect(SentryDSN(text) == nil)
    }

    @Test func oneEnvelopeOfThreeLinesPerNewErrorOrRegression() throws {
        let envelopes = SentryEnvelope.envelopes(
            AlertFixtures.alert(),
            idempotencyKey: "dec-42:sentry",
            dsn: dsn,
            sentAt: AlertFixtures.created
        )
        #expect(envelopes.count == 3)
        let lines = String(decoding: envelopes[2].body, as: UTF8.self).split(
            separator: "\n",
            omittingEmptySubsequences: false
        )
        #expect(lines.count == 4 && lines[3].isEmpty)
        let header = try #require(JSONValue.parse(String(lines[0])))
        let itemHeader = try #require(JSONValue.parse(String(lines[1])))
        let event = try #require(JSONValue.parse(String(lines[2])))
        #expect(header["event_id"]?.stringValue == envelopes[2].eventID)
        #expect(header["dsn"] == "https://abc123@sentry.example.com:9000/prefix/42")
        #expect(header["sent_at"] == "2026-12-06T05:16:37Z")
        #expect(itemHeader == ["type": "event", "length": .int(lines[2].utf8.count)])
        #expect(event["event_id"]?.stringValue == envelopes[2].eventID)
        #expect(event["level"] == "error")
        #expect(event["platform"] == "other")
        #expect(event["logger"] == "ronda")
        #expect(event["fingerprint"] == ["f3"])
        #expect(event["message"]?["formatted"] == "PayOrder: expected status 200, got 502")
        #expect(
            event["tags"] == [
                "scenario": "PayOrder", "module": "billing", "priority": "P0", "release": "v1.5.0",
                "trigger": "regression",
                "error_kind": "status",
            ]
        )
        #expect(event["release"] == "v1.5.0")
        #expect(event["extra"]?["http_status"] == 502)
        #expect(event["extra"]?["run_id"] == "r-42")
        #expect(event["extra"]?["occurrences"] == 3)
        #expect(event["extra"]?["url"] == "https://app.example.com/accounts/login/")
        #expect(event["extra"]?["first_seen"] == "2026-12-06T04:06:40Z")
    }

    @Test func theEventIDIsStableForAKeyAndFingerprintAndDiffersOtherwise() {
        let id = SentryEnvelope.eventID(idempotencyKey: "dec-42:sentry", fingerprint: "f1")
        #expect(id.count == 32 && id.allSatisfy { $0.isHexDigit && !$0.isUppercase })
        #expect(id == SentryEnvelope.eventID(idempotencyKey: "dec-42:sentry", fingerprint: "f1"))
        #expect(id != SentryEnvelope.eventID(idempotencyKey: "dec-42:sentry", fingerprint: "f2"))
        #expect(id != SentryEnvelope.eventID(idempotencyKey: "dec-43:sentry", fingerprint: "f1"))
    }

    @Test func otherTriggersSendNothing() {
        #expect(
            SentryEnvelope.envelopes(AlertFixtures.recovery(), idempotencyKey: "k", dsn: dsn, sentAt: Date()).isEmpty
        )
    }
}
