import Foundation
import RondaCore
import RondaTestSupport

extension AlertReceiver.Request {
    var json: JSONValue? { JSONValue.parse(body) }
}

/// `Tests/Servers/smtp_receiver.py` (aiosmtpd): a real SMTP server that records every message.
struct SMTPReceiver {
    enum Mode: String {
        case plain
        case starttls
        case smtps
    }

    struct Message {
        var from: String
        var recipients: [String]
        var data: [UInt8]
        var tls: Bool
        var login: String?
    }

    let process: ChildProcess
    let port: Int
    let log: String

    static func start(
        _ mode: Mode,
        certificate: TestCertificate? = nil,
        user: String? = nil,
        password: String? = nil
    ) async throws -> SMTPReceiver {
        let python = try await NotifyPython.receivers()
        let directory = try Checkout.temporaryDirectory("ronda-smtp-receiver")
        let log = directory + "/messages.jsonl"
        // aiosmtpd cannot listen on port 0, so a free port is picked here; another test may take
        // it between the pick and the bind: then pick again.
        var attempt = 0
        while true {
            attempt += 1
            let port = try freePort()
            var arguments = [
                Checkout.root + "/Tests/Servers/smtp_receiver.py", log, "--port", "\(port)", "--mode", mode.rawValue,
            ]
            if let certificate { arguments += ["--cert", certificate.certificate, "--key", certificate.key] }
            if let user, let password { arguments += ["--user", user, "--password", password] }
            let process = try ChildProcess(
                python,
                arguments,
                environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"],
                logPath: directory + "/out-\(attempt).log"
            )
            do {
                _ = try await NotifyPython.waitForPort(process)
                return SMTPReceiver(process: process, port: port, log: log)
            } catch  where attempt < 5 && process.log.contains("address already in use") {
                continue
            }
        }
    }

    func messages() -> [Message] {
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            guard let json = JSONValue.parse(String(line)) else { return nil }
            return Message(
                from: json["mail_from"]?.stringValue ?? "",
                recipients: (json["rcpt_tos"]?.arrayValue ?? []).compactMap(\.stringValue),
                data: Array(Data(base64Encoded: json["data"]?.stringValue ?? "") ?? Data()),
                tls: json["tls"] == .bool(true),
                login: json["login"]?.stringValue
            )
        }
    }

    func stop() async {
        process.signal(SIGTERM)
        if await process.wait(timeout: .seconds(5)) == nil { await process.kill9() }
    }
}

/// A self-signed certificate for 127.0.0.1 made with `openssl req -x509`.
struct TestCertificate {
    let certificate: String
    let key: String

    static func make() async throws -> TestCertificate {
        let directory = try Checkout.temporaryDirectory("ronda-smtp-cert")
        let certificate = directory + "/cert.pem"
        let key = directory + "/key.pem"
        let result = try await runProgramAsync(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate, "-days", "1",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
            ]
        )
        guard result.status == 0 else { throw ChildProcess.Failure(description: "openssl req failed") }
        return TestCertificate(certificate: certificate, key: key)
    }
}

/// The receivers' Python (.build-tools/receivers, made by ops/receivers.sh) and the checks run with it.
enum NotifyPython {
    static var path: String { Checkout.root + "/.build-tools/receivers/bin/python" }

    /// The venv's python, installing it first when it is missing.
    static func receivers() async throws -> String {
        if FileManager.default.isExecutableFile(atPath: path) { return path }
        let directory = try Checkout.temporaryDirectory("ronda-receivers")
        let child = try ChildProcess(
            "/bin/bash",
            [Checkout.root + "/ops/receivers.sh", "--install"],
            environment: ["PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": NSHomeDirectory()],
            logPath: directory + "/install.log"
        )
        _ = await child.wait(timeout: .seconds(300))
        guard child.exitCode == 0 else {
            throw ChildProcess.Failure(description: "ops/receivers.sh --install failed: \(child.log)")
        }
        return path
    }

    /// Runs `Tests/Servers/check_alert.py` with `arguments`; its exit status and output.
    static func check(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let python = try await receivers()
        let result = try await runProgramAsync(python, [Checkout.root + "/Tests/Servers/check_alert.py"] + arguments)
        return (result.status, String(decoding: result.output, as: UTF8.self))
    }

    /// Writes `bytes` to a fresh temporary file and returns its path.
    static func file(_ bytes: [UInt8], name: String) throws -> String {
        let path = try Checkout.temporaryDirectory("ronda-notify-check") + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Waits (polling, up to 120 s) until `process` prints `PORT n`.
    static func waitForPort(_ process: ChildProcess) async throws -> Int {
        try await waitForPrintedPort(process)
    }
}
