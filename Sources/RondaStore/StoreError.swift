import Foundation
import SQLiteNIO

/// An error from a result store, with a message an operator can act on.
///
/// `code` says what kind of failure it was (match on it); `message` says what happened
/// and where, e.g. "cannot open SQLite database at /x/y: permission denied".
public struct StoreError: Error, CustomStringConvertible {
    /// What kind of failure. Opaque so new codes can be added without breaking `switch`es.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The database file or its directory could not be created or opened.
        public static let cannotOpen = Code("cannotOpen")
        /// The file exists but is not an SQLite database (or is damaged).
        public static let notADatabase = Code("notADatabase")
        /// A migration failed; it was rolled back.
        public static let migrationFailed = Code("migrationFailed")
        /// The database was migrated by a newer Ronda than this one.
        public static let schemaTooNew = Code("schemaTooNew")
        /// A statement failed.
        public static let query = Code("query")
        /// A stored value could not be read back (a column held something unexpected).
        public static let decoding = Code("decoding")
        /// A result names a run that does not exist.
        public static let unknownRun = Code("unknownRun")
        /// The store was used after `close()`.
        public static let closed = Code("closed")
        /// The database server cannot be reached (down, refusing connections, or not answering
        /// in time). Transient: retry later with backoff; the same store recovers by itself.
        public static let unavailable = Code("unavailable")
        /// A database URL (RONDA_DATABASE_URL, `--database-url`) is malformed or unsupported.
        public static let invalidLocation = Code("invalidLocation")

        public var description: String { name }
    }

    public var code: Code
    public var message: String
    /// The lower-level error, when there is one (an `SQLiteError`, a `PSQLError`, a file system error).
    public var underlying: (any Error)?

    public init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String { message }
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
           let code = POSIXErrorCode(rawValue: Int32(underlying.code)) {
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
