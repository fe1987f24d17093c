import Foundation
import Hummingbird
import RondaCore
import RondaStore

/// Where the dashboard reads the target's OpenAPI document for `/coverage`: a URL or a file,
/// read again at each request (the document changes with the target's releases).
public struct OpenAPISource: Sendable {
    /// The URL or path, for the page.
    public var location: String
    public var load: @Sendable () async throws -> String

    public init(location: String, load: @escaping @Sendable () async throws -> String) {
        self.location = location
        self.load = load
    }
}

/// What `/coverage` shows (and `GET /api/coverage` returns).
struct CoverageData: Sendable, Codable {
    var days: Int
    /// The document's URL or path; `nil` when the dashboard has none.
    var document: String?
    /// Why the document could not be read, when it could not.
    var problem: String?
    var declared: Int
    var covered: Int
    var ratio: Double?
    var operations: [EndpointCoverage.Row]
    /// Calls no operation describes (every call, without a document).
    var strays: [EndpointCoverage.Stray]
}

extension Dashboard {
    func coverageData(days: Int) async throws -> CoverageData {
        let calls = try await store.dashboard(
            .endpointCalls(since: now().addingTimeInterval(-Double(days - 1) * 86_400))
        )
        var operations: [APIOperation] = []
        var problem: String?
        if let source = options.openAPI {
            do {
                operations = try OpenAPIDocumentReader.operations(try await source.load(), source: source.location)
            } catch {
                problem = "cannot read the OpenAPI document at \(source.location): \(error)"
            }
        }
        let coverage = EndpointCoverage(operations: operations, calls: calls)
        return CoverageData(
            days: days,
            document: options.openAPI?.location,
            problem: problem,
            declared: operations.count,
            covered: coverage.covered,
            ratio: coverage.ratio,
            operations: coverage.operations,
            strays: coverage.strays
        )
    }

    static func coverageDays(_ request: Request) -> Int {
        min(90, max(1, request.uri.queryParameters.get("days", as: Int.self) ?? 7))
    }

    func addCoveragePages(_ router: Router<DashboardContext>) {
        router.get("/coverage") { request, context in
            let data = try await self.coverageData(days: Self.coverageDays(request))
            return self.render(context, "Endpoint coverage", "/coverage", self.coverageContent(data))
        }
        router.get("/api/coverage") { request, _ in
            Reply.json(.ok, try await self.coverageData(days: Self.coverageDays(request)))
        }
    }

    func coverageContent(_ data: CoverageData) -> [HTML] {
        var content: [HTML] = []
        if let problem = data.problem { content.append(.element("p", ["class": "error"], .text(problem))) }
        content.append(
            .element(
                "p",
                [:],
                Array(
                    [7, 30, 90].map { days in
                        [
                            Layout.link(
                                "/coverage?days=\(days)",
                                days == data.days ? "[\(days) days]" : "\(days) days"
                            ), .text(" "),
                        ]
                    }
                    .joined()
                )
            )
        )
        guard let document = data.document else {
            content.append(
                .element(
                    "p",
                    ["class": "empty"],
                    .text(
                        "No OpenAPI document: start the dashboard with --openapi URL|FILE to see which operations "
                            + "the suite exercises and which it never touches. The endpoints called are below."
                    )
                )
            )
            return content + [straysSection(data.strays, title: "Endpoints called, last \(data.days) days")]
        }
        content.append(
            .element(
                "div",
                ["class": "cards"],
                Layout.card("Operations declared", Format.count(data.declared)),
                Layout.card("Exercised, \(data.days) d", Format.count(data.covered)),
                Layout.card(
                    "Endpoint coverage",
                    Format.percent(data.ratio),
                    tone: (data.ratio ?? 0) >= 0.8 ? "ok" : "bad"
                ),
                Layout.card(
                    "Never called",
                    Format.count(data.declared - data.covered),
                    tone: data.declared > data.covered ? "bad" : "ok"
                )
            )
        )
        let rows: [[HTML]] = data.operations.map { row in
            [
                .text(row.operation.method), .text(row.operation.path), .text(row.operation.summary ?? ""),
                row.calls == 0 ? Layout.badge("never called", "bad") : .text(Format.count(row.calls)),
                .text(row.calls == 0 ? "—" : Format.count(row.failures)),
                .text(row.lastCalled.map { String($0.prefix(16)) } ?? "—"),
            ]
        }
        content.append(
            Layout.section(
                "Operations of \(document)",
                Layout.table(
                    ["Method", "Path", "Summary", "Calls", "Failed", "Last called"],
                    rows,
                    empty: "The document declares no operation."
                )
            )
        )
        return content + [straysSection(data.strays, title: "Calls no operation describes")]
    }

    private func straysSection(_ strays: [EndpointCoverage.Stray], title: String) -> HTML {
        Layout.section(
            title,
            Layout.table(
                ["Method", "Path", "Calls"],
                strays.map { [.text($0.method), .text($0.path), .text(Format.count($0.calls))] },
                empty: "None."
            )
        )
    }
}
