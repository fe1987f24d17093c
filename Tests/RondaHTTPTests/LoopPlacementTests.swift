import Foundation
import RondaHTTP
import Synchronization
import Testing

/// Where `CurlExecutor.onLoop` places tasks: it fills one loop with `fill` tasks before the next
/// takes any, then gives each new task to the loop holding the fewest; a task runs on its
/// loop's thread, and a finished task frees its place.
@Suite struct LoopPlacementTests {
    /// Opens once; every task waiting on it then goes on.
    final class Latch: Sendable {
        private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

        func wait() async {
            await withCheckedContinuation { continuation in
                let now = state.withLock { state in
                    if !state.open { state.waiters.append(continuation) }
                    return state.open
                }
                if now { continuation.resume() }
            }
        }

        func open() {
            let waiters = state.withLock { state in
                state.open = true
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume() }
        }
    }

    /// The operating system's name of the thread running the caller: a loop names its thread
    /// `ronda.loop.<index>`.
    static func threadName() -> String {
        let comm = (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? "?"
        return comm.trimmingCharacters(in: .newlines)
    }

    /// Starts `count` tasks at once, each placed by `onLoop` and held there until `latch` opens;
    /// returns once every one runs on its loop, with the thread each body started on.
    static func place(
        _ count: Int,
        on executor: CurlExecutor,
        until latch: Latch,
        into group: inout TaskGroup<String>
    ) async -> [String] {
        let (entered, continuation) = AsyncStream.makeStream(of: String.self)
        for _ in 0..<count {
            group.addTask {
                await executor.onLoop {
                    continuation.yield(threadName())
                    await latch.wait()
                    return threadName()
                }
            }
        }
        var names: [String] = []
        for await name in entered {
            names.append(name)
            if names.count == count { break }
        }
        return names
    }

    @Test func aLoopIsFilledBeforeTheNextTakesAnyThenTheLeastHeldTakesEach() async {
        let executor = CurlExecutor(loops: 2, fill: 16)
        let latch = Latch()
        let after = await withTaskGroup(of: String.self) { group in
            // 8 tasks placed at the same time: all on the first loop.
            let first = await Self.place(8, on: executor, until: latch, into: &group)
            #expect(executor.tasksPerLoop == [8, 0])
            #expect(Set(first) == ["ronda.loop.0"])
            // 56 more: the first loop fills to 16, then both take turns, never more than one apart.
            let second = await Self.place(56, on: executor, until: latch, into: &group)
            #expect(executor.tasksPerLoop == [32, 32])
            #expect(second.filter { $0 == "ronda.loop.1" }.count == 32)
            latch.open()
            var after: [String] = []
            for await name in group { after.append(name) }
            return after
        }
        // A body stays on its loop across a suspension, and a finished task frees its place.
        #expect(after.filter { $0 == "ronda.loop.0" }.count == 32)
        #expect(executor.tasksPerLoop == [0, 0])
    }

    @Test func aFillOfOneSpreadsTasksFromTheFirst() async {
        let executor = CurlExecutor(loops: 3, fill: 1)
        let latch = Latch()
        await withTaskGroup(of: String.self) { group in
            _ = await Self.place(1, on: executor, until: latch, into: &group)
            #expect(executor.tasksPerLoop == [1, 0, 0])
            _ = await Self.place(1, on: executor, until: latch, into: &group)
            #expect(executor.tasksPerLoop == [1, 1, 0])
            let names = await Self.place(4, on: executor, until: latch, into: &group)
            #expect(executor.tasksPerLoop == [2, 2, 2])
            #expect(names.filter { $0 == "ronda.loop.2" }.count == 2)
            latch.open()
            for await _ in group {}
        }
        #expect(executor.tasksPerLoop == [0, 0, 0])
    }

    /// A place freed by a finished task is taken again first: the worker's slots stay packed
    /// as scenarios come and go.
    @Test func aFreedPlaceIsTakenBeforeTheNextLoop() async {
        let executor = CurlExecutor(loops: 2, fill: 2)
        let held = Latch()
        await withTaskGroup(of: String.self) { group in
            _ = await Self.place(1, on: executor, until: held, into: &group)
            // A task that ends at once: it held the second place of the first loop.
            let passing = await executor.onLoop { Self.threadName() }
            #expect(passing == "ronda.loop.0")
            #expect(executor.tasksPerLoop == [1, 0])
            let again = await Self.place(1, on: executor, until: held, into: &group)
            #expect(again == ["ronda.loop.0"])
            #expect(executor.tasksPerLoop == [2, 0])
            // A task already on a loop stays there, without counting again.
            let nested = await executor.onLoop { await executor.onLoop { executor.tasksPerLoop } }
            #expect(nested == [2, 1])
            held.open()
            for await _ in group {}
        }
        #expect(executor.tasksPerLoop == [0, 0])
    }

    @Test func theThreadsTransportPlacesNothing() async {
        let executor = CurlExecutor(threads: 1)
        #expect(executor.loopFill == 1)
        let name = await executor.onLoop { executor.tasksPerLoop }
        #expect(name.isEmpty)
    }
}
