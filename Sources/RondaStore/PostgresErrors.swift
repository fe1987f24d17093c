import Foundation
import PostgresNIO
import RondaCore
import RondaRuntime

extension PostgresConnector {
    /// Why `error` means the server cannot be reached right now, or `nil` when it is another
    /// kind of failure (a rejected statement, a refused login).
    static func unavailability(_ error: any Error, timeout: Duration) -> String? {
        if error is Deadline.Exceeded {
            return "no answer within \(format(timeout.inSeconds))"
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
