import Foundation

/// How failures are grouped: an error group's fingerprint is SHA-256 over (scenario, failing
/// step, error kind, normalized message), so the same failure in every run lands in one group
/// while ids, counters and times that change between runs do not split it.
///
/// `normalize` replaces, in this order: quoted values (`"…"`, `'…'`) by `"<value>"`; UUIDs by
/// `<uuid>`; ISO-8601 dates and times by `<time>`; `0x…` numbers and runs of 8 or more hex
/// digits by `<hex>`; words mixing letters and digits (`ord_8f3k2`, `a1b2c3`) by `<id>`; other
/// numbers by `<n>`; then collapses white space. `signature` templates a request's path the same
/// way (`POST /orders/{id}/pay`): the step signature alerts collapse on.
public enum ErrorFingerprint {
    /// The normalized message (see the type's documentation).
    public static func normalize(_ message: String) -> String {
        var text = message
        text.replace(#/"[^"\n]*"/#, with: "\"<value>\"")
        text.replace(#/'[^'\n]*'/#, with: "\"<value>\"")
        text.replace(#/[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/#, with: "<uuid>")
        text.replace(
            #/\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?/#,
            with: "<time>"
        )
        text.replace(#/\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?/#, with: "<time>")
        text.replace(#/\b0[xX][0-9a-fA-F]+\b/#, with: "<hex>")
        text.replace(#/\b(?=[0-9a-fA-F]*[0-9])(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{8,}\b/#, with: "<hex>")
        text.replace(#/\b(?=\w*[A-Za-z])(?=\w*\d)\w+\b/#, with: "<id>")
        text.replace(#/\d+(?:\.\d+)?/#, with: "<n>")
        text.replace(#/\s+/#, with: " ")
        return text.trimmingSpaces()
    }

    /// The fingerprint: lower-case hex SHA-256 of the four parts joined by U+001F.
    public static func fingerprint(scenario: String, step: String?, kind: String, normalizedMessage: String) -> String {
        let text = [scenario, step ?? "", kind, normalizedMessage].joined(separator: "\u{1F}")
        return SignatureCrypto.hex(HMACSHA256.digest(Array(text.utf8)), uppercase: false)
    }

    /// `METHOD /path` with the scheme, host, query and fragment dropped and every segment that
    /// looks like an id (numbers, UUIDs, hex, words mixing letters and digits) written `{id}`.
    public static func signature(method: String, url: String) -> String {
        var path = url
        if let scheme = path.range(of: "://") {
            let afterScheme = path[scheme.upperBound...]
            path = afterScheme.firstIndex(of: "/").map { String(afterScheme[$0...]) } ?? "/"
        }
        if let cut = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = String(path[..<cut]) }
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).map { segment -> String in
            let text = String(segment)
            guard !text.isEmpty else { return text }
            let normalized = normalize(text)
            return normalized == text ? text : "{id}"
        }
        let templated = segments.joined(separator: "/")
        return "\(method.uppercased()) \(templated.isEmpty ? "/" : templated)"
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        var text = Substring(self)
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
