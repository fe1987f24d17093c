import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `openssl s_server -www` on 127.0.0.1 with a fresh self-signed certificate
/// (CN=localhost, SAN localhost and 127.0.0.1) generated in a temporary directory.
public final class TLSServer: Sendable {
    public let port: Int
    /// The self-signed certificate, usable as a CA bundle.
    public let certificatePath: String
    public var baseURL: String { "https://127.0.0.1:\(port)" }
    private let process: ChildProcess
    private let directory: String

    /// Like `init`, off the cooperative pool (key generation and the wait block their thread).
    public static func started() async throws -> TLSServer {
        try await offCooperativePool { try TLSServer() }
    }

    /// Generates the certificate, starts the server and waits (up to 30 s) until it listens.
    public init() throws {
        let directory = try Checkout.temporaryDirectory("ronda-tls")
        self.directory = directory
        let cert = directory + "/cert.pem"
        let key = directory + "/key.pem"
        certificatePath = cert
        let status = try spawnAndWait(
            [
                "/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            ],
            log: directory + "/req.log"
        )
        guard status == 0 else { throw ProgramFailure(description: "openssl req exited with \(status)") }
        let log = directory + "/s_server.log"
        process = try ChildProcess(
            "/usr/bin/openssl",
            ["s_server", "-accept", "127.0.0.1:0", "-cert", cert, "-key", key, "-www"],
            environment: ["PATH": "/usr/bin:/bin"],
            logPath: log
        )
        // s_server prints "ACCEPT 127.0.0.1:PORT" once it listens.
        var port: Int?
        let end = ContinuousClock.now + .seconds(30)
        while port == nil, ContinuousClock.now < end, process.poll() == nil {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("ACCEPT") }) {
                port = line.split(separator: ":").last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            } else {
                Thread.sleep(forTimeInterval: 0.01)
            }
        }
        guard let port else {
            process.killAndReap()
            throw ProgramFailure(description: "openssl s_server did not start: \(process.log)")
        }
        self.port = port
    }

    /// Kills the server (SIGKILL: a child inherits the test runner's blocked SIGTERM) and deletes
    /// the certificate.
    public func stop() {
        process.killAndReap()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
