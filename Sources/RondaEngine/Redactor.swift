import Foundation
import RondaCore

/// Removes secrets from everything Ronda records: step excerpts, URLs, messages, captures, logs.
///
/// Three rules: (1) the values of secrets (environment variables read by templates, configured
/// secret names) are replaced wherever they appear; (2) sensitive headers (`Authorization`,
/// `Cookie`, `Set-Cookie`, …) and JSON/form fields whose names contain password, token, secret,
/// card, cvc, … are masked; (3) anything shaped like a payment card number (13–19 digits that
/// pass the Luhn check) is masked.
public struct Redactor: Sendable {
    public static let mask = "[REDACTED]"
    public static let sensitiveHeaders: Set<String> = [
        "authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "x-auth-token",
        "stripe-signature", "x-signature", "x-event-checksum",
    ]
    public static let sensitiveWords = [
        "password", "passwd", "token", "secret", "card", "cvc", "cvv", "api_key", "apikey", "authorization", "checksum",
        "signature", "access", "refresh", "jwt", "session", "bearer",
    ]

    /// Secret values, longest first so that a secret containing another is masked whole.
    private var secrets: [String] = []

    public init(secrets: some Sequence<String> = []) {
        add(secrets)
    }

    /// How many secret values (with their encoded forms) are known: grows as a run learns secrets.
    public var secretCount: Int { secrets.count }

    /// Adds secret values, with the forms they take on the wire: percent-encoded (query strings,
    /// form bodies) and JSON-escaped. Values shorter than 3 characters are ignored (masking them
    /// would mask everything).
    public mutating func add(_ values: some Sequence<String>) {
        var set = Set(secrets)
        let before = set.count
        for v in values where v.count >= 3 {
            set.insert(v)
            if let encoded = v.addingPercentEncoding(withAllowedCharacters: Redactor.unreserved), encoded != v { set.insert(encoded) }
            var escaped = JSONValue.string(v).jsonText()
            escaped.removeFirst()
            escaped.removeLast()
            if escaped != v { set.insert(escaped) }
        }
        if set.count != before { secrets = set.sorted { $0.count > $1.count } }
    }

    /// Adds the credentials in a request header that must never be recorded: the whole value,
    /// the token after an auth scheme (`Bearer x`), and each cookie value of a `Cookie` header.
    public mutating func addCredentials(header name: String, value: String) {
        guard Redactor.isSensitiveHeader(name) else { return }
        var values = [value]
        if let space = value.firstIndex(of: " ") { values.append(String(value[value.index(after: space)...])) }
        if name.lowercased() == "cookie" {
            for pair in value.split(separator: ";") {
                if let eq = pair.firstIndex(of: "=") { values.append(String(pair[pair.index(after: eq)...])) }
            }
        }
        add(values)
    }

    static let unreserved: CharacterSet = {
        var set = CharacterSet.alphanumerics
        set.insert(charactersIn: "-._~")
        return set
    }()

    /// The longest secret, for callers that cut text and must not cut through one.
    public var longestSecret: Int { secrets.first?.count ?? 0 }

    /// `true` when a header's value must never be recorded.
    public static func isSensitiveHeader(_ name: String) -> Bool {
        sensitiveHeaders.contains(name.lowercased())
    }

    /// `true` for a field (JSON key, form field, capture) whose value must never be recorded.
    public static func isSensitiveName(_ name: String) -> Bool {
        let lower = name.lowercased()
        return sensitiveWords.contains { lower.contains($0) }
    }

    /// A header line's value as it may be recorded.
    public func header(_ name: String, _ value: String) -> String {
        Redactor.isSensitiveHeader(name) ? Redactor.mask : text(value)
    }

    /// Any text: secrets, sensitive JSON and form fields, and card numbers masked.
    ///
    /// This runs on every recorded string, so the common case — nothing to mask — is a few
    /// byte searches (`memmem`); the regular expressions run only when a search hits.
    public func text(_ input: String) -> String {
        var out = input
        if !secrets.isEmpty {
            let bytes = Array(input.utf8)
            for secret in secrets where ByteSearch.contains(bytes, secret.utf8) {
                out = out.replacingOccurrences(of: secret, with: Redactor.mask)
            }
        }
        if Redactor.mayHaveSensitiveField(out) { out = Redactor.maskFields(out) }
        if Redactor.mayHaveCardNumber(out) { out = Redactor.maskCardNumbers(out) }
        return out
    }

    /// A cheap test before the field expressions: does any sensitive word occur at all?
    /// (The expressions are case-insensitive; so is this, for ASCII, which is all the words are.)
    static func mayHaveSensitiveField(_ text: String) -> Bool {
        var lower = Array(text.utf8)
        for i in lower.indices where lower[i] >= UInt8(ascii: "A") && lower[i] <= UInt8(ascii: "Z") { lower[i] += 32 }
        return sensitiveWordBytes.contains { ByteSearch.contains(lower, $0) }
    }

    static let sensitiveWordBytes: [[UInt8]] = sensitiveWords.map { Array($0.utf8) }

    /// A cheap test before the card expression: is there a run of 13 or more digits, allowing
    /// single spaces or dashes between them?
    static func mayHaveCardNumber(_ text: String) -> Bool {
        var run = 0
        var lastWasSeparator = false
        for byte in text.utf8 {
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                run += 1
                if run >= 13 { return true }
                lastWasSeparator = false
            } else if (byte == UInt8(ascii: " ") || byte == UInt8(ascii: "-")) && run > 0 && !lastWasSeparator {
                lastWasSeparator = true
            } else {
                run = 0
                lastWasSeparator = false
            }
        }
        return false
    }

    // MARK: Rules

    private static let jsonField: NSRegularExpression = {
        let words = sensitiveWords.joined(separator: "|")
        // "key": "value" | "key": 123 | "key": true  — key containing a sensitive word.
        // swiftlint:disable:next force_try
        return try! NSRegularExpression(pattern: "(\"[^\"]*(?:\(words))[^\"]*\"\\s*:\\s*)(\"(?:[^\"\\\\]|\\\\.)*\"|-?[0-9][0-9.eE+-]*|true|false)", options: [.caseInsensitive])
    }()

    private static let formField: NSRegularExpression = {
        let words = sensitiveWords.joined(separator: "|")
        // name=value in query strings and urlencoded bodies.
        // swiftlint:disable:next force_try
        return try! NSRegularExpression(pattern: "((?:^|[?&\\s])[^=&\\s\"]*(?:\(words))[^=&\\s\"]*=)([^&\\s\"]*)", options: [.caseInsensitive])
    }()

    private static let cardCandidate: NSRegularExpression = {
        // swiftlint:disable:next force_try
        try! NSRegularExpression(pattern: "(?<![0-9])[0-9](?:[ -]?[0-9]){12,18}(?![0-9])")
    }()

    static func maskFields(_ input: String) -> String {
        var out = input
        let range = NSRange(out.startIndex..., in: out)
        out = jsonField.stringByReplacingMatches(in: out, range: range, withTemplate: "$1\"\(mask)\"")
        let range2 = NSRange(out.startIndex..., in: out)
        out = formField.stringByReplacingMatches(in: out, range: range2, withTemplate: "$1\(mask)")
        return out
    }

    static func maskCardNumbers(_ input: String) -> String {
        let ns = input as NSString
        let matches = cardCandidate.matches(in: input, range: NSRange(location: 0, length: ns.length))
        guard !matches.isEmpty else { return input }
        var out = ""
        var last = 0
        for match in matches {
            let candidate = ns.substring(with: match.range)
            let digits = candidate.filter(\.isNumber)
            guard (13...19).contains(digits.count), luhn(digits) else { continue }
            out += ns.substring(with: NSRange(location: last, length: match.range.location - last))
            out += "[REDACTED-CARD]"
            last = match.range.location + match.range.length
        }
        out += ns.substring(from: last)
        return out
    }

    static func luhn(_ digits: String) -> Bool {
        var sum = 0
        for (i, c) in digits.reversed().enumerated() {
            guard var d = c.wholeNumberValue else { return false }
            if i % 2 == 1 { d *= 2; if d > 9 { d -= 9 } }
            sum += d
        }
        return sum % 10 == 0
    }
}

/// Substring search over UTF-8 bytes: far cheaper than `String.contains`, which goes through
/// Foundation's NSString search on Linux. Needles here are short (words, secrets).
enum ByteSearch {
    static func contains(_ haystack: [UInt8], _ needle: some Collection<UInt8>) -> Bool {
        let n = Array(needle)
        guard let first = n.first else { return true }
        guard haystack.count >= n.count else { return false }
        return haystack.withUnsafeBufferPointer { h in
            n.withUnsafeBufferPointer { k in
                var i = 0
                let last = h.count - k.count
                while i <= last {
                    if h[i] == first {
                        var j = 1
                        while j < k.count, h[i + j] == k[j] { j += 1 }
                        if j == k.count { return true }
                    }
                    i += 1
                }
                return false
            }
        }
    }
}
