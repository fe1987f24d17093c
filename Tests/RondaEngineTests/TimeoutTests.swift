import Foundation
import HTTPTypes
import Hummingbird
import Logging
import RondaCore
import RondaEngine
import RondaTestSupport
import Testing

@Suite struct TimeoutTests {
    static func healthyRoutes(_ router: Router<BasicRequestContext>, _ log: RequestLog) {
        router.post("/cleanup") { request, _ -> Response in
            try await log.record(request)
            return textResponse("cleaned")
        }
        router.get("/status") { request, _ -> Response in
            try await log.record(request)
            return jsonResponse(#"{"ready":false}"#)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aServerThatNeverAnswersTimesOutTheScenarioAndTeardownStillRuns() async throws {
        let silent = try SilentServer()
        defer { silent.stop() }
        try await withServer(Self.healthyRoutes) { healthy, log in
            let result = try await runScenario(
                """
                scenario: Hanging target
                timeout: 1s
                steps:
                  - name: Ask the silent server
                    get: \(silent.baseURL)/anything
                  - name: Never reached
                    get: /status
                teardown:
                  - name: Clean up
                    post: /cleanup
                    json: { reason: timeout }
                """,
                baseURL: healthy.baseURL
            )
            #expect(result.status == .error)
            #expect(result.errorKind == .timeout)
            #expect(result.failingStep == "Ask the silent server")
            #expect(
                result.errorMessage?.contains("step 'Ask the silent server'") == true,
                "\(result.errorMessage ?? "")"
            )
            #expect(silent.connectionCount >= 1, "the request reached the silent server")
            // The step after the timeout did not run; teardown did, against the healthy server.
            #expect(log.count("/status") == 0)
            #expect(log.count("/cleanup") == 1)
            #expect(log.to("/cleanup").first?.bodyText == #"{"reason":"timeout"}"#)
            let teardown = try #require(result.step("Clean up"))
            #expect(teardown.phase == .teardown)
            #expect(teardown.outcome == .passed)
            #expect(teardown.status == 200)
        }
    }

    /// The retry would wait 10 minutes between attempts; the scenario has 2 seconds. The engine must
    /// end the step with a timeout instead of sleeping (the time limit catches a sleeping engine).
    @Test(.timeLimit(.minutes(1)))
    func aRetryIntervalLongerThanTheRemainingTimeEndsWithATimeout() async throws {
        try await withServer(Self.healthyRoutes) { server, log in
            let result = try await runScenario(
                """
                scenario: Slow retry
                timeout: 2s
                steps:
                  - name: Wait until ready
                    get: /status
                    retry: { until: "json.ready == true", timeout: 3600s, interval: 600s }
                teardown:
                  - name: Clean up
                    post: /cleanup
                """,
                baseURL: server.baseURL
            )
            #expect(result.status == .error)
            #expect(result.errorKind == .timeout)
            #expect(result.failingStep == "Wait until ready")
            #expect(result.errorMessage?.contains("timed out") == true, "\(result.errorMessage ?? "")")
            #expect(log.count("/status") == 1, "one attempt, then no wait")
            #expect(result.step("Wait until ready")?.attempts == 1)
            #expect(log.count("/cleanup") == 1)
        }
    }

    /// A worker stopping hard cancels the scenario's task. Cancelled while it waits to retry, the
    /// step ends as a cancellation — not as a transport error (the target did nothing wrong) —
    /// and at once, not after the interval (the time limit catches a sleeping engine).
    @Test(.timeLimit(.minutes(1)))
    func aRetryWaitCancelledEndsTheStepAsACancellationNotATransportError() async throws {
        try await withServer(Self.healthyRoutes) { server, log in
            let scenario = try parseScenario(
                """
                scenario: Cancelled retry
                timeout: 900s
                steps:
                  - name: Wait until ready
                    get: /status
                    retry: { until: "json.ready == true", timeout: 600s, interval: 300s }
                  - name: Never reached
                    get: /status
                teardown:
                  - name: Clean up
                    post: /cleanup
                """
            )
            let capture = LogCapture()
            let runner = ScenarioRunner(
                configuration: engineConfiguration(server.baseURL),
                logger: capture.logger(level: .debug)
            )
            let running = Task { await runner.run(scenario, runID: "run-1", worker: "test") }
            let waiting = await engineEventually { capture.lines.contains { $0.message == "waiting to retry" } }
            running.cancel()
            let result = await running.value
            #expect(waiting, "the step never logged its retry wait:\n\(capture.text)")
            let line = capture.lines.first { $0.message == "waiting to retry" }
            #expect(line?.metadata["scenario"] == "Cancelled retry")
            #expect(line?.metadata["step"] == "Wait until ready")
            #expect(line?.metadata["interval"] == "300 s")
            #expect(result.status == .error)
            #expect(result.errorKind == .cancelled)
            #expect(result.failingStep == "Wait until ready")
            #expect(
                result.errorMessage == "step 'Wait until ready': cancelled while waiting to retry (after 1 attempt)"
            )
            #expect(result.trace == nil)
            let step = try #require(result.step("Wait until ready"))
            #expect(step.outcome == .errored)
            #expect(step.attempts == 1)
            #expect(step.error == "cancelled while waiting to retry (after 1 attempt)")
            #expect(log.count("/status") == 1, "one attempt; the cancelled wait sends nothing more")
            #expect(result.step("Never reached") == nil)
        }
    }

    /// Cancelled while its request is on the wire (the server never answers), the step ends as a
    /// cancellation too, not a transport error.
    @Test(.timeLimit(.minutes(1)))
    func aRequestCancelledInFlightEndsTheStepAsACancellation() async throws {
        let silent = try SilentServer()
        defer { silent.stop() }
        let scenario = try parseScenario(
            """
            scenario: Cancelled request
            timeout: 300s
            steps:
              - name: Ask
                get: /never
            """
        )
        let runner = ScenarioRunner(configuration: engineConfiguration(silent.baseURL))
        let running = Task { await runner.run(scenario, runID: "run-1", worker: "test") }
        await silent.waitForConnection()
        running.cancel()
        let result = await running.value
        #expect(result.status == .error)
        #expect(
            result.errorKind == .cancelled,
            "\(result.errorKind.map { "\($0)" } ?? "nil"): \(result.errorMessage ?? "")"
        )
        #expect(result.failingStep == "Ask")
    }

    @Test(.timeLimit(.minutes(1)))
    func aStepTimeoutShorterThanTheScenarioIsAnErrorOfKindTimeout() async throws {
        let silent = try SilentServer()
        defer { silent.stop() }
        let result = try await runScenario(
            """
            scenario: Step timeout
            timeout: 60s
            steps:
              - name: Quick ask
                get: /slow
                timeout: 500ms
            """,
            baseURL: silent.baseURL
        )
        #expect(result.status == .error)
        #expect(result.errorKind == .timeout)
        #expect(result.failingStep == "Quick ask")
    }
}

/// Polls `condition` until it holds or `seconds` pass; whether it held.
func engineEventually(within seconds: Double = 20, _ condition: () -> Bool) async -> Bool {
    let end = ContinuousClock.now.advanced(by: .seconds(seconds))
    while ContinuousClock.now < end {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}

@Suite struct LargeBodyTests {
    static let size = 50 * 1024 * 1024

    static func routes(_ router: Router<BasicRequestContext>, _ log: RequestLog) {
        router.get("/big") { _, _ in
            let chunkSize = 1024 * 1024
            let chunk = ByteBuffer(repeating: UInt8(ascii: "x"), count: chunkSize)
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain"],
                body: ResponseBody(contentLength: size) { writer in
                    for _ in 0..<(size / chunkSize) { try await writer.write(chunk) }
                    try await writer.finish(nil)
                }
            )
        }
    }

    @Test func aFiftyMegabyteBodyCompletesWithACappedExcerptAndBoundedMemory() async throws {
        try await withServer(Self.routes) { server, _ in
            let before = residentBytes()
            let result = try await runScenario(
                """
                scenario: Big download
                steps:
                  - name: Download
                    get: /big
                    expect:
                      status: 200
                      body: { contains: xxxx }
                """,
                baseURL: server.baseURL
            ) { $0.maxBody = 64 << 20 }  // past the 32 MiB default
            let grown = residentBytes() - before
            #expect(result.status == .pass, "\(result.errorMessage ?? "")")
            let step = try #require(result.step("Download"))
            let excerpt = try #require(step.responseExcerpt)
            #expect(excerpt.utf8.count < 16 * 1024, "response excerpt is \(excerpt.utf8.count) bytes")
            #expect(excerpt.contains("\(Self.size)"), "the excerpt says how big the body was")
            // Kept whole, the body alone would add its 50 MB; the bound leaves room for what the tests
            // running beside this one allocate meanwhile (≈ 27 MB was seen on a loaded 2-core machine).
            #expect(grown < 40 * 1024 * 1024, "resident size grew by \(grown) bytes for a 50 MB body")
        }
    }
}
