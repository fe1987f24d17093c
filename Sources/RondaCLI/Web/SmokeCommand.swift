import ArgumentParser
import Foundation
import RondaCoordinator
import RondaCore
import RondaHTTP

/// `ronda smoke --url URL`: the deployment's own smoke test, for a deploy script or a probe.
struct SmokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smoke",
        abstract:
            "Smoke-test a deployment: the dashboard's /health and /metrics, its login wall, a live worker, a job through the queue.",
        discussion: """
            Checks, in order, each named in the output: health (GET /health answers 200 with the store, and the \
            queue when the dashboard has one, reachable), metrics (/metrics parses as Prometheus text; \
            RONDA_METRICS_TOKEN is sent when set), login-wall (pages redirect to /login, /api answers 401 JSON), \
            worker-alive (ronda_workers_live ≥ 1), and queue-round-trip: a one-step scenario (GET URL/health) \
            enqueued through RONDA_REDIS_URL, run by a worker and finalized in RONDA_DATABASE_URL within \
            --deadline (--skip-round-trip leaves it out). Every request must answer within --max-response.

            Exit status: 0 when every check passed, 1 when one failed (named), 2 for bad usage.
            """
    )

    @Option(help: ArgumentHelp("The dashboard's address, e.g. http://127.0.0.1:8080.", valueName: "url")) var url:
        String

    @Option(help: ArgumentHelp("The slowest answer a check accepts.", valueName: "duration")) var maxResponse = "2s"

    @Option(help: ArgumentHelp("How long the round trip may take.", valueName: "duration")) var deadline = "60s"

    @Flag(help: "Leave out the queue round trip (no Redis or database access from here).") var skipRoundTrip = false

    @OptionGroup var cluster: ClusterOptions
    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw CLIError(code: .usage, message: "--url '\(url)' must start with http:// or https://")
        }
        guard DurationText.parse(maxResponse) != nil else {
            throw CLIError(code: .usage, message: "--max-response '\(maxResponse)' is not a duration (like 2s)")
        }
        guard let limit = DurationText.parse(deadline), limit >= .seconds(1) else {
            throw CLIError(code: .usage, message: "--deadline '\(deadline)' is not a duration of at least 1s")
        }
    }

    /// One check's verdict.
    struct Check {
        var name: String
        var problem: String?
        var seconds: Double
    }

    func run() async throws {
        let base = url.hasSuffix("/") ? String(url.dropLast()) : url
        let limit = DurationText.parse(maxResponse)?.inSeconds ?? 2
        let probe = SmokeProbe(
            base: base,
            limit: limit,
            token: ProcessInfo.processInfo.environment["RONDA_METRICS_TOKEN"]
        )
        defer { probe.close() }
        var checks = [await probe.health(), await probe.metrics(), await probe.loginWall()]
        checks.append(probe.workerAlive(metricsCheck: checks[1]))
        if !skipRoundTrip { checks.append(await roundTrip(base: base)) }
        for check in checks {
            let time = String(format: "%.0f ms", check.seconds * 1000)
            if let problem = check.problem {
                print("FAIL \(check.name): \(problem) (\(time))")
            } else {
                print("ok   \(check.name) (\(time))")
            }
        }
        let failed = checks.filter { $0.problem != nil }.map(\.name)
        print(failed.isEmpty ? "smoke: every check passed" : "smoke: failed: \(failed.joined(separator: ", "))")
        if !failed.isEmpty { throw ExitCode(1) }
    }

    /// A one-step scenario through the queue, a worker and the store, finalized here.
    func roundTrip(base: String) async -> Check {
        let started = ContinuousClock.now
        let elapsed = { (ContinuousClock.now - started).inSeconds }
        let text = """
            scenario: ronda smoke
            module: smoke
            priority: P3
            steps:
              - name: The dashboard answers
                get: \(base)/health
                expect: { status: 200 }
            """
        do {
            let scenario = try ScenarioLoader.parse(text, file: "ronda-smoke.yml")
            let run = DistributedRun(
                snapshots: [ScenarioSnapshot(scenario: scenario, source: text)],
                baseURL: base,
                trigger: .manual,
                deadline: DurationText.parse(deadline) ?? .seconds(60),
                cluster: cluster,
                logger: try logging.makeLogger(label: "ronda.smoke")
            )
            let outcome = try await run.execute()
            guard let result = outcome.results.first else {
                return Check(name: "queue-round-trip", problem: "the run ended without a result", seconds: elapsed())
            }
            guard result.status == .pass else {
                return Check(
                    name: "queue-round-trip",
                    problem: "run \(outcome.run.id): \(result.status.rawValue): \(result.errorMessage ?? "no message")",
                    seconds: elapsed()
                )
            }
            return Check(name: "queue-round-trip", problem: nil, seconds: elapsed())
        } catch {
            return Check(name: "queue-round-trip", problem: "\(error.operatorMessage)", seconds: elapsed())
        }
    }
}
