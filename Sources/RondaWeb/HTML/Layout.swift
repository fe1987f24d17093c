import Foundation
import RondaCore

/// The page shell and the pieces pages are made of: navigation, cards, tables, badges.
enum Layout {
    /// The sections in the navigation bar: (path, label).
    static let sections: [(String, String)] = [
        ("/", "Overview"), ("/runs", "Runs"), ("/errors", "Errors"), ("/scenarios", "Scenarios"),
        ("/uptime", "Uptime"), ("/coverage", "Coverage"), ("/workers", "Workers"),
    ]

    /// A whole page. `csrf` is the session's token, for the sign-out form; `nil` on the login page.
    static func page(title: String, current: String?, signedIn: String?, csrf: String?, _ content: [HTML]) -> HTML {
        let nav: HTML
        if let signedIn, let csrf {
            nav = .element(
                "nav",
                ["class": "top"],
                .element("a", ["href": "/", "class": "brand"], .text("Ronda")),
                .element(
                    "ul",
                    [:],
                    sections.map { path, label in
                        .element(
                            "li",
                            [:],
                            .element("a", ["href": path, "class": path == current ? "current" : nil], .text(label))
                        )
                    }
                ),
                .element(
                    "form",
                    ["method": "post", "action": "/logout", "class": "logout"],
                    csrfField(csrf),
                    .element("button", ["type": "submit"], .text("Sign out \(signedIn)"))
                )
            )
        } else {
            nav = .element("nav", ["class": "top"], .element("span", ["class": "brand"], .text("Ronda")))
        }
        return .document(
            .element(
                "html",
                ["lang": "en"],
                .element(
                    "head",
                    [:],
                    .element("meta", ["charset": "utf-8"]),
                    .element("meta", ["name": "viewport", "content": "width=device-width, initial-scale=1"]),
                    .element("title", [:], .text(title + " · Ronda")),
                    .element("link", ["rel": "stylesheet", "href": "/static/ronda.css"])
                ),
                .element(
                    "body",
                    [:],
                    nav,
                    .element("main", [:], [.element("h1", [:], .text(title))] + content)
                )
            )
        )
    }

    static func csrfField(_ token: String) -> HTML {
        .element("input", ["type": "hidden", "name": "csrf_token", "value": token])
    }

    /// A figure with a label: the overview's cards.
    static func card(_ label: String, _ value: String, tone: String? = nil) -> HTML {
        .element(
            "div",
            ["class": tone.map { "card \($0)" } ?? "card"],
            .element("div", ["class": "value"], .text(value)),
            .element("div", ["class": "label"], .text(label))
        )
    }

    static func section(_ title: String, _ content: HTML...) -> HTML {
        .element("section", [:], [.element("h2", [:], .text(title))] + content)
    }

    /// A table that scrolls sideways inside its box on a narrow screen (the page itself never does).
    static func table(_ headers: [String], _ rows: [[HTML]], empty: String = "Nothing yet.") -> HTML {
        guard !rows.isEmpty else { return .element("p", ["class": "empty"], .text(empty)) }
        return .element(
            "div",
            ["class": "table-wrap"],
            .element(
                "table",
                [:],
                .element("thead", [:], .element("tr", [:], headers.map { .element("th", [:], .text($0)) })),
                .element(
                    "tbody",
                    [:],
                    rows.map { cells in .element("tr", [:], cells.map { .element("td", [:], $0) }) }
                )
            )
        )
    }

    static func link(_ href: String, _ label: String) -> HTML {
        .element("a", ["href": HTML.safeURL(href)], .text(label))
    }

    static func badge(_ text: String, _ tone: String) -> HTML {
        .element("span", ["class": "badge \(tone)"], .text(text))
    }

    static func outcomeBadge(_ outcome: ScenarioOutcome) -> HTML {
        switch outcome {
        case .pass: badge("pass", "ok")
        case .fail: badge("fail", "bad")
        case .error: badge("error", "bad")
        case .skip: badge("skip", "muted")
        }
    }

    static func runBadge(_ run: RunRecord) -> HTML {
        switch run.status {
        case .running: badge("running", "muted")
        case .completed: run.totals.allPassed ? badge("passed", "ok") : badge("failed", "bad")
        case .failed: badge("failed", "bad")
        case .cancelled: badge("cancelled", "muted")
        }
    }

    static func pre(_ text: String) -> HTML { .element("pre", [:], .text(text)) }
}

/// How figures are written on the pages.
enum Format {
    static func percent(_ rate: Double?) -> String {
        guard let rate else { return "—" }
        return decimal(rate * 100, places: 1) + "%"
    }

    static func seconds(_ value: Double?) -> String {
        guard let value else { return "—" }
        if value < 1 { return decimal(value * 1000, places: 0) + " ms" }
        if value < 120 { return decimal(value, places: 1) + " s" }
        return decimal(value / 60, places: 0) + " min"
    }

    static func milliseconds(_ value: Double?) -> String {
        guard let value else { return "—" }
        return decimal(value * 1000, places: 1) + " ms"
    }

    /// `value` with `places` (0 to 3) decimals, rounded half away from zero. Like
    /// `String(format: "%.1f")` at a fraction of its cost (a run report formats thousands of
    /// figures); an exact tie such as 0.25 rounds up here where printf rounds to even.
    static func decimal(_ value: Double, places: Int) -> String {
        let places = min(max(places, 0), 3)
        let scale = [1.0, 10, 100, 1000][places]
        let scaled = (value.magnitude * scale).rounded(.toNearestOrAwayFromZero)
        guard value.isFinite, scaled < 1e15 else { return String(format: "%.\(places)f", value) }
        let units = UInt64(scaled)
        let divisor = UInt64(scale)
        var text = value < 0 && units != 0 ? "-" : ""
        text += String(units / divisor)
        if places > 0 {
            let fraction = String(units % divisor)
            text += "." + String(repeating: "0", count: places - fraction.count) + fraction
        }
        return text
    }

    static func time(_ date: Date?) -> String {
        guard let date else { return "—" }
        let text = ISO8601DateFormatter.string(from: date, timeZone: .gmt, formatOptions: [.withInternetDateTime])
        return text.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: " UTC")
    }

    static func count(_ value: Int) -> String {
        let formatter = NumberFormatter()
        formatter.numberStyle = .decimal
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.groupingSeparator = ","
        formatter.usesGroupingSeparator = true
        return formatter.string(from: NSNumber(value: value)) ?? String(value)
    }
}
