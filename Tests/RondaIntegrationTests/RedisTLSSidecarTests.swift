import Foundation
import RondaQueue
import RondaTestSupport
import Testing

/// A Redis that requires TLS, reached through the stunnel sidecar as docker-compose.yml (profile
/// `redis-tls`) and the Kubernetes docs run it: deploy/stunnel/redis-client.conf, Debian's stunnel,
/// a real redis-server with only a TLS port. Ronda speaks plain Redis to the sidecar.
@Suite(.serialized) struct RedisTLSSidecarTests {
    static let stunnel = "/usr/bin/stunnel4"

    /// A certificate for localhost that is its own CA (made off the cooperative pool: key
    /// generation blocks its thread).
    func certificate(in directory: String, name: String) async throws -> (cert: String, key: String) {
        let cert = directory + "/\(name).pem"
        let key = directory + "/\(name)-key.pem"
        let status = try await offCooperativePool {
            try spawnAndWait(
                [
                    "/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out",
                    cert, "-days", "1", "-subj", "/CN=localhost", "-addext",
                    "subjectAltName=DNS:localhost,IP:127.0.0.1",
                ],
                log: directory + "/\(name)-req.log"
            )
        }
        try #require(status == 0)
        return (cert, key)
    }

    struct Sidecar {
        let redis: ChildProcess
        let stunnel: ChildProcess
        let port: Int

        func stop() {
            stunnel.killAndReap()
            redis.killAndReap()
        }
    }

    /// redis-server listening on TLS only, and stunnel in front of it trusting `trusted`.
    func start(directory: String, trusted: String) async throws -> Sidecar {
        let (cert, key) = try await certificate(in: directory, name: "server")
        let tlsPort = try freePort()
        let redis = try ChildProcess(
            "/usr/bin/redis-server",
            [
                "--port", "0", "--tls-port", "\(tlsPort)", "--bind", "127.0.0.1", "--tls-cert-file", cert,
                "--tls-key-file", key, "--tls-ca-cert-file", cert, "--tls-auth-clients", "no", "--save", "",
                "--appendonly", "no", "--requirepass", "tls-test-pass",
            ],
            environment: ["PATH": "/usr/bin:/bin"],
            logPath: directory + "/redis.log"
        )
        #expect(await eventually(30) { isListening(port: tlsPort) }, "\(redis.log)")
        let plainPort = try freePort()
        let trustedCA = trusted == "server" ? cert : try await certificate(in: directory, name: trusted).cert
        let stunnel = try ChildProcess(
            "/bin/sh",
            [Checkout.root + "/deploy/stunnel/run.sh"],
            environment: [
                "PATH": "/usr/bin:/bin",
                "STUNNEL": Self.stunnel,
                "TMPDIR": directory,
                "REDIS_TLS_HOST": "localhost",
                "REDIS_TLS_PORT": "\(tlsPort)",
                "STUNNEL_ACCEPT": "127.0.0.1:\(plainPort)",
                "STUNNEL_CA_FILE": trustedCA,
            ],
            logPath: directory + "/stunnel.log"
        )
        #expect(await eventually(30) { isListening(port: plainPort) }, "\(stunnel.log)")
        return Sidecar(redis: redis, stunnel: stunnel, port: plainPort)
    }

    func health(_ url: String, directory: String) async throws -> ChildProcess {
        let process = try ChildProcess(
            Checkout.ronda,
            ["health", "--timeout", "5s"],
            environment: ["PATH": "/usr/bin:/bin", "RONDA_REDIS_URL": url],
            logPath: directory + "/health-\(UUID().uuidString.prefix(6)).log"
        )
        _ = await process.wait(timeout: .seconds(60))
        return process
    }

    @Test func theQueueWorksThroughTheSidecarToATLSOnlyRedis() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.stunnel), "ops/setup.sh installs stunnel4")
        let directory = try Checkout.temporaryDirectory("ronda-redis-tls")
        let sidecar = try await start(directory: directory, trusted: "server")
        defer { sidecar.stop() }
        let url = "redis://default:tls-test-pass@127.0.0.1:\(sidecar.port)/0"

        let check = try await health(url, directory: directory)
        #expect(check.exitCode == 0, "\(check.log)\n\(sidecar.stunnel.log)")
        #expect(check.log.contains("ok   redis"))

        // A job through Ronda's queue (hiredis), over the sidecar's TLS.
        let queue = RedisJobQueue(
            configuration: try RedisConfiguration(url: url),
            options: .init(streamKey: "tls:\(UUID().uuidString.prefix(8)):jobs")
        )
        defer { queue.close() }
        let job = Job(runID: "run-tls", scenario: "ping", source: "scenario: ping", file: "ping.yml")
        try await queue.enqueue([job])
        let lease = try #require(try await queue.lease(consumer: "tls-test", wait: .seconds(5)))
        #expect(lease.job == job)
        try await queue.acknowledge(lease)
        #expect(try await queue.stats().pending == 0)
    }

    @Test func aServerCertificateTheSidecarDoesNotTrustIsRefused() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.stunnel), "ops/setup.sh installs stunnel4")
        let directory = try Checkout.temporaryDirectory("ronda-redis-tls-bad")
        let sidecar = try await start(directory: directory, trusted: "other-ca")
        defer { sidecar.stop() }
        let check = try await health("redis://default:tls-test-pass@127.0.0.1:\(sidecar.port)/0", directory: directory)
        #expect(check.exitCode == 1, "\(check.log)")
        #expect(check.log.contains("FAIL redis"))
        #expect(
            await eventually(10) { sidecar.stunnel.log.contains("CERT") || sidecar.stunnel.log.contains("certificate") }
        )
    }

    @Test func aRedissURLExplainsTheSidecar() async throws {
        let directory = try Checkout.temporaryDirectory("ronda-rediss")
        let check = try await health("rediss://default:pw@redis.example.com:6380/0", directory: directory)
        #expect(check.exitCode != 0)
        #expect(check.log.contains("hiredis 0.14, which has no TLS"))
        #expect(check.log.contains("deploy/stunnel/redis-client.conf"))
        #expect(!check.log.contains(":pw@"))
    }
}
