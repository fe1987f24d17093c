import Foundation
import Hummingbird
import RondaCore
import RondaStore

extension Dashboard {
    /// The HTML pages. Each reads its data through the same functions as its JSON twin (`API.swift`).
    func addPages(_ router: Router<DashboardContext>) {
        router.get("/") { _, context in
            self.render(context, "Overview", "/", try await self.overviewContent(try await self.overviewData()))
        }
        router.get("/runs") { _, context in
            self.render(context, "Runs", "/runs", self.runsContent(try await self.store.recentRuns(limit: 200)))
        }
        router.get("/runs/:id") { _, context in
            let id = try context.parameters.require("id")
            guard let report = try await self.runReport(id) else { return self.notFound(context, "No run \(id).") }
            return self.render(context, "Run \(id.prefix(8))", "/runs", self.runReportContent(report))
        }
        router.get("/errors") { request, context in
            let status = request.uri.queryParameters.get("status").flatMap(ErrorGroupStatus.init(rawValue:))
            let groups = try await self.store.errorGroups(status: status, limit: 200)
            return self.render(context, "Error groups", "/errors", self.errorsContent(groups, filter: status))
        }
        router.get("/errors/:fingerprint") { _, context in
            let key = try context.parameters.require("fingerprint")
            guard let detail = try await self.errorDetail(key) else {
                return self.notFound(context, "No error group \(key).")
            }
            return self.render(context, "Error group", "/errors", self.errorDetailContent(detail, csrf: context.csrf))
        }
        router.post("/errors/:fingerprint/status") { request, context in
            try await self.changeGroupStatus(request, context)
        }
        router.get("/scenarios") { _, context in
            let figures = try await self.scenarioData()
            return self.render(context, "Scenarios", "/scenarios", self.scenariosContent(figures, csrf: context.csrf))
        }
        router.post("/scenarios/quarantine") { request, _ in
            let fields = try await Reply.form(request)
            guard let scenario = fields["scenario"], !scenario.isEmpty else {
                throw HTTPError(.badRequest, message: "the form names no scenario")
            }
            let on = fields["quarantine"] == "on"
            _ = try await self.store.setQuarantined(
                scenario,
                on,
                reason: on ? "from the dashboard" : nil,
                at: self.now()
            )
            return Reply.redirect("/scenarios")
        }
        router.get("/uptime") { _, context in
            self.render(context, "Uptime", "/uptime", self.uptimeContent(try await self.uptimeData()))
        }
    }

    func render(_ context: DashboardContext, _ title: String, _ current: String, _ content: [HTML]) -> Response {
        Reply.html(
            .ok,
            Layout.page(
                title: title,
                current: current,
                signedIn: context.session?.operatorName,
                csrf: context.session?.csrfToken,
                content
            )
        )
    }

    func notFound(_ context: DashboardContext, _ message: String) -> Response {
        var response = render(context, "Not found", "", [.element("p", [:], .text(message))])
        response.status = .notFound
        return response
    }
}

extension DashboardContext {
    var csrf: String { session?.csrfToken ?? "" }
}
