import DemoTarget
import Foundation
import RondaQueue
import RondaTestSupport
import Testing

/// `ronda health`, the containers' health check, run as the image runs it: the `ronda` binary,
/// its settings from the environment and from `*_FILE` secrets.
@Suite(.serialized) struct HealthCommandTests {
    func health(_ arguments: [String], _ environment: [String: String]) async throws -> (Int32?, String) {
        let directory = try Checkout.temporaryDirectory("ronda-health")
        let process = try ChildProcess(
            Checkout.ronda,
            ["health"] + arguments,
            environment: ["PATH": "/usr/bin:/bin", "HOME": directory].merging(environment) { $1 },
            logPath: directory + "/out.log"
        )
        _ = await process.wait(timeout: .seconds(60))
        return (process.exitCode, process.log)
    }

    func secretFile(_ text: String) throws -> String {
        let path = try Checkout.temporaryDirectory("ronda-secret") + "/value"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func theStoreAndAURLFromSecretFilesAreHealthy() async throws {
        let database = try Checkout.temporaryDirectory("ronda-health-db") + "/ronda.sqlite"
        let migrate = try ChildProcess(
            Checkout.ronda,
            ["migrate"],
            environment: ["PATH": "/usr/bin:/bin", "RONDA_DATABASE_URL": "sqlite:\(database)"],
            logPath: database + ".migrate.log"
        )
        _ = await migrate.wait(timeout: .seconds(60))
        #expect(migrate.exitCode == 0, "\(migrate.log)")
        let demo = try await DemoApp.start()
        let (status, log) = try await health(
            ["--url", demo.baseURL + "/health"],
            ["RONDA_DATABASE_URL_FILE": try secretFile("sqlite:\(database)\n")]
        )
        await demo.stop()
        #expect(status == 0, "\(log)")
        #expect(log.contains("ok   store"))
        #expect(log.contains("ok   url"))
    }

    @Test func anUnreachableServerOrAFailingURLFailsNamingTheCheck() async throws {
        let demo = try await DemoApp.start()
        let (status, log) = try await health(
            ["--url", demo.baseURL + "/no-such-page", "--timeout", "3s"],
            [
                "RONDA_DATABASE_URL": "postgres://ronda:pw@127.0.0.1:1/ronda?sslmode=disable",
                "RONDA_REDIS_URL_FILE": try secretFile("redis://127.0.0.1:1/0"),
            ]
        )
        await demo.stop()
        #expect(status == 1, "\(log)")
        #expect(log.contains("FAIL store"))
        #expect(log.contains("FAIL redis"))
        #expect(log.contains("FAIL url: GET \(demo.baseURL)/no-such-page answered 404"))
        #expect(!log.contains(":pw@"))
    }

    @Test func theWorkerCheckLooksForThisHostsHeartbeat() async throws {
        guard TestRedis.isAvailable else { return }
        let redis = try await offCooperativePool { try TestRedis() }
        defer { redis.stop() }
        let control = RedisControlPlane(configuration: try RedisConfiguration(url: redis.url))
        defer { control.close() }
        try await control.heartbeat(
            WorkerInfo(name: "web-7f9c-4242", host: "web-7f9c", concurrency: 4),
            ttl: .seconds(60)
        )
        let mine = try await health(["--worker", "--host", "web-7f9c"], ["RONDA_REDIS_URL": redis.url])
        #expect(mine.0 == 0, "\(mine.1)")
        #expect(mine.1.contains("ok   worker"))
        let other = try await health(["--worker", "--host", "web-7f9"], ["RONDA_REDIS_URL": redis.url])
        #expect(other.0 == 1, "\(other.1)")
        #expect(other.1.contains("FAIL worker: no live heartbeat from a worker named web-7f9-… (1 live elsewhere)"))
    }

    @Test func nothingToCheckOrAConflictingSecretIsAUsageError() async throws {
        let nothing = try await health([], [:])
        #expect(nothing.0 == 2)
        #expect(nothing.1.contains("nothing to check"))
        let both = try await health(
            [],
            ["RONDA_REDIS_URL": "redis://127.0.0.1:1", "RONDA_REDIS_URL_FILE": try secretFile("redis://x")]
        )
        #expect(both.0 == 2)
        #expect(both.1.contains("both RONDA_REDIS_URL and RONDA_REDIS_URL_FILE are set"))
        let missing = try await health([], ["RONDA_REDIS_URL_FILE": "/run/secrets/none"])
        #expect(missing.0 == 2)
        #expect(missing.1.contains("RONDA_REDIS_URL_FILE: cannot read /run/secrets/none"))
        let badURL = try await health(["--url", "ftp://x"], [:])
        #expect(badURL.0 == 2, "\(badURL.1)")
        #expect(badURL.1.contains("must start with http://"))
    }

    /// `RONDA_HTTP_TRANSPORT` picks the transport for every command; a typo stops `ronda`
    /// before it runs anything, and the previous transport still works when asked for.
    @Test func theHTTPTransportComesFromTheEnvironmentAndATypoIsAUsageError() async throws {
        let demo = try await DemoApp.start()
        let threads = try await health(["--url", demo.baseURL + "/health"], ["RONDA_HTTP_TRANSPORT": "threads"])
        let multi = try await health(
            ["--url", demo.baseURL + "/health"],
            ["RONDA_HTTP_TRANSPORT": "multi", "RONDA_HTTP_LOOPS": "2"]
        )
        await demo.stop()
        #expect(threads.0 == 0, "\(threads.1)")
        #expect(multi.0 == 0, "\(multi.1)")
        let typo = try await health(["--url", "http://127.0.0.1:1/"], ["RONDA_HTTP_TRANSPORT": "epoll"])
        #expect(typo.0 == 2)
        #expect(
            typo.1.contains("RONDA_HTTP_TRANSPORT=\"epoll\" is not a transport: use multi (the default) or threads")
        )
        let loops = try await health(["--url", "http://127.0.0.1:1/"], ["RONDA_HTTP_LOOPS": "0"])
        #expect(loops.0 == 2)
        #expect(loops.1.contains("RONDA_HTTP_LOOPS=\"0\" must be a whole number from 1 to 64"))
        let fill = try await health(["--url", "http://127.0.0.1:1/"], ["RONDA_HTTP_LOOP_FILL": "0"])
        #expect(fill.0 == 2)
        #expect(fill.1.contains("RONDA_HTTP_LOOP_FILL=\"0\" must be a whole number from 1 to 4096"))
    }

    /// libcurl's proxy variables still hold (Ronda tells curl "no proxy" once only when none is
    /// set): `http_proxy` sends a request for a host that does not resolve through the proxy,
    /// `no_proxy` exempts a host from it.
    @Test func theProxyVariablesAreHonoured() async throws {
        let demo = try await DemoApp.start()
        let proxied = try await health(
            ["--url", "http://ronda-proxy-test.invalid/health"],
            ["http_proxy": demo.baseURL]
        )
        let exempt = try await health(
            ["--url", demo.baseURL + "/health"],
            ["http_proxy": "http://127.0.0.1:1", "no_proxy": "127.0.0.1"]
        )
        let unreachableProxy = try await health(
            ["--url", demo.baseURL + "/health"],
            ["http_proxy": "http://127.0.0.1:1"]
        )
        await demo.stop()
        #expect(proxied.0 == 0, "\(proxied.1)")
        #expect(exempt.0 == 0, "\(exempt.1)")
        #expect(unreachableProxy.0 != 0, "the request went to the proxy, which is not there: \(unreachableProxy.1)")
    }
}
