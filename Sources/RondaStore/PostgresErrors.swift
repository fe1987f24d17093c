import Foundation
import PostgresNIO
import RondaCore
import Synchronization

/// Runs an operation with a time limit that holds even when the operation ignores
/// cancellation (a query on a connection whose server stopped answering): at the deadline
/// the caller gets `DeadlineExceeded` and the operation is cancelled and left to finish
/// on its own.
enum Deadline {
    struct Exceeded: Error {
        var timeout: Duration
    }

    static func run<T: Sendable>(_ timeout: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        let race = Race<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                race.begin(continuation)
                let work = Task {
                    do { race.finish(.success(try await operation())) } catch { race.finish(.failure(error)) }
                }
                // Not a sleeping Task: a cancelled `Task.sleep` holds its memory until its
                // deadline, and most of these deadlines are cancelled (see `OneShotTimer`).
                let timer = OneShotTimer(after: timeout) { race.finish(.failure(Exceeded(timeout: timeout))) }
                race.track(work, timer)
            }
        } onCancel: {
            race.finish(.failure(CancellationError()))
        }
    }

    /// The first of (result, timeout, cancellation) resumes the caller; the others are ignored.
    private final class Race<T: Sendable>: Sendable {
        private struct State {
            var continuation: CheckedContinuation<T, any Error>?
            var early: Result<T, any Error>?
            var done = false
            var work: Task<Void, Never>?
            var timer: OneShotTimer?
        }
        private let state = Mutex(State())

        func begin(_ continuation: CheckedContinuation<T, any Error>) {
            let early = state.withLock { state -> Result<T, any Error>? in
                if let early = state.early { state.early = nil; return early }
                state.continuation = continuation
                return nil
            }
            if let early { continuation.resume(with: early) }
        }

        func track(_ work: Task<Void, Never>, _ timer: OneShotTimer) {
            let finished = state.withLock { state in
                if !state.done { (state.work, state.timer) = (work, timer) }
                return state.done
            }
            if finished { work.cancel(); timer.cancel() }
        }

        func finish(_ result: Result<T, any Error>) {
            let (continuation, work, timer) = state.withLock { state in
                guard !state.done else { return (CheckedContinuation<T, any Error>?.none, Task<Void, Never>?.none, OneShotTimer?.none) }
                state.done = true
                if state.continuation == nil { state.early = result }
                return (state.continuation.take(), state.work.take(), state.timer.take())
            }
            work?.cancel()
            timer?.cancel()
            continuation?.resume(with: result)
        }
    }
}

extension PostgresConnector {
    /// Why `error` means the server cannot be reached right now, or `nil` when it is another
    /// kind of failure (a rejected statement, a refused login).
    static func unavailability(_ error: any Error, timeout: Duration) -> String? {
        if error is Deadline.Exceeded {
            return "no answer within \(format(seconds(timeout)))"
        }
        if String(describing: type(of: error)).contains("ConnectionPoolError") {
            return "cannot open a connection (the pool gave up)"
        }
        if let psql = error as? PSQLError {
            switch psql.code {
            case .connectionError:
                return psql.underlying.map(describeConnectionFailure) ?? "cannot connect"
            case .serverClosedConnection, .uncleanShutdown:
                return "the server closed the connection"
            case .clientClosedConnection, .poolClosed:
                return "the connection was closed"
            case .server:
                let state = psql.serverInfo?[.sqlState] ?? ""
                // 08: connection exceptions; 57P0x: shutting down, crashed, starting up;
                // 53300: too many connections.
                if state.hasPrefix("08") || state.hasPrefix("57P") || state == "53300" {
                    return psql.serverInfo?[.message] ?? "the server is not accepting connections"
                }
                return nil
            default:
                return nil
            }
        }
        if error is IOError || error is ChannelError || error is NIOConnectionError {
            return describeConnectionFailure(error)
        }
        return nil
    }

    /// A short reading of a failed connect: "connection refused", "connection timed out after 5 s".
    static func describeConnectionFailure(_ error: any Error) -> String {
        if let io = error as? IOError {
            return String(cString: strerror(io.errnoCode)).lowercased()
        }
        if let connection = error as? NIOConnectionError {
            if let first = connection.connectionErrors.first {
                return describeConnectionFailure(first.error)
            }
            if connection.dnsAError != nil || connection.dnsAAAAError != nil {
                return "cannot resolve host \(connection.host)"
            }
            return "cannot connect to \(connection.host)"
        }
        if let channel = error as? ChannelError {
            if case .connectTimeout(let amount) = channel {
                return "connection timed out after \(format(Double(amount.nanoseconds) / 1e9))"
            }
            return "\(channel)"
        }
        if let psql = error as? PSQLError, let underlying = psql.underlying {
            return describeConnectionFailure(underlying)
        }
        return "\(error)"
    }

    /// A human reading of a PostgreSQL error: the server's message and SQLSTATE, never the
    /// statement's parameters (postgres-nio's own description hides everything).
    static func explain(_ error: any Error) -> String {
        if let storeError = error as? StoreError { return storeError.message }
        if let psql = error as? PSQLError {
            if let info = psql.serverInfo, let message = info[.message] {
                var text = message
                if let detail = info[.detail] { text += " (\(detail))" }
                if let state = info[.sqlState] { text += " [SQLSTATE \(state)]" }
                return text
            }
            switch psql.code {
            case .connectionError:
                return psql.underlying.map(describeConnectionFailure) ?? "cannot connect"
            case .sslUnsupported:
                return "the server does not support TLS (use sslmode=disable or prefer)"
            case .authMechanismRequiresPassword:
                return "the server asks for a password and the URL has none"
            case .unsupportedAuthMechanism:
                return "the server asks for an authentication method postgres-nio does not support"
            default:
                return "\(psql.code)"
            }
        }
        return "\(error)"
    }

    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? "\(Int(seconds)) s" : String(format: "%.1f s", seconds)
    }
}
