import Foundation
import RondaCore

/// Small texts every rendering shares, so Slack, email, webhook and Sentry say the same thing.
enum AlertFormatting {
    /// The title as sent: `[TEST] ` before it for `ronda alerts test`.
    static func title(_ alert: Alert) -> String {
        alert.isTest ? "[TEST] \(alert.title)" : alert.title
    }

    /// `2026-12-06T05:16:37Z` (UTC, whole seconds).
    static func iso8601(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02dZ",
            c.year ?? 0,
            c.month ?? 0,
            c.day ?? 0,
            c.hour ?? 0,
            c.minute ?? 0,
            c.second ?? 0
        )
    }

    /// `12.3 s`.
    static func seconds(_ value: Double) -> String { String(format: "%.1f s", value) }

    /// `3/5`.
    static func passed(_ run: AlertRun) -> String { "\(run.totals.passed)/\(run.totals.scenarios)" }

    /// The keys of items a cause already names (`trigger scenario`), so they are not repeated.
    static func collapsedKeys(_ alert: Alert) -> Set<String> {
        Set(alert.causes.flatMap { cause in cause.scenarios.map { "\(cause.trigger.rawValue) \($0)" } })
    }

    /// Items grouped by module without those a cause already names; modules left empty dropped.
    static func remainingItemsByModule(_ alert: Alert) -> [(module: String, items: [AlertItem])] {
        let collapsed = collapsedKeys(alert)
        return alert.itemsByModule.compactMap { group in
            let items = group.items.filter { !collapsed.contains("\($0.trigger.rawValue) \($0.scenario ?? "")") }
            return items.isEmpty ? nil : (module: group.module, items: items)
        }
    }

    /// `new error: Login — Login fails with 500` (the item's line, without its module).
    static func itemLine(_ item: AlertItem) -> String {
        let subject = item.scenario.map { "\($0) — " } ?? ""
        return "\(item.trigger.label): \(subject)\(item.summary)"
    }

    /// `new error, regression`.
    static func triggers(_ alert: Alert) -> String {
        alert.triggers.map(\.label).joined(separator: ", ")
    }

    /// Cuts `text` to at most `limit` characters, ending with `…` when it was longer.
    static func truncate(_ text: String, to limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }
}
