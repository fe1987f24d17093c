import Crypto
import Foundation

/// The optica's own checks of payment webhooks, written from the gateways' documentation
/// (the demo target imports no Ronda module, so these are independent of Ronda's signer).
enum OpticaWebhookSignatures {
    /// Stripe's default tolerance for the `t=` timestamp, seconds.
    static let stripeTolerance = 300

    /// Checks `Stripe-Signature: t=TS,v1=HEX[,v1=HEX…]` over the raw body: some `v1` must be the
    /// hex HMAC-SHA256 of `"TS." + body` keyed with the endpoint secret, and `t` must be within
    /// the tolerance of `now`. Returns why it is not valid, or `nil` when it is.
    static func stripeProblem(payload: [UInt8], header: String?, secret: String, now: Date = Date()) -> String? {
        guard let header, !header.isEmpty else { return "missing Stripe-Signature header" }
        var timestamp: Int?
        var candidates: [String] = []
        for item in header.split(separator: ",") {
            let pair = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { continue }
            if pair[0] == "t" { timestamp = Int(pair[1]) }
            if pair[0] == "v1" { candidates.append(pair[1]) }
        }
        guard let timestamp, !candidates.isEmpty else {
            return "invalid Stripe-Signature header: expected t=TIMESTAMP,v1=SIGNATURE"
        }
        // Overflow-safe: a hostile `t=` (e.g. Int.min) must not trap.
        let (difference, overflow) = Int(now.timeIntervalSince1970).subtractingReportingOverflow(timestamp)
        guard !overflow, difference.magnitude <= UInt(stripeTolerance) else {
            return "invalid Stripe-Signature: timestamp outside the \(stripeTolerance) s tolerance"
        }
        let key = SymmetricKey(data: Array(secret.utf8))
        let expected = hex(HMAC<SHA256>.authenticationCode(for: Array("\(timestamp).".utf8) + payload, using: key))
        var matched = false
        for candidate in candidates where sameHex(expected, candidate.lowercased()) { matched = true }
        return matched ? nil : "invalid Stripe-Signature: no v1 signature matches the payload"
    }

    /// Checks a Wompi event's `signature.checksum`: the SHA-256 (hex) of the values at
    /// `signature.properties` (dotted paths under `data`) concatenated, then `timestamp`, then
    /// the events secret. Wompi writes the hex in upper case; either case is accepted unless
    /// `caseSensitive` (the `wompi-checksum-lowercase` fault compares with lower-case hex).
    /// Returns why it is not valid, or `nil` when it is.
    static func wompiProblem(event: JSONDocument, secret: String, caseSensitive: Bool = false) -> String? {
        guard let properties = event["signature"]?["properties"]?.array?.compactMap(\.string), !properties.isEmpty,
            let given = event["signature"]?["checksum"]?.string
        else { return "invalid Wompi event: missing signature.properties or signature.checksum" }
        guard let timestamp = event["timestamp"]?.scalarText, let data = event["data"] else {
            return "invalid Wompi event: missing timestamp or data"
        }
        var text = ""
        for property in properties {
            var value: JSONDocument? = data
            for key in property.split(separator: ".") { value = value?[String(key)] }
            guard let scalar = value?.scalarText else {
                return "invalid Wompi event: signature property '\(property)' is not in data"
            }
            text += scalar
        }
        text += timestamp + secret
        let expected = hex(SHA256.hash(data: Array(text.utf8)))
        let matches = caseSensitive ? sameHex(expected, given) : sameHex(expected, given.lowercased())
        return matches ? nil : "invalid Wompi event: signature.checksum does not match"
    }

    /// Lower-case hex.
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Constant-time comparison (for equal lengths).
    static func sameHex(_ a: String, _ b: String) -> Bool {
        constantTimeEquals(a, b)
    }
}

/// Any JSON value, for reading webhook events whose shape the app does not fully own.
indirect enum JSONDocument: Decodable, Sendable, Hashable {
    case object([String: JSONDocument])
    case array([JSONDocument])
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case null

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let v = try? c.decode(Bool.self) {
            self = .bool(v)
        } else if let v = try? c.decode(Int.self) {
            self = .int(v)
        } else if let v = try? c.decode(Double.self) {
            self = .double(v)
        } else if let v = try? c.decode(String.self) {
            self = .string(v)
        } else if let v = try? c.decode([JSONDocument].self) {
            self = .array(v)
        } else {
            self = .object(try c.decode([String: JSONDocument].self))
        }
    }

    /// Parses JSON text; `nil` when it is not JSON.
    static func parse(_ bytes: [UInt8]) -> JSONDocument? {
        try? JSONDecoder().decode(JSONDocument.self, from: Data(bytes))
    }

    subscript(key: String) -> JSONDocument? {
        if case .object(let fields) = self { return fields[key] }
        return nil
    }

    var array: [JSONDocument]? {
        if case .array(let items) = self { return items }
        return nil
    }

    var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    var int: Int? {
        switch self {
        case .int(let value): return value
        case .string(let text): return Int(text)
        case .double(let value) where value == value.rounded() && abs(value) < 1e15: return Int(value)
        default: return nil
        }
    }

    /// A scalar as the text a checksum covers; `nil` for null, arrays and objects.
    var scalarText: String? {
        switch self {
        case .string(let text): return text
        case .int(let value): return String(value)
        case .double(let value):
            return value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
        case .bool(let value): return value ? "true" : "false"
        case .null, .array, .object: return nil
        }
    }
}
