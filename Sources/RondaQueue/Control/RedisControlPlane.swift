import Foundation

/// The control plane in Redis, beside the queue:
/// - `ronda:workers:NAME` — a worker's heartbeat (JSON `WorkerInfo`) with a TTL;
/// - `ronda:paused` — `1` while paused, `0` once resumed; absent when never set or lost with
///   Redis's data (workers then read the durable copy in the store);
/// - `ronda:runs:RUN` — present while a run's jobs are in the queue (lost with Redis's data).
public final class RedisControlPlane: ControlPlane {
    public let prefix: String
    private let connection: RedisConnection

    /// Uses `connection` (short commands only; it may be shared with other non-blocking users).
    public init(connection: RedisConnection, prefix: String = "ronda:") {
        self.connection = connection
        self.prefix = prefix
    }

    public convenience init(configuration: RedisConfiguration, prefix: String = "ronda:") {
        self.init(
            connection: RedisConnection(configuration: configuration, name: "ronda.redis.control"),
            prefix: prefix
        )
    }

    public func close() { connection.close() }

    private var workersPrefix: String { prefix + "workers:" }
    private var pausedKey: String { prefix + "paused" }
    private func runKey(_ runID: String) -> String { prefix + "runs:" + runID }

    private static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return String(max(1, seconds * 1_000 + attoseconds / 1_000_000_000_000_000))
    }

    public func heartbeat(_ worker: WorkerInfo, ttl: Duration) async throws {
        let encoder = JSONEncoder()
        // Not .iso8601: that loads ICU time-zone data into every worker.
        encoder.dateEncodingStrategy = .secondsSince1970
        let payload = String(decoding: try encoder.encode(worker), as: UTF8.self)
        _ = try await connection.send(["SET", workersPrefix + worker.name, payload, "PX", Self.milliseconds(ttl)])
            .checked()
    }

    public func removeWorker(named name: String) async throws {
        _ = try await connection.send(["DEL", workersPrefix + name]).checked()
    }

    public func liveWorkers() async throws -> [WorkerInfo] {
        var keys: [String] = []
        var cursor = "0"
        repeat {
            let reply = try await connection.send(["SCAN", cursor, "MATCH", workersPrefix + "*", "COUNT", "1000"])
                .checked()
            guard let parts = reply.array, parts.count == 2, let next = parts[0].string, let found = parts[1].array
            else {
                throw RedisError(code: .unexpectedReply, message: "unexpected reply to SCAN: \(reply)")
            }
            keys += found.compactMap(\.string)
            cursor = next
        } while cursor != "0"
        guard !keys.isEmpty else { return [] }
        let values = try await connection.send(["MGET"] + keys).checked()
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        // A key that expired between SCAN and MGET is nil; a value that does not decode is skipped.
        return (values.array ?? []).compactMap { $0.string }.compactMap { text in
            try? decoder.decode(WorkerInfo.self, from: Data(text.utf8))
        }.sorted { $0.name < $1.name }
    }

    public func setPaused(_ paused: Bool) async throws {
        _ = try await connection.send(["SET", pausedKey, paused ? "1" : "0"]).checked()
    }

    public func isPaused() async throws -> Bool {
        try await pauseSwitch() == .paused
    }

    public func pauseSwitch() async throws -> PauseSwitch {
        switch try await connection.send(["GET", pausedKey]).checked().string {
        case nil: .unknown
        case "0": .running
        default: .paused
        }
    }

    public func restorePause(_ paused: Bool) async throws -> Bool {
        try await connection.send(["SET", pausedKey, paused ? "1" : "0", "NX"]).checked().string == "OK"
    }

    public func markRunEnqueued(_ runID: String, ttl: Duration) async throws {
        _ = try await connection.send(["SET", runKey(runID), "1", "PX", Self.milliseconds(ttl)]).checked()
    }

    public func isRunEnqueued(_ runID: String) async throws -> Bool {
        try await connection.send(["EXISTS", runKey(runID)]).checked().int == 1
    }
}
