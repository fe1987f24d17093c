import Foundation

/// Loose checks for the `format` keyword. They catch values that are plainly of the wrong
/// kind (a name where an e-mail belongs, `2026-13-45` as a date) without the full grammar.
enum JSONSchemaFormat {
    /// `true`/`false` for a known format, `nil` for one Ronda does not check (then it passes).
    static func check(_ format: String, _ text: String) -> Bool? {
        switch format {
        case "date": return isDate(text)
        case "date-time": return isDateTime(text)
        case "time":
            return matches(#"^\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})?$"#, text) && clockIsValid(text)
        case "email": return matches(#"^[^\s@]+@[^\s@]+\.[^\s@.]+$"#, text)
        case "uuid":
            return matches(#"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"#, text)
        case "uri": return matches(#"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]*$"#, text)
        case "ipv4":
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            return parts.count == 4
                && parts.allSatisfy { part in
                    (1...3).contains(part.count) && part.allSatisfy(\.isASCII)
                        && Int(part).map { (0...255).contains($0) } == true
                        && !(part.count > 1 && part.hasPrefix("0"))
                }
        default: return nil
        }
    }

    /// `YYYY-MM-DD` with a real month and day (leap years included).
    static func isDate(_ text: String) -> Bool {
        guard matches(#"^\d{4}-\d{2}-\d{2}$"#, text) else { return false }
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return false }
        let (year, month, day) = (parts[0], parts[1], parts[2])
        guard (1...12).contains(month), day >= 1 else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= lengths[month - 1]
    }

    /// RFC 3339 date-time; loose in that the zone offset may be missing and a space may
    /// replace the `T` (as many APIs emit).
    static func isDateTime(_ text: String) -> Bool {
        guard text.count >= 16 else { return false }
        let date = String(text.prefix(10))
        let separator = text[text.index(text.startIndex, offsetBy: 10)]
        let time = String(text.dropFirst(11))
        guard isDate(date), "Tt ".contains(separator) else { return false }
        return matches(#"^\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$"#, time) && clockIsValid(time)
    }

    /// Hours 0–23, minutes 0–59, seconds 0–60 (leap second) in the leading `hh:mm[:ss]`.
    private static func clockIsValid(_ text: String) -> Bool {
        let numbers = text.prefix(8).split(separator: ":").map { Int($0.prefix(2)) ?? -1 }
        guard numbers.count >= 2 else { return false }
        return (0...23).contains(numbers[0]) && (0...59).contains(numbers[1])
            && (numbers.count < 3 || (0...60).contains(numbers[2]))
    }

    private static func matches(_ pattern: String, _ text: String) -> Bool {
        guard let expression = try? NSRegularExpression(pattern: pattern) else { return false }
        return expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}
