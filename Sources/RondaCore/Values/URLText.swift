import Foundation

/// Parts of an absolute URL read from its text, as written. Foundation's `URL.host` and
/// `URLComponents.host` (even `percentEncodedHost`) transcode the host through ICU's IDNA
/// tables, which loads megabytes of data into every process that asks once — every worker.
public enum URLText {
    /// The scheme, lowercased (`http` in `HTTP://a`), or `nil` without `scheme://`.
    public static func scheme(_ text: String) -> String? {
        guard let range = text.range(of: "://") else { return nil }
        let scheme = text[..<range.lowerBound]
        guard let first = scheme.first, first.isASCII, first.isLetter,
            scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) })
        else { return nil }
        return scheme.lowercased()
    }

    /// The host as written — without user information, port or IPv6 brackets — or `nil` when
    /// the URL has no `scheme://` or an empty host.
    public static func host(_ text: String) -> String? {
        guard scheme(text) != nil, let start = text.range(of: "://")?.upperBound else { return nil }
        var authority = text[start...]
        if let end = authority.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) {
            authority = authority[..<end]
        }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        let host: Substring
        if authority.first == "[" {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[authority.index(after: authority.startIndex)..<close]
        } else {
            host = authority.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        }
        return host.isEmpty ? nil : String(host)
    }
}
