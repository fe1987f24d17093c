import CCurl
import Dispatch
import Synchronization
import Testing

@testable import RondaHTTP

/// A task that prefers a loop's executor must run even when that loop has no thread to run it.
@Suite struct MultiLoopFallbackTests {
    @Test(.timeLimit(.minutes(1)))
    func aTaskPreferringAReleasedLoopStillRuns() async {
        var loop: CurlMultiLoop? = CurlMultiLoop(name: "ronda-test-released")
        let executor = loop!.taskExecutor
        loop = nil  // its deinit stops the core; the task below still prefers it
        #expect(loop == nil)
        // A lost job would leave the task suspended forever: the answer is whichever comes first,
        // the task's sum or a deadline, so a regression fails here instead of hanging the suite.
        let answer = FirstAnswer()
        Task(executorPreference: executor) {
            var total = 0
            for i in 1...10 {
                await Task.yield()  // each resumption is a new job on the preferred executor
                total += i
            }
            answer.give(total)
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + 30) { answer.give(-1) }
        let sum = await answer.value
        #expect(sum == 55)
    }

    @Test(.timeLimit(.minutes(1)))
    func aStoppedLoopAnswersATransferWithFailedInit() async throws {
        var loop: CurlMultiLoop? = CurlMultiLoop(name: "ronda-test-stopped")
        let executor = loop!.taskExecutor
        let core = try #require(executor as? CurlMultiLoop.Core)
        loop = nil
        let easy = try #require(CurlEasy.make())
        defer { easy.cleanup() }
        let code = await withCheckedContinuation { continuation in
            core.submit(.init(id: 1, easy: easy, cancel: CancelFlag(), continuation: continuation))
        }
        #expect(code == CURLE_FAILED_INIT)
        #expect(core.inFlight == 0)
    }
}

/// The first of several answers, awaited once.
private final class FirstAnswer: Sendable {
    private let state = Mutex<(answer: Int?, waiter: CheckedContinuation<Int, Never>?)>((nil, nil))

    func give(_ value: Int) {
        let waiter = state.withLock { state -> CheckedContinuation<Int, Never>? in
            guard state.answer == nil else { return nil }
            state.answer = value
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: value)
    }

    var value: Int {
        get async {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state -> Int? in
                    if let answer = state.answer { return answer }
                    state.waiter = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        }
    }
}
