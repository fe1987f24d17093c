import Foundation

/// `Tests/Servers/alert_receiver.py`: a real HTTP receiver that records every request it gets
/// (alert channels: Slack, webhook, Sentry, WhatsApp-capable APIs), answering a fixed status.
public struct AlertReceiver: Sendable {
    public struct Request: Sendable {
        public var path: String
        public var method: String
        public var headers: [(String, String)]
        public var body: [UInt8]

        /// The last value of header `name` (case-insensitive).
        public func header(_ name: String) -> String? {
            headers.last { $0.0.lowercased() == name.lowercased() }?.1
        }
    }

    public let process: ChildProcess
    public let port: Int
    /// The JSON-lines file the requests are appended to (a restarted receiver can reuse it).
    public let log: String
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Starts a receiver answering `status` with `body` (or never, with `hang`), on `port` or a free one.
    public static func start(
        status: Int = 200,
        body: String = "ok",
        hang: Bool = false,
        port: Int? = nil,
        log existing: String? = nil
    ) async throws -> AlertReceiver {
        let directory = try Checkout.temporaryDirectory("ronda-alert-receiver")
        let log = existing ?? directory + "/requests.jsonl"
        var arguments = [
            Checkout.root + "/Tests/Servers/alert_receiver.py", log, "--status", "\(status)", "--body", body,
        ]
        if hang { arguments.append("--hang") }
        if let port { arguments += ["--port", "\(port)"] }
        let process = try ChildProcess(
            "/usr/bin/env",
            ["python3"] + arguments,
            environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"],
            logPath: directory + "/out.log"
        )
        let port = try await waitForPrintedPort(process)
        return AlertReceiver(process: process, port: port, log: log)
    }

    /// The requests received so far, in order.
    public func requests() -> [Request] {
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                return nil
            }
            let headers = (object["headers"] as? [[String]] ?? []).map { ($0.first ?? "", $0.dropFirst().first ?? "") }
            return Request(
                path: object["path"] as? String ?? "",
                method: object["method"] as? String ?? "",
                headers: headers,
                body: Array(Data(base64Encoded: object["body"] as? String ?? "") ?? Data())
            )
        }
    }

    public func stop() async {
        process.signal(SIGTERM)
        if await process.wait(timeout: .seconds(5)) == nil { await process.kill9() }
    }
}

/// Waits (polling, up to 120 s) until `process` prints `PORT n`, and returns n.
public func waitForPrintedPort(_ process: ChildProcess) async throws -> Int {
    var port: Int?
    _ = await eventually(120) {
        port = process.log.split(separator: "\n").first { $0.hasPrefix("PORT ") }.flatMap { Int($0.dropFirst(5)) }
        return port != nil || process.poll() != nil
    }
    guard let port else {
        await process.kill9()
        throw ChildProcess.Failure(description: "the receiver did not start: \(process.log)")
    }
    return port
}
