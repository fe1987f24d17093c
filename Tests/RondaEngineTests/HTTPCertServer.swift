import RondaTestSupport
import Foundation

/// (A copy of RondaHTTPTests' TLSServer for the engine tests.) `openssl s_server -www` on 127.0.0.1 with a fresh self-signed certificate
/// (CN=localhost, SAN localhost and 127.0.0.1) generated in a temporary directory.
final class HTTPCertServer: Sendable {
    let port: Int
    /// The self-signed certificate, usable as a CA bundle.
    let certificatePath: String
    var baseURL: String { "https://127.0.0.1:\(port)" }
    private let process: Process
    private let directory: URL

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    init() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("ronda-engine-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.directory = directory
        let cert = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        certificatePath = cert
        try Self.run([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
            "-days", "1", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ])

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["s_server", "-accept", "127.0.0.1:0", "-cert", cert, "-key", key, "-www"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = Pipe()
        try process.run()
        self.process = process
        // s_server prints "ACCEPT 127.0.0.1:PORT" once it listens.
        var seen = Data()
        var port: Int?
        while port == nil {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen.append(chunk)
            let text = String(decoding: seen, as: UTF8.self)
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("ACCEPT") }),
               let value = line.split(separator: ":").last.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) {
                port = value
            }
        }
        guard let port else {
            kill(process.processIdentifier, SIGKILL)
            throw Failure(description: "openssl s_server did not start: \(String(decoding: seen, as: UTF8.self))")
        }
        self.port = port
    }

    func stop() {
        if process.isRunning {
            // Not terminate(): the test runner's threads block SIGTERM and a spawned
            // child inherits that mask, so s_server would ignore it and the wait hang.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    private static func run(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "openssl \(arguments.first ?? "") exited with \(process.terminationStatus)")
        }
    }
}
