import ArgumentParser
import Foundation
import Logging
import RondaCore
import RondaStore

/// Where commands that read results find them: `--database-url` or RONDA_DATABASE_URL (the
/// distributed mode's PostgreSQL, or `sqlite:PATH`), else the embedded mode's SQLite file named
/// by the configuration (`database:`, default .ronda/ronda.sqlite) — so `ronda report`,
/// `ronda errors` and `ronda stats` work after `ronda run` with no server.
struct ResultsStoreOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Configuration file: its 'database:' is used when RONDA_DATABASE_URL is unset.",
            valueName: "file"
        )
    )
    var config: String = "ronda.yml"

    @OptionGroup var store: StoreOptions

    /// Whether results live in a server named by the flag or the environment.
    func isDistributed(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        store.databaseURL != nil || !(environment["RONDA_DATABASE_URL"] ?? "").isEmpty
    }

    /// The configuration when its file exists (defaults otherwise; a named file that is missing is an error).
    func loadConfig() throws -> RondaConfig {
        // Parsed (not made with `init()`): ArgumentParser's wrappers hold no value otherwise.
        try GlobalOptions.parse(["--config", config]).loadConfig(environment: [:])
    }

    /// The store to read, as `StoreOptions` would open it.
    func resolved(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> StoreOptions {
        if isDistributed(environment: environment) { return store }
        let path = try loadConfig().database
        return try StoreOptions.parse(["--database-url", "sqlite:" + path])
    }

    /// Opens the results store, runs `body`, closes it. A missing embedded database says so,
    /// unless `create` (the dashboard and operator accounts start from an empty one).
    func withStore<T: Sendable>(
        logger: Logger,
        create: Bool = false,
        _ body: (any ResultStore) async throws -> T
    ) async throws -> T {
        let options = try resolved()
        if !create, !isDistributed(), let url = options.databaseURL {
            let path = String(url.dropFirst("sqlite:".count))
            guard FileManager.default.fileExists(atPath: path) else {
                throw CLIError(
                    code: .storage,
                    message:
                        "no results yet: \(path) does not exist (run `ronda run` or `ronda demo` first, or set RONDA_DATABASE_URL)"
                )
            }
        }
        return try await options.withStore(logger: logger) { store in
            do { try await store.migrate() } catch {
                throw CLIError(
                    code: .storage,
                    message: "cannot bring the results database up to date: \(error.operatorMessage)"
                )
            }
            return try await body(store)
        }
    }
}
