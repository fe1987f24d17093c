import Foundation
import RondaTestSupport
import Testing

/// `ronda smoke` against a real topology — redis-server, PostgreSQL, `ronda dashboard` and a
/// `ronda worker` as processes — and against it broken: no worker, no Redis, no dashboard.
@Suite(.enabled(if: TestPostgres.isAvailable && TestRedis.isAvailable, "PostgreSQL or redis-server is missing"))
struct SmokeTests {
    static func smoke(_ base: String, _ extra: [String], environment: [String: String]) async throws -> (Int32, String)
    {
        let answer = try await runProgramAsync(
            Checkout.ronda,
            ["smoke", "--url", base] + extra,
            environment: environment
        )
        return (answer.status, String(decoding: answer.output, as: UTF8.self))
    }

    @Test func passesOnAHealthyTopologyAndNamesWhatBroke() async throws {
        let dir = try Checkout.temporaryDirectory("ronda-smoke")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let redis = try await TestRedis.started(directory: dir)
        defer { redis.stop() }
        let database = try await TestPostgres.freshDatabase()
        try "target:\n  base_url: http://127.0.0.1:1\n".write(
            toFile: dir + "/ronda.yml",
            atomically: true,
            encoding: .utf8
        )
        var environment = ["RONDA_REDIS_URL": redis.url, "RONDA_DATABASE_URL": database, "PATH": "/usr/bin:/bin"]
        if let profile = ProcessInfo.processInfo.environment["LLVM_PROFILE_FILE"] {
            environment["LLVM_PROFILE_FILE"] = profile
        }
        #expect(try await runProgramAsync(Checkout.ronda, ["migrate"], environment: environment).status == 0)
        let dashboard = try ChildProcess(
            Checkout.ronda,
            ["dashboard", "--port", "0"],
            environment: environment,
            logPath: dir + "/dashboard.log"
        )
        defer { dashboard.killAndReap() }
        let worker = try ChildProcess(
            Checkout.ronda,
            ["worker", "--name", "smoke-1", "--config", dir + "/ronda.yml"],
            environment: environment,
            logPath: dir + "/worker.log"
        )
        defer { worker.killAndReap() }
        var port: String?
        #expect(
            await eventually(60) {
                port = ServeTests.capture("listening on http://127.0.0.1:([0-9]+)", in: dashboard.log)
                return port != nil || dashboard.poll() != nil
            },
            "\(dashboard.log)"
        )
        let base = "http://127.0.0.1:\(try #require(port))"

        // Healthy: every check passes once the worker's first heartbeat is in.
        var output = ""
        let healthy = await eventually(60) {
            let (status, text) = (try? await Self.smoke(base, [], environment: environment)) ?? (-1, "")
            output = text
            return status == 0
        }
        #expect(healthy, "\(output)\n\(worker.log)")
        for check in ["health", "metrics", "login-wall", "worker-alive", "queue-round-trip"] {
            #expect(output.contains("ok   \(check) ("), "\(check): \(output)")
        }

        // No worker (a drained worker removes its heartbeat): the worker and round-trip checks fail.
        worker.signal(SIGTERM)
        #expect(await worker.wait(timeout: .seconds(60)) == 0, "\(worker.log)")
        let (noWorker, noWorkerOutput) = try await Self.smoke(base, ["--deadline", "3s"], environment: environment)
        #expect(noWorker == 1)
        #expect(noWorkerOutput.contains("FAIL worker-alive: no live worker"), "\(noWorkerOutput)")
        #expect(noWorkerOutput.contains("FAIL queue-round-trip:"), "\(noWorkerOutput)")
        #expect(noWorkerOutput.contains("ok   health ("), "\(noWorkerOutput)")

        // No Redis: /health says which part is down.
        redis.stop()
        let (noRedis, noRedisOutput) = try await Self.smoke(base, ["--skip-round-trip"], environment: environment)
        #expect(noRedis == 1)
        #expect(noRedisOutput.contains("FAIL health: GET /health: 503"), "\(noRedisOutput)")
        #expect(noRedisOutput.contains("cannot connect to Redis"), "\(noRedisOutput)")

        // No dashboard.
        dashboard.signal(SIGTERM)
        _ = await dashboard.wait(timeout: .seconds(30))
        let (down, downOutput) = try await Self.smoke(base, ["--skip-round-trip"], environment: environment)
        #expect(down == 1)
        #expect(downOutput.contains("FAIL health: GET \(base)/health: could not connect"), "\(downOutput)")
        #expect(downOutput.hasSuffix("smoke: failed: health, metrics, login-wall, worker-alive\n"), "\(downOutput)")
    }
}
