import ArgumentParser
import Foundation
import Logging
import RondaCore
import RondaHTTP
import RondaQueue
import RondaStore

/// `ronda health`: a container's health check, from inside the container (the image has no curl).
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Check that this process's servers answer: for a container health check or a probe.",
        discussion: """
            Checks, each printed as 'ok NAME' or 'FAIL NAME: why': store (RONDA_DATABASE_URL answers a query), \
            redis (RONDA_REDIS_URL answers PING), each only when its URL is set; worker (--worker: a live \
            heartbeat from a worker running on this host, or named HOST-…, as 'ronda worker' names itself); \
            url (--url: GET answers 200, e.g. a dashboard's /health).

            Exit status: 0 when every check passed, 1 when one failed, 2 for bad usage or when nothing is \
            configured to check.
            """
    )

    @Option(help: ArgumentHelp("GET this URL and expect 200, e.g. http://127.0.0.1:8080/health.", valueName: "url"))
    var url: String?

    @Flag(help: "Require a live worker on this host (its heartbeat in Redis).") var worker = false

    @Option(
        help: ArgumentHelp("The host name the worker's name starts with (default: this host's).", valueName: "name")
    )
    var host: String?

    @Option(help: ArgumentHelp("How long each check may take.", valueName: "duration")) var timeout = "5s"

    @OptionGroup var redis: RedisOptions
    @OptionGroup var store: StoreOptions

    func validate() throws {
        if let url, !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            throw ValidationError("--url '\(url)' must start with http:// or https://")
        }
        guard let limit = DurationText.parse(timeout), limit >= .milliseconds(100) else {
            throw ValidationError("--timeout '\(timeout)' is not a duration of at least 100ms")
        }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let seconds = DurationText.parse(timeout)?.inSeconds ?? 5
        let hasStore = store.databaseURL != nil || !(environment["RONDA_DATABASE_URL"] ?? "").isEmpty
        let hasRedis = redis.redisURL != nil || !(environment["RONDA_REDIS_URL"] ?? "").isEmpty
        guard hasStore || hasRedis || url != nil || worker else {
            throw CLIError(
                code: .configuration,
                message: "nothing to check: set RONDA_DATABASE_URL or RONDA_REDIS_URL, or pass --url or --worker"
            )
        }
        var logger = Logger(label: "ronda.health")
        logger.logLevel = .critical
        var problems: [(String, String?)] = []
        if hasStore { problems.append(("store", await checkStore(logger: logger, seconds: seconds))) }
        if hasRedis || worker {
            problems.append(contentsOf: await checkRedis(logger: logger, seconds: seconds))
        }
        if let url { problems.append(("url", await checkURL(url, seconds: seconds))) }
        for (name, problem) in problems {
            print(problem.map { "FAIL \(name): \($0)" } ?? "ok   \(name)")
        }
        if problems.contains(where: { $0.1 != nil }) { throw ExitCode(1) }
    }

    func checkStore(logger: Logger, seconds: Double) async -> String? {
        let options = self.store
        return await within(seconds) {
            try await options.withStore(logger: logger) { store in _ = try await store.setting(named: "paused") }
            return [String]()
        }.problem
    }

    func checkRedis(logger: Logger, seconds: Double) async -> [(String, String?)] {
        let host = self.host ?? ProcessInfo.processInfo.hostName
        let (redis, worker) = (self.redis, self.worker)
        let answer = await within(seconds) {
            let connected = try await redis.connectRedis(logger: logger)
            defer { connected.close() }
            // Each live worker as "NAME HOST": a worker records the host it runs on.
            return worker ? try await connected.control.liveWorkers().map { "\($0.name) \($0.host)" } : []
        }
        var checks: [(String, String?)] = [("redis", answer.problem)]
        guard worker else { return checks }
        if answer.problem != nil {
            checks.append(("worker", "Redis did not answer, so no heartbeat could be read"))
        } else if answer.names.contains(where: { $0.hasSuffix(" " + host) || $0.hasPrefix(host + "-") }) {
            checks.append(("worker", nil))
        } else {
            checks.append(
                ("worker", "no live heartbeat from a worker named \(host)-… (\(answer.names.count) live elsewhere)")
            )
        }
        return checks
    }

    func checkURL(_ url: String, seconds: Double) async -> String? {
        var options = HTTPRequestOptions()
        options.followRedirects = false
        options.totalTimeout = .milliseconds(Int(seconds * 1000))
        let session = HTTPSession()
        defer { session.close() }
        do {
            let response = try await session.send(HTTPRequest(method: "GET", url: url, options: options))
            return response.status == 200 ? nil : "GET \(url) answered \(response.status)"
        } catch {
            return "GET \(url): \(error.operatorMessage)"
        }
    }

    /// Runs `body` for at most `seconds`: its names, or the problem.
    func within(
        _ seconds: Double,
        _ body: @escaping @Sendable () async throws -> [String]
    ) async -> (names: [String], problem: String?) {
        await withTaskGroup(of: ([String], String?).self) { group in
            group.addTask {
                do { return (try await body(), nil) } catch { return ([], error.operatorMessage) }
            }
            group.addTask {
                try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
                return ([], "no answer within \(DurationText.format(.milliseconds(Int(seconds * 1000))))")
            }
            let first = await group.next() ?? ([], "no answer")
            group.cancelAll()
            return (first.0, first.1)
        }
    }
}
