import Foundation
public import RondaCore

/// One scenario of one run, as a worker receives it. Stateless workers need nothing else:
/// the job carries a snapshot of the scenario file and the run's variables.
public struct Job: Sendable, Hashable, Codable {
    /// `RUN_ID/SCENARIO`: the same job has the same id on every delivery.
    public var id: String
    public var runID: String
    public var scenario: String
    /// The text the scenario was validated from when the run was created (a later edit does
    /// not change a running run).
    public var source: String
    /// Where the scenario file was, for messages.
    public var file: String
    /// Variables the run gives every scenario (for example the base URL it targets).
    public var variables: [String: String]
    /// The planned module and priority, for an error result when the snapshot does not load;
    /// `nil` in jobs enqueued by a Ronda that did not send them.
    public var module: String?
    public var priority: Priority?

    /// The variable holding the base URL the run targets (overrides the worker's configuration).
    public static let baseURLVariable = "base_url"

    public init(
        runID: String,
        scenario: String,
        source: String,
        file: String,
        variables: [String: String] = [:],
        module: String? = nil,
        priority: Priority? = nil
    ) {
        self.id = "\(runID)/\(scenario)"
        self.runID = runID
        self.scenario = scenario
        self.source = source
        self.file = file
        self.variables = variables
        self.module = module
        self.priority = priority
    }
}

/// A job handed to one consumer until it is acknowledged or released.
public struct Lease: Sendable, Hashable {
    public var job: Job
    /// The queue's handle for this delivery (a stream entry id in Redis).
    public var token: String
    /// How many times the job has been delivered, this one included.
    public var deliveries: Int

    public init(job: Job, token: String, deliveries: Int) {
        self.job = job
        self.token = token
        self.deliveries = deliveries
    }
}

/// Counts an operator looks at.
public struct QueueStats: Sendable, Hashable {
    public var pending: Int
    public var inFlight: Int
    public var deadLetters: Int

    public init(pending: Int = 0, inFlight: Int = 0, deadLetters: Int = 0) {
        self.pending = pending
        self.inFlight = inFlight
        self.deadLetters = deadLetters
    }
}

/// Where jobs wait for workers. The in-process queue (embedded mode) and Redis Streams
/// (distributed mode) implement the same protocol: lease, then acknowledge only after the
/// result is committed, so a crash re-delivers and the store's unique key absorbs the duplicate.
public protocol JobQueue: Sendable {
    /// Adds jobs at the end of the queue.
    func enqueue(_ jobs: [Job]) async throws

    /// Leases the next job for `consumer`, waiting up to `wait` for one. Returns `nil` when
    /// nothing came in time, or when the queue is closed and empty.
    func lease(consumer: String, wait: Duration) async throws -> Lease?

    /// Extends a lease while its job runs (a heartbeat, called well within the lease time).
    /// Returns `false` when the lease was lost — acknowledged, or reclaimed by another consumer
    /// after it went too long without renewal — so the caller should stop treating it as its own.
    func renew(_ lease: Lease) async throws -> Bool

    /// Removes a leased job for good (its result is committed).
    func acknowledge(_ lease: Lease) async throws

    /// Acknowledges `lease`, then leases the next job for `consumer` as `lease(consumer:wait:)`
    /// does — in one round trip where the queue can (a busy worker's usual step).
    func acknowledge(_ lease: Lease, thenLeaseFor consumer: String, wait: Duration) async throws -> Lease?

    /// Gives a leased job back to be delivered again (the worker is stopping before running it).
    func release(_ lease: Lease) async throws

    /// Counts for operators: waiting, leased, dead-lettered.
    func stats() async throws -> QueueStats

    /// Notes why this delivery of a job ends without a result (cancelled, lease lost), so a
    /// dead letter can say what went wrong last.
    func noteFailure(_ lease: Lease, _ message: String) async throws

    /// Dead letters no coordinator has recorded as results yet, oldest first (up to `limit`).
    func unrecordedDeadLetters(limit: Int) async throws -> [DeadLetter]

    /// Marks the dead letters up to and including `id` as recorded.
    func markDeadLettersRecorded(through id: String) async throws
}

/// A job the queue gave up on: delivered more than its maximum without a result, or undecodable.
public struct DeadLetter: Sendable, Hashable {
    /// The dead-letter entry's id (ordered).
    public var id: String
    /// The job, when its payload decodes.
    public var job: Job?
    /// How many times it was delivered.
    public var deliveries: Int?
    /// The last failure a worker reported for it, if any.
    public var lastError: String?
    /// Why it was dead-lettered without deliveries (an undecodable payload).
    public var reason: String?

    public init(id: String, job: Job?, deliveries: Int? = nil, lastError: String? = nil, reason: String? = nil) {
        self.id = id
        self.job = job
        self.deliveries = deliveries
        self.lastError = lastError
        self.reason = reason
    }
}

extension JobQueue {
    /// Queues that keep no failure notes ignore them.
    public func noteFailure(_ lease: Lease, _ message: String) async throws {}

    /// Queues whose runs' owners see their dead letters (the in-process queue) report none.
    public func unrecordedDeadLetters(limit: Int) async throws -> [DeadLetter] { [] }

    public func markDeadLettersRecorded(through id: String) async throws {}

    /// Acknowledges, then leases: two calls.
    public func acknowledge(_ lease: Lease, thenLeaseFor consumer: String, wait: Duration) async throws -> Lease? {
        try await acknowledge(lease)
        return try await self.lease(consumer: consumer, wait: wait)
    }
}
