import Foundation
public import RondaCore
import SQLiteNIO

/// An error from a result store, with a message an operator can act on.
///
/// `code` says what kind of failure it was (match on it); `message` says what happened
/// and where, e.g. "cannot open SQLite database at /x/y: permission denied".
public struct StoreError: RondaError {
    /// What kind of failure this is (`StoreError.Code.…`, or `.…` where the type is known).
    public typealias Code = ErrorCode<StoreError>

    public internal(set) var code: ErrorCode<StoreError>
    public internal(set) var message: String
    /// The lower-level error, when there is one (an `SQLiteError`, a `PSQLError`, a file system error).
    public internal(set) var underlying: (any Error)?

    init(_ code: ErrorCode<StoreError>, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }
}

extension StoreError {
    /// Wraps an error thrown while running a statement. Store errors pass through unchanged.
    static func query(_ error: any Error, doing what: String) -> StoreError {
        if let storeError = error as? StoreError { return storeError }
        return StoreError(.query, "SQLite failed while \(what): \(Self.explain(error))", underlying: error)
    }

    /// A short human reading of an SQLite or file-system error.
    static func explain(_ error: any Error) -> String {
        if let sqlite = error as? SQLiteError {
            return "\(sqlite.message) (\(sqlite.reason))"
        }
        if let cocoa = error as? CocoaError, let posix = cocoa.underlying as? POSIXError {
            return Self.posixText(posix.code)
        }
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain, let code = POSIXErrorCode(rawValue: Int32(ns.code)) {
            return Self.posixText(code)
        }
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
            let code = POSIXErrorCode(rawValue: Int32(underlying.code))
        {
            return Self.posixText(code)
        }
        return ns.localizedDescription
    }

    private static func posixText(_ code: POSIXErrorCode) -> String {
        String(cString: strerror(code.rawValue)).lowercased()
    }
}

extension CocoaError {
    fileprivate var underlying: (any Error)? { userInfo[NSUnderlyingErrorKey] as? any Error }
}

extension ErrorCode where Owner == StoreError {
    /// The database file or its directory could not be created or opened.
    public static var cannotOpen: Self { Self("cannotOpen") }
    /// The file exists but is not an SQLite database (or is damaged).
    public static var notADatabase: Self { Self("notADatabase") }
    /// A migration failed; it was rolled back.
    public static var migrationFailed: Self { Self("migrationFailed") }
    /// The database was migrated by a newer Ronda than this one.
    public static var schemaTooNew: Self { Self("schemaTooNew") }
    /// A statement failed.
    public static var query: Self { Self("query") }
    /// A stored value could not be read back (a column held something unexpected).
    public static var decoding: Self { Self("decoding") }
    /// A result names a run that does not exist.
    public static var unknownRun: Self { Self("unknownRun") }
    /// The store was used after `close()`.
    public static var closed: Self { Self("closed") }
    /// The database server cannot be reached (down, refusing connections, or not answering
    /// in time). Transient: retry later with backoff; the same store recovers by itself.
    public static var unavailable: Self { Self("unavailable") }
    /// A database URL (RONDA_DATABASE_URL, `--database-url`) is malformed or unsupported.
    public static var invalidLocation: Self { Self("invalidLocation") }
}
