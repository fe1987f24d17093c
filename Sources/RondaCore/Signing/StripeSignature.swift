import Foundation

/// Stripe's webhook signature: `Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>` where
/// the HMAC is keyed with the endpoint secret (`whsec_…`) over `"<t>.<raw body>"`.
///
/// See <https://docs.stripe.com/webhooks#verify-manually>.
public enum StripeSignature {
    /// `Stripe-Signature`.
    public static let headerName = "Stripe-Signature"

    /// The hex `v1` signature of `payload` at `timestamp`.
    public static func signature(payload: [UInt8], secret: String, timestamp: Int) -> String {
        SignatureCrypto.hmacSHA256Hex(secret: secret, message: Array("\(timestamp).".utf8) + payload)
    }

    /// The `Stripe-Signature` header value: `t=<timestamp>,v1=<signature>`.
    public static func headerValue(payload: [UInt8], secret: String, timestamp: Int) -> String {
        "t=\(timestamp),v1=\(signature(payload: payload, secret: secret, timestamp: timestamp))"
    }

    /// The `Stripe-Signature` header value for a text body (signed as UTF-8).
    public static func headerValue(payload: String, secret: String, timestamp: Int) -> String {
        headerValue(payload: Array(payload.utf8), secret: secret, timestamp: timestamp)
    }

    /// Checks a `Stripe-Signature` header against the raw body, the way a Stripe receiver does:
    /// any `v1` entry may match (Stripe sends several while a secret is being rolled).
    /// - Parameters:
    ///   - tolerance: when given, also rejects a timestamp more than this many seconds away from `now`.
    ///   - now: the current Unix time in seconds (defaults to the system clock).
    public static func verify(
        payload: [UInt8],
        header: String,
        secret: String,
        tolerance: Int? = nil,
        now: Int? = nil
    ) -> Bool {
        let pairs = SignatureCrypto.headerPairs(header)
        guard let timestampText = pairs.first(where: { $0.key == "t" })?.value, let timestamp = Int(timestampText)
        else {
            return false
        }
        if let tolerance {
            let current = now ?? Int(Date().timeIntervalSince1970)
            guard abs(current - timestamp) <= tolerance else { return false }
        }
        let expected = signature(payload: payload, secret: secret, timestamp: timestamp)
        var matched = false
        for pair in pairs where pair.key == "v1" {
            // No early exit: every candidate is compared.
            if SignatureCrypto.constantTimeEquals(expected, pair.value) { matched = true }
        }
        return matched
    }

    /// ``verify(payload:header:secret:tolerance:now:)`` for a text body.
    public static func verify(
        payload: String,
        header: String,
        secret: String,
        tolerance: Int? = nil,
        now: Int? = nil
    ) -> Bool {
        verify(payload: Array(payload.utf8), header: header, secret: secret, tolerance: tolerance, now: now)
    }
}
