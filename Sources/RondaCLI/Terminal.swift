import Foundation

/// How text is written for a person at a terminal: colour only on a terminal that wants it, and
/// text that came from the target (status lines, bodies, error messages) with its control
/// characters shown escaped, so a response cannot move the cursor, recolour the screen, change
/// the window title or hide a line.
struct Terminal: Sendable {
    /// ANSI colours and weights the reports use.
    enum Style: String, Sendable {
        case green = "32"
        case red = "31"
        case yellow = "33"
        case dim = "2"
        case bold = "1"
    }

    /// Whether `paint` adds colour.
    var colour: Bool

    /// No colour: for files, pipes and tests.
    static let plain = Terminal(colour: false)

    /// Standard output as it is now: colour on a terminal unless `NO_COLOR` is set (to anything
    /// but the empty string) or `TERM` is `dumb`.
    static func standardOutput(environment: [String: String] = ProcessInfo.processInfo.environment) -> Terminal {
        Terminal(colour: wantsColour(isTerminal: isatty(STDOUT_FILENO) == 1, environment: environment))
    }

    /// The colour decision (https://no-color.org): a terminal, no `NO_COLOR`, not a dumb terminal.
    static func wantsColour(isTerminal: Bool, environment: [String: String]) -> Bool {
        guard isTerminal else { return false }
        if let noColour = environment["NO_COLOR"], !noColour.isEmpty { return false }
        return environment["TERM"] != "dumb"
    }

    /// `text` in `style` when colour is on; `text` as is otherwise.
    func paint(_ text: String, _ style: Style) -> String {
        colour ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
    }

    /// `text` with every control character shown escaped: C0 controls (ESC as `\x1B`, BEL as
    /// `\x07`, CR as `\x0D`…), DEL, the C1 controls (a lone CSI `\x9B`, OSC `\x9D`…) and the
    /// Unicode bidirectional overrides (`\u{202E}`…), which reorder what is shown. Tabs stay;
    /// newlines stay only with `keepNewlines` (multi-line excerpts), otherwise they show as `\x0A`.
    static func safe(_ text: String, keepNewlines: Bool = false) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            let value = scalar.value
            switch value {
            case 0x09: out.unicodeScalars.append(scalar)
            case 0x0A where keepNewlines: out.unicodeScalars.append(scalar)
            case 0x00...0x1F, 0x7F...0x9F: out += "\\x" + hex(value, width: 2)
            case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: out += "\\u{" + hex(value, width: 4) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// "1 scenario", "2 scenarios", "0 scenarios"; `plural` for irregular words.
    static func count(_ n: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(n) \(n == 1 ? singular : plural ?? singular + "s")"
    }
}
