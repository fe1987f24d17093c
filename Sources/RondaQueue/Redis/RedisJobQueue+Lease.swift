import Foundation

/// A Redis lease token: `ENTRY-ID:DELIVERIES:CONSUMER`. Entry ids are `MS-SEQ` (no colon), so
/// the consumer name may contain anything.
struct RedisLeaseToken: Hashable {
    var entryID: String
    var deliveries: Int
    var consumer: String

    init(entryID: String, deliveries: Int, consumer: String) {
        self.entryID = entryID
        self.deliveries = deliveries
        self.consumer = consumer
    }

    init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, let deliveries = Int(parts[1]) else { return nil }
        self.init(entryID: String(parts[0]), deliveries: deliveries, consumer: String(parts[2]))
    }

    var text: String { "\(entryID):\(deliveries):\(consumer)" }
}

extension RedisJobQueue {
    @discardableResult
    func promoteDueJobs(on connection: RedisConnection) async throws(RedisError) -> Int {
        let reply = try await RedisQueueScripts.promote.run(
            on: connection,
            keys: [options.delayedKey, options.streamKey],
            arguments: ["100"]
        )
        return reply.int ?? 0
    }

    /// Reclaims one job idle past the lease time (dead-lettering those delivered too often).
    func reclaim(on connection: RedisConnection, consumer: String) async throws(RedisError) -> Lease? {
        while true {
            let reply = try await withGroup(on: connection) { () async throws(RedisError) -> RedisReply in
                try await RedisQueueScripts.reclaim.run(
                    on: connection,
                    keys: [options.streamKey, options.deadLetterKey, options.reclaimCursorKey, options.lastErrorKey],
                    arguments: [
                        options.group, consumer, String(Int(options.leaseTime.seconds * 1000)),
                        String(options.maxDeliveries),
                    ]
                )
            }
            guard let parts = reply.array else { return nil }
            guard parts.count == 3, let id = parts[0].string, let deliveries = parts[2].int else {
                throw RedisError(code: .unexpectedReply, message: "unexpected reply from the reclaim script")
            }
            if let lease = try await lease(
                id: id,
                fields: parts[1],
                deliveries: deliveries,
                consumer: consumer,
                on: connection
            ) {
                return lease
            }
        }
    }

    /// The XREADGROUP command for one new job, blocking up to `block` (`nil`: do not block).
    func readCommand(consumer: String, block: Duration?) -> [String] {
        var command = ["XREADGROUP", "GROUP", options.group, consumer]
        if let block { command += ["BLOCK", String(max(1, Int(block.seconds * 1000)))] }
        return command + ["COUNT", "1", "STREAMS", options.streamKey, ">"]
    }

    /// The lease in an XREADGROUP reply: `.none` when nothing was read, `.some(nil)` when the
    /// entry did not decode (it went to the dead letters).
    func lease(
        fromRead reply: RedisReply,
        consumer: String,
        on connection: RedisConnection
    ) async throws(RedisError) -> Lease?? {
        // [[key, [[id, [field, value, …]]]]], or nil when the block time passed.
        guard let streams = reply.array, let stream = streams.first?.array, stream.count == 2,
            let entry = stream[1].array?.first?.array, entry.count == 2, let id = entry[0].string
        else { return .none }
        return .some(try await lease(id: id, fields: entry[1], deliveries: 1, consumer: consumer, on: connection))
    }

    /// Reads one new job, blocking up to `block` (`nil`: do not block).
    func readNew(on connection: RedisConnection, consumer: String, block: Duration?) async throws(RedisError) -> Lease?
    {
        let command = readCommand(consumer: consumer, block: block)
        while true {
            let reply = try await withGroup(on: connection) { () async throws(RedisError) -> RedisReply in
                try await connection.send(command, extraTimeout: block ?? .zero)
            }
            switch try await lease(fromRead: reply, consumer: consumer, on: connection) {
            case .none: return nil
            case .some(let lease?): return lease
            case .some(nil): continue  // did not decode: dead-lettered; read the next one
            }
        }
    }

    /// The lease for a delivered entry; an entry whose payload does not decode goes to the dead
    /// letters (with the reason) and yields `nil`.
    private func lease(
        id: String,
        fields: RedisReply,
        deliveries: Int,
        consumer: String,
        on connection: RedisConnection
    ) async throws(RedisError) -> Lease? {
        let payload = Self.field("job", in: fields)
        do {
            guard let payload else { throw RedisError(code: .unexpectedReply, message: "no job field") }
            let job = try Self.decode(payload)
            return Lease(
                job: job,
                token: RedisLeaseToken(entryID: id, deliveries: deliveries, consumer: consumer).text,
                deliveries: deliveries
            )
        } catch {
            _ = try await RedisQueueScripts.deadLetter.run(
                on: connection,
                keys: [options.streamKey, options.deadLetterKey],
                arguments: [options.group, id, payload ?? "", "undecodable job: \(error)"]
            )
            return nil
        }
    }
}
