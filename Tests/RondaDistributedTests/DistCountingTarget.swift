import Foundation
import Hummingbird
import RondaCoordinator
import RondaCore
import RondaTestSupport
import Synchronization

/// A target that counts executions: every request names its scenario, and the target records
/// how many times each scenario reached it, and the most requests it held at once.
/// `/hold` answers only once `release()` was called (or after 60 s); `/hit` answers at once;
/// `/slow` after `slowSeconds`.
final class DistCountingTarget: Sendable {
    private struct State {
        var counts: [String: Int] = [:]
        var current = 0
        var peak = 0
        var released = false
    }

    private let state = Mutex(State())
    private let server = Mutex<TestHTTPServer?>(nil)
    let slowSeconds: Double

    init(slowSeconds: Double = 1) {
        self.slowSeconds = slowSeconds
    }

    static func start(slowSeconds: Double = 1) async throws -> DistCountingTarget {
        let target = DistCountingTarget(slowSeconds: slowSeconds)
        let server = try await TestHTTPServer.start { router in
            router.get("/hold") { request, _ -> String in
                target.arrived(request)
                defer { target.left() }
                let end = Date().addingTimeInterval(60)
                while !target.isReleased, Date() < end { try await Task.sleep(for: .milliseconds(20)) }
                return "ok"
            }
            router.get("/hit") { request, _ -> String in
                target.arrived(request)
                target.left()
                return "ok"
            }
            router.get("/slow") { request, _ -> String in
                target.arrived(request)
                defer { target.left() }
                try await Task.sleep(for: .milliseconds(Int(target.slowSeconds * 1_000)))
                return "ok"
            }
        }
        target.server.withLock { $0 = server }
        return target
    }

    var baseURL: String { server.withLock { $0?.baseURL ?? "" } }

    func stop() async {
        release()
        await server.withLock({ $0 })?.stop()
    }

    private func arrived(_ request: Request) {
        let name = request.uri.queryParameters.get("name") ?? "?"
        state.withLock { state in
            state.counts[name, default: 0] += 1
            state.current += 1
            state.peak = max(state.peak, state.current)
        }
    }

    private func left() { state.withLock { $0.current -= 1 } }

    var isReleased: Bool { state.withLock { $0.released } }
    func release() { state.withLock { $0.released = true } }

    /// How many times each scenario reached the target.
    var counts: [String: Int] { state.withLock { $0.counts } }
    func count(_ name: String) -> Int { state.withLock { $0.counts[name] ?? 0 } }
    /// Requests held now, and the most held at once.
    var current: Int { state.withLock { $0.current } }
    var peak: Int { state.withLock { $0.peak } }
    /// Executions beyond the first, per scenario that ran more than once.
    var repeats: [String: Int] { counts.filter { $0.value > 1 }.mapValues { $0 - 1 } }

    /// `count` one-step scenarios `PREFIX-NNN` sending `GET path?name=…` with a 90 s request timeout.
    static func scenarios(_ count: Int, prefix: String, path: String) throws -> [ScenarioSnapshot] {
        try (0..<count).map { index in
            let name = "\(prefix)-\(String(format: "%03d", index))"
            let source = """
                scenario: \(name)
                module: target
                timeout: 120s
                steps:
                  - name: Call
                    get: \(path)?name=\(name)
                    timeout: 90s
                    expect: { status: 200 }
                """
            return ScenarioSnapshot(scenario: try ScenarioLoader.parse(source, file: "\(name).yml"), source: source)
        }
    }
}
