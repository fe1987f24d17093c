import Foundation
import RondaCore
import RondaHTTP

/// Removes secrets from everything Ronda records: step excerpts, URLs, messages, captures, logs.
///
/// What is a secret: the values of environment variables that templates read (`env.`), of the
/// configuration's `secrets:`, of the cookies in the session's jar, of sensitive headers
/// (`Authorization`, `Cookie`, …) and of credential fields (`password`, `access_token`, …).
/// Nothing else: a hand-written `X-Consent: yes` is not a secret.
///
/// How a secret is found: in any form a target can echo it back — as written, percent-encoded
/// (either hex case, `+` or `%20` for a space, reserved characters left raw), JSON-escaped
/// (`\u00f1`, also inside JSON carried as a string), HTML-escaped, and base64/base64url (on its
/// own or inside a longer encoded value such as `user:secret`). A secret shorter than
/// ``substringMinimum`` bytes is masked only where it stands as a whole value (a header value, a
/// field value, a query parameter, a cookie), never inside prose.
///
/// Besides secrets: sensitive headers are masked whole, credential fields of JSON (at any depth
/// of embedding) and of forms and query strings are masked, and anything shaped like a payment
/// card number (13–19 digits passing the Luhn check) is masked.
public struct Redactor: Sendable {
    public static let mask = "[REDACTED]"
    /// Secrets this long (UTF-8 bytes) or longer are masked wherever they occur; shorter ones only
    /// as whole values.
    public static let substringMinimum = 8
    public static let sensitiveHeaders: Set<String> = [
        "authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "x-auth-token",
        "stripe-signature", "x-signature", "x-event-checksum",
    ]

    /// Secret values, longest first so that a secret containing another is masked whole.
    private var secrets: [SecretPattern] = []
    /// Literal encoded forms (base64) searched byte for byte.
    private var forms: [EncodedForm] = []

    public init(secrets: some Sequence<String> = []) {
        add(secrets)
    }

    /// How many secret values are known: grows as a run learns secrets.
    public var secretCount: Int { secrets.count }

    /// Adds secret values. A value shorter than 3 bytes is ignored (masking it would mask
    /// everything); one shorter than ``substringMinimum`` is masked only as a whole value.
    public mutating func add(_ values: some Sequence<String>) {
        add(values, wholeValueOnly: false)
    }

    /// Adds values that are masked only where they stand as a whole value, whatever their length:
    /// credential fields written into a scenario (a demo password such as `password` must not
    /// mask the word everywhere).
    public mutating func addWholeValues(_ values: some Sequence<String>) {
        add(values, wholeValueOnly: true)
    }

    private mutating func add(_ values: some Sequence<String>, wholeValueOnly: Bool) {
        var changed = false
        for value in values {
            let bytes = Array(value.utf8)
            guard bytes.count >= 3 else { continue }
            let whole = wholeValueOnly || bytes.count < Redactor.substringMinimum
            if let i = secrets.firstIndex(where: { $0.bytes == bytes }) {
                if secrets[i].wholeValueOnly && !whole {
                    secrets[i].wholeValueOnly = false
                    forms.removeAll { $0.secret == bytes }
                    forms += EncodedForm.base64Forms(of: bytes, wholeValueOnly: false)
                    changed = true
                }
                continue
            }
            secrets.append(SecretPattern(value, wholeValueOnly: whole))
            forms += EncodedForm.base64Forms(of: bytes, wholeValueOnly: whole)
            changed = true
        }
        if changed {
            secrets.sort { $0.bytes.count > $1.bytes.count }
            forms.sort { $0.bytes.count > $1.bytes.count }
        }
    }

    /// Adds the credentials in a request header that must never be recorded: the whole value,
    /// the token after an auth scheme (`Bearer x`), the user and password of `Basic`, and each
    /// cookie value of a `Cookie` header.
    public mutating func addCredentials(header name: String, value: String) {
        guard Redactor.isSensitiveHeader(name) else { return }
        var values = [value]
        if let space = value.firstIndex(of: " ") {
            let token = String(value[value.index(after: space)...])
            values.append(token)
            if value[..<space].lowercased() == "basic", let decoded = Data(base64Encoded: token),
                let pair = String(data: decoded, encoding: .utf8), let colon = pair.firstIndex(of: ":")
            {
                values.append(pair)
                values.append(String(pair[pair.index(after: colon)...]))
            }
        }
        let lower = name.lowercased()
        if lower == "cookie" || lower == "set-cookie" {
            values += Redactor.cookieValues(value, setCookie: lower == "set-cookie")
        }
        add(values)
    }

    /// The values of `a=b; c=d` (a `Cookie` header) or of the first pair of a `Set-Cookie` header.
    static func cookieValues(_ header: String, setCookie: Bool) -> [String] {
        let pairs = header.split(separator: ";")
        return (setCookie ? Array(pairs.prefix(1)) : pairs).compactMap { pair in
            pair.firstIndex(of: "=").map { String(pair[pair.index(after: $0)...]).trimmingCharacters(in: .whitespaces) }
        }
    }

    /// The longest secret, for callers that cut text and must not cut through one (its longest
    /// encoded form is up to 12 times as long: `\uXXXX` per byte at two levels of embedding).
    public var longestSecret: Int { (secrets.first?.bytes.count ?? 0) * 12 }

    /// `true` when a header's value must never be recorded (``sensitiveHeaders``, in any case).
    /// ASCII names (all real ones) are compared without a lower-cased copy, as this runs for
    /// every header of every step; others go through Unicode lower-casing, which can turn a
    /// character such as the Kelvin sign into a letter of a sensitive name.
    public static func isSensitiveHeader(_ name: String) -> Bool {
        let utf8 = name.utf8
        if utf8.allSatisfy({ $0 < 0x80 }) {
            // Only the names of the same length are compared (most headers have none).
            guard utf8.count < sensitiveHeadersByLength.count else { return false }
            return sensitiveHeadersByLength[utf8.count].contains { HTTPHeader.namesMatch(name, $0) }
        }
        return sensitiveHeaders.contains(name.lowercased())
    }

    /// ``sensitiveHeaders`` by their length in bytes.
    private static let sensitiveHeadersByLength: [[String]] = {
        var table = [[String]](repeating: [], count: (sensitiveHeaders.map(\.utf8.count).max() ?? 0) + 1)
        for name in sensitiveHeaders { table[name.utf8.count].append(name) }
        return table
    }()

    /// A header line's value as it may be recorded.
    public func header(_ name: String, _ value: String) -> String {
        Redactor.isSensitiveHeader(name) ? Redactor.mask : text(value)
    }

    /// Any text: secrets (in every encoding), credential fields and card numbers masked.
    public func text(_ input: String) -> String {
        var out = input
        if !secrets.isEmpty { out = maskSecrets(out) }
        if Redactor.mayHaveCredentialField(out) { out = Redactor.maskFields(out) }
        if Redactor.mayHaveCardNumber(out) { out = Redactor.maskCardNumbers(out) }
        return out
    }

    /// Masks every occurrence of every secret and of its base64 forms, each run of overlapping
    /// matches replaced by one mask.
    func maskSecrets(_ input: String) -> String {
        let bytes = Array(input.utf8)
        var ranges: [Range<Int>] = []
        bytes.withUnsafeBufferPointer { text in
            for secret in secrets { ranges += secret.matches(in: text) }
            for form in forms { ranges += form.matches(in: text) }
        }
        guard !ranges.isEmpty else { return input }
        ranges.sort { $0.lowerBound < $1.lowerBound }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var position = 0
        var i = 0
        while i < ranges.count {
            var range = ranges[i]
            i += 1
            while i < ranges.count, ranges[i].lowerBound <= range.upperBound {
                range = range.lowerBound..<max(range.upperBound, ranges[i].upperBound)
                i += 1
            }
            out += bytes[position..<range.lowerBound]
            out += Array(Redactor.mask.utf8)
            position = range.upperBound
        }
        out += bytes[position...]
        return String(decoding: out, as: UTF8.self)
    }

    /// A cheap test before the card expression: is there a run of 13 or more digits, allowing
    /// single spaces or dashes between them? One pass over the bytes, no copy of a native string.
    static func mayHaveCardNumber(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            var run = 0
            var lastWasSeparator = false
            for byte in bytes {
                if byte &- UInt8(ascii: "0") < 10 {
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
    }

    private static let cardCandidate: NSRegularExpression = {
        // swiftlint:disable:next force_try
        try! NSRegularExpression(pattern: "(?<![0-9])[0-9](?:[ -]?[0-9]){12,18}(?![0-9])")
    }()

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
            if i % 2 == 1 {
                d *= 2
                if d > 9 { d -= 9 }
            }
            sum += d
        }
        return sum % 10 == 0
    }
}

/// Substring search over UTF-8 bytes: far cheaper than `String.contains`, which goes through
/// Foundation's NSString search on Linux. Needles here are short (words, secrets).
enum ByteSearch {
    static func contains(_ haystack: [UInt8], _ needle: some Collection<UInt8>) -> Bool {
        haystack.withUnsafeBufferPointer { firstIndex(of: Array(needle), in: $0, from: 0) != nil }
    }

    /// Where `needle` first occurs in `haystack` at or after `start`.
    static func firstIndex(of needle: [UInt8], in h: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard let first = needle.first else { return start }
        guard h.count >= needle.count else { return nil }
        return needle.withUnsafeBufferPointer { k in
            var i = start
            let last = h.count - k.count
            while i <= last {
                if h[i] == first {
                    var j = 1
                    while j < k.count, h[i + j] == k[j] { j += 1 }
                    if j == k.count { return i }
                }
                i += 1
            }
            return nil
        }
    }
}
