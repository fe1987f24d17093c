import CCurl
import Dispatch
import RondaTestSupport
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

/// A loop reads answers already waiting before it sends new requests (so requests leave
/// together), but only for a few passes: a transfer whose data never stops arriving must not
/// hold back the requests of the other tasks on its loop.
@Suite struct MultiLoopFairnessTests {
    @Test(.timeLimit(.minutes(1)))
    func aRequestGoesOutWhileAnotherTransferStreamsWithoutPause() async throws {
        let head = Array("HTTP/1.1 200 OK\r\nContent-Length: 1000000000000\r\n\r\n".utf8)
        let streaming = try HTTPHostileServer(
            reply: .trickle(head: head, chunk: Array(repeating: UInt8(ascii: "x"), count: 65_536), pause: .zero)
        )
        defer { streaming.stop() }
        let ok = try HTTPHostileServer(
            reply: .bytes(Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok".utf8))
        )
        defer { ok.stop() }
        let executor = CurlExecutor(loops: 1)
        // A session sends one request at a time: one per stream, and one for the request.
        let streamSessions = (0..<Self.streams).map { _ in HTTPSession(executor: executor) }
        let second = HTTPSession(executor: executor)
        defer {
            for session in streamSessions { session.close() }
            second.close()
        }
        var options = HTTPRequestOptions(totalTimeout: .seconds(120))
        options.maxBody = .max
        // Four streams, so that one of their sockets is nearly always readable.
        let streams = streamSessions.map { session in
            Task { [options] in
                try? await session.send(
                    HTTPRequest(method: "GET", url: streaming.baseURL + "/endless", options: options)
                )
            }
        }
        #expect(await eventually(30) { streaming.repliesStarted == Self.streams })
        // The stream keeps the loop's input ready on every pass; the request must go out anyway.
        // A request held for good would never answer: a deadline turns that into a failure.
        let answer = FirstAnswer()
        Task {
            let response = try? await second.send(HTTPRequest(method: "GET", url: ok.baseURL + "/ok"))
            answer.give(response?.status ?? 0)
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + 30) { answer.give(-1) }
        #expect(await answer.value == 200)
        #expect(executor.transfersInFlight == Self.streams)  // the streams were still running
        for stream in streams {
            stream.cancel()
            _ = await stream.value
        }
    }

    static let streams = 4
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
