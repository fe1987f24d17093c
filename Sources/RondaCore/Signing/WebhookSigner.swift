import Foundation

/// Who a simulated webhook pretends to come from, i.e. how its body is signed.
public enum WebhookProvider: String, Sendable, Hashable, Codable, CaseIterable {
    case stripe
    case wompi
    case mercadopago
    /// `X-Signature: sha256=<hex HMAC of the body>` (header name configurable).
    case generic
}

/// Provider-specific inputs for ``WebhookSigner/sign(_:body:secret:timestamp:options:)``.
public struct WebhookSigningOptions: Sendable, Hashable {
    /// Wompi: the `data`-relative property paths to sign.
    public var wompiProperties: [String]
    /// Mercado Pago: the resource id; defaults to the body's `data.id`.
    public var mercadoPagoDataID: String?
    /// Mercado Pago: the `x-request-id`; defaults to a new UUID.
    public var mercadoPagoRequestID: String?
    /// Generic: the header carrying `sha256=…`.
    public var headerName: String

    public init(
        wompiProperties: [String] = WompiSignature.defaultProperties,
        mercadoPagoDataID: String? = nil,
        mercadoPagoRequestID: String? = nil,
        headerName: String = GenericSignature.defaultHeaderName
    ) {
        self.wompiProperties = wompiProperties
        self.mercadoPagoDataID = mercadoPagoDataID
        self.mercadoPagoRequestID = mercadoPagoRequestID
        self.headerName = headerName
    }
}

/// A webhook request ready to send: the exact body text that was signed and the headers to add.
public struct SignedWebhook: Sendable, Hashable {
    /// The body to send, byte for byte (signatures cover these exact bytes).
    public var body: String
    /// Headers to add to the request (besides `Content-Type`).
    public var headers: [String: String]

    public init(body: String, headers: [String: String]) {
        self.body = body
        self.headers = headers
    }
}

/// Signs (and verifies) simulated payment webhooks the way each provider does, so a scenario
/// can post a `webhook:` step that the application under test accepts.
public enum WebhookSigner {
    /// Signs `body` for `provider`.
    ///
    /// A `.string` body is sent and signed as is; any other value is serialized with
    /// ``JSONValue/jsonText(pretty:)`` (compact, sorted keys). For Wompi the body is the event
    /// with `signature` and `timestamp` added.
    /// - Parameter timestamp: Unix time in seconds (`t=` for Stripe, `ts=` for Mercado Pago,
    ///   `timestamp` for Wompi).
    /// - Throws: ``SigningError`` (empty secret, a body the provider cannot sign).
    public static func sign(
        _ provider: WebhookProvider,
        body: JSONValue,
        secret: String,
        timestamp: Int,
        options: WebhookSigningOptions = WebhookSigningOptions()
    ) throws -> SignedWebhook {
        guard !secret.isEmpty else {
            throw SigningError(code: .missingInput, message: "the \(provider.rawValue) webhook secret is empty")
        }
        switch provider {
        case .stripe:
            let text = bodyText(body)
            return SignedWebhook(
                body: text,
                headers: [
                    StripeSignature.headerName: StripeSignature.headerValue(
                        payload: text,
                        secret: secret,
                        timestamp: timestamp
                    )
                ]
            )
        case .wompi:
            let signed = try WompiSignature.sign(
                event: body,
                properties: options.wompiProperties,
                timestamp: timestamp,
                secret: secret
            )
            let checksum = signed["signature"]?["checksum"]?.stringValue ?? ""
            return SignedWebhook(body: signed.jsonText(), headers: [WompiSignature.checksumHeaderName: checksum])
        case .mercadopago:
            guard let dataID = options.mercadoPagoDataID ?? mercadoPagoDataID(in: body), !dataID.isEmpty else {
                throw SigningError(
                    code: .missingInput,
                    message: "a Mercado Pago notification needs data.id in the body (or an explicit data id) to sign"
                )
            }
            let requestID = options.mercadoPagoRequestID ?? UUID().uuidString.lowercased()
            return SignedWebhook(
                body: bodyText(body),
                headers: MercadoPagoSignature.headers(
                    dataID: dataID,
                    requestID: requestID,
                    timestamp: timestamp,
                    secret: secret
                )
            )
        case .generic:
            let text = bodyText(body)
            return SignedWebhook(
                body: text,
                headers: GenericSignature.headers(body: text, secret: secret, headerName: options.headerName)
            )
        }
    }

    /// Verifies a received webhook: `body` is the raw body text, `headers` are matched by name
    /// case-insensitively. For Mercado Pago the data id comes from `options` or the body.
    public static func verify(
        _ provider: WebhookProvider,
        body: String,
        headers: [String: String],
        secret: String,
        options: WebhookSigningOptions = WebhookSigningOptions()
    ) -> Bool {
        func header(_ name: String) -> String? {
            headers.first { $0.key.caseInsensitiveCompare(name) == .orderedSame }?.value
        }
        switch provider {
        case .stripe:
            guard let value = header(StripeSignature.headerName) else { return false }
            return StripeSignature.verify(payload: body, header: value, secret: secret)
        case .wompi:
            guard let event = JSONValue.parse(body) else { return false }
            return WompiSignature.verify(
                event: event,
                secret: secret,
                headerChecksum: header(WompiSignature.checksumHeaderName)
            )
        case .mercadopago:
            guard let value = header(MercadoPagoSignature.signatureHeaderName) else { return false }
            let dataID = options.mercadoPagoDataID ?? JSONValue.parse(body).flatMap(mercadoPagoDataID(in:))
            return MercadoPagoSignature.verify(
                signatureHeader: value,
                requestID: header(MercadoPagoSignature.requestIDHeaderName),
                dataID: dataID,
                secret: secret
            )
        case .generic:
            guard let value = header(options.headerName) else { return false }
            return GenericSignature.verify(body: body, header: value, secret: secret)
        }
    }

    static func bodyText(_ body: JSONValue) -> String {
        if case .string(let text) = body { return text }
        return body.jsonText()
    }

    static func mercadoPagoDataID(in body: JSONValue) -> String? {
        switch body["data"]?["id"] {
        case .string(let id): return id
        case .int(let id): return String(id)
        default: return nil
        }
    }
}
