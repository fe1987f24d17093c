import CCurl
import Synchronization

/// A client that behaves like one browser tab: it owns one libcurl easy handle
/// for its whole life, so it keeps its own cookie jar and its kept-alive
/// connections across requests.
///
/// Requests on one session run one at a time: a second concurrent ``send(_:)``
/// waits for the first to finish. Use one session per simulated user; sessions
/// share nothing, so cookies set for one are never sent by another.
///
/// ```swift
/// let session = HTTPSession()
/// defer { session.close() }
/// let response = try await session.send(HTTPRequest(url: "http://127.0.0.1:8080/login"))
/// ```
public final class HTTPSession: Sendable {
    private struct State {
        var handle: EasyHandle?
        /// The session's own connection cache on the multi transport, made on its first
        /// request that does not share connections; freed after the handle.
        var ownConnections: CurlShare?
        var closed = false
        /// A request (or a cookie read) holds the handle.
        var busy = false
        /// Callers waiting for the handle, in arrival order.
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let executor: CurlExecutor
    private let state: Mutex<State>

    /// Creates a session with an empty cookie jar whose transfers run on `executor`.
    public init(executor: CurlExecutor = .shared) {
        self.executor = executor
        self.state = Mutex(State(handle: executor.takeHandle()))
    }

    deinit {
        // No request can be in flight: each one keeps the session alive.
        let (handle, share) = state.withLock { ($0.handle.take(), $0.ownConnections.take()) }
        if let handle { free(handle, share) }
    }

    /// Sends `request` and returns the final response (after redirects, if followed).
    ///
    /// The transfer runs on the session's ``CurlExecutor``; the calling task only
    /// suspends. Cancelling the task aborts the transfer (at once on the multi transport;
    /// on the threads transport curl checks at least once a second); a send still waiting
    /// for an earlier one on this session waits it out, then fails with `.cancelled`
    /// without sending.
    /// - Throws: ``HTTPClientError``: `.timeout`, `.connectFailed`, `.dns`, `.tls`,
    ///   `.tooManyRedirects`, `.redirectRefused`, `.invalidURL`, `.invalidRequest`, `.decoding`,
    ///   `.bodyTooLarge`, `.notHTTP`, `.headerTooLarge`, `.cancelled` (also after ``close()``)
    ///   or `.transport`. ``HTTPClientError/response`` keeps what arrived when the response had begun.
    public func send(_ request: HTTPRequest) async throws(HTTPClientError) -> HTTPResponse {
        guard let handle = await acquire() else {
            if let reason = ccurl_load_error() {
                // libcurl is loaded on first use; without it no request can go out.
                throw HTTPClientError(
                    code: .transport,
                    message: "cannot send \(request.method) \(request.url): \(String(cString: reason))"
                )
            }
            throw HTTPClientError(
                code: .cancelled,
                message: "cannot send \(request.method) \(request.url): the session was closed"
            )
        }
        defer { release() }
        if Task.isCancelled { throw HTTPClientError.cancelled(request) }
        let transfer = Transfer(request, executor: executor, ownConnections: ownConnections(for: request))
        let result = await withTaskCancellationHandler {
            await transfer.perform(on: handle)
        } onCancel: {
            transfer.cancel()
        }
        return try result.get()
    }

    /// The cookies in the session's jar (CURLINFO_COOKIELIST), expired ones included
    /// until curl next prunes them. Empty after ``close()``.
    public func cookies() async -> [HTTPCookie] {
        guard let handle = await acquire() else { return [] }
        defer { release() }
        // Reading the in-memory jar does no I/O, so it does not need an executor thread.
        return handle.easy.stringList(CURLINFO_COOKIELIST).compactMap(HTTPCookie.init(netscapeLine:))
    }

    /// Ends the session: its cookies and own connections go, and its easy handle goes back to
    /// the executor (its pool on the multi transport, else freed). Idempotent; a request in
    /// flight finishes first, and later ``send(_:)`` calls fail with `.cancelled`.
    public func close() {
        let (handle, share): (EasyHandle?, CurlShare?) = state.withLock { state in
            state.closed = true
            return state.busy ? (nil, nil) : (state.handle.take(), state.ownConnections.take())
        }
        if let handle { free(handle, share) }
    }

    /// Gives the handle back to the executor (its pool, or freed), then frees the session's own
    /// connection cache.
    private func free(_ handle: EasyHandle, _ share: CurlShare?) {
        executor.returnHandle(handle, detachingShare: share != nil)
        share?.free()
    }

    /// The session's own connection cache for `request` on the multi transport, made once;
    /// `nil` when the request pools connections or the transport keeps them in the handle.
    /// Called while holding the handle.
    private func ownConnections(for request: HTTPRequest) -> CurlShare? {
        guard !request.options.shareConnections, executor.transport == .multi else { return nil }
        return state.withLock { state in
            if state.ownConnections == nil { state.ownConnections = CurlShare.makePrivate() }
            return state.ownConnections
        }
    }

    // MARK: One request at a time

    /// Waits for the handle; `nil` once the session is closed.
    private func acquire() async -> EasyHandle? {
        let free = state.withLock { state in
            guard !state.busy else { return false }
            state.busy = true
            return true
        }
        if !free {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let granted = state.withLock { state in
                    if state.busy {
                        state.waiters.append(continuation)
                        return false
                    }
                    state.busy = true
                    return true
                }
                if granted { continuation.resume() }
            }
        }
        // Now the caller holds the handle (busy == true) and must call release().
        let handle = state.withLock { $0.closed ? nil : $0.handle }
        if handle == nil { release() }
        return handle
    }

    /// Hands the handle to the next waiter, or frees it if the session was closed meanwhile.
    private func release() {
        enum Next {
            case resume(CheckedContinuation<Void, Never>)
            case cleanup(EasyHandle, CurlShare?)
            case nothing
        }
        let next: Next = state.withLock { state in
            if !state.waiters.isEmpty {
                return .resume(state.waiters.removeFirst())  // stays busy: ownership passes on
            }
            state.busy = false
            if state.closed, let handle = state.handle.take() { return .cleanup(handle, state.ownConnections.take()) }
            return .nothing
        }
        switch next {
        case .resume(let continuation): continuation.resume()
        case .cleanup(let handle, let share): free(handle, share)
        case .nothing: break
        }
    }
}
