import Foundation
import RondaTestSupport
import Testing

/// The dashboard in headless Chromium with JavaScript on, over results recorded from a hostile
/// target (Tests/Servers/xss_target.py: every answer a 500 full of script tags, event handlers,
/// `javascript:` links and foreign images, in its body, JSON and headers) by scenarios whose own
/// names are attacks. Tests/Servers/page_check.py plants traps every injected script would spring
/// and aborts every request to another host; each page must show the payloads as text, run none
/// of them and request nothing from elsewhere, at desktop and phone sizes.
@Suite(.serialized) struct DashboardBrowserTests {
    static let script = "<script>__ronda_pwned()</script>"
    static let image = "<img src=x onerror=__ronda_pwned()>"

    /// A suite of three scenarios against the hostile target, named with attacks.
    static func writeSuite(in dir: String, target: String) throws -> String {
        try FileManager.default.createDirectory(atPath: dir + "/suite", withIntermediateDirectories: true)
        let scenarios = [
            ("html", "/html", "status: 200"),
            ("json", "/json", "json: { $.error: fine }"),
            ("path", "/no-such-page", "status: 200"),
        ]
        for (name, path, expect) in scenarios {
            let text = """
                scenario: '\(name) \(script)'
                description: 'a hostile answer \(image)'
                module: '\(image)'
                steps:
                  - name: 'fetch \(script)'
                    get: \(path)
                    expect: { \(expect) }

                """
            try text.write(toFile: "\(dir)/suite/\(name).yml", atomically: true, encoding: .utf8)
        }
        let config = """
            target:
              base_url: \(target)
            suite: \(dir)/suite
            database: \(dir)/ronda.sqlite

            """
        try config.write(toFile: dir + "/ronda.yml", atomically: true, encoding: .utf8)
        return dir + "/ronda.yml"
    }

    /// The first `"key": "value"` of a JSON array of objects printed by a `--json` command.
    static func first(_ key: String, in output: [UInt8]) throws -> String {
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(output)) as? [[String: Any]])
        return try #require(rows.first?[key] as? String, "no \(key) in \(String(decoding: output, as: UTF8.self))")
    }

    @Test func hostileResultsRenderAsInertTextInChromium() async throws {
        let dir = try Checkout.temporaryDirectory("ronda-browser")
        defer { try? FileManager.default.removeItem(atPath: dir) }

        // The hostile target.
        let target = try ChildProcess(
            "/usr/bin/python3",
            [Checkout.root + "/Tests/Servers/xss_target.py", "--port", "0"],
            environment: [:],
            logPath: dir + "/target.log"
        )
        defer { target.killAndReap() }
        var targetPort: String?
        #expect(
            await eventually(30) {
                targetPort = ServeTests.capture("ready ([0-9]+)", in: target.log)
                return targetPort != nil || target.poll() != nil
            },
            "\(target.log)"
        )
        let config = try Self.writeSuite(in: dir, target: "http://127.0.0.1:\(try #require(targetPort))")

        // Three failing scenarios recorded into SQLite.
        let run = try await runProgramAsync(Checkout.ronda, ["run", "--config", config])
        #expect(run.status == 1, "ronda run: \(String(decoding: run.output, as: UTF8.self))")
        let database = "sqlite:\(dir)/ronda.sqlite"
        let runID = try Self.first(
            "id",
            in: try await runProgramAsync(Checkout.ronda, ["runs", "list", "--json", "--database-url", database]).output
        )
        let fingerprint = try Self.first(
            "fingerprint",
            in: try await runProgramAsync(Checkout.ronda, ["errors", "list", "--json", "--database-url", database])
                .output
        )

        // An operator, and the dashboard over that database.
        let password = "browser-test-\(UUID().uuidString.prefix(12))"
        let added = try await runProgramAsync(
            Checkout.ronda,
            ["user", "add", "admin", "--database-url", database, "--cost", "10"],
            environment: ["RONDA_USER_PASSWORD": password]
        )
        #expect(added.status == 0)
        let dashboard = try ChildProcess(
            Checkout.ronda,
            ["dashboard", "--database-url", database, "--port", "0", "--status-page"],
            environment: [:],
            logPath: dir + "/dashboard.log"
        )
        defer { dashboard.killAndReap() }
        var port: String?
        #expect(
            await eventually(60) {
                port = ServeTests.capture("listening on http://127.0.0.1:([0-9]+)", in: dashboard.log)
                return port != nil || dashboard.poll() != nil
            },
            "\(dashboard.log)"
        )
        let base = "http://127.0.0.1:\(try #require(port))"

        // Chromium through Playwright (ops/pages.sh installs both when missing).
        let paths = [
            "/", "/runs", "/runs/\(runID)", "/errors", "/errors/\(fingerprint)", "/scenarios", "/uptime", "/workers",
            "/status", "/coverage",
        ]
        let checked = try await runProgramAsync(
            Checkout.root + "/ops/pages.sh",
            [
                Checkout.root + "/Tests/Servers/page_check.py", "--base", base, "--user", "admin",
                "--password-env", "RONDA_TEST_PASSWORD", "--expect-text", Self.script, "--expect-text", Self.image,
            ] + paths,
            environment: ["RONDA_TEST_PASSWORD": password]
        )
        let output = String(decoding: checked.output, as: UTF8.self)
        #expect(checked.status == 0, "\(output)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(checked.output)) as? [String: Any])
        let pages = try #require(report["pages"] as? [[String: Any]])
        #expect(pages.count == paths.count * 2, "\(output)")  // desktop and phone
        for page in pages {
            let name = "\(page["path"] ?? "?") (\(page["viewport"] ?? "?"))"
            #expect(page["status"] as? Int == 200, "\(name)")
            #expect(page["xss"] as? Int == 0, "\(name): a planted script ran")
            #expect(
                (page["foreign_requests"] as? [String])?.isEmpty == true,
                "\(name): \(page["foreign_requests"] ?? "")"
            )
            #expect(
                (page["dangerous_markup"] as? [String])?.isEmpty == true,
                "\(name): \(page["dangerous_markup"] ?? "")"
            )
            #expect(page["overflow"] as? Bool == false, "\(name) is wider than the screen")
        }
        // The attacks reached the pages and were shown as text: the run report shows the
        // scenario names and the target's excerpts, the error group its scenarios.
        for path in ["/runs/\(runID)", "/errors/\(fingerprint)", "/scenarios"] {
            let shown = pages.filter { $0["path"] as? String == path }.flatMap { $0["found_text"] as? [String] ?? [] }
            #expect(shown.contains(Self.script), "\(path) does not show \(Self.script) as text")
        }
        let runReport = pages.first { $0["path"] as? String == "/runs/\(runID)" }
        #expect(
            (runReport?["found_text"] as? [String])?.contains(Self.image) == true,
            "the run report hides \(Self.image)"
        )
    }
}
