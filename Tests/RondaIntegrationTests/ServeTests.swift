import Foundation
import RondaCore
import RondaHTTP
import RondaStore
import RondaTestSupport
import Testing

/// `ronda serve --demo` as a user runs it: the schedule, the in-process workers and the dashboard
/// in one process over SQLite, stopped with SIGTERM.
@Suite struct ServeTests {
    /// The bundled configuration and suite, copied, with the database in `dir`.
    static func configuration(in dir: String) throws -> String {
        try FileManager.default.copyItem(atPath: Checkout.root + "/scenarios", toPath: dir + "/scenarios")
        var text = try String(contentsOfFile: Checkout.root + "/ronda.yml", encoding: .utf8)
        text = text.replacingOccurrences(of: "database: .ronda/ronda.sqlite", with: "database: \(dir)/ronda.sqlite")
        try text.write(toFile: dir + "/ronda.yml", atomically: true, encoding: .utf8)
        return dir + "/ronda.yml"
    }

    /// The first match of `pattern`'s group 1 in `text`.
    static func capture(_ pattern: String, in text: String) -> String? {
        guard let regex = try? NSRegularExpression(pattern: pattern),
            let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
            let range = Range(match.range(at: 1), in: text)
        else { return nil }
        return String(text[range])
    }

    static func send(
        _ session: HTTPSession,
        _ method: String,
        _ url: String,
        form: String? = nil
    ) async throws
        -> RondaHTTP.HTTPResponse
    {
        var options = HTTPRequestOptions()
        options.followRedirects = false
        return try await session.send(
            HTTPRequest(
                method: method,
                url: url,
                headers: form == nil ? [] : [HTTPHeader("Content-Type", "application/x-www-form-urlencoded")],
                body: form.map { Array($0.utf8) },
                options: options
            )
        )
    }

    @Test func threeRunsInThreeMinutesAndNothingLeftOpenAfterSIGTERM() async throws {
        let dir = try Checkout.temporaryDirectory("ronda-serve")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let config = try Self.configuration(in: dir)
        let serve = try ChildProcess(
            Checkout.ronda,
            ["serve", "--demo", "--every", "1m", "--port", "0", "--metrics-port", "0", "--config", config],
            environment: [:],
            logPath: dir + "/serve.log"
        )
        defer { serve.killAndReap() }
        var port: String?
        var password: String?
        #expect(
            await eventually(120) {
                port = Self.capture("dashboard on http://127.0.0.1:([0-9]+)", in: serve.log)
                password = Self.capture("with password ([^ ]+) ", in: serve.log)
                return (port != nil && password != nil) || serve.poll() != nil
            },
            "\(serve.log)"
        )
        let base = "http://127.0.0.1:\(try #require(port))"
        let session = HTTPSession()
        defer { session.close() }
        let form = try await Self.send(session, "GET", base + "/login").bodyText
        let csrf = try #require(Self.capture("name=\"csrf_token\" value=\"([^\"]+)\"", in: form))
        let login = try await Self.send(
            session,
            "POST",
            base + "/login",
            form: "username=admin&password=\(try #require(password))&csrf_token=\(csrf)"
        )
        #expect(login.status == 303)

        // One run a minute: three runs within a bit over three minutes, each of all 63 scenarios.
        var completed = 0
        let enough = await eventually(240) {
            let answer = try? await Self.send(session, "GET", base + "/api/overview")
            guard let body = answer?.body,
                let json = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
                let runs = json["recentRuns"] as? [[String: Any]]
            else { return false }
            completed = runs.filter { $0["status"] as? String == "completed" }.count
            return completed >= 3
        }
        #expect(enough, "completed runs: \(completed)\n\(serve.log)")
        let overview = try await Self.send(session, "GET", base + "/").bodyText
        #expect(overview.contains("Total runs"))

        // The process's own metrics (--metrics-port): what its worker, coordinator and alerts did.
        let metricsURL = try #require(Self.capture("metrics on (http://127.0.0.1:[0-9]+/metrics)", in: serve.log))
        let metrics = try await Self.send(session, "GET", metricsURL)
        #expect(metrics.status == 200)
        #expect(metrics.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
        let text = metrics.bodyText
        let finalized = text.split(separator: "\n").filter { $0.hasPrefix("ronda_runs_finalized_total{") }
            .compactMap { Double($0.split(separator: " ").last ?? "") }.reduce(0, +)
        #expect(finalized >= 3, "\(text.prefix(2000))")
        let scenarios = text.split(separator: "\n").filter { $0.hasPrefix("ronda_scenarios_total{") }
            .compactMap { Double($0.split(separator: " ").last ?? "") }.reduce(0, +)
        #expect(scenarios >= 3 * 63, "\(text.prefix(2000))")
        #expect(text.contains("# TYPE ronda_step_duration_seconds histogram"))
        #expect(text.contains("ronda_step_duration_seconds_bucket{module=\"payments\",phase=\"main\",le=\"0.005\"}"))

        serve.signal(SIGTERM)
        let status = await serve.wait(timeout: .seconds(120))
        #expect(status == 0, "\(serve.log)")

        let store = try await SQLiteStore.open(path: dir + "/ronda.sqlite")
        let open = try await store.runningRuns()
        let runs = try await store.recentRuns(limit: 100)
        var results: [Int] = []
        for run in runs { results.append(try await store.results(runID: run.id).count) }
        try await store.close()
        #expect(open.isEmpty, "runs left running: \(open.map(\.id))")
        #expect(runs.count >= 3)
        // Every scenario of every run ends with exactly one result.
        #expect(zip(runs, results).allSatisfy { $0.totals.scenarios == $1 && $1 == 63 }, "\(results)")
    }
}
