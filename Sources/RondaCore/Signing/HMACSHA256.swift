import Crypto

/// Thin wrapper over swift-crypto so the providers deal in byte arrays.
enum HMACSHA256 {
    static func code(key: [UInt8], message: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }

    static func digest(_ message: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: message))
    }
}
