/// Durations as operators write them — in scenario files, `ronda.yml` and on the command line:
/// `500ms`, `30s`, `1.5s`, `5m`, `2h`, `1d`, or a plain number of seconds (`90`).
///
/// The one parser for all three, so that `timeout: 2m` in a scenario and `--deadline 2m` on the
/// command line mean the same. A unit is one of `ms`, `s`, `m`, `h`, `d` (case-insensitive, spaces
/// allowed before it); the number is digits with at most one decimal point (no sign, no exponent)
/// and the whole is at most ``maximum``.
/// Whole numbers are exact (`100ms` is `.milliseconds(100)`); fractions are rounded to the
/// nearest attosecond by `Duration`.
public enum DurationText {
    /// The longest duration accepted: 10 000 days (about 27 years). Longer text is not a duration
    /// anyone means, and keeping well inside `Duration`'s range means no input can overflow it.
    public static let maximum: Duration = .seconds(10_000 * 86_400)

    private static let units: [(suffix: String, seconds: Int64)] = [
        ("ms", 0), ("s", 1), ("m", 60), ("h", 3_600), ("d", 86_400),
    ]

    /// The duration `text` spells, or `nil` when it is not a duration (empty, negative, an unknown
    /// unit, more than ``maximum``).
    public static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingWhitespace().lowercased()
        for unit in units where trimmed.hasSuffix(unit.suffix) {
            let number = String(trimmed.dropLast(unit.suffix.count)).trimmingWhitespace()
            if let duration = amount(number, unitSeconds: unit.seconds) { return duration }
        }
        return amount(trimmed, unitSeconds: 1)
    }

    /// `number` units of `unitSeconds` seconds each (0 meaning milliseconds).
    private static func amount(_ number: String, unitSeconds: Int64) -> Duration? {
        // Digits and one decimal point only: no sign, exponent, hex or `nan` (which `Double` would read).
        guard number.contains(where: \.isASCIIDigit), number.allSatisfy({ $0.isASCIIDigit || $0 == "." }) else {
            return nil
        }
        let maximumSeconds = Double(maximum.components.seconds)
        if let whole = Int64(number) {
            let seconds = unitSeconds == 0 ? Double(whole) / 1_000 : Double(whole) * Double(unitSeconds)
            guard seconds <= maximumSeconds else { return nil }
            return unitSeconds == 0 ? .milliseconds(whole) : .seconds(whole * unitSeconds)
        }
        guard let value = Double(number), value.isFinite, value >= 0 else { return nil }
        let seconds = unitSeconds == 0 ? value / 1_000 : value * Double(unitSeconds)
        guard seconds <= maximumSeconds else { return nil }
        return unitSeconds == 0 ? .milliseconds(value) : .seconds(seconds)
    }

    /// `duration` written back the shortest way this parser reads it: `500ms`, `30s`, `5m`, `2h`,
    /// `1d`, `1.5s`.
    public static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        if attoseconds == 0 {
            for (suffix, size) in [("d", Int64(86_400)), ("h", 3_600), ("m", 60)]
            where seconds != 0 && seconds % size == 0 {
                return "\(seconds / size)\(suffix)"
            }
            return "\(seconds)s"
        }
        if seconds == 0, attoseconds % 1_000_000_000_000_000 == 0 {
            return "\(attoseconds / 1_000_000_000_000_000)ms"
        }
        return "\(duration.inSeconds)s"
    }
}

extension Duration {
    /// The duration in seconds as a `Double`, for arithmetic with clocks that count seconds
    /// (`Date`, libcurl's and PostgreSQL's limits) and for messages.
    public var inSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        var text = Substring(self)
        while text.first?.isWhitespace == true { text.removeFirst() }
        while text.last?.isWhitespace == true { text.removeLast() }
        return String(text)
    }
}
