import Foundation
import Logging
import RondaCore
import RondaStore
import RondaTestSupport
import Testing

@testable import RondaCLI

/// `ronda run` as a person runs it, against an echo server that returns every secret in every
/// encoding: no form of any secret may reach the terminal, the logs, `--json`, JUnit, the HTML
/// report, the SQLite file or the PostgreSQL database. Each output is searched as bytes and as the
/// text it decodes to (JSON string escapes, XML/HTML entities), so that an escaped leak is found too.
@Suite(.serialized, .enabled(if: TestPostgres.isAvailable, Comment(rawValue: TestPostgres.unavailableReason)))
struct SecretOutputsTests {
    static let reserved = "Pa$$ w0rd/with:reserved&chars=+%\"quoted\""
    static let nonASCII = "contraseña-ñandú-😀-€-long"
    static let environment = ["RONDA_S1": reserved, "RONDA_S2": nonASCII]

    static let scenario = """
        scenario: Echo outputs
        module: security
        priority: P1
        steps:
          - name: Log in
            post: /login
            capture: { set_cookie: { header: Set-Cookie } }
          - name: Echo
            post: /echo
            query: { q: "{{ env.RONDA_S1 }}" }
            headers: { Authorization: "Bearer {{ env.RONDA_S2 }}", X-Partner: "{{ env.RONDA_S1 }}" }
            json: { comment: "{{ env.RONDA_S2 }}", password: "{{ env.RONDA_S1 }}", note: "literal words stay" }
            expect:
              status: 200
              body: { contains: "never-there-{{ env.RONDA_S1 }}" }
        teardown:
          - name: Echo text
            get: /text
            query: { a: "{{ env.RONDA_S1 }}", b: "{{ env.RONDA_S2 }}" }
        """

    @Test func noFormOfASecretReachesAnyOutput() async throws {
        try await EchoServer.with { server in try await check(server) }
    }

    func check(_ server: EchoServer) async throws {
        let dir = try Checkout.temporaryDirectory("ronda-secret-outputs")
        try FileManager.default.createDirectory(atPath: dir + "/scenarios", withIntermediateDirectories: true)
        try Self.scenario.write(toFile: dir + "/scenarios/echo.yml", atomically: true, encoding: .utf8)
        try "target:\n  base_url: \(server.baseURL)\nsuite: scenarios\n".write(
            toFile: dir + "/ronda.yml",
            atomically: true,
            encoding: .utf8
        )
        var env = Self.environment
        env["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let run = try ChildProcess(
            Checkout.ronda,
            [
                "run", "--config", dir + "/ronda.yml", "--json", dir + "/out.json", "--junit", dir + "/out.xml",
                "--database", dir + "/r.sqlite", "--log-level", "trace",
            ],
            environment: env,
            logPath: dir + "/terminal.log"
        )
        _ = await run.wait(timeout: .seconds(120))
        #expect(
            run.exitCode == 1,
            "the run fails on its check: \((try? String(contentsOfFile: dir + "/terminal.log", encoding: .utf8)) ?? "")"
        )

        // Every output, as bytes.
        var outputs: [String: [UInt8]] = [:]
        for name in ["terminal.log", "out.json", "out.xml", "r.sqlite", "r.sqlite-wal"]
        where FileManager.default.fileExists(atPath: dir + "/" + name) {
            outputs[name] = Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name)))
        }
        // The HTML report and PostgreSQL, from what SQLite holds.
        let sqlite = try await SQLiteStore.open(path: dir + "/r.sqlite")
        let json = try JSONSerialization.jsonObject(with: Data(outputs["out.json"] ?? [])) as? [String: Any]
        let runID = try #require((json?["run"] as? [String: Any])?["id"] as? String)
        let record = try #require(try await sqlite.run(id: runID))
        let results = try await sqlite.results(runID: runID)
        try await sqlite.close()
        #expect(results.count == 1)
        outputs["report.html"] = Array(HTMLReport.render(run: record, results: results).utf8)
        outputs["postgres dump"] = try await postgresDump(record, results, dir: dir)

        let cookies = server.sessionCookies
        #expect(cookies.count == 1, "the scenario logged in")
        for (name, bytes) in outputs {
            let decoded = Self.decoded(bytes)
            #expect(decoded.contains("Echo outputs"), "\(name) holds the run (so the search means something)")
            for secret in [Self.reserved, Self.nonASCII] + cookies {
                let leaks = SecretForms.leaks(of: secret, in: bytes) + SecretForms.leaks(of: secret, in: decoded)
                #expect(leaks.isEmpty, "\(name) leaks \(secret.debugDescription) as \(Set(leaks).sorted())")
            }
        }
        let junit = String(decoding: outputs["out.xml"] ?? [], as: UTF8.self)
        #expect(junit.contains("never-there-"), "the JUnit failure says what was expected")
        #expect(Self.decoded(outputs["out.json"] ?? []).contains("literal words stay"), "ordinary values stay readable")
    }

    /// Stores the run in a fresh PostgreSQL database and returns `pg_dump`'s text of it.
    func postgresDump(_ record: RunRecord, _ results: [ScenarioResult], dir: String) async throws -> [UInt8] {
        let url = try await TestPostgres.freshDatabase()
        let store = try await StoreLocation.open(url: url)
        try await store.migrate()
        _ = try await store.createRun(record)
        for result in results { #expect(try await store.recordResult(result)) }
        try await store.close()
        let dump = dir + "/pg.sql"
        let process = try ChildProcess(
            TestPostgres.binDirectory + "/pg_dump",
            ["--dbname=" + url, "--file=" + dump],
            environment: [:],
            logPath: dir + "/pg_dump.log"
        )
        _ = await process.wait(timeout: .seconds(60))
        #expect(process.exitCode == 0, "\((try? String(contentsOfFile: dir + "/pg_dump.log", encoding: .utf8)) ?? "")")
        return Array(try Data(contentsOf: URL(fileURLWithPath: dump)))
    }

    /// The text an output stands for: JSON string escapes and XML/HTML entities decoded.
    static func decoded(_ bytes: [UInt8]) -> String {
        var text = String(decoding: bytes, as: UTF8.self)
        if let data = text.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: data) {
            text += "\n" + strings(in: object).joined(separator: "\n")
        }
        for (entity, char) in [
            ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&apos;", "'"), ("&#39;", "'"), ("&#x27;", "'"),
            ("&#10;", "\n"), ("&amp;", "&"),
        ] {
            text = text.replacingOccurrences(of: entity, with: char)
        }
        return text
    }

    static func strings(in object: Any) -> [String] {
        switch object {
        case let s as String: return [s]
        case let a as [Any]: return a.flatMap(strings(in:))
        case let d as [String: Any]: return d.values.flatMap(strings(in:))
        default: return []
        }
    }
}
