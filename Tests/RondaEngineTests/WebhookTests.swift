import Foundation
import HTTPTypes
import Hummingbird
import RondaCore
import RondaEngine
import RondaTestSupport
import Testing

/// Webhook steps against a receiver that checks each provider's signature with an independent
/// implementation: Python's `hmac` and `hashlib`, written from the providers' documentation.
@Suite struct WebhookTests {
    static let secrets = [
        "stripe": "whsec_test_51HxStripeSecret", "wompi": "test_events_WompiSecret42",
        "mercadopago": "mp-webhook-secret-9c1", "hmac": "generic-hook-secret-77",
    ]

    static let verifier = #"""
        import hashlib, hmac, json, os, sys, urllib.parse
        mode = sys.argv[1]
        body = sys.stdin.buffer.read()
        secret = os.environ["WEBHOOK_SECRET"]
        def header(name):
            return os.environ.get("H_" + name.upper().replace("-", "_"), "")
        def mac(message):
            return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
        def pairs(value):
            return [item.strip().split("=", 1) for item in value.split(",") if "=" in item]
        ok = False
        if mode == "stripe":
            items = pairs(header("Stripe-Signature"))
            t = [v for k, v in items if k == "t"]
            v1 = [v for k, v in items if k == "v1"]
            ok = len(t) == 1 and any(hmac.compare_digest(mac(t[0].encode() + b"." + body), s) for s in v1)
        elif mode == "wompi":
            event = json.loads(body)
            signature = event["signature"]
            text = ""
            for prop in signature["properties"]:
                value = event["data"]
                for key in prop.split("."):
                    value = value[key]
                text += str(value)
            text += str(event["timestamp"]) + secret
            expected = hashlib.sha256(text.encode()).hexdigest().upper()
            ok = hmac.compare_digest(expected, signature["checksum"].upper()) and header("X-Event-Checksum").upper() == expected
        elif mode == "mercadopago":
            items = dict(pairs(header("x-signature")))
            query = urllib.parse.parse_qs(os.environ.get("QUERY", ""))
            data_id = query.get("data.id", [""])[0]
            if data_id.isalnum():
                data_id = data_id.lower()
            manifest = "id:%s;request-id:%s;ts:%s;" % (data_id, header("x-request-id"), items.get("ts", ""))
            ok = "ts" in items and hmac.compare_digest(mac(manifest.encode()), items.get("v1", ""))
        elif mode == "hmac":
            value = header(os.environ["SIGNATURE_HEADER"])
            ok = value.startswith("sha256=") and hmac.compare_digest(mac(body), value[len("sha256="):])
        sys.exit(0 if ok else 1)
        """#

    static func routes(_ router: Router<BasicRequestContext>, _ log: RequestLog) {
        router.post("/webhooks/:provider") { request, context -> Response in
            let seen = try await log.record(request)
            let provider = context.parameters.get("provider") ?? ""
            var environment = [
                "WEBHOOK_SECRET": secrets[provider] ?? "", "QUERY": seen.query,
                "SIGNATURE_HEADER": "X-Hub-Signature-256",
            ]
            for (name, value) in seen.headers {
                environment["H_" + name.uppercased().replacingOccurrences(of: "-", with: "_")] = value
            }
            let status = try await runProgramAsync(
                "/usr/bin/env",
                ["python3", "-c", verifier, provider],
                input: seen.body,
                environment: environment
            ).status
            return status == 0
                ? jsonResponse(#"{"verified":true}"#) : jsonResponse(#"{"verified":false}"#, status: .unauthorized)
        }
    }

    static let scenario = """
        scenario: Payment webhooks
        steps:
          - name: Stripe payment succeeded
            post: /webhooks/stripe
            json: { id: evt_1, type: payment_intent.succeeded, data: { object: { id: pi_1, amount: 4990, currency: cop } } }
            webhook: { provider: stripe, secret: "{{ env.STRIPE_WEBHOOK_SECRET }}", timestamp: "{{ 1700000000 }}" }
            expect: { status: 200 }
          - name: Wompi transaction approved
            post: /webhooks/wompi
            json:
              event: transaction.updated
              data: { transaction: { id: "1234-1610641025-49201", status: APPROVED, amount_in_cents: 4490000 } }
              environment: test
            webhook:
              provider: wompi
              secret: "{{ env.WOMPI_EVENTS_SECRET }}"
              properties: [transaction.id, transaction.status, transaction.amount_in_cents]
            expect: { status: 200 }
          - name: Mercado Pago payment
            post: "/webhooks/mercadopago?data.id=PAY123ABC&type=payment"
            json: { action: payment.updated, type: payment, data: { id: "PAY123ABC" } }
            webhook: { provider: mercadopago, secret: "{{ env.MP_WEBHOOK_SECRET }}", request_id: "req-7f3a" }
            expect: { status: 200 }
          - name: Generic signed hook
            post: /webhooks/hmac
            json: { event: order.paid, order: 991 }
            webhook: { provider: hmac, secret: "{{ env.HOOK_SECRET }}", header: X-Hub-Signature-256 }
            expect: { status: 200 }
        """

    static func environment(replacing provider: String? = nil) -> [String: String] {
        var env = [
            "STRIPE_WEBHOOK_SECRET": secrets["stripe"]!, "WOMPI_EVENTS_SECRET": secrets["wompi"]!,
            "MP_WEBHOOK_SECRET": secrets["mercadopago"]!, "HOOK_SECRET": secrets["hmac"]!,
        ]
        let names = [
            "stripe": "STRIPE_WEBHOOK_SECRET", "wompi": "WOMPI_EVENTS_SECRET", "mercadopago": "MP_WEBHOOK_SECRET",
            "hmac": "HOOK_SECRET",
        ]
        if let provider, let name = names[provider] { env[name] = "not-the-right-secret" }
        return env
    }

    @Test func everyProviderSignatureVerifiesIndependently() async throws {
        try await withServer(Self.routes) { server, log in
            let result = try await runScenario(Self.scenario, baseURL: server.baseURL, environment: Self.environment())
            #expect(result.status == .pass, "\(result.errorMessage ?? "")")
            #expect(result.steps.map(\.status) == [200, 200, 200, 200])
            #expect(log.all.count == 4)

            let stripe = try #require(log.to("/webhooks/stripe").first)
            #expect(stripe.header("stripe-signature")?.hasPrefix("t=1700000000,v1=") == true)
            #expect(stripe.header("content-type") == "application/json")

            let wompi = try #require(log.to("/webhooks/wompi").first)
            let event = try #require(try JSONSerialization.jsonObject(with: Data(wompi.body)) as? [String: Any])
            #expect((event["signature"] as? [String: Any])?["checksum"] as? String == wompi.header("x-event-checksum"))
            #expect(event["timestamp"] is NSNumber)

            let mercadoPago = try #require(log.to("/webhooks/mercadopago").first)
            #expect(mercadoPago.header("x-request-id") == "req-7f3a")
            #expect(mercadoPago.header("x-signature")?.hasPrefix("ts=") == true)

            let generic = try #require(log.to("/webhooks/hmac").first)
            #expect(generic.header("x-hub-signature-256")?.hasPrefix("sha256=") == true)
            #expect(generic.bodyText == #"{"event":"order.paid","order":991}"#)

            // Signatures are secrets' offspring: the recorded excerpts mask them.
            for step in result.steps {
                for secret in Self.secrets.values { #expect(step.requestExcerpt?.contains(secret) == false) }
            }
            #expect(
                result.step("Stripe payment succeeded")?.requestExcerpt?.contains("Stripe-Signature: [REDACTED]")
                    == true
            )
        }
    }

    @Test(arguments: ["stripe", "wompi", "mercadopago", "hmac"])
    func aWrongSecretIsRejectedByTheReceiver(provider: String) async throws {
        try await withServer(Self.routes) { server, _ in
            let result = try await runScenario(
                Self.scenario,
                baseURL: server.baseURL,
                environment: Self.environment(replacing: provider)
            )
            #expect(result.status == .fail)
            let failing = try #require(result.steps.first { $0.outcome == .failed })
            #expect(failing.status == 401)
            #expect(failing.url.contains("/webhooks/\(provider)"))
        }
    }
}
