import Foundation
import PostgresNIO

extension PostgresStore {
    /// The advisory lock every migrator takes inside its transaction ("ronda" in ASCII), so
    /// migrators in several processes apply each migration once, one after the other.
    static let migrationLock: Int64 = 0x726F_6E64_61

    /// Applies the migrations in `Migration.all` that have not been applied, each in its own
    /// transaction. Safe to call on every start, and from several processes at once.
    /// Fails with `.schemaTooNew` when the database was migrated by a newer Ronda.
    public func migrate() async throws {
        try await migrate(using: Migration.all)
    }

    /// The migrations recorded in the database, oldest first (empty before the first `migrate()`).
    public func appliedMigrations() async throws -> [AppliedMigration] {
        try await withConnection("reading applied migrations") { connection in
            try await Self.transaction(connection) { connection in
                try await Self.lockAndCreateMigrationsTable(connection)
                return try await Self.rows(connection, StoreSQL.appliedMigrations)
                    .map { try AppliedMigration(Columns($0, table: "schema_migrations")) }
            }
        }
    }

    func migrate(using migrations: [Migration]) async throws {
        let migrations = migrations.sorted { $0.version < $1.version }
        let database = location.redacted
        let newestKnown = migrations.last?.version ?? 0
        let newest = try await withConnection("migrating \(database)") { connection in
            do {
                return try await Self.transaction(connection) { connection in
                    try await Self.lockAndCreateMigrationsTable(connection)
                    return try await Self.rows(connection, StoreSQL.newestMigration)
                        .first.flatMap { try Columns($0, table: "schema_migrations").optionalInt("version") }
                }
            } catch {
                if error is StoreError || PostgresConnector.unavailability(error, timeout: .zero) != nil { throw error }
                throw StoreError(
                    .migrationFailed,
                    "cannot create schema_migrations in \(database): \(PostgresConnector.explain(error))",
                    underlying: error
                )
            }
        }
        if let newest, newest > newestKnown {
            throw StoreError(
                .schemaTooNew,
                "the database at \(database) has schema version \(newest), but this Ronda knows versions up to "
                    + "\(newestKnown): upgrade Ronda, or point it at another database"
            )
        }
        for migration in migrations {
            try await apply(migration)
        }
    }

    private static func lockAndCreateMigrationsTable(_ connection: PostgresConnection) async throws {
        try await execute(connection, "SELECT pg_advisory_xact_lock(\(migrationLock))")
        try await execute(connection, StoreSQL.createMigrationsTable)
    }

    /// Applies one migration unless it is recorded already. The check follows the advisory
    /// lock in the same transaction, so a concurrent migrator cannot apply it twice.
    private func apply(_ migration: Migration) async throws {
        let database = location.redacted
        let applied = try await withConnection("applying migration \(migration.version)") { connection in
            do {
                return try await Self.transaction(connection) { connection in
                    try await Self.lockAndCreateMigrationsTable(connection)
                    let existing = try await Self.rows(
                        connection,
                        "SELECT version FROM schema_migrations WHERE version = ?1",
                        [.int(migration.version)]
                    )
                    guard existing.isEmpty else { return false }
                    for statement in migration.sql {
                        try await Self.execute(connection, statement)
                    }
                    try await Self.execute(
                        connection,
                        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
                        [.int(migration.version), .string(migration.name), .date(Date())]
                    )
                    return true
                }
            } catch {
                if error is StoreError || PostgresConnector.unavailability(error, timeout: .zero) != nil { throw error }
                throw StoreError(
                    .migrationFailed,
                    "migration \(migration.version) (\(migration.name)) failed on \(database) and was rolled back: "
                        + PostgresConnector.explain(error),
                    underlying: error
                )
            }
        }
        if applied {
            logger.info(
                "applied migration",
                metadata: [
                    "database": .string(database), "version": .stringConvertible(migration.version),
                    "name": .string(migration.name),
                ]
            )
        }
    }
}
