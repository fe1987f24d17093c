// Queue throughput: no-op jobs through the Redis Streams queue (lease + acknowledge), and end
// to end with the PostgreSQL commit of each result in between. Prints `jobs_per_second=<x>`
// as its last line. bench/distributed.sh runs it beside the Celery reference.
//
//   QueueThroughput --redis-url redis://127.0.0.1:6379 --jobs 20000 --concurrency 32 --mode queue
//   QueueThroughput --redis-url … --database-url postgres://… --jobs 20000 --concurrency 32 --mode e2e
//   QueueThroughput --redis-url … --database-url … --base-url http://127.0.0.1:8080 --jobs 20000 --mode enqueue-only
//     (jobs for `ronda worker` on ronda:jobs: a one-step GET /health scenario, in a run it creates)
import Foundation
import Logging
import RondaCore
import RondaQueue
import RondaStore
import Synchronization

struct Arguments {
    var redisURL = "redis://127.0.0.1:6379"
    var databaseURL: String?
    var jobs = 20_000
    var concurrency = 32
    var mode = "queue"
    var baseURL: String?

    init(_ arguments: [String]) throws {
        var iterator = arguments.makeIterator()
        while let flag = iterator.next() {
            guard let value = iterator.next() else { throw Failure("\(flag) needs a value") }
            switch flag {
            case "--redis-url": redisURL = value
            case "--database-url": databaseURL = value
            case "--base-url": baseURL = value
            case "--jobs": jobs = try Self.positive(value, flag)
            case "--concurrency": concurrency = try Self.positive(value, flag)
            case "--mode":
                guard ["queue", "e2e", "enqueue-only"].contains(value) else {
                    throw Failure("--mode is queue, e2e or enqueue-only")
                }
                mode = value
            default: throw Failure("unknown option \(flag)")
            }
        }
        if mode == "e2e", databaseURL == nil { throw Failure("--mode e2e needs --database-url") }
    }

    static func positive(_ text: String, _ flag: String) throws -> Int {
        guard let number = Int(text), number > 0 else { throw Failure("\(flag) wants a positive whole number") }
        return number
    }
}

struct Failure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Jobs finished so far, shared by the consumer tasks.
final class Counter: Sendable {
    private let count = Atomic<Int>(0)
    var value: Int { count.load(ordering: .relaxed) }
    func increment() { count.add(1, ordering: .relaxed) }
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func main() async throws {
    let arguments = try Arguments(Array(CommandLine.arguments.dropFirst()))
    // enqueue-only feeds real workers, which read ronda:jobs; the others use a stream of their own.
    let stream = arguments.mode == "enqueue-only" ? "ronda:jobs" : "ronda:bench:\(UUID().uuidString.prefix(8))"
    let queue = RedisJobQueue(
        configuration: try RedisConfiguration(url: arguments.redisURL),
        options: .init(streamKey: stream)
    )
    defer { queue.close() }
    var store: (any ResultStore)?
    let runID = UUID().uuidString.lowercased()
    if let url = arguments.databaseURL, arguments.mode != "queue" {
        // A connection per slot, as `ronda worker --concurrency N` opens.
        let opened = try await StoreLocation.open(
            url: url,
            options: PostgresStore.Options(maximumConnections: max(10, arguments.concurrency)),
            logger: Logger(label: "bench")
        )
        try await opened.migrate()
        _ = try await opened.createRun(
            RunRecord(id: runID, trigger: .manual, deadline: Date().addingTimeInterval(3_600))
        )
        store = opened
    }
    let clock = ContinuousClock()
    let enqueueStart = clock.now
    var batch: [Job] = []
    var variables: [String: String] = [:]
    if let baseURL = arguments.baseURL { variables[Job.baseURLVariable] = baseURL }
    for index in 0..<arguments.jobs {
        let name = "noop-\(index)"
        let source =
            arguments.mode == "enqueue-only"
            ? "scenario: \(name)\nmodule: bench\nsteps:\n  - name: Health\n    get: /health\n"
            : ""
        batch.append(Job(runID: runID, scenario: name, source: source, file: "noop.yml", variables: variables))
        if batch.count == 1_000 {
            try await queue.enqueue(batch)
            batch.removeAll(keepingCapacity: true)
        }
    }
    try await queue.enqueue(batch)
    let enqueueTime = seconds(enqueueStart.duration(to: clock.now))
    print(
        "enqueued=\(arguments.jobs) seconds=\(String(format: "%.3f", enqueueTime)) enqueue_per_second=\(String(format: "%.0f", Double(arguments.jobs) / enqueueTime))"
    )
    if arguments.mode == "enqueue-only" {
        print("jobs_per_second=\(String(format: "%.1f", Double(arguments.jobs) / enqueueTime))")
        return
    }
    let done = Counter()
    let writer = store
    let start = clock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for slot in 0..<arguments.concurrency {
            group.addTask {
                // As a worker slot does: the acknowledgement goes out with the next lease.
                var pending: Lease?
                while done.value < arguments.jobs {
                    let lease: Lease?
                    if let finished = pending {
                        lease = try await queue.acknowledge(
                            finished,
                            thenLeaseFor: "bench-\(slot)",
                            wait: .milliseconds(100)
                        )
                        pending = nil
                        done.increment()
                    } else {
                        lease = try await queue.lease(consumer: "bench-\(slot)", wait: .milliseconds(100))
                    }
                    guard let lease else { continue }
                    if let store = writer {
                        _ = try await store.recordResult(
                            ScenarioResult(
                                runID: runID,
                                scenario: lease.job.scenario,
                                module: "bench",
                                priority: .p2,
                                status: .pass,
                                attempt: lease.deliveries,
                                worker: "bench-\(slot)"
                            )
                        )
                    }
                    pending = lease
                }
                if let finished = pending {
                    try await queue.acknowledge(finished)
                    done.increment()
                }
            }
        }
        try await group.waitForAll()
    }
    let elapsed = seconds(start.duration(to: clock.now))
    try? await store?.close()
    print(
        "mode=\(arguments.mode) jobs=\(arguments.jobs) concurrency=\(arguments.concurrency) seconds=\(String(format: "%.3f", elapsed))"
    )
    print("jobs_per_second=\(String(format: "%.1f", Double(arguments.jobs) / elapsed))")
}

do {
    try await main()
} catch {
    FileHandle.standardError.write(Data("QueueThroughput: \(error)\n".utf8))
    exit(2)
}
