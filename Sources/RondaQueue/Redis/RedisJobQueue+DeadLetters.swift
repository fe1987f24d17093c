import Foundation

extension RedisJobQueue {
    /// Keeps `message` as the last error of this delivery's entry (`<streamKey>:errors`); the
    /// reclaim script copies it into the dead letter if the job is dead-lettered, and an
    /// acknowledgement deletes it.
    public func noteFailure(_ lease: Lease, _ message: String) async throws {
        guard let token = RedisLeaseToken(lease.token) else { return }
        _ = try await commands.send(["HSET", options.lastErrorKey, token.entryID, message]).checked()
    }

    /// Dead letters after the shared cursor `<streamKey>:dead:recorded`, oldest first. Several
    /// coordinators may read the same ones: recording a result is idempotent.
    public func unrecordedDeadLetters(limit: Int) async throws -> [DeadLetter] {
        let cursor = try await commands.send(["GET", options.deadLetterCursorKey]).checked().string
        // XRANGE with an exclusive start ("(ID") after the cursor.
        let start = cursor.map { "(" + $0 } ?? "-"
        let reply = try await commands.send([
            "XRANGE", options.deadLetterKey, start, "+", "COUNT", String(max(1, limit)),
        ]).checked()
        return (reply.array ?? []).compactMap { entry in
            guard let parts = entry.array, parts.count == 2, let id = parts[0].string else { return nil }
            let fields = parts[1]
            return DeadLetter(
                id: id,
                job: Self.field("job", in: fields).flatMap { try? Self.decode($0) },
                deliveries: Self.field("deliveries", in: fields).flatMap { Int($0) },
                lastError: Self.field("last-error", in: fields),
                reason: Self.field("reason", in: fields)
            )
        }
    }

    /// Moves the shared cursor forward to `id` (never back: a slower coordinator's older id is ignored).
    public func markDeadLettersRecorded(through id: String) async throws {
        _ = try await RedisQueueScripts.advanceCursor.run(
            on: commands,
            keys: [options.deadLetterCursorKey],
            arguments: [id]
        )
    }
}
