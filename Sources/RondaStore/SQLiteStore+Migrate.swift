public import Foundation
import Logging
import SQLiteNIO

/// A migration recorded in `schema_migrations`.
public struct AppliedMigration: Sendable, Hashable {
    public var version: Int
    public var name: String
    public var appliedAt: Date
}

extension SQLiteStore {
    /// Applies the migrations in `Migration.all` that have not been applied, each in its own
    /// transaction. Safe to call on every start, and from several processes at once.
    /// Fails with `.schemaTooNew` when the database was migrated by a newer Ronda.
    public func migrate() async throws {
        try await migrate(using: Migration.all)
    }

    /// The migrations recorded in the database, oldest first (empty before the first `migrate()`).
    public func appliedMigrations() async throws -> [AppliedMigration] {
        try await exclusive("reading applied migrations") {
            try await createMigrationsTable()
            return try await query(StoreSQL.appliedMigrations)
                .map { try AppliedMigration(Columns($0, table: "schema_migrations")) }
        }
    }

    func migrate(using migrations: [Migration]) async throws {
        let migrations = migrations.sorted { $0.version < $1.version }
        try await exclusive("migrating \(path)") {
            do {
                try await createMigrationsTable()
            } catch {
                throw StoreError(
                    .migrationFailed,
                    "cannot create schema_migrations in \(path): \(StoreError.explain(error))",
                    underlying: error
                )
            }
            let newest = try await query(StoreSQL.newestMigration)
                .first?.column("version")?.integer
            let newestKnown = migrations.last?.version ?? 0
            if let newest, Int(newest) > newestKnown {
                throw StoreError(
                    .schemaTooNew,
                    "the database at \(path) has schema version \(newest), but this Ronda knows versions up to "
                        + "\(newestKnown): upgrade Ronda, or point it at another database"
                )
            }
            for migration in migrations {
                try await apply(migration)
            }
        }
    }

    private func createMigrationsTable() async throws {
        try await execute(StoreSQL.createMigrationsTable)
    }

    /// Applies one migration unless it is recorded already. The check is inside the
    /// transaction, so a concurrent migrator in another process cannot apply it twice.
    private func apply(_ migration: Migration) async throws {
        do {
            let applied = try await transaction {
                let existing = try await query(
                    "SELECT version FROM schema_migrations WHERE version = ?1",
                    [.int(migration.version)]
                )
                guard existing.isEmpty else { return false }
                for statement in migration.sql {
                    try await execute(statement)
                }
                try await execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
                    [.int(migration.version), .string(migration.name), .date(Date())]
                )
                return true
            }
            if applied {
                logger.info(
                    "applied migration",
                    metadata: [
                        "path": .string(path), "version": .stringConvertible(migration.version),
                        "name": .string(migration.name),
                    ]
                )
            }
        } catch {
            throw StoreError(
                .migrationFailed,
                "migration \(migration.version) (\(migration.name)) failed on \(path) and was rolled back: "
                    + StoreError.explain(error),
                underlying: error
            )
        }
    }
}
