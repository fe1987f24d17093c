import Foundation
import RondaCore

/// The WhatsApp-capable channel's body: `form` fields or a `json_body` template whose
/// placeholders `{{ alert.title }}`, `{{ alert.text }}`, `{{ alert.url }}` and
/// `{{ alert.priority }}` (spaces inside the braces optional) take the alert's values —
/// JSON-escaped in a JSON template, form-encoded in form fields.
enum BodyTemplate {
    /// The placeholder names.
    static let names = ["alert.title", "alert.text", "alert.url", "alert.priority"]

    /// A placeholder's value for `alert` (`alert.url`: the run's dashboard link, or "").
    static func values(_ alert: Alert) -> [String: String] {
        [
            "alert.title": AlertFormatting.title(alert),
            "alert.text": alert.text,
            "alert.url": alert.run?.url ?? "",
            "alert.priority": alert.priority.rawValue,
        ]
    }

    /// The names of placeholders in `template` that are not known (empty when all are).
    static func unknownPlaceholders(_ template: String) -> [String] {
        var unknown: [String] = []
        _ = render(template) { name in
            if !names.contains(name) { unknown.append(name) }
            return ""
        }
        return unknown
    }

    /// `template` with each `{{ name }}` replaced by `value(name)`; other text kept as is.
    static func render(_ template: String, value: (String) -> String) -> String {
        var out = ""
        var rest = template[...]
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else { break }
            out += rest[..<open.lowerBound]
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            out += value(name)
            rest = rest[close.upperBound...]
        }
        return out + rest
    }

    /// The JSON template rendered with JSON-escaped values (the placeholder sits inside a JSON
    /// string: `"Body": "{{ alert.text }}"`).
    static func json(_ template: String, alert: Alert) -> String {
        let values = values(alert)
        return render(template) { name in
            let quoted = JSONValue.string(values[name] ?? "").jsonText()
            return String(quoted.dropFirst().dropLast())
        }
    }

    /// The form fields rendered and encoded as `application/x-www-form-urlencoded`.
    static func form(_ fields: [(key: String, value: String)], alert: Alert) -> String {
        let values = values(alert)
        return fields.map { field in
            let value = render(field.value) { values[$0] ?? "" }
            return formEncode(field.key) + "=" + formEncode(value)
        }
        .joined(separator: "&")
    }

    /// WHATWG `application/x-www-form-urlencoded` byte serialization: `*-._` and alphanumerics
    /// kept, space as `+`, everything else `%XX` of its UTF-8 bytes.
    static func formEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "*"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"):
                out.unicodeScalars.append(UnicodeScalar(byte))
            case UInt8(ascii: " "):
                out += "+"
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }
}
