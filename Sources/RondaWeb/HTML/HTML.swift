/// A fragment of HTML that is safe to send: built only from element and attribute names that are
/// literals in Ronda's source (`StaticString`) and from text that is escaped on the way in.
/// There is no way to put a `String` into markup unescaped, so whatever a target answered (bodies,
/// headers, error messages, scenario names) renders as text.
///
/// ```swift
/// let row = HTML.element("td", ["class": "name"], .text(result.scenario))
/// ```
public struct HTML: Sendable, CustomStringConvertible {
    /// The markup.
    public private(set) var description: String

    private init(markup: String) { self.description = markup }

    /// Nothing.
    public static let empty = HTML(markup: "")

    /// `text`, escaped for element content and attribute values alike: `& < > " '` become
    /// entities, and the Unicode bidirectional controls (which can make text read backwards,
    /// e.g. `gnp.exe`) and other invisible format characters become visible `[U+202E]` marks.
    public static func text(_ text: String) -> HTML { HTML(markup: escape(text)) }

    /// An element with attributes and children. Names are literals; values are escaped.
    /// A `nil` value leaves the attribute out; a boolean attribute is given the value "".
    public static func element(
        _ name: StaticString,
        _ attributes: KeyValuePairs<StaticString, String?> = [:],
        _ children: HTML...
    ) -> HTML {
        element(name, attributes, children)
    }

    /// An element with attributes and a list of children.
    public static func element(
        _ name: StaticString,
        _ attributes: KeyValuePairs<StaticString, String?> = [:],
        _ children: [HTML]
    ) -> HTML {
        var markup = "<\(name)"
        for (key, value) in attributes {
            guard let value else { continue }
            markup += " \(key)=\"\(escape(value))\""
        }
        markup += ">"
        if voidElements.contains(name.description) { return HTML(markup: markup) }
        for child in children { markup += child.description }
        markup += "</\(name)>"
        return HTML(markup: markup)
    }

    /// Fragments one after another.
    public static func group(_ parts: [HTML]) -> HTML { HTML(markup: parts.map(\.description).joined()) }

    /// A whole document: the doctype and `root`.
    public static func document(_ root: HTML) -> HTML { HTML(markup: "<!DOCTYPE html>\n" + root.description) }

    /// A link target that cannot run script: a path on this server (`/runs/…`), or an `http(s)`
    /// URL; anything else (`javascript:`, `data:`, protocol-relative `//host`) becomes `#`.
    public static func safeURL(_ url: String) -> String {
        let lower = url.lowercased()
        if url.hasPrefix("/") && !url.hasPrefix("//") && !url.hasPrefix("/\\") { return url }
        if lower.hasPrefix("https://") || lower.hasPrefix("http://") { return url }
        return "#"
    }

    static let voidElements: Set<String> = ["br", "hr", "img", "input", "link", "meta"]

    static func escape(_ text: String) -> String {
        // Most text (names, figures, URLs) has nothing to escape: return it as is.
        let plain = text.utf8.allSatisfy { byte in
            byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: "&") && byte != UInt8(ascii: "<")
                && byte != UInt8(ascii: ">") && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "'")
        }
        if plain { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                if isHiddenControl(scalar) {
                    out += "[U+" + String(scalar.value, radix: 16, uppercase: true) + "]"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// Bidirectional embeddings, overrides and isolates, zero-width and other format characters,
    /// and C0/C1 controls other than tab and newline.
    static func isHiddenControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: return false
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x2069, 0xFEFF, 0x061C: return true
        default: return false
        }
    }
}
