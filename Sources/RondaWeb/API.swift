import Foundation
import Hummingbird
import RondaCore
import RondaStore

extension Dashboard {
    /// The JSON API: the data of every page, behind the same login (docs/dashboard.md lists the routes).
    func addAPI(_ router: Router<DashboardContext>) {
        let api = router.group("/api")
        api.get("/overview") { _, _ in Reply.json(.ok, try await self.overviewData()) }
        api.get("/runs") { request, _ in
            let limit = min(1000, max(1, request.uri.queryParameters.get("limit", as: Int.self) ?? 50))
            return Reply.json(.ok, ["runs": try await self.store.recentRuns(limit: limit)])
        }
        api.get("/runs/:id") { _, context in
            let id = try context.parameters.require("id")
            guard let report = try await self.runReport(id) else {
                return Reply.json(.notFound, ["error": "no run \(id)"])
            }
            return Reply.json(.ok, report)
        }
        api.get("/errors") { request, _ in
            let status = request.uri.queryParameters.get("status").flatMap(ErrorGroupStatus.init(rawValue:))
            return Reply.json(.ok, ["groups": try await self.store.errorGroups(status: status, limit: 500)])
        }
        api.get("/errors/:fingerprint") { _, context in
            let key = try context.parameters.require("fingerprint")
            guard let detail = try await self.errorDetail(key) else {
                return Reply.json(.notFound, ["error": "no error group \(key) (or the prefix is not unique)"])
            }
            return Reply.json(.ok, detail)
        }
        api.get("/scenarios") { _, _ in Reply.json(.ok, ["scenarios": try await self.scenarioData()]) }
        api.get("/uptime") { _, _ in Reply.json(.ok, try await self.uptimeData()) }
        api.get("/workers") { _, _ in Reply.json(.ok, try await self.fleetData()) }
    }
}
