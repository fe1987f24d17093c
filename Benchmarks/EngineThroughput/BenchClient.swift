import Foundation
import Logging
import RondaCore
import RondaEngine
import RondaHTTP

struct ClientSettings: Sendable {
    var url: String
    var duration: Double
    var concurrency: Int
    /// Seconds of the same load before measuring (not counted).
    var warmup: Double
    /// Measure `HTTPSession.send` alone (one session per loop) instead of whole scenarios.
    var raw: Bool
    /// Raw mode only: a new session (easy handle, so a new connection) for every request — a diagnostic.
    var freshSession: Bool = false
    /// A dedicated `CurlExecutor` with this many threads; `nil` = `CurlExecutor.shared` (what `ronda` uses).
    var curlThreads: Int?
}

/// What one loop (or all of them, summed) did.
struct LoopStats: Sendable {
    var scenarios = 0
    var requests = 0
    var failures = 0
    /// Raw mode: requests that opened a TCP connection (CURLINFO_NUM_CONNECTS).
    var newConnections = 0
    /// Sum of scenario durations as ScenarioRunner reports them (scenario mode), seconds.
    var scenarioSeconds = 0.0
    /// Sum of curl's total transfer times, seconds.
    var curlSeconds = 0.0
    var firstFailure: String?

    static func + (a: LoopStats, b: LoopStats) -> LoopStats {
        LoopStats(
            scenarios: a.scenarios + b.scenarios,
            requests: a.requests + b.requests,
            failures: a.failures + b.failures,
            newConnections: a.newConnections + b.newConnections,
            scenarioSeconds: a.scenarioSeconds + b.scenarioSeconds,
            curlSeconds: a.curlSeconds + b.curlSeconds,
            firstFailure: a.firstFailure ?? b.firstFailure
        )
    }
}

enum BenchClient {
    /// Runs the benchmark and prints the figures; `false` if any scenario or request failed.
    static func run(_ settings: ClientSettings) async -> Bool {
        guard let (baseURL, path) = split(settings.url) else {
            EngineThroughput.fail("client: --url must be an absolute http:// URL, e.g. http://127.0.0.1:8080/ping")
        }
        let executor = settings.curlThreads.map { CurlExecutor(threads: $0) } ?? CurlExecutor.shared
        let setting = (try? TransportSetting.fromEnvironment()) ?? TransportSetting()
        let threadsNote =
            settings.curlThreads.map { "threads transport, \($0) dedicated threads" }
            ?? (setting.transport == .multi
                ? "multi transport, \(setting.loops) loop(s), \(setting.loopFill) task(s) per loop before the next (CurlExecutor.shared, as ronda uses)"
                : "threads transport, \(max(8, 4 * ProcessInfo.processInfo.activeProcessorCount)) threads (CurlExecutor.shared)")

        // Parsed once; every loop runs this same value.
        let text = """
            scenario: Engine throughput ping
            steps:
              - name: ping
                get: '\(path)'
                expect: { status: 200, json: { "$.ok": true } }
            """
        let scenario: Scenario
        do {
            scenario = try ScenarioLoader.parse(text, file: "engine-throughput.yml")
        } catch {
            EngineThroughput.fail("client: the benchmark scenario does not parse: \(error)")
        }
        var logger = Logger(label: "ronda.engine")
        logger.logLevel = .info  // ronda's default level: step lines are debug, so not printed
        let runner = ScenarioRunner(
            configuration: EngineConfiguration(baseURL: baseURL),
            logger: logger,
            executor: executor
        )

        let mode =
            !settings.raw
            ? "ScenarioRunner.run (one-step GET scenario)"
            : settings.freshSession
                ? "raw HTTPSession.send, a new session per request" : "raw HTTPSession.send, one session per loop"
        print("mode: \(mode)")
        print(
            "url: \(settings.url)  concurrency: \(settings.concurrency)  duration: \(settings.duration) s  warm-up: \(settings.warmup) s"
        )
        print("transport: \(threadsNote)  cores: \(ProcessInfo.processInfo.activeProcessorCount)")

        let work: @Sendable (ContinuousClock.Instant) async -> LoopStats
        if settings.raw {
            let url = settings.url
            let fresh = settings.freshSession
            work = { end in
                await executor.onLoop { await rawLoop(url: url, executor: executor, freshSession: fresh, until: end) }
            }
        } else {
            // Each loop stays on one of the transport's event loops, as a worker slot does.
            work = { end in await executor.onLoop { await scenarioLoop(runner: runner, scenario: scenario, until: end) }
            }
        }

        let clock = ContinuousClock()
        if settings.warmup > 0 {
            _ = await load(
                concurrency: settings.concurrency,
                until: clock.now.advanced(by: .seconds(settings.warmup)),
                work
            )
        }
        let opensBefore = tcpActiveOpens()
        let cpuBefore = cpuSeconds()
        let start = clock.now
        var total = await load(
            concurrency: settings.concurrency,
            until: start.advanced(by: .seconds(settings.duration)),
            work
        )
        let elapsed = seconds(start.duration(to: clock.now))
        let cpu = cpuSeconds() - cpuBefore
        if !settings.raw, let before = opensBefore, let after = tcpActiveOpens() {
            // Whole-machine count of outgoing TCP connects while measuring (nothing else should connect meanwhile).
            total.newConnections = after - before
        }

        let rps = Double(total.requests) / elapsed
        if !settings.raw {
            print("scenarios: \(total.scenarios)  requests: \(total.requests)  failed scenarios: \(total.failures)")
            print(String(format: "scenarios/s: %.1f", Double(total.scenarios) / elapsed))
        } else {
            print("requests: \(total.requests)  failed requests: \(total.failures)")
        }
        if total.requests > 0 {
            print(
                String(
                    format: "new TCP connections: %d (%.2f per request)",
                    total.newConnections,
                    Double(total.newConnections) / Double(total.requests)
                )
            )
            let curlMs = total.curlSeconds / Double(total.requests) * 1000
            if settings.raw {
                print(String(format: "mean curl total time per request: %.3f ms", curlMs))
            } else if total.scenarios > 0 {
                let scenarioMs = total.scenarioSeconds / Double(total.scenarios) * 1000
                print(
                    String(
                        format:
                            "mean scenario time: %.3f ms, of which curl transfer: %.3f ms (outside it — engine work, waiting for a curl thread or a core: %.3f ms)",
                        scenarioMs,
                        curlMs,
                        scenarioMs - curlMs
                    )
                )
            }
        }
        if let failure = total.firstFailure { print("first failure: \(failure)") }
        print(String(format: "elapsed: %.3f s", elapsed))
        if total.requests > 0 {
            print(
                String(
                    format: "client CPU (user + system): %.2f s, %.1f µs per request",
                    cpu,
                    cpu / Double(total.requests) * 1_000_000
                )
            )
        }
        print(String(format: "requests/s: %.1f", rps))
        print(
            String(
                format: "RESULT mode=%@ rps=%.1f requests=%d failures=%d new_connections=%d",
                settings.raw ? (settings.freshSession ? "raw-fresh" : "raw") : "scenario",
                rps,
                total.requests,
                total.failures,
                total.newConnections
            )
        )
        return total.failures == 0 && total.requests > 0
    }

    /// This process's CPU time so far (user + system), seconds.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func value(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1_000_000 }
        return value(usage.ru_utime) + value(usage.ru_stime)
    }

    /// `concurrency` loops running `work` until `end`; their stats summed.
    static func load(
        concurrency: Int,
        until end: ContinuousClock.Instant,
        _ work: @escaping @Sendable (ContinuousClock.Instant) async -> LoopStats
    ) async -> LoopStats {
        await withTaskGroup(of: LoopStats.self) { group in
            for _ in 0..<concurrency { group.addTask { await work(end) } }
            return await group.reduce(LoopStats(), +)
        }
    }

    /// One loop of whole scenario runs: each run is the unit (new session, as ScenarioRunner does it).
    static func scenarioLoop(
        runner: ScenarioRunner,
        scenario: Scenario,
        until end: ContinuousClock.Instant
    ) async -> LoopStats {
        var stats = LoopStats()
        let clock = ContinuousClock()
        while clock.now < end {
            let result = await runner.run(scenario, runID: "bench", worker: "bench")
            stats.scenarios += 1
            stats.scenarioSeconds += result.duration
            for step in result.steps {
                stats.requests += step.attempts
                if let timings = step.timings { stats.curlSeconds += timings.total }
            }
            if result.status != .pass {
                stats.failures += 1
                if stats.firstFailure == nil {
                    stats.firstFailure = "\(result.status): \(result.errorMessage ?? "no message")"
                }
            }
        }
        return stats
    }

    /// One loop of bare requests on one session (kept-alive connection), to separate engine cost from libcurl's.
    /// With `freshSession`, each request gets its own session, as each scenario run does.
    static func rawLoop(
        url: String,
        executor: CurlExecutor,
        freshSession: Bool,
        until end: ContinuousClock.Instant
    ) async -> LoopStats {
        var stats = LoopStats()
        let clock = ContinuousClock()
        var session = HTTPSession(executor: executor)
        defer { session.close() }
        let request = HTTPRequest(url: url)
        let expected = Array(#"{"ok":true}"#.utf8)
        while clock.now < end {
            if freshSession, stats.requests > 0 {
                session.close()
                session = HTTPSession(executor: executor)
            }
            stats.requests += 1
            do {
                let response = try await session.send(request)
                stats.newConnections += response.newConnections
                stats.curlSeconds += response.timings.total
                if response.status != 200 || response.body != expected {
                    stats.failures += 1
                    if stats.firstFailure == nil {
                        stats.firstFailure =
                            "status \(response.status), body \(String(decoding: response.body.prefix(200), as: UTF8.self))"
                    }
                }
            } catch {
                stats.failures += 1
                if stats.firstFailure == nil { stats.firstFailure = error.message }
            }
        }
        return stats
    }

    /// `http://host:port/path?query` → (`http://host:port`, `/path?query`).
    static func split(_ url: String) -> (String, String)? {
        guard let components = URLComponents(string: url), let scheme = components.scheme,
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else { return nil }
        var base = "\(scheme)://\(host)"
        if let port = components.port { base += ":\(port)" }
        var path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        if let query = components.percentEncodedQuery { path += "?" + query }
        return (base, path)
    }

    /// `Tcp: ActiveOpens` from /proc/net/snmp (outgoing connects since boot, whole machine); `nil` off Linux.
    static func tcpActiveOpens() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/net/snmp", encoding: .utf8) else { return nil }
        let lines = text.split(separator: "\n").filter { $0.hasPrefix("Tcp:") }
        guard lines.count >= 2 else { return nil }
        let names = lines[0].split(separator: " ")
        let values = lines[1].split(separator: " ")
        guard let index = names.firstIndex(of: "ActiveOpens"), index < values.count else { return nil }
        return Int(values[index])
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
