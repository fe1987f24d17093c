import PostgresNIO
import SQLiteNIO

/// One database connection as the statements written once for both stores see it (error
/// groups, the outbox, quarantine): rows decoded through `Columns`, statements with `?N`
/// parameters. Used inside a store's transaction or serialized operation.
protocol StoreStatements: Sendable {
    func rows(_ sql: String, _ binds: [StoreValue], table: String) async throws -> [Columns]
    func execute(_ sql: String, _ binds: [StoreValue]) async throws
    /// Serializes writers of error groups across processes for the rest of the transaction
    /// (PostgreSQL: a transaction-scoped advisory lock; SQLite's `BEGIN IMMEDIATE` already does).
    func lockErrorGroups() async throws
}

extension StoreStatements {
    func rows(_ sql: String, table: String) async throws -> [Columns] { try await rows(sql, [], table: table) }
}

struct SQLiteStatements: StoreStatements {
    let connection: SQLiteConnection

    func rows(_ sql: String, _ binds: [StoreValue], table: String) async throws -> [Columns] {
        try await connection.query(sql, binds.map(\.sqlite)).map { Columns($0, table: table) }
    }

    func execute(_ sql: String, _ binds: [StoreValue]) async throws {
        _ = try await connection.query(sql, binds.map(\.sqlite))
    }

    func lockErrorGroups() async throws {}
}

struct PostgresStatements: StoreStatements {
    let connection: PostgresConnection

    func rows(_ sql: String, _ binds: [StoreValue], table: String) async throws -> [Columns] {
        try await PostgresStore.rows(connection, sql, binds).map { Columns($0, table: table) }
    }

    func execute(_ sql: String, _ binds: [StoreValue]) async throws {
        try await PostgresStore.execute(connection, sql, binds)
    }

    /// Key: "ronda.eg" as an integer; released at COMMIT or ROLLBACK.
    func lockErrorGroups() async throws {
        try await PostgresStore.execute(connection, "SELECT pg_advisory_xact_lock(7165634297424504679)")
    }
}
