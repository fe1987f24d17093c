import Foundation
import RondaCore
import RondaHTTP
import Synchronization

/// The HTTP checks of `ronda smoke`, against one dashboard.
final class SmokeProbe: Sendable {
    let base: String
    /// The slowest answer accepted, in seconds.
    let limit: Double
    let token: String?
    let session = HTTPSession()

    init(base: String, limit: Double, token: String?) {
        self.base = base
        self.limit = limit
        self.token = token.flatMap { $0.isEmpty ? nil : $0 }
    }

    func close() { session.close() }

    /// A GET without following redirects; the answer and how long it took.
    func get(_ path: String, headers: [HTTPHeader] = []) async throws -> (HTTPResponse, Double) {
        var options = HTTPRequestOptions()
        options.followRedirects = false
        options.totalTimeout = .seconds(max(5, Int(limit * 3)))
        let started = ContinuousClock.now
        let response = try await session.send(
            HTTPRequest(method: "GET", url: base + path, headers: headers, options: options)
        )
        return (response, (ContinuousClock.now - started).inSeconds)
    }

    func slow(_ seconds: Double) -> String? {
        seconds > limit ? String(format: "answered in %.2f s, over the %.2f s allowed", seconds, limit) : nil
    }

    func health() async -> SmokeCommand.Check {
        do {
            let (answer, seconds) = try await get("/health")
            guard answer.status == 200, answer.bodyText.contains("\"status\":\"ok\"") else {
                return .init(
                    name: "health",
                    problem: "GET /health: \(answer.status) \(answer.bodyText.prefix(300))",
                    seconds: seconds
                )
            }
            return .init(name: "health", problem: slow(seconds), seconds: seconds)
        } catch {
            return .init(name: "health", problem: "GET \(base)/health: \(error.operatorMessage)", seconds: 0)
        }
    }

    /// The last /metrics text read (for `workerAlive`).
    private let lastMetrics = Mutex<String?>(nil)

    func metrics() async -> SmokeCommand.Check {
        do {
            let headers = token.map { [HTTPHeader("Authorization", "Bearer \($0)")] } ?? []
            let (answer, seconds) = try await get("/metrics", headers: headers)
            guard answer.status == 200 else {
                return .init(name: "metrics", problem: "GET /metrics: \(answer.status)", seconds: seconds)
            }
            let text = answer.bodyText
            let bad = text.split(separator: "\n").first { line in
                guard !line.hasPrefix("#") else { return false }
                let parts = line.split(separator: " ")
                return parts.count < 2 || Double(parts[parts.count - 1]) == nil || !(parts[0].first?.isLetter ?? false)
            }
            if let bad {
                return .init(name: "metrics", problem: "not Prometheus text: '\(bad.prefix(120))'", seconds: seconds)
            }
            lastMetrics.withLock { $0 = text }
            return .init(name: "metrics", problem: slow(seconds), seconds: seconds)
        } catch {
            return .init(name: "metrics", problem: "GET \(base)/metrics: \(error.operatorMessage)", seconds: 0)
        }
    }

    func loginWall() async -> SmokeCommand.Check {
        do {
            let (page, first) = try await get("/")
            guard page.status == 303, page.header("Location") == "/login" else {
                return .init(
                    name: "login-wall",
                    problem: "GET / without a session answered \(page.status), not a redirect to /login",
                    seconds: first
                )
            }
            let (api, second) = try await get("/api/overview")
            guard api.status == 401, api.header("Content-Type")?.hasPrefix("application/json") == true,
                (try? JSONSerialization.jsonObject(with: Data(api.body))) != nil
            else {
                return .init(
                    name: "login-wall",
                    problem: "GET /api/overview without a session answered \(api.status), not 401 JSON",
                    seconds: second
                )
            }
            return .init(name: "login-wall", problem: slow(max(first, second)), seconds: first + second)
        } catch {
            return .init(name: "login-wall", problem: "\(error.operatorMessage)", seconds: 0)
        }
    }

    /// From the /metrics just read: `ronda_workers_live` at least 1.
    func workerAlive(metricsCheck: SmokeCommand.Check) -> SmokeCommand.Check {
        guard let text = lastMetrics.withLock({ $0 }) else {
            return .init(name: "worker-alive", problem: "no /metrics to read ronda_workers_live from", seconds: 0)
        }
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("ronda_workers_live ") }),
            let live = Double(line.split(separator: " ").last ?? "")
        else {
            return .init(
                name: "worker-alive",
                problem: "the dashboard reports no queue (start it with RONDA_REDIS_URL to see the workers)",
                seconds: 0
            )
        }
        return .init(
            name: "worker-alive",
            problem: live >= 1 ? nil : "no live worker (ronda_workers_live \(Int(live)))",
            seconds: 0
        )
    }
}
