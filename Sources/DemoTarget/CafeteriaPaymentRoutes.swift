import Crypto
import Foundation
import Hummingbird

/// Payments through a simulated Mercado Pago: a checkout preference per order, the payment
/// webhook (signed with `x-signature`), refunds.
///
/// Mercado Pago's notification carries only the payment id (`data.id`); a real backend then
/// asks `GET /v1/payments/{id}` for its status and preference. This demo has no Mercado Pago
/// to ask, so the notification also carries what that call would answer:
/// `{"type": "payment", "data": {"id": "123", "status": "approved", "preference_id": "…"}}`.
extension CafeteriaRoutes {
    struct PreferenceRequest: Decodable {
        var orderID: LenientInt
        var amount: MoneyInput?
        enum CodingKeys: String, CodingKey {
            case orderID = "order_id"
            case amount
        }
    }

    struct PreferenceBody: Encodable {
        var preferenceID: String
        var initPoint: String
        var sandboxInitPoint: String
        var orderID: Int
        var amount: Cents
        enum CodingKeys: String, CodingKey {
            case preferenceID = "preference_id"
            case initPoint = "init_point"
            case sandboxInitPoint = "sandbox_init_point"
            case orderID = "order_id"
            case amount
        }
    }

    struct WebhookAnswer: Encodable {
        var received = true
        var orderID: Int?
        var paymentStatus: String?
        var ignored: String?
        enum CodingKeys: String, CodingKey {
            case received
            case orderID = "order_id"
            case paymentStatus = "payment_status"
            case ignored
        }
    }

    func registerPayments(on api: RouterGroup<BasicRequestContext>) {
        api.post(
            "/payments/create-preference",
            use: authorized { request, _, claims in try await createPreference(request, claims) }
        )
        api.post("/payments/webhook") { request, _ in try await webhook(request) }
        api.get(
            "/payments/:id",
            use: authorized { _, context, claims in
                guard let id = context.parameters.get("id"), let payment = store.payment(id: id),
                    let order = store.order(id: payment.orderID),
                    order.customer == claims.sub
                        || store.business(id: order.businessID).map({ canManage($0, claims) }) == true
                else { return HTTPReply.detail(.notFound, "payment not found") }
                return HTTPReply.json(.ok, payment)
            }
        )
        api.post(
            "/payments/:id/refund",
            use: authorized { _, context, claims in
                guard let id = context.parameters.get("id") else {
                    return HTTPReply.detail(.notFound, "payment not found")
                }
                let outcome = store.refund(id: id, allowTwice: faults.isOn(CafeteriaFaults.refundTwice)) { business in
                    guard let business, canManage(business, claims) else {
                        return .refused("only the business's owner or an admin can refund its payments")
                    }
                    return nil
                }
                switch outcome {
                case .refunded(let payment): return HTTPReply.json(.ok, payment)
                case .notFound: return HTTPReply.detail(.notFound, "payment not found")
                case .refused(let message):
                    return HTTPReply.detail(message.hasPrefix("only") ? .forbidden : .badRequest, message)
                }
            }
        )
    }

    func createPreference(_ request: Request, _ claims: Claims) async throws -> Response {
        guard let body = try await decode(PreferenceRequest.self, request) else {
            return HTTPReply.detail(.unprocessableContent, #"send JSON like {"order_id": 12, "amount": "4500.00"}"#)
        }
        if let amount = body.amount {
            guard let cents = amount.cents, cents > 0 else {
                return HTTPReply.detail(
                    .unprocessableContent,
                    "amount must be greater than 0, with at most two decimals"
                )
            }
        }
        guard let order = store.order(id: body.orderID.value), order.customer == claims.sub || claims.role == "admin"
        else {
            return HTTPReply.detail(.notFound, "order not found")
        }
        switch store.createPreference(orderID: order.id, amount: body.amount?.cents.map(Cents.init)) {
        case .created(let preference):
            return HTTPReply.json(
                .ok,
                PreferenceBody(
                    preferenceID: preference.id,
                    initPoint: "https://www.mercadopago.com.co/checkout/v1/redirect?pref_id=\(preference.id)",
                    sandboxInitPoint:
                        "https://sandbox.mercadopago.com.co/checkout/v1/redirect?pref_id=\(preference.id)",
                    orderID: order.id,
                    amount: preference.amount
                )
            )
        case .notFound: return HTTPReply.detail(.notFound, "order not found")
        case .refused(let message): return HTTPReply.detail(.badRequest, message)
        }
    }

    func webhook(_ request: Request) async throws -> Response {
        let data = try await HTTPReply.body(request)
        let event = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        let payload = event["data"] as? [String: Any] ?? [:]
        let dataID = HTTPReply.query(request)["data.id"] ?? Self.text(payload["id"])
        if !faults.isOn(CafeteriaFaults.webhookSignatureUnchecked) {
            let valid = MercadoPagoVerifier.isValid(
                signature: Self.header(request, "x-signature"),
                requestID: Self.header(request, "x-request-id"),
                dataID: dataID,
                secret: webhookSecret
            )
            guard valid else {
                return HTTPReply.detail(
                    .unauthorized,
                    "invalid signature: x-signature does not match this notification"
                )
            }
        }
        guard (event["type"] as? String ?? HTTPReply.query(request)["type"]) == "payment" else {
            return HTTPReply.json(.ok, WebhookAnswer(ignored: "only payment notifications are handled"))
        }
        guard let paymentID = dataID, !paymentID.isEmpty, let preferenceID = Self.text(payload["preference_id"]) else {
            return HTTPReply.detail(.badRequest, "a payment notification needs data.id and data.preference_id")
        }
        let status = Self.text(payload["status"]) ?? ""
        let anyStatusPays = faults.isOn(CafeteriaFaults.rejectedPaymentMarkedPaid)
        switch store.applyPayment(
            id: paymentID,
            preferenceID: preferenceID,
            status: status,
            anyStatusPays: anyStatusPays
        ) {
        case .applied(_, let order):
            return HTTPReply.json(.ok, WebhookAnswer(orderID: order.id, paymentStatus: order.paymentStatus.rawValue))
        case .unknownPreference: return HTTPReply.detail(.notFound, "preference \(preferenceID) not found")
        case .ignored(let reason): return HTTPReply.json(.ok, WebhookAnswer(ignored: reason))
        }
    }

    /// The first value of a header (`name` in lower case).
    static func header(_ request: Request, _ name: String) -> String? {
        request.headers.first { $0.name.canonicalName == name }?.value
    }

    /// A JSON string or number as text.
    static func text(_ value: Any?) -> String? {
        switch value {
        case let string as String: string
        case let number as NSNumber: number.stringValue
        default: nil
        }
    }
}

/// Checks Mercado Pago's `x-signature` as its documentation tells receivers to, written from
/// the documentation (not from Ronda's signer): `ts=<ts>,v1=<hex>` where `v1` is
/// HMAC-SHA256(secret, `id:<data.id>;request-id:<x-request-id>;ts:<ts>;`), `data.id` lower-cased,
/// parts whose value is missing left out.
enum MercadoPagoVerifier {
    static func isValid(signature: String?, requestID: String?, dataID: String?, secret: String) -> Bool {
        guard let signature, !secret.isEmpty else { return false }
        var ts: String?
        var v1: String?
        for part in signature.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { continue }
            if pair[0] == "ts" { ts = pair[1] }
            if pair[0] == "v1" { v1 = pair[1] }
        }
        guard let ts, !ts.isEmpty, let v1 else { return false }
        var manifest = ""
        if let dataID, !dataID.isEmpty { manifest += "id:\(dataID.lowercased());" }
        if let requestID, !requestID.isEmpty { manifest += "request-id:\(requestID);" }
        manifest += "ts:\(ts);"
        let mac = HMAC<SHA256>.authenticationCode(
            for: Data(manifest.utf8),
            using: SymmetricKey(data: Data(secret.utf8))
        )
        let expected = mac.map { String(format: "%02x", $0) }.joined()
        return constantTimeEquals(expected, v1.lowercased())
    }
}
