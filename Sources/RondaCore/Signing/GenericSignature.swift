import Foundation

/// A plain body signature for webhooks that are not a payment provider's (and for Ronda's own
/// outgoing webhook alerts): `<header>: sha256=<hex HMAC-SHA256(secret, raw body)>`.
public enum GenericSignature {
    /// `X-Signature`, used when no header name is configured.
    public static let defaultHeaderName = "X-Signature"

    /// `sha256=<hex>` for `body`.
    public static func headerValue(body: [UInt8], secret: String) -> String {
        "sha256=" + SignatureCrypto.hmacSHA256Hex(secret: secret, message: body)
    }

    /// `sha256=<hex>` for a text body (signed as UTF-8).
    public static func headerValue(body: String, secret: String) -> String {
        headerValue(body: Array(body.utf8), secret: secret)
    }

    /// The one header to add, under `headerName`.
    public static func headers(body: String, secret: String, headerName: String = defaultHeaderName) -> [String: String]
    {
        [headerName: headerValue(body: body, secret: secret)]
    }

    /// Checks a `sha256=<hex>` header value (the `sha256=` prefix is required) in constant time.
    public static func verify(body: [UInt8], header: String, secret: String) -> Bool {
        let value = header.trimmingCharacters(in: .whitespaces)
        guard value.hasPrefix("sha256=") else { return false }
        let expected = SignatureCrypto.hmacSHA256Hex(secret: secret, message: body)
        return SignatureCrypto.constantTimeEquals(expected, String(value.dropFirst("sha256=".count)))
    }

    /// ``verify(body:header:secret:)`` for a text body.
    public static func verify(body: String, header: String, secret: String) -> Bool {
        verify(body: Array(body.utf8), header: header, secret: secret)
    }
}
