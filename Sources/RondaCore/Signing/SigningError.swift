import Foundation

/// Why a webhook could not be signed.
public struct SigningError: RondaError, Hashable {
    /// What kind of failure this is (`SigningError.Code.…`, or `.…` where the type is known).
    public typealias Code = ErrorCode<SigningError>

    public internal(set) var code: ErrorCode<SigningError>
    public internal(set) var message: String
}

/// Hex encoding, HMAC and constant-time comparison shared by the providers.
enum SignatureCrypto {
    static func hex<Bytes: Sequence>(_ bytes: Bytes, uppercase: Bool = false) -> String where Bytes.Element == UInt8 {
        let digits = Array(uppercase ? "0123456789ABCDEF".utf8 : "0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Lower-case hex HMAC-SHA256 of `message` keyed with `secret` (both as UTF-8).
    static func hmacSHA256Hex(secret: String, message: some Sequence<UInt8>) -> String {
        hex(HMACSHA256.code(key: Array(secret.utf8), message: Array(message)))
    }

    /// Compares two hex strings without an early exit (case-insensitive, so that upper- and
    /// lower-case encodings of the same digest match). Different lengths are unequal.
    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let left = Array(a.utf8).map(lowercased)
        let right = Array(b.utf8).map(lowercased)
        guard left.count == right.count, !left.isEmpty else { return false }
        var difference: UInt8 = 0
        for index in left.indices {
            difference |= left[index] ^ right[index]
        }
        return difference == 0
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (byte >= 65 && byte <= 90) ? byte + 32 : byte
    }

    /// Splits `k1=v1,k2=v2` (as in `Stripe-Signature` and `x-signature`) into pairs, keeping
    /// repeated keys in order. Whitespace around items is ignored.
    static func headerPairs(_ header: String) -> [(key: String, value: String)] {
        header.split(separator: ",").compactMap { item in
            let trimmed = item.trimmingCharacters(in: .whitespaces)
            guard let equals = trimmed.firstIndex(of: "=") else { return nil }
            return (String(trimmed[..<equals]), String(trimmed[trimmed.index(after: equals)...]))
        }
    }
}

extension ErrorCode where Owner == SigningError {
    /// The body does not have the shape the provider signs (e.g. a Wompi event without `data`).
    public static var invalidBody: Self { Self("invalidBody") }
    /// A property named in the signature's property list is not in the event.
    public static var missingProperty: Self { Self("missingProperty") }
    /// A required input (secret, id, request id) is empty.
    public static var missingInput: Self { Self("missingInput") }
}
