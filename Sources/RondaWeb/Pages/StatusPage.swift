import Foundation
import Hummingbird
import RondaStore

/// The public, read-only status page (opt-in: `--status-page`): per module, operational,
/// degraded or down from its latest hour of checks, its uptime over 30 days and a bar per day.
/// It is served without sign-in, so it shows module names and figures only.
enum StatusPage {
    static func isStatusPath(_ path: String) -> Bool { path == "/status" || path.hasPrefix("/status/") }

    /// A module's state from its latest hour of checks.
    enum State: String, Codable {
        case operational, degraded, down
        /// No check in the last 7 days.
        case unknown

        init(_ status: ModuleStatus) {
            if status.lastHour == nil || status.lastResults == 0 {
                self = .unknown
            } else if status.lastFailures == 0 {
                self = .operational
            } else {
                self = status.lastPassed > 0 ? .degraded : .down
            }
        }

        var label: String {
            switch self {
            case .operational: "operational"
            case .degraded: "degraded"
            case .down: "down"
            case .unknown: "no recent checks"
            }
        }

        var tone: String {
            switch self {
            case .operational: "ok"
            case .degraded: "warn"
            case .down: "bad"
            case .unknown: "muted"
            }
        }
    }

    /// `/status?format=json`.
    struct Body: Encodable {
        var title: String
        var modules: [Row]
    }

    /// One module as the page (and `/status?format=json`) shows it.
    struct Row: Codable {
        var module: String
        var state: State
        var lastChecked: String?
        var uptime30d: Double?
        var days: [DayFigure]

        init(_ status: ModuleStatus) {
            module = status.module
            state = State(status)
            lastChecked = status.lastHour
            let results = status.days.reduce(0) { $0 + $1.results }
            let failures = status.days.reduce(0) { $0 + $1.failures }
            uptime30d = results == 0 ? nil : Double(results - failures) / Double(results)
            days = status.days
        }
    }
}

extension Dashboard {
    func statusRows(_ options: StatusPageOptions) async throws -> [StatusPage.Row] {
        try await store.dashboard(.moduleStatus(days: 30, now: now()))
            .filter { options.modules?.contains($0.module) ?? true }
            .map(StatusPage.Row.init)
    }

    func addStatusPage(_ router: Router<DashboardContext>, _ options: StatusPageOptions) {
        router.get("/status") { request, _ in
            let rows = try await self.statusRows(options)
            if request.uri.queryParameters.get("format") == "json" {
                return Self.publicCache(Reply.json(.ok, StatusPage.Body(title: options.title, modules: rows)))
            }
            return Self.publicCache(Reply.html(.ok, self.statusPage(options.title, rows)))
        }
        router.get("/status/:module") { _, context in
            // The segment as sent: a module name with spaces or slashes comes percent-encoded.
            let raw = try context.parameters.require("module")
            let module = raw.removingPercentEncoding ?? raw
            guard let row = try await self.statusRows(options).first(where: { $0.module == module }) else {
                var response = Reply.html(
                    .notFound,
                    Layout.page(
                        title: "Not found",
                        current: nil,
                        signedIn: nil,
                        csrf: nil,
                        [.element("p", [:], .text("No module \(module) on this status page."))]
                    )
                )
                response.headers[.cacheControl] = "no-store"
                return response
            }
            return Self.publicCache(Reply.html(.ok, self.statusPage("\(options.title): \(module)", [row])))
        }
    }

    /// Shared caches and browsers may keep the page for 30 s (it changes once a run is finalized).
    static func publicCache(_ response: Response) -> Response {
        var response = response
        response.headers[.cacheControl] = "public, max-age=30"
        return response
    }

    func statusPage(_ title: String, _ rows: [StatusPage.Row]) -> HTML {
        let overall: HTML
        if rows.isEmpty {
            overall = .element("p", ["class": "empty"], .text("Nothing has been checked yet."))
        } else if rows.allSatisfy({ $0.state == .operational }) {
            overall = .element("p", [:], Layout.badge("All modules operational", "ok"))
        } else {
            let troubled = rows.filter { $0.state == .degraded || $0.state == .down }.count
            overall = .element(
                "p",
                [:],
                troubled == 0
                    ? Layout.badge("Some modules have no recent checks", "muted")
                    : Layout.badge("\(troubled) of \(rows.count) modules degraded or down", "bad")
            )
        }
        let sections = rows.map { row in
            HTML.element(
                "section",
                ["class": "module"],
                .element("h2", [:], .text(row.module + " "), Layout.badge(row.state.label, row.state.tone)),
                .element(
                    "p",
                    ["class": "muted"],
                    .text(
                        "Uptime, 30 days: \(Format.percent(row.uptime30d)) · last checked: "
                            + (row.lastChecked.map { String($0.prefix(13)) + ":00 UTC" } ?? "—")
                    )
                ),
                Charts.strip(row.days, caption: "\(row.module): checks per day, last 30 days")
            )
        }
        return Layout.page(title: title, current: nil, signedIn: nil, csrf: nil, [overall] + sections)
    }
}
