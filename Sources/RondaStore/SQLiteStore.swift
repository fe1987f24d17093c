import Foundation
public import Logging
import SQLiteNIO

/// The embedded result store: one SQLite file (`.ronda/ronda.sqlite` by default).
///
/// One connection, used by one operation at a time: every call waits its turn, so a
/// transaction never interleaves with another call's statements. SQLite work runs on
/// sqlite-nio's thread pool, never on the cooperative pool. The file is in WAL mode
/// (readers in other processes do not block the writer), with foreign keys on and a busy
/// timeout for writers in other processes.
public actor SQLiteStore: ResultStore {
    /// How long a write waits for another process's write lock before failing.
    static let busyTimeoutMilliseconds = 5_000

    public nonisolated let path: String
    let logger: Logger
    let connection: SQLiteConnection
    private var isClosed = false

    // A FIFO lock held across the awaits of one operation (actor methods are re-entrant).
    private var isLocked = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    private init(path: String, connection: SQLiteConnection, logger: Logger) {
        self.path = path
        self.connection = connection
        self.logger = logger
    }

    deinit {
        // A store dropped without `close()` still releases its file handle.
        if !isClosed { _ = connection.close() }
    }

    /// Opens (creating it and its parent directories if needed) the database at `path`.
    /// Call `migrate()` before use.
    public static func open(
        path: String,
        logger: Logger = Logger(label: "ronda.store.sqlite")
    ) async throws -> SQLiteStore {
        let path = NSString(string: path).expandingTildeInPath
        try prepareLocation(path)
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        } catch {
            throw StoreError(
                .cannotOpen,
                "cannot open SQLite database at \(path): \(StoreError.explain(error))",
                underlying: error
            )
        }
        do {
            try await configure(connection)
        } catch {
            try? await connection.close()
            if let sqlite = error as? SQLiteError, sqlite.reason == .notADatabase || sqlite.reason == .corrupt {
                throw StoreError(
                    .notADatabase,
                    "cannot open SQLite database at \(path): the file is not an SQLite database or is damaged "
                        + "(\(sqlite.message)); move it aside or point Ronda at another file",
                    underlying: error
                )
            }
            throw StoreError(
                .cannotOpen,
                "cannot open SQLite database at \(path): \(StoreError.explain(error))",
                underlying: error
            )
        }
        logger.debug("opened result store", metadata: ["path": .string(path)])
        return SQLiteStore(path: path, connection: connection, logger: logger)
    }

    /// Creates the parent directories and checks that the file can be written.
    private static func prepareLocation(_ path: String) throws {
        let files = FileManager.default
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try files.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw StoreError(
                    .cannotOpen,
                    "cannot open SQLite database at \(path): cannot create directory \(directory): "
                        + StoreError.explain(error),
                    underlying: error
                )
            }
        }
        var isDirectory: ObjCBool = false
        if files.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue {
                throw StoreError(.cannotOpen, "cannot open SQLite database at \(path): it is a directory")
            }
            if !files.isWritableFile(atPath: path) {
                throw StoreError(
                    .cannotOpen,
                    "cannot open SQLite database at \(path): permission denied (read-only file)"
                )
            }
        }
        if !files.isWritableFile(atPath: directory.isEmpty ? "." : directory) {
            throw StoreError(
                .cannotOpen,
                "cannot open SQLite database at \(path): permission denied (directory \(directory) is not writable)"
            )
        }
    }

    private static func configure(_ connection: SQLiteConnection) async throws {
        _ = try await connection.query("PRAGMA busy_timeout = \(busyTimeoutMilliseconds)")
        _ = try await connection.query("PRAGMA foreign_keys = ON")
        // Reads the header: fails here (not later) on a file that is not a database.
        _ = try await connection.query("PRAGMA journal_mode = WAL")
        _ = try await connection.query("PRAGMA synchronous = NORMAL")
        _ = try await connection.query("SELECT count(*) FROM sqlite_master")
    }

    public func close() async throws {
        guard !isClosed else { return }
        await acquire()
        defer { release() }
        guard !isClosed else { return }
        isClosed = true
        do {
            try await connection.close()
        } catch {
            throw StoreError.query(error, doing: "closing \(path)")
        }
    }

    // MARK: - Serialization

    private func acquire() async {
        guard isLocked else {
            isLocked = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    private func release() {
        if waiters.isEmpty {
            isLocked = false
        } else {
            waiters.removeFirst().resume()  // hand the lock over; it stays taken
        }
    }

    /// Runs `body` alone on the connection. Errors become `StoreError`s that say what was being done.
    func exclusive<T: Sendable>(_ what: String, _ body: () async throws -> T) async throws -> T {
        guard !isClosed else { throw StoreError(.closed, "the result store at \(path) is closed (while \(what))") }
        await acquire()
        defer { release() }
        guard !isClosed else { throw StoreError(.closed, "the result store at \(path) is closed (while \(what))") }
        do {
            return try await body()
        } catch {
            throw StoreError.query(error, doing: what)
        }
    }

    /// Runs `body` in a transaction; rolls back if it throws. Call inside `exclusive`.
    ///
    /// Writers use `BEGIN IMMEDIATE` (SQLite-only), which takes the write lock up front so two
    /// processes never deadlock upgrading read locks; PostgreSQL would use plain `BEGIN`.
    /// `readOnly` uses a deferred transaction: a consistent snapshot without the write lock.
    func transaction<T: Sendable>(readOnly: Bool = false, _ body: () async throws -> T) async throws -> T {
        try await execute(readOnly ? "BEGIN DEFERRED" : "BEGIN IMMEDIATE")
        do {
            let value = try await body()
            try await execute("COMMIT")
            return value
        } catch {
            do {
                try await execute("ROLLBACK")
            } catch {
                logger.error("rollback failed", metadata: ["path": .string(path), "error": .string("\(error)")])
            }
            throw error
        }
    }

    // MARK: - Statements

    /// Runs one statement and returns its rows. Parameters are written `?1`, `?2`, … (SQLite's
    /// numbered form, which binds by number; `$1` would bind by order of first appearance).
    func query(_ sql: String, _ binds: [StoreValue] = []) async throws -> [SQLiteRow] {
        try await connection.query(sql, binds.map(\.sqlite))
    }

    func execute(_ sql: String, _ binds: [StoreValue] = []) async throws {
        _ = try await connection.query(sql, binds.map(\.sqlite))
    }
}

// MARK: - Binding values

extension StoreValue {
    /// The value as SQLite binds it.
    var sqlite: SQLiteData {
        switch self {
        case .string(let value): value.map { .text($0) } ?? .null
        case .int(let value): value.map { .integer(SQLiteInt64($0)) } ?? .null
        case .double(let value): value.map { .float($0) } ?? .null
        case .date(let value): value.map { .text(Timestamp.text($0)) } ?? .null
        }
    }
}
