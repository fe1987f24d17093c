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

    /// A cheap test before the field expressions: does any credential word occur at all?
    static func mayHaveCredentialField(_ text: String) -> Bool {
        var lower = Array(text.utf8)
        for i in lower.indices where lower[i] >= UInt8(ascii: "A") && lower[i] <= UInt8(ascii: "Z") { lower[i] += 32 }
        return credentialProbes.contains { ByteSearch.contains(lower, $0) }
    }

    static let credentialProbes: [[UInt8]] = [
        "pass", "pwd", "secret", "token", "key", "session", "sid", "cookie", "auth",
        "credential", "cvc", "cvv", "card", "pan", "pin", "jwt", "bearer", "signature", "checksum", "otp", "access",
        "refresh",
    ].map { Array($0.utf8) }

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
