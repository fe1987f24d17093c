import Foundation
public import RondaCore

/// Credential fields: JSON keys, form fields, query parameters and captures whose values are
/// credentials by their name.
extension Redactor {
    /// A name is a credential name when, lower-cased and without `_`, `-`, `.` and spaces, it
    /// contains one of these…
    static let credentialStems = ["password", "passwd", "passphrase", "secret"]
    /// …ends with one of these (`access_token`, `x_api_key`, `card_number` — but not `token_type`,
    /// `expires_in` or `card_brand`)…
    static let credentialSuffixes = [
        "passcode", "pwd", "token", "apikey", "accesskey", "privatekey", "signingkey", "sessionkey", "sessionid",
        "session", "cookie", "authorization", "credential", "credentials", "cvc", "cvv", "cvv2", "cardnumber", "cardno",
        "jwt", "bearer", "signature", "checksum", "otp",
    ]
    /// …or is one of these.
    static let credentialNames: Set<String> = ["pass", "pin", "card", "pan", "auth", "sid", "key", "access", "refresh"]

    /// `true` for a field (JSON key, form field, capture) whose value must never be recorded.
    public static func isSensitiveName(_ name: String) -> Bool {
        let normalized = String(name.lowercased().filter { $0.isLetter || $0.isNumber })
        if credentialNames.contains(normalized) { return true }
        if credentialStems.contains(where: { normalized.contains($0) }) { return true }
        return credentialSuffixes.contains { normalized.hasSuffix($0) }
    }

    /// The values of credential fields anywhere in a JSON document, for the redactor to learn.
    public static func credentialValues(in json: JSONValue) -> [String] {
        switch json {
        case .object(let members):
            var values: [String] = []
            for (key, value) in members {
                switch value {
                case .string(let s) where isSensitiveName(key): values.append(s)
                case .int, .double: if isSensitiveName(key) { values.append(value.interpolated) }
                default: values += credentialValues(in: value)
                }
            }
            return values
        case .array(let items):
            return items.flatMap(credentialValues(in:))
        default:
            return []
        }
    }

    /// The values of credential fields in `a=1&password=x` (a form body or a query string).
    public static func credentialValues(inForm text: String) -> [String] {
        text.split(separator: "&").compactMap { (pair: Substring) -> String? in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { return nil }
            let name = String(parts[0]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            guard isSensitiveName(name) else { return nil }
            let value = String(parts[1]).replacingOccurrences(of: "+", with: " ")
            return value.removingPercentEncoding ?? value
        }
    }

    /// A cheap test before the field expressions: is there a field (`name=` or `"name":`) whose
    /// name may be a credential name? One pass over the bytes, no copy.
    ///
    /// It never answers `false` where ``maskFields(_:)`` would mask something: the expressions
    /// mask a value only when ``isSensitiveName(_:)`` holds for the name before a `=` or a
    /// quoted name before a `:`, and every credential word contains one of
    /// ``credentialProbes``. So for each `=` and `:` this takes the longest run of bytes that
    /// could be such a name (wider than the expressions' own: non-ASCII bytes count as name
    /// bytes and as whitespace), and answers `true` when the run, lower-cased and without
    /// punctuation, contains a probe, or holds a non-ASCII byte (Unicode case mapping can turn
    /// one into a probe's letters, e.g. the Kelvin sign into `k`).
    static func mayHaveCredentialField(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            for index in bytes.indices {
                let byte = bytes[index]
                if byte == UInt8(ascii: "="), mayBeCredentialName(bytes, formNameEndingAt: index) { return true }
                if byte == UInt8(ascii: ":"), mayBeCredentialName(bytes, jsonNameBefore: index) { return true }
            }
            return false
        }
    }

    static let credentialProbes: [[UInt8]] = [
        "pass", "pwd", "secret", "token", "key", "session", "sid", "cookie", "auth",
        "credential", "cvc", "cvv", "card", "pan", "pin", "jwt", "bearer", "signature", "checksum", "otp", "access",
        "refresh",
    ].map { Array($0.utf8) }

    /// The form field name before the `=` at `end`: bytes back to a delimiter of ``formField``.
    private static func mayBeCredentialName(_ bytes: UnsafeBufferPointer<UInt8>, formNameEndingAt end: Int) -> Bool {
        var start = end
        while start > 0, !isFormDelimiter(bytes[start - 1]) { start -= 1 }
        return mayBeCredentialName(bytes[start..<end])
    }

    /// The JSON key before the `:` at `colon`: back over whitespace, a quote and its escaping
    /// backslashes, to the key's opening quote.
    private static func mayBeCredentialName(_ bytes: UnsafeBufferPointer<UInt8>, jsonNameBefore colon: Int) -> Bool {
        var index = colon
        while index > 0, isASCIIWhitespace(bytes[index - 1]) || bytes[index - 1] >= 0x80 { index -= 1 }
        guard index > 0, bytes[index - 1] == UInt8(ascii: "\"") else { return false }
        index -= 1
        while index > 0, bytes[index - 1] == UInt8(ascii: "\\") { index -= 1 }
        let end = index
        while index > 0, bytes[index - 1] != UInt8(ascii: "\""), bytes[index - 1] != UInt8(ascii: "\\") { index -= 1 }
        return mayBeCredentialName(bytes[index..<end])
    }

    private static func mayBeCredentialName(_ name: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        guard !name.isEmpty else { return false }
        // Lower-cased letters and digits only, in stack memory: this runs for every `=` and `:`.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: name.count) { normalized in
            var count = 0
            for byte in name {
                if byte >= 0x80 { return true }
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"): normalized[count] = byte + 32
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    normalized[count] = byte
                default: continue
                }
                count += 1
            }
            let text = UnsafeBufferPointer(rebasing: normalized[0..<count])
            return credentialProbes.contains { ByteSearch.firstIndex(of: $0, in: text, from: 0) != nil }
        }
    }

    /// The bytes that end a form field name in ``formField`` (ASCII whitespace included).
    private static func isFormDelimiter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "="), UInt8(ascii: "&"), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: ";"),
            UInt8(ascii: ","), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "("), UInt8(ascii: ")"),
            UInt8(ascii: "\\"):
            return true
        default:
            return isASCIIWhitespace(byte)
        }
    }

    private static func isASCIIWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }

    /// `"key": value` at any level of JSON-in-a-JSON-string embedding (`\"key\": \"value\"`):
    /// the backslash run before the key's quote is the run before every quote of that level.
    private static let jsonField: NSRegularExpression = {
        // swiftlint:disable:next force_try
        try! NSRegularExpression(
            pattern:
                #"(?<!\\)(\\*)"([^"\\]{1,80})\1"(\s*:\s*)(?=(\1"[\s\S]*?(?<!\\)\1"|-?[0-9][0-9.eE+-]*|true|false))"#
        )
    }()

    /// `name=value` in query strings, form bodies and cookie lists; the value stops before a
    /// delimiter, so the quotes and commas of a message around it are kept.
    private static let formField: NSRegularExpression = {
        // swiftlint:disable:next force_try
        try! NSRegularExpression(
            pattern: #"(?:^|(?<=[?&\s;'"(]))([^=&\s"';,<>()\\]+)=([^&\s"'<>]*?)(?=[,;)]*(?:[&\s"'<>\\]|$))"#
        )
    }()

    static func maskFields(_ input: String) -> String {
        var out = input
        replace(jsonField, in: &out) { match, ns in
            guard isSensitiveName(ns.substring(with: match.range(at: 2))) else { return nil }
            let value = match.range(at: 4)
            let escape = ns.substring(with: match.range(at: 1))
            return (
                value,
                ns.substring(with: value).hasPrefix(escape + "\"") ? "\(escape)\"\(mask)\(escape)\"" : "\"\(mask)\""
            )
        }
        replace(formField, in: &out) { match, ns in
            guard isSensitiveName(ns.substring(with: match.range(at: 1))), match.range(at: 2).length > 0 else {
                return nil
            }
            return (match.range(at: 2), mask)
        }
        return out
    }

    /// Replaces, right to left, what `replacement` returns for each match (`nil`: leave it).
    private static func replace(
        _ expression: NSRegularExpression,
        in text: inout String,
        _ replacement: (NSTextCheckingResult, NSString) -> (NSRange, String)?
    ) {
        let ns = text as NSString
        let matches = expression.matches(in: text, range: NSRange(location: 0, length: ns.length))
        guard !matches.isEmpty else { return }
        // Matches may nest (a value is looked ahead, not consumed, so that JSON inside a JSON
        // string is searched too): an edit inside an earlier one is already covered by it.
        var edits: [(NSRange, String)] = []
        for edit in matches.compactMap({ replacement($0, ns) }) {
            if let last = edits.last, edit.0.location < last.0.location + last.0.length { continue }
            edits.append(edit)
        }
        guard !edits.isEmpty else { return }
        let mutable = NSMutableString(string: text)
        for (range, with) in edits.reversed() { mutable.replaceCharacters(in: range, with: with) }
        text = String(mutable)
    }
}
