import Foundation
import Logging
import RondaCore
import RondaTestSupport
import Testing

@testable import RondaStore

/// The durable pause switch on both stores, and PostgreSQL outages logged once each.
struct DistStoreSettingsTests {
    @Test(arguments: StoreKind.available)
    func thePauseSettingIsStoredAndReplaced(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, fixture in
            #expect(try await store.pausedSetting() == nil)
            try await store.setPausedSetting(true)
            #expect(try await store.pausedSetting() == true)
            // Another process sees it; a later write replaces it.
            let other = try await fixture.openAnother()
            #expect(try await other.pausedSetting() == true)
            try await other.setPausedSetting(false)
            try await other.close()
            #expect(try await store.pausedSetting() == false)
            #expect(try await store.setting(named: "unknown") == nil)
        }
    }

    @Test(.enabled(if: TestPostgres.isAvailable), .timeLimit(.minutes(2)))
    func aPostgresOutageIsOneWarningAndItsEndOneInfo() async throws {
        let server = try TestPostgres()
        let url = try await server.makeDatabase()
        guard case .postgres(let location) = try StoreLocation(parsing: url) else {
            throw StoreError(.invalidLocation, "not PostgreSQL")
        }
        let capture = LogCapture()
        let store = try await PostgresStore.open(
            location,
            options: PostgresStore.Options(connectTimeout: .seconds(2), operationTimeout: .seconds(4)),
            logger: capture.logger(label: "ronda.store.postgres", level: .info)
        )
        try await store.migrate()
        for round in 1...2 {
            try await server.stop()
            for _ in 0..<4 { _ = try? await store.runningRuns() }
            try await server.start()
            // A server just started on a loaded machine may miss the store's first 2 s check; the
            // next call checks again (still the same outage: no second warning).
            let answered = await eventually(60) { (try? await store.runningRuns())?.isEmpty == true }
            #expect(answered)
            let warnings = capture.lines.filter { $0.level >= .warning }
            #expect(warnings.count == round, "\(capture.text)")
            #expect(capture.lines.filter { $0.message.description == "PostgreSQL answers again" }.count == round)
        }
        #expect(!capture.lines.contains { $0.level == .info && $0.message.description == "Connection creation failed" })
        try await store.close()
        try await server.stop()
    }
}
