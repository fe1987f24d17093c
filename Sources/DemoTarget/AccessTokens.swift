import Crypto
import Foundation

/// Bearer tokens for the cafeteria API: JWTs signed with HS256 and a key made at start-up,
/// so tokens do not outlive the process. The claims carry the account's e-mail (`sub`) and its
/// API role (`customer`, `owner` or `admin`).
struct AccessTokens: Sendable {
    struct Claims: Codable, Sendable {
        /// The account's e-mail.
        var sub: String
        var role: String
        /// Expiry, seconds since 1970.
        var exp: Int
    }

    /// Tokens are valid this long, seconds.
    static let lifetime = 3600

    /// The signing key's bytes (`SymmetricKey` itself is not `Sendable`).
    private let keyBytes: [UInt8]

    init(keyBytes: [UInt8]? = nil) {
        self.keyBytes = keyBytes ?? SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
    }

    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    /// A signed token for `email` with `role`.
    func issue(email: String, role: String, now: Date = Date()) -> String {
        let header = Self.base64URL(Data(#"{"alg":"HS256","typ":"JWT"}"#.utf8))
        let claims = Claims(sub: email, role: role, exp: Int(now.timeIntervalSince1970) + Self.lifetime)
        let payload = Self.base64URL((try? JSONEncoder().encode(claims)) ?? Data())
        let signingInput = header + "." + payload
        let signature = HMAC<SHA256>.authenticationCode(for: Data(signingInput.utf8), using: key)
        return signingInput + "." + Self.base64URL(Data(signature))
    }

    /// The claims of a well-signed, unexpired token, or `nil`.
    /// - Parameter checkSignature: `false` only for the `jwt-signature-unchecked` fault, which
    ///   decodes the claims of any token, as libraries called with verification off do.
    func verify(_ token: String, now: Date = Date(), checkSignature: Bool = true) -> Claims? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        if checkSignature {
            let signingInput = Data("\(parts[0]).\(parts[1])".utf8)
            guard let signature = Self.decodeBase64URL(parts[2]),
                HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: signingInput, using: key)
            else { return nil }
        }
        guard let payload = Self.decodeBase64URL(parts[1]),
            let claims = try? JSONDecoder().decode(Claims.self, from: payload),
            claims.exp > Int(now.timeIntervalSince1970)
        else { return nil }
        return claims
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decodeBase64URL(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}
