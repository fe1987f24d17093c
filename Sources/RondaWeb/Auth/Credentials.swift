import Crypto
public import Foundation
import HummingbirdBcrypt

/// Password hashes and session tokens.
public enum Credentials {
    /// A bcrypt hash of `password` (cost 12 by default: about a quarter of a second here, which
    /// is what each login costs and what each guess costs an attacker who stole the table).
    public static func hash(_ password: String, cost: UInt8 = 12) -> String {
        Bcrypt.hash(password, cost: cost)
    }

    /// Whether `password` matches a bcrypt `hash`.
    public static func verify(_ password: String, hash: String) -> Bool {
        Bcrypt.verify(password, hash: hash)
    }

    /// A bcrypt hash nobody's password matches, checked when the user is unknown so that an
    /// unknown name takes as long as a wrong password.
    static let decoy = Bcrypt.hash(UUID().uuidString, cost: 12)

    /// Why a password is refused for an operator, or `nil` when it is acceptable.
    public static func weakness(of password: String) -> String? {
        if password.count < 12 { return "is shorter than 12 characters" }
        if password.utf8.count > 72 { return "is longer than 72 bytes (bcrypt reads no further)" }
        return nil
    }

    /// 32 random bytes, base64url without padding: a session cookie or a CSRF token.
    public static func token() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// `token` when it looks like one `token()` makes (43 base64url characters), else `nil`.
    static func isWellFormedToken(_ token: String) -> String? {
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        return token.count == 43 && token.allSatisfy(allowed.contains) ? token : nil
    }

    /// What the store keeps of a session cookie: its SHA-256, hex.
    static func tokenHash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Compares two secrets in time that does not depend on where they differ.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}
