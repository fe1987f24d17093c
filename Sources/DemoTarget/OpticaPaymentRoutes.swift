import Foundation
import Hummingbird

/// Paying for a checkout in the gateways' sandboxes, and the gateways' signed webhooks that
/// activate the modules (the app fulfils a purchase only on the gateway's signed word).
///
/// | route | answer |
/// |---|---|
/// | `POST /payments/create-payment-intent/` `{checkout_id, card_number, exp_month?, exp_year?, cvc?}` (owner) | 200 `{payment_intent_id, status: succeeded}`; 402 for the declined card 4000000000000002 |
/// | `POST /payments/wompi/transactions/` `{checkout_id, card_number, …}` (owner) | 201 `{transaction_id, status: PENDING, amount_in_cents, reference}` |
/// | `POST /payments/webhooks/stripe/` | `payment_intent.succeeded` activates; checked with `Stripe-Signature` (400 when wrong) |
/// | `POST /payments/webhooks/wompi/` | `transaction.updated` with `APPROVED` activates; checked with `signature.checksum` (400 when wrong) |
extension OpticaRoutes {
    /// Stripe's sandbox cards.
    static let stripeSucceeds = "4242424242424242"
    static let stripeDeclined = "4000000000000002"
    /// Wompi's sandbox cards (the outcome arrives later, in the webhook).
    static let wompiCards = ["4242424242424242", "4111111111111111"]

    func registerPayments(on router: Router<BasicRequestContext>) {
        router.post(
            "/payments/create-payment-intent/",
            use: signedIn(roles: Self.owners) { request, _, user in
                try await createPaymentIntent(request, clinic: user.clinic)
            }
        )
        router.post(
            "/payments/wompi/transactions/",
            use: signedIn(roles: Self.owners) { request, _, user in
                try await createWompiTransaction(request, clinic: user.clinic)
            }
        )
        router.post("/payments/webhooks/stripe/") { request, _ in try await stripeWebhook(request) }
        router.post("/payments/webhooks/wompi/") { request, _ in try await wompiWebhook(request) }
    }

    struct CardPayment: Decodable {
        var checkoutID: LenientInt
        var cardNumber: String
        var expMonth: LenientInt?
        var expYear: LenientInt?
        enum CodingKeys: String, CodingKey {
            case checkoutID = "checkout_id"
            case cardNumber = "card_number"
            case expMonth = "exp_month"
            case expYear = "exp_year"
        }
    }

    /// The checkout a card payment is for, or the response refusing it.
    func payable(
        _ request: Request,
        clinic: Clinic,
        gateway: Checkout.Gateway
    ) async throws -> Result<(Checkout, String), Refusal> {
        guard let body = try await HTTPReply.decode(CardPayment.self, from: request) else {
            return .failure(
                Refusal(
                    response: HTTPReply.error(
                        .badRequest,
                        "send JSON with checkout_id and card_number (and exp_month, exp_year, cvc)"
                    )
                )
            )
        }
        if let month = body.expMonth?.value, !(1...12).contains(month) {
            return .failure(Refusal(response: HTTPReply.error(.badRequest, "exp_month must be 1 to 12")))
        }
        guard let checkout = store.checkout(id: body.checkoutID.value, clinic: clinic.id) else {
            return .failure(Refusal(response: HTTPReply.error(.notFound, "no such checkout in this clinic")))
        }
        guard checkout.gateway == gateway else {
            return .failure(
                Refusal(
                    response: HTTPReply.error(.badRequest, "this checkout is paid with \(checkout.gateway.rawValue)")
                )
            )
        }
        guard checkout.status != .paid else {
            return .failure(Refusal(response: HTTPReply.error(.conflict, "this checkout is already paid")))
        }
        return .success((checkout, body.cardNumber.filter(\.isNumber)))
    }

    struct IntentBody: Encodable {
        var paymentIntentID: String
        var status: String
        var amount: Int
        var currency = "cop"
        var checkoutID: Int
        var error: String?
        var declineCode: String?
        enum CodingKeys: String, CodingKey {
            case paymentIntentID = "payment_intent_id"
            case checkoutID = "checkout_id"
            case declineCode = "decline_code"
            case status, amount, currency, error
        }
    }

    func createPaymentIntent(_ request: Request, clinic: Clinic) async throws -> Response {
        let (checkout, card): (Checkout, String)
        switch try await payable(request, clinic: clinic, gateway: .stripe) {
        case .success(let found): (checkout, card) = found
        case .failure(let refusal): return refusal.response
        }
        let declined = card == Self.stripeDeclined && !faults.isOn(OpticaFaults.declinedCardAccepted)
        guard card == Self.stripeSucceeds || card == Self.stripeDeclined else {
            return HTTPReply.error(
                .badRequest,
                "use a Stripe test card: \(Self.stripeSucceeds) succeeds, \(Self.stripeDeclined) is declined"
            )
        }
        let intent = "pi_" + HTTPReply.randomHex(bytes: 12)
        store.attachPayment(intent, checkout: checkout.id, declined: declined)
        if declined {
            return HTTPReply.json(
                HTTPResponse.Status(code: 402, reasonPhrase: "Payment Required"),
                IntentBody(
                    paymentIntentID: intent,
                    status: "requires_payment_method",
                    amount: checkout.quote.totalCents,
                    checkoutID: checkout.id,
                    error: "Your card was declined.",
                    declineCode: "generic_decline"
                )
            )
        }
        return HTTPReply.json(
            .ok,
            IntentBody(
                paymentIntentID: intent,
                status: "succeeded",
                amount: checkout.quote.totalCents,
                checkoutID: checkout.id
            )
        )
    }

    struct TransactionBody: Encodable {
        var transactionID: String
        var status = "PENDING"
        var amountInCents: Int
        var currency = "COP"
        var reference: String
        var checkoutID: Int
        enum CodingKeys: String, CodingKey {
            case transactionID = "transaction_id"
            case amountInCents = "amount_in_cents"
            case checkoutID = "checkout_id"
            case status, currency, reference
        }
    }

    func createWompiTransaction(_ request: Request, clinic: Clinic) async throws -> Response {
        let (checkout, card): (Checkout, String)
        switch try await payable(request, clinic: clinic, gateway: .wompi) {
        case .success(let found): (checkout, card) = found
        case .failure(let refusal): return refusal.response
        }
        guard Self.wompiCards.contains(card) else {
            return HTTPReply.error(
                .badRequest,
                "use a Wompi sandbox card: \(Self.wompiCards.joined(separator: " (approved), ")) (declined)"
            )
        }
        let transaction = "\(checkout.id)-\(Int(Date().timeIntervalSince1970))-\(Int.random(in: 10_000...99_999))"
        store.attachPayment(transaction, checkout: checkout.id, declined: false)
        return HTTPReply.json(
            .created,
            TransactionBody(
                transactionID: transaction,
                amountInCents: checkout.quote.totalCents,
                reference: checkout.reference,
                checkoutID: checkout.id
            )
        )
    }

    struct WebhookReply: Encodable {
        var received = true
        var handled: Bool
        var clinicID: Int?
        var activated: [Int]?
        var duplicate: Bool?
        enum CodingKeys: String, CodingKey {
            case clinicID = "clinic_id"
            case received, handled, activated, duplicate
        }
    }

    /// Answers a gateway's "paid" or "declined".
    func settle(payment: String, gateway: Checkout.Gateway, paid: Bool, amount: Int?) -> Response {
        guard paid else {
            return store.decline(payment: payment, gateway: gateway)
                ? HTTPReply.json(.ok, WebhookReply(handled: true))
                : HTTPReply.error(.notFound, "no payment with id \(payment)")
        }
        guard let amount else { return HTTPReply.error(.badRequest, "the event has no amount") }
        switch store.fulfil(payment: payment, gateway: gateway, amountCents: amount) {
        case .activated(let clinic, let modules):
            return HTTPReply.json(.ok, WebhookReply(handled: true, clinicID: clinic, activated: modules))
        case .alreadyPaid(let clinic):
            return HTTPReply.json(.ok, WebhookReply(handled: true, clinicID: clinic, activated: [], duplicate: true))
        case .unknownPayment: return HTTPReply.error(.notFound, "no payment with id \(payment)")
        case .amountMismatch(let expected):
            return HTTPReply.error(.badRequest, "amount \(amount) does not match the checkout's \(expected)")
        }
    }

    func stripeWebhook(_ request: Request) async throws -> Response {
        let payload = [UInt8](try await HTTPReply.body(request))
        if !faults.isOn(OpticaFaults.stripeSignatureUnchecked),
            let problem = OpticaWebhookSignatures.stripeProblem(
                payload: payload,
                header: request.headers.first { $0.name.canonicalName == "stripe-signature" }?.value,
                secret: store.users.webhookSecrets.stripeWebhookSecret
            )
        {
            return HTTPReply.error(.badRequest, problem)
        }
        guard let event = JSONDocument.parse(payload), let type = event["type"]?.string else {
            return HTTPReply.error(.badRequest, "the body is not a Stripe event (JSON with type and data.object)")
        }
        let object = event["data"]?["object"]
        switch type {
        case "payment_intent.succeeded", "payment_intent.payment_failed":
            guard let id = object?["id"]?.string else {
                return HTTPReply.error(.badRequest, "the event has no data.object.id")
            }
            return settle(
                payment: id,
                gateway: .stripe,
                paid: type == "payment_intent.succeeded",
                amount: object?["amount"]?.int
            )
        default:
            return HTTPReply.json(.ok, WebhookReply(handled: false))
        }
    }

    func wompiWebhook(_ request: Request) async throws -> Response {
        let payload = [UInt8](try await HTTPReply.body(request))
        guard let event = JSONDocument.parse(payload) else {
            return HTTPReply.error(.badRequest, "the body is not JSON")
        }
        if let problem = OpticaWebhookSignatures.wompiProblem(
            event: event,
            secret: store.users.webhookSecrets.wompiEventsSecret,
            caseSensitive: faults.isOn(OpticaFaults.wompiChecksumLowercase)
        ) {
            return HTTPReply.error(.badRequest, problem)
        }
        guard event["event"]?.string == "transaction.updated" else {
            return HTTPReply.json(.ok, WebhookReply(handled: false))
        }
        let transaction = event["data"]?["transaction"]
        guard let id = transaction?["id"]?.scalarText, let status = transaction?["status"]?.string else {
            return HTTPReply.error(.badRequest, "the event has no data.transaction.id or status")
        }
        switch status {
        case "APPROVED":
            return settle(payment: id, gateway: .wompi, paid: true, amount: transaction?["amount_in_cents"]?.int)
        case "DECLINED", "VOIDED", "ERROR": return settle(payment: id, gateway: .wompi, paid: false, amount: nil)
        default: return HTTPReply.json(.ok, WebhookReply(handled: false))
        }
    }
}
