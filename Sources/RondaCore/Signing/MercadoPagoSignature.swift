/// Mercado Pago's webhook signature: `x-signature: ts=<ts>,v1=<hex HMAC-SHA256>` plus
/// `x-request-id`. The HMAC is keyed with the application's webhook secret over the manifest
/// `id:<data.id>;request-id:<x-request-id>;ts:<ts>;`, where `data.id` is the notification's
/// resource id (lower-cased when alphanumeric) and a part whose value is absent is left out.
///
/// See <https://www.mercadopago.com.co/developers/es/docs/your-integrations/notifications/webhooks>.
/// Mercado Pago sends `data.id` in the query string (`?data.id=…&type=payment`) as well as in
/// the body; receivers usually read it from the query.
public enum MercadoPagoSignature {
    /// `x-signature`.
    public static let signatureHeaderName = "x-signature"
    /// `x-request-id`.
    public static let requestIDHeaderName = "x-request-id"

    /// The signed manifest. Parts with a `nil` or empty value are omitted, as Mercado Pago does.
    public static func manifest(dataID: String?, requestID: String?, timestamp: String) -> String {
        var manifest = ""
        if let dataID, !dataID.isEmpty { manifest += "id:\(dataID.lowercased());" }
        if let requestID, !requestID.isEmpty { manifest += "request-id:\(requestID);" }
        manifest += "ts:\(timestamp);"
        return manifest
    }

    /// The hex `v1` signature.
    public static func signature(dataID: String?, requestID: String?, timestamp: String, secret: String) -> String {
        let text = manifest(dataID: dataID, requestID: requestID, timestamp: timestamp)
        return SignatureCrypto.hmacSHA256Hex(secret: secret, message: Array(text.utf8))
    }

    /// The two headers to add: `x-signature: ts=…,v1=…` and `x-request-id`.
    public static func headers(dataID: String, requestID: String, timestamp: Int, secret: String) -> [String: String] {
        let ts = String(timestamp)
        let v1 = signature(dataID: dataID, requestID: requestID, timestamp: ts, secret: secret)
        return [signatureHeaderName: "ts=\(ts),v1=\(v1)", requestIDHeaderName: requestID]
    }

    /// Checks an `x-signature` header the way the Mercado Pago documentation tells receivers to.
    /// - Parameters:
    ///   - signatureHeader: the `x-signature` value, `ts=…,v1=…`.
    ///   - requestID: the `x-request-id` value.
    ///   - dataID: the notification's `data.id` (from the query string or the body).
    public static func verify(signatureHeader: String, requestID: String?, dataID: String?, secret: String) -> Bool {
        let pairs = SignatureCrypto.headerPairs(signatureHeader)
        guard let ts = pairs.first(where: { $0.key == "ts" })?.value, !ts.isEmpty,
            let given = pairs.first(where: { $0.key == "v1" })?.value
        else { return false }
        let expected = signature(dataID: dataID, requestID: requestID, timestamp: ts, secret: secret)
        return SignatureCrypto.constantTimeEquals(expected, given)
    }
}
