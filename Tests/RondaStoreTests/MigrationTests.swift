import Foundation
import RondaCore
import RondaTestSupport
import Testing

@testable import RondaStore

@Suite struct MigrationTests {
    @Test(arguments: StoreKind.available)
    func migrateTwiceIsIdempotentAndRecordsVersions(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ async throws in
            let applied = try await store.appliedMigrations()
            #expect(applied.map(\.version) == Migration.all.map(\.version))
            #expect(applied.map(\.name) == Migration.all.map(\.name))

            try await store.migrate()
            try await store.migrate()
            #expect(try await store.appliedMigrations() == applied)
            #expect(try await store.rowCount(.schemaMigrations) == Migration.all.count)
        }
    }

    @Test func knownVersionsAreUniqueAndIncreasing() {
        let versions = Migration.all.map(\.version)
        #expect(versions == versions.sorted())
        #expect(Set(versions).count == versions.count)
        #expect(versions.first == 1)
    }

    @Test(arguments: StoreKind.available)
    func newMigrationIsAppliedOnceOnTopOfExisting(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ async throws in
            let extra = Migration(
                version: 1_000,
                name: "extra table",
                sql: ["CREATE TABLE extra (id TEXT PRIMARY KEY)"]
            )
            try await store.migrate(using: Migration.all + [extra])
            try await store.migrate(using: Migration.all + [extra])  // CREATE TABLE would fail if re-run
            #expect(try await store.appliedMigrations().last?.version == 1_000)
        }
    }

    @Test(arguments: StoreKind.available)
    func failedMigrationIsRolledBack(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ async throws in
            let broken = Migration(
                version: 2_000,
                name: "broken",
                sql: [
                    "CREATE TABLE half_done (id TEXT)",
                    "THIS IS NOT SQL",
                ]
            )
            let error = await #expect(throws: StoreError.self) {
                try await store.migrate(using: Migration.all + [broken])
            }
            #expect(error?.code == .migrationFailed)
            #expect(error?.message.contains("migration 2000 (broken) failed") == true)
            #expect(try await store.rowCount(.schemaMigrations) == Migration.all.count)
            // The table from the first statement is gone: creating it again works.
            let fixed = Migration(version: 2_000, name: "fixed", sql: ["CREATE TABLE half_done (id TEXT)"])
            try await store.migrate(using: Migration.all + [fixed])
        }
    }

    @Test(arguments: StoreKind.available)
    func newerSchemaThanKnownIsRefused(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ async throws in
            let future = Migration(version: 999, name: "from a newer Ronda", sql: ["CREATE TABLE future (id TEXT)"])
            try await store.migrate(using: Migration.all + [future])
            let error = await #expect(throws: StoreError.self) { try await store.migrate() }
            #expect(error?.code == .schemaTooNew)
            #expect(error?.description.contains("schema version 999") == true)
            #expect(error?.description.contains("upgrade Ronda") == true)
        }
    }
}
