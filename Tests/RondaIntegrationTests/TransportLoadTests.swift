import Foundation
import Hummingbird
import RondaHTTP
import RondaTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The multi transport under load: 1,000 requests in flight at once from one process, and
/// 100,000 in a row without a leak. In the integration phase, not beside the unit tests: they
/// hold thousands of sockets and tens of MB, which would skew the unit tests' resident-size
/// bounds.
@Suite struct TransportLoadTests {
    /// 1,000 requests held open together by the server until all 1,000 have arrived: they can
    /// only all complete if one process really has them in flight at once, on 4 loop threads.
    @Test func aThousandConcurrentRequestsOnFourLoops() async throws {
        raiseDescriptorLimit(to: 8_192)
        let count = 1_000
        let gate = Gate(expected: count)
        let server = try await TestHTTPServer.start { router in
            router.get("/gate") { _, _ -> String in
                await gate.arrive()
                return "through"
            }
        }
        let executor = CurlExecutor(loops: 4)
        let bodies = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<count {
                group.addTask {
                    let session = HTTPSession(executor: executor)
                    defer { session.close() }
                    let request = RondaHTTP.HTTPRequest(
                        url: server.url("/gate"),
                        options: .init(connectTimeout: .seconds(30), totalTimeout: .seconds(120))
                    )
                    return try await session.send(request).bodyText
                }
            }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(bodies.count == count)
        #expect(bodies.allSatisfy { $0 == "through" })
        #expect(await gate.peak == count)
        #expect(executor.transfersInFlight == 0)
        #expect(executor.openHandles == 0)
        await server.stop()
    }

    @Test func aHundredThousandRequestsLeaveNoHandleOrDescriptorBehind() async throws {
        let server = try await TestHTTPServer.start(okRoute)
        let eventLoops = 2
        let executor = CurlExecutor(loops: eventLoops)
        let loops = 16
        let perLoop = 100_000 / loops
        let requestsPerSession = 10
        let failures = await withTaskGroup(of: Int.self) { group in
            for loop in 0..<loops {
                group.addTask {
                    var failures = 0
                    var sent = 0
                    var sessionIndex = 0
                    while sent < perLoop {
                        let session = HTTPSession(executor: executor)
                        // Every other session pools its connections; the rest keep their own.
                        let pooled = (loop + sessionIndex).isMultiple(of: 2)
                        sessionIndex += 1
                        for _ in 0..<min(requestsPerSession, perLoop - sent) {
                            var request = RondaHTTP.HTTPRequest(url: server.url("/ok"))
                            request.options.shareConnections = pooled
                            do {
                                if try await session.send(request).status != 200 { failures += 1 }
                            } catch {
                                failures += 1
                            }
                            sent += 1
                        }
                        session.close()
                    }
                    return failures
                }
            }
            return await group.reduce(0, +)
        }
        #expect(failures == 0)
        #expect(executor.transfersInFlight == 0)
        #expect(executor.openHandles == 0)
        // Sockets of this process connected to the server: only the pooled ones may remain, in
        // each event loop's cache at most one per task that used it at once; every session's own
        // were closed.
        let open = tcpSocketDescriptors(connectedToPort: server.port).count
        #expect(open <= loops * eventLoops, "\(open) sockets to the server are still open")
        #expect(open > 0, "the process-wide pool keeps its connections (and this count sees them)")
        await server.stop()
    }
}

/// A server route `/ok` answering `ok`.
@Sendable func okRoute(_ router: Router<BasicRequestContext>) {
    router.get("/ok") { _, _ in "ok" }
}

/// Holds every arrival until `expected` have arrived, then lets them all through.
actor Gate {
    private let expected: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private var open = false
    /// The most arrivals held at once.
    private(set) var peak = 0

    init(expected: Int) {
        self.expected = expected
    }

    func arrive() async {
        if open { return }
        await withCheckedContinuation { continuation in
            waiting.append(continuation)
            peak = max(peak, waiting.count)
            if waiting.count >= expected {
                open = true
                for waiter in waiting { waiter.resume() }
                waiting.removeAll()
            }
        }
    }
}

/// Raises this process's soft limit on open descriptors to at least `minimum` (up to the hard
/// limit): 1,000 client sockets and the in-process server's 1,000 need more than 1,024.
func raiseDescriptorLimit(to minimum: Int) {
    var limit = rlimit()
    guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < rlim_t(minimum) else { return }
    limit.rlim_cur = min(limit.rlim_max, rlim_t(minimum))
    _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
}
