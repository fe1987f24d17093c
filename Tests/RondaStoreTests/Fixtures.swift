import Foundation
import RondaCore
import RondaTestSupport

@testable import RondaStore

/// A directory under the system temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("ronda-store-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// Opens and migrates a store in a fresh temporary directory, runs `body`, then closes the
/// store and deletes the directory (also when `body` throws).
func withStore<T>(
    _ body: (SQLiteStore, TemporaryDirectory) async throws -> T
) async throws -> T {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let store = try await SQLiteStore.open(path: directory.path("data/ronda.sqlite"))
    do {
        try await store.migrate()
        let value = try await body(store, directory)
        try await store.close()
        return value
    } catch {
        try? await store.close()
        throw error
    }
}

/// Times with a binary fraction of a second, so they survive the microsecond text format exactly.
func time(_ offset: Double) -> Date { Date(timeIntervalSince1970: 1_740_000_000 + offset) }

func makeRun(
    id: String = UUID().uuidString,
    trigger: RunTrigger = .manual,
    schedule: String? = nil,
    slot: Date? = nil,
    scenarios: Int = 3,
    startedAt: Date = time(0)
) -> RunRecord {
    RunRecord(
        id: id,
        trigger: trigger,
        schedule: schedule,
        slot: slot,
        totals: RunTotals(scenarios: scenarios),
        startedAt: startedAt,
        deadline: startedAt.addingTimeInterval(600)
    )
}

func makeStep(_ index: Int, outcome: StepOutcome = .passed) -> StepResult {
    StepResult(
        index: index,
        name: "Step \(index)",
        phase: index == 0 ? .login : .main,
        caseLabel: index == 2 ? "row \"b\"" : nil,
        outcome: outcome,
        method: "POST",
        url: "https://app.example/api/items/\(index)?q=1&x=/y",
        status: 201,
        timings: Timings(dns: 0.001, connect: 0.0125, tls: 0.03125, firstByte: 0.25, total: 0.5),
        attempts: 2,
        assertions: [
            AssertionResult(subject: "status", op: "==", expected: "201", actual: "201", passed: true),
            AssertionResult(subject: "json $.total", op: ">", expected: "0", actual: "ünïcødé ✓", passed: false),
        ],
        captures: ["token": "abc", "id": "42", "empty": ""],
        requestExcerpt: "POST /api/items\nAuthorization: [redacted]",
        responseExcerpt: "{\"id\":42}",
        error: index == 1 ? "timeout after 5s" : nil,
        startedAt: time(Double(index) + 0.25)
    )
}

func makeResult(
    runID: String,
    scenario: String = "checkout",
    status: ScenarioOutcome = .pass,
    worker: String = "w1",
    steps: [StepResult] = [makeStep(0), makeStep(1), makeStep(2)]
) -> ScenarioResult {
    ScenarioResult(
        runID: runID,
        scenario: scenario,
        module: "billing",
        priority: .p1,
        tags: ["smoke", "payments"],
        status: status,
        attempt: 2,
        worker: worker,
        stepsExecuted: steps.count,
        stepsPassed: 1,
        failingStep: status == .pass ? nil : "Step 1",
        errorKind: status == .pass ? nil : .assertion,
        errorMessage: status == .pass ? nil : "step 'Step 1': expected status 201, got 500",
        trace: status == .error ? "curl: (28) Operation timed out" : nil,
        startedAt: time(1.5),
        completedAt: time(9.75),
        duration: 8.25,
        responseTime: 0.375,
        steps: steps
    )
}

// MARK: - Both stores

/// The store implementations the contract tests run against.
enum StoreKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite
    case postgres

    var description: String { rawValue }

    /// SQLite always; PostgreSQL when its programs are installed (they are here and in CI;
    /// `PostgresStoreTests` reports the reason when they are not).
    static var available: [StoreKind] { TestPostgres.isAvailable ? [.sqlite, .postgres] : [.sqlite] }
}

/// What the contract tests use beyond `ResultStore` (internal API both stores have).
protocol StoreUnderTest: ResultStore {
    func rowCount(_ table: StoreTable) async throws -> Int
    func migrate(using migrations: [Migration]) async throws
    func appliedMigrations() async throws -> [AppliedMigration]
}

extension SQLiteStore: StoreUnderTest {}
extension PostgresStore: StoreUnderTest {}

/// A store under test and how to open another store on the same database (standing in for
/// another process: its own connections and locks).
struct StoreFixture: Sendable {
    let kind: StoreKind
    /// The SQLite file path or the PostgreSQL URL.
    let location: String
    let openAnother: @Sendable () async throws -> any StoreUnderTest
}

/// Short timeouts so a failing test fails quickly; generous enough for a loaded 2-core machine.
/// Generous limits: the whole suite starts at once on a small machine (servers, Chromium, suite
/// runs), and a store that opens in the first seconds can wait its turn for a CPU. Tests that
/// measure how fast an outage is reported set their own, short limits.
let testPostgresOptions = PostgresStore.Options(connectTimeout: .seconds(20), operationTimeout: .seconds(30))

/// Opens a PostgreSQL store on `url` (not migrated).
func openPostgres(_ url: String, options: PostgresStore.Options = testPostgresOptions) async throws -> PostgresStore {
    guard case .postgres(let location) = try StoreLocation(parsing: url) else {
        throw StoreError(.invalidLocation, "not a PostgreSQL URL")
    }
    return try await PostgresStore.open(location, options: options)
}

/// Opens and migrates a fresh store of `kind` (a new SQLite file, or a new PostgreSQL
/// database on the shared test cluster), runs `body`, then closes it (also when `body` throws).
func withStore<T>(
    _ kind: StoreKind,
    _ body: (any StoreUnderTest, StoreFixture) async throws -> T
) async throws -> T {
    let fixture: StoreFixture
    var directory: TemporaryDirectory?
    switch kind {
    case .sqlite:
        let temporary = try TemporaryDirectory()
        directory = temporary
        let path = temporary.path("data/ronda.sqlite")
        fixture = StoreFixture(kind: kind, location: path) { try await SQLiteStore.open(path: path) }
    case .postgres:
        let url = try await TestPostgres.freshDatabase()
        fixture = StoreFixture(kind: kind, location: url) { try await openPostgres(url) }
    }
    defer { directory?.remove() }
    let store = try await fixture.openAnother()
    do {
        try await store.migrate()
        let value = try await body(store, fixture)
        try await store.close()
        return value
    } catch {
        try? await store.close()
        throw error
    }
}
