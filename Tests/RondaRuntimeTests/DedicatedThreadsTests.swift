import Foundation
import Synchronization
import Testing

@testable import RondaRuntime

/// A context that is not copyable, as hiredis's session is; it counts the jobs it saw.
struct JobCounter: ~Copyable {
    var jobs = 0
    let thread: UInt
}

/// A count shared with jobs on other threads.
final class SharedCount: Sendable {
    private let value = Atomic<Int>(0)

    func add() { value.add(1, ordering: .relaxed) }

    var count: Int { value.load(ordering: .relaxed) }
}

struct DedicatedThreadsTests {
    /// The current OS thread (`pthread_t` is an integer on Linux).
    static func threadID() -> UInt {
        UInt(pthread_self())
    }

    @Test func runReturnsTheResultFromADedicatedThread() async {
        let threads = DedicatedThreads<Void>(count: 2, name: "test.threads") {}
        let caller = Self.threadID()
        let worker = await threads.run { _ in Self.threadID() }
        #expect(worker != nil && worker != caller)
        #expect(await threads.run { _ in 6 * 7 } == 42)
    }

    /// The name the operating system shows (`top -H`, `/proc`): Foundation on Linux drops a
    /// name given before `start()`, so each thread names itself; Linux keeps 15 bytes.
    @Test func theThreadsCarryTheirNamesForTheOperatingSystem() async {
        @Sendable func comm() -> String {
            ((try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? "")
                .trimmingCharacters(in: .newlines)
        }
        let one = DedicatedThreads<Void>(count: 1, name: "test.named") {}
        #expect(await one.run { _ in comm() } == "test.named")
        let many = DedicatedThreads<Void>(count: 12, name: "test.a.long.name") {}
        var names: Set<String> = []
        for _ in 0..<200 { names.insert(await many.run { _ in comm() } ?? "") }
        #expect(names.allSatisfy { $0.hasPrefix("test.a.long.nam") && $0.utf8.count == 15 })
        let short = DedicatedThreads<Void>(count: 3, name: "t") {}
        var shortNames: Set<String> = []
        for _ in 0..<100 { shortNames.insert(await short.run { _ in comm() } ?? "") }
        #expect(shortNames.isSubset(of: ["t.0", "t.1", "t.2"]) && !shortNames.isEmpty)
    }

    @Test func oneThreadRunsJobsInOrderOnItsOwnContext() async {
        let threads = DedicatedThreads<JobCounter>(count: 1, name: "test.single") {
            JobCounter(thread: Self.threadID())
        }
        var seen: [Int] = []
        for _ in 0..<5 {
            if let count = await threads.run({ counter in
                counter.jobs += 1
                return counter.jobs
            }) {
                seen.append(count)
            }
        }
        #expect(seen == [1, 2, 3, 4, 5])
        // Every job runs on the thread that made the context.
        let same = await threads.run { counter in counter.thread == Self.threadID() }
        #expect(same == true)
    }

    @Test func submittedJobsRunFirstInFirstOut() async {
        let threads = DedicatedThreads<Void>(count: 1, name: "test.fifo") {}
        let order = Mutex<[Int]>([])
        for index in 0..<100 {
            #expect(threads.submit { _ in order.withLock { $0.append(index) } })
        }
        // A job queued after the others runs after them on the one thread.
        _ = await threads.run { _ in () }
        #expect(order.withLock { $0 } == Array(0..<100))
    }

    @Test func blockingJobsOccupyOnlyTheirOwnThreads() async {
        let threads = DedicatedThreads<Void>(count: 4, name: "test.parallel") {}
        let release = DispatchSemaphore(value: 0)
        let started = SharedCount()
        // Four jobs block their threads at once; the cooperative pool stays free meanwhile.
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    _ = await threads.run { _ in
                        started.add()
                        release.wait()
                    }
                }
            }
            let end = ContinuousClock.now + .seconds(120)
            while started.count < 4, ContinuousClock.now < end {
                try? await Task.sleep(for: .milliseconds(1))
            }
            #expect(started.count == 4)
            for _ in 0..<4 { release.signal() }
        }
    }

    @Test func shutDownRunsWhatWasQueuedAndRefusesTheRest() async {
        let threads = DedicatedThreads<Void>(count: 1, name: "test.shutdown") {}
        let release = DispatchSemaphore(value: 0)
        let ran = Atomic<Int>(0)
        #expect(
            threads.submit { _ in
                release.wait()
                ran.add(1, ordering: .relaxed)
            }
        )
        #expect(threads.submit { _ in ran.add(1, ordering: .relaxed) })
        threads.shutDown()
        threads.shutDown()  // twice is harmless
        #expect(threads.isShutDown)
        #expect(!threads.submit { _ in ran.add(1, ordering: .relaxed) })
        #expect(await threads.run { _ in 1 } == nil)
        release.signal()
        let end = ContinuousClock.now + .seconds(10)
        while ran.load(ordering: .relaxed) < 2, ContinuousClock.now < end {
            try? await Task.sleep(for: .milliseconds(1))
        }
        #expect(ran.load(ordering: .relaxed) == 2)
    }

    @Test func jobsQueuedBeforeTheReleaseStillRun() async {
        let stopped = Atomic<Int>(0)
        do {
            let threads = DedicatedThreads<Void>(count: 3, name: "test.release") {}
            for _ in 0..<3 { _ = await threads.run { _ in () } }
            // Each thread's last job marks that it is past its queue: after the release,
            // the threads exit (observed through a job queued before the release).
            threads.submit { _ in stopped.add(1, ordering: .relaxed) }
        }
        let end = ContinuousClock.now + .seconds(10)
        while stopped.load(ordering: .relaxed) < 1, ContinuousClock.now < end {
            try? await Task.sleep(for: .milliseconds(1))
        }
        #expect(stopped.load(ordering: .relaxed) == 1, "a job queued before the release still runs")
    }
}
