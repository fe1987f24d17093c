import Foundation
import RondaTestSupport
import Testing

@testable import RondaCore

/// Runs Python's `hmac`/`hashlib` as an independent implementation of each signature.
enum IndependentPython {
    /// Whether `python3` can be started (the cross-check tests are skipped otherwise; the
    /// hard-coded vectors below still run).
    static let isAvailable: Bool = (try? run("print('ok')", [])) == "ok"

    /// `python3 -c script arguments…`; the trimmed standard output, or `nil` if it did not exit 0.
    static func run(_ script: String, _ arguments: [String]) throws -> String? {
        let (status, output) = try runProgram("/usr/bin/env", ["python3", "-c", script] + arguments)
        guard status == 0 else { return nil }
        return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

struct SigningTests {
    static let stripePayload = #"{"id":"evt_1","type":"payment_intent.succeeded"}"#
    static let wompiEvent: JSONValue = [
        "event": "transaction.updated",
        "data": [
            "transaction": [
                "id": "1234-1610641025-49201", "status": "APPROVED", "amount_in_cents": 4_490_000,
                "reference": "Peña-001",
            ]
        ],
        "environment": "test",
    ]

    // MARK: - Hard-coded vectors
    // Computed with Python 3.11 while writing these tests, e.g.
    //   hmac.new(b'whsec_test_secret', b'1700000000.' + payload, hashlib.sha256).hexdigest()
    //   hashlib.sha256(b'1234-1610641025-49201APPROVED44900001530291411test_events_secret').hexdigest().upper()
    //   hmac.new(b'mp_secret', b'id:123456789;request-id:bb56a2f1-…;ts:1742505638683;', hashlib.sha256).hexdigest()
    //   hmac.new(b'hook_secret', b'{"alert":"CreateAppointment failed"}', hashlib.sha256).hexdigest()

    @Test func stripeVector() {
        let header = StripeSignature.headerValue(
            payload: Self.stripePayload,
            secret: "whsec_test_secret",
            timestamp: 1_700_000_000
        )
        #expect(header == "t=1700000000,v1=22d8dc182f5c588077683bd378368e29765bfe5df2560112b4f28fef120f0e31")
    }

    @Test func wompiVector() throws {
        let sum = try WompiSignature.checksum(
            event: Self.wompiEvent,
            properties: WompiSignature.defaultProperties,
            timestamp: 1_530_291_411,
            secret: "test_events_secret"
        )
        #expect(sum == "82D7B6FAE35F0DE10BB9186BE459D13D54D3752C4DEF83A41FB8CEEA85B53633")
    }

    @Test func mercadoPagoVector() {
        let headers = MercadoPagoSignature.headers(
            dataID: "123456789",
            requestID: "bb56a2f1-6aae-46ac-982e-9dcd3581d08e",
            timestamp: 1_742_505_638_683,
            secret: "mp_secret"
        )
        #expect(
            headers["x-signature"]
                == "ts=1742505638683,v1=efacff0b9cacf8c79a024a1c8f4c6fd8e49e544a1a48b576e1baeb726e307196"
        )
        #expect(headers["x-request-id"] == "bb56a2f1-6aae-46ac-982e-9dcd3581d08e")
        // Alphanumeric ids are lower-cased in the manifest.
        let upper = MercadoPagoSignature.signature(
            dataID: "ORD01JQ4S4KY8HWQ6NA5PXB65B3D3",
            requestID: "req-1",
            timestamp: "1700000000",
            secret: "mp_secret"
        )
        #expect(upper == "b4e0f91587c1595b4775be88d753bfa214232e580a0f9fb7baf0a01de20d9115")
        #expect(MercadoPagoSignature.manifest(dataID: nil, requestID: "r", timestamp: "5") == "request-id:r;ts:5;")
    }

    @Test func genericVector() {
        let value = GenericSignature.headerValue(body: #"{"alert":"CreateAppointment failed"}"#, secret: "hook_secret")
        #expect(value == "sha256=1f51f572f18e8e0014e02753f322d8ae952c9be7de95931702d321bb42bbd229")
    }

    // MARK: - Cross-checks against Python, run by the test

    @Test(.enabled(if: IndependentPython.isAvailable)) func stripeMatchesPython() throws {
        let payload = #"{"amount":15000,"customer":"José Peña","currency":"cop"}"#
        let script = """
            import hmac, hashlib, sys
            secret, ts, payload = sys.argv[1], sys.argv[2], sys.argv[3]
            print(hmac.new(secret.encode(), (ts + "." + payload).encode(), hashlib.sha256).hexdigest())
            """
        let python = try #require(try IndependentPython.run(script, ["whsec_ñ_secret", "1712345678", payload]))
        let header = StripeSignature.headerValue(payload: payload, secret: "whsec_ñ_secret", timestamp: 1_712_345_678)
        #expect(header == "t=1712345678,v1=\(python)")
    }

    @Test(.enabled(if: IndependentPython.isAvailable)) func wompiMatchesPython() throws {
        let signed = try WompiSignature.sign(
            event: Self.wompiEvent,
            properties: ["transaction.id", "transaction.reference", "transaction.amount_in_cents"],
            timestamp: 1_712_345_678,
            secret: "test_events_ñ"
        )
        // Python reads the signed body the way a Wompi receiver does and recomputes the checksum.
        let script = """
            import hashlib, json, sys
            event, secret = json.loads(sys.argv[1]), sys.argv[2]
            text = ""
            for prop in event["signature"]["properties"]:
                value = event["data"]
                for key in prop.split("."):
                    value = value[key]
                text += str(value)
            text += str(event["timestamp"]) + secret
            print(hashlib.sha256(text.encode()).hexdigest().upper())
            """
        let python = try #require(try IndependentPython.run(script, [signed.jsonText(), "test_events_ñ"]))
        #expect(signed["signature"]?["checksum"]?.stringValue == python)
        #expect(signed["timestamp"] == 1_712_345_678)
    }

    @Test(.enabled(if: IndependentPython.isAvailable)) func mercadoPagoMatchesPython() throws {
        let script = """
            import hmac, hashlib, sys
            data_id, request_id, ts, secret = sys.argv[1:5]
            manifest = f"id:{data_id.lower()};request-id:{request_id};ts:{ts};"
            print(hmac.new(secret.encode(), manifest.encode(), hashlib.sha256).hexdigest())
            """
        let python = try #require(
            try IndependentPython.run(script, ["PAY123abc", "req-42", "1712345678", "mp_secret"])
        )
        let headers = MercadoPagoSignature.headers(
            dataID: "PAY123abc",
            requestID: "req-42",
            timestamp: 1_712_345_678,
            secret: "mp_secret"
        )
        #expect(headers["x-signature"] == "ts=1712345678,v1=\(python)")
    }

    @Test(.enabled(if: IndependentPython.isAvailable)) func genericMatchesPython() throws {
        let body = #"{"run":17,"failed":["Cita ñandú"]}"#
        let script = """
            import hmac, hashlib, sys
            print("sha256=" + hmac.new(sys.argv[1].encode(), sys.argv[2].encode(), hashlib.sha256).hexdigest())
            """
        let python = try #require(try IndependentPython.run(script, ["hook_secret", body]))
        #expect(GenericSignature.headerValue(body: body, secret: "hook_secret") == python)
    }

    // MARK: - Verification and tampering

    @Test func stripeVerifiesAndRejectsTampering() {
        let secret = "whsec_abc"
        let header = StripeSignature.headerValue(payload: Self.stripePayload, secret: secret, timestamp: 1_700_000_000)
        #expect(StripeSignature.verify(payload: Self.stripePayload, header: header, secret: secret))
        #expect(!StripeSignature.verify(payload: Self.stripePayload, header: header, secret: "whsec_other"))
        #expect(!StripeSignature.verify(payload: Self.stripePayload + " ", header: header, secret: secret))
        let otherTime = header.replacingOccurrences(of: "t=1700000000", with: "t=1700000001")
        #expect(!StripeSignature.verify(payload: Self.stripePayload, header: otherTime, secret: secret))
        #expect(!StripeSignature.verify(payload: Self.stripePayload, header: "v1=abc", secret: secret))
        #expect(!StripeSignature.verify(payload: Self.stripePayload, header: "", secret: secret))
        // Several v1 entries (secret rotation): one valid one is enough.
        #expect(
            StripeSignature.verify(
                payload: Self.stripePayload,
                header: "t=1700000000,v1=deadbeef," + header.split(separator: ",")[1],
                secret: secret
            )
        )
        // Tolerance.
        #expect(
            StripeSignature.verify(
                payload: Self.stripePayload,
                header: header,
                secret: secret,
                tolerance: 300,
                now: 1_700_000_200
            )
        )
        #expect(
            !StripeSignature.verify(
                payload: Self.stripePayload,
                header: header,
                secret: secret,
                tolerance: 300,
                now: 1_700_000_301
            )
        )
    }

    @Test func wompiVerifiesAndRejectsTampering() throws {
        let signed = try WompiSignature.sign(event: Self.wompiEvent, timestamp: 1_530_291_411, secret: "s3cret")
        #expect(
            signed["signature"]?["properties"] == [
                "transaction.id", "transaction.status", "transaction.amount_in_cents",
            ]
        )
        #expect(signed["event"] == "transaction.updated")
        #expect(WompiSignature.verify(event: signed, secret: "s3cret"))
        #expect(!WompiSignature.verify(event: signed, secret: "wrong"))

        guard case .object(var fields) = signed, case .object(var data) = fields["data"],
            case .object(var transaction) = data["transaction"]
        else {
            Issue.record("unexpected shape")
            return
        }
        transaction["amount_in_cents"] = 100
        data["transaction"] = .object(transaction)
        fields["data"] = .object(data)
        #expect(!WompiSignature.verify(event: .object(fields), secret: "s3cret"))

        var unsigned = signed.objectValue ?? [:]
        unsigned["signature"] = nil
        #expect(!WompiSignature.verify(event: .object(unsigned), secret: "s3cret"))
        // The checksum may come from the X-Event-Checksum header instead, in either hex case.
        let checksum = try #require(signed["signature"]?["checksum"]?.stringValue)
        var headerOnly = signed.objectValue ?? [:]
        headerOnly["signature"] = [
            "properties": ["transaction.id", "transaction.status", "transaction.amount_in_cents"]
        ]
        #expect(
            WompiSignature.verify(event: .object(headerOnly), secret: "s3cret", headerChecksum: checksum.lowercased())
        )
    }

    @Test func wompiRejectsUnsignableEvents() {
        let missing = #expect(throws: SigningError.self) {
            try WompiSignature.sign(event: Self.wompiEvent, properties: ["transaction.nope"], timestamp: 1, secret: "s")
        }
        #expect(missing?.code == .missingProperty)
        #expect(missing?.message.contains("transaction.nope") == true)
        let notObject = #expect(throws: SigningError.self) {
            try WompiSignature.sign(event: [1, 2], timestamp: 1, secret: "s")
        }
        #expect(notObject?.code == .invalidBody)
        let noData = #expect(throws: SigningError.self) {
            try WompiSignature.sign(event: ["event": "x"], timestamp: 1, secret: "s")
        }
        #expect(noData?.code == .invalidBody)
        #expect(throws: SigningError.self) {
            try WompiSignature.sign(event: Self.wompiEvent, properties: ["transaction"], timestamp: 1, secret: "s")
        }
    }

    @Test func mercadoPagoVerifiesAndRejectsTampering() {
        let headers = MercadoPagoSignature.headers(
            dataID: "ABC123",
            requestID: "req-1",
            timestamp: 1_700_000_000,
            secret: "mp"
        )
        let signature = headers["x-signature"] ?? ""
        #expect(
            MercadoPagoSignature.verify(signatureHeader: signature, requestID: "req-1", dataID: "abc123", secret: "mp")
        )
        #expect(
            MercadoPagoSignature.verify(signatureHeader: signature, requestID: "req-1", dataID: "ABC123", secret: "mp")
        )
        #expect(
            !MercadoPagoSignature.verify(signatureHeader: signature, requestID: "req-2", dataID: "abc123", secret: "mp")
        )
        #expect(
            !MercadoPagoSignature.verify(signatureHeader: signature, requestID: "req-1", dataID: "abc124", secret: "mp")
        )
        #expect(
            !MercadoPagoSignature.verify(
                signatureHeader: signature,
                requestID: "req-1",
                dataID: "abc123",
                secret: "other"
            )
        )
        #expect(
            !MercadoPagoSignature.verify(
                signatureHeader: "ts=1,v1=",
                requestID: "req-1",
                dataID: "abc123",
                secret: "mp"
            )
        )
        #expect(
            !MercadoPagoSignature.verify(signatureHeader: "garbage", requestID: "req-1", dataID: "abc123", secret: "mp")
        )
    }

    @Test func genericVerifiesAndRejectsTampering() {
        let body = #"{"ok":true}"#
        let value = GenericSignature.headerValue(body: body, secret: "k")
        #expect(GenericSignature.verify(body: body, header: value, secret: "k"))
        #expect(GenericSignature.verify(body: body, header: "sha256=" + value.dropFirst(7).uppercased(), secret: "k"))
        #expect(!GenericSignature.verify(body: body, header: value, secret: "k2"))
        #expect(!GenericSignature.verify(body: #"{"ok":false}"#, header: value, secret: "k"))
        #expect(!GenericSignature.verify(body: body, header: String(value.dropFirst(7)), secret: "k"))
        #expect(
            GenericSignature.headers(body: body, secret: "k", headerName: "X-Ronda-Signature")["X-Ronda-Signature"]
                == value
        )
    }

    @Test func constantTimeCompare() {
        #expect(SignatureCrypto.constantTimeEquals("abcd", "ABCD"))
        #expect(!SignatureCrypto.constantTimeEquals("abcd", "abce"))
        #expect(!SignatureCrypto.constantTimeEquals("abcd", "abcde"))
        #expect(!SignatureCrypto.constantTimeEquals("", ""))
    }

    // MARK: - The scenario-facing entry point

    @Test(arguments: WebhookProvider.allCases)
    func signerRoundTrips(provider: WebhookProvider) throws {
        let body: JSONValue = [
            "type": "payment", "action": "payment.updated",
            "data": [
                "id": "987654", "transaction": ["id": "tx-1", "status": "APPROVED", "amount_in_cents": 15_000_000],
            ],
        ]
        let options = WebhookSigningOptions(mercadoPagoRequestID: "req-7", headerName: "X-Hub-Signature")
        let signed = try WebhookSigner.sign(
            provider,
            body: body,
            secret: "sec",
            timestamp: 1_700_000_000,
            options: options
        )
        #expect(!signed.headers.isEmpty)
        #expect(
            WebhookSigner.verify(provider, body: signed.body, headers: signed.headers, secret: "sec", options: options)
        )
        // Header names match case-insensitively, as HTTP servers deliver them.
        let lowered = Dictionary(uniqueKeysWithValues: signed.headers.map { ($0.key.lowercased(), $0.value) })
        #expect(WebhookSigner.verify(provider, body: signed.body, headers: lowered, secret: "sec", options: options))
        #expect(
            !WebhookSigner.verify(
                provider,
                body: signed.body,
                headers: signed.headers,
                secret: "nope",
                options: options
            )
        )
        if provider != .mercadopago {  // Mercado Pago signs ids and headers, not the body.
            let tampered = signed.body.replacingOccurrences(of: "15000000", with: "15000001")
            #expect(
                !WebhookSigner.verify(
                    provider,
                    body: tampered,
                    headers: signed.headers,
                    secret: "sec",
                    options: options
                )
            )
        }
        if provider == .wompi {  // Wompi's signature travels in the body; the header only repeats it.
            #expect(WebhookSigner.verify(provider, body: signed.body, headers: [:], secret: "sec", options: options))
            #expect(
                !WebhookSigner.verify(provider, body: body.jsonText(), headers: [:], secret: "sec", options: options)
            )
        } else {
            #expect(!WebhookSigner.verify(provider, body: signed.body, headers: [:], secret: "sec", options: options))
        }
    }

    @Test func signerDetails() throws {
        let stripe = try WebhookSigner.sign(.stripe, body: "raw text body", secret: "s", timestamp: 5)
        #expect(stripe.body == "raw text body")
        #expect(
            stripe.headers["Stripe-Signature"]
                == StripeSignature.headerValue(payload: "raw text body", secret: "s", timestamp: 5)
        )

        let wompi = try WebhookSigner.sign(.wompi, body: Self.wompiEvent, secret: "s", timestamp: 5)
        let event = try #require(JSONValue.parse(wompi.body))
        #expect(wompi.headers["X-Event-Checksum"] == event["signature"]?["checksum"]?.stringValue)

        let mp = try WebhookSigner.sign(.mercadopago, body: ["data": ["id": 42]], secret: "s", timestamp: 5)
        #expect(mp.headers["x-request-id"]?.isEmpty == false)
        #expect(
            MercadoPagoSignature.verify(
                signatureHeader: mp.headers["x-signature"] ?? "",
                requestID: mp.headers["x-request-id"],
                dataID: "42",
                secret: "s"
            )
        )

        let emptySecret = #expect(throws: SigningError.self) {
            try WebhookSigner.sign(.generic, body: [:], secret: "", timestamp: 1)
        }
        #expect(emptySecret?.code == .missingInput)
        let noID = #expect(throws: SigningError.self) {
            try WebhookSigner.sign(.mercadopago, body: ["data": [:]], secret: "s", timestamp: 1)
        }
        #expect(noID?.code == .missingInput)
    }
}
