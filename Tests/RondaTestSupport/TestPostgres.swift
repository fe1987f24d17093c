import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A throwaway PostgreSQL cluster for tests: `initdb` into a temporary directory, a free
/// port on 127.0.0.1 only, `fsync=off`, and a login role with a password checked by
/// scram-sha-256 (so tests go through real authentication).
///
/// - `TestPostgres.shared()`: one cluster per test process, started on first use and stopped
///   at exit; `makeDatabase()` gives each test a fresh database.
/// - `TestPostgres()`: a dedicated cluster, for tests that `stop()` and `start()` the server
///   (same port, same data directory). Stopped and deleted on `deinit` (and at exit).
///
/// PostgreSQL refuses to run as root: as root, `initdb`, `pg_ctl` and `postgres` run as the
/// `postgres` user through `runuser`, on a directory chowned to it. Child processes are
/// started with `posix_spawn` (output to a log file, no pipes) and reaped with `waitpid`.
public final class TestPostgres: Sendable {
    /// Where the PostgreSQL programs are: `RONDA_TEST_PG_BIN`, or Debian's PostgreSQL 15.
    public static let binDirectory: String =
        ProcessInfo.processInfo.environment["RONDA_TEST_PG_BIN"] ?? "/usr/lib/postgresql/15/bin"

    /// Whether the PostgreSQL programs are installed (tests are skipped only when they are not).
    public static var isAvailable: Bool {
        ["initdb", "pg_ctl", "postgres", "psql"].allSatisfy {
            FileManager.default.isExecutableFile(atPath: "\(binDirectory)/\($0)")
        }
    }

    /// `RONDA_TEST_DATABASE_URL`, when set and not empty: an existing server the tests that only
    /// need a database use (postgres://user:password@host:port/db, the role with CREATEDB).
    /// Tests that stop and start the server always start their own.
    public static var externalURL: String? {
        ProcessInfo.processInfo.environment["RONDA_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A fresh, empty database for one test, and its URL: on `RONDA_TEST_DATABASE_URL`'s server
    /// when set, else on the cluster shared by this test process (`shared()`).
    public static func freshDatabase() async throws -> String {
        guard let external = externalURL else { return try await shared().makeDatabase() }
        guard var parts = URLComponents(string: external), parts.scheme == "postgres" || parts.scheme == "postgresql"
        else {
            throw Failure(description: "RONDA_TEST_DATABASE_URL must be postgres://user:password@host:port/db")
        }
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let log = NSTemporaryDirectory() + "ronda-test-psql-\(name).log"
        defer { try? FileManager.default.removeItem(atPath: log) }
        let status = try await offCooperativePool {
            try spawnAndWait(
                [
                    "\(binDirectory)/psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", external, "-c",
                    "CREATE DATABASE \(name)",
                ],
                log: log
            )
        }
        guard status == 0 else {
            let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            throw Failure(
                description: "CREATE DATABASE on RONDA_TEST_DATABASE_URL failed (status \(status)): \(output)"
            )
        }
        parts.path = "/" + name
        return parts.string ?? external
    }

    /// Why PostgreSQL tests cannot run here, for skip messages.
    public static var unavailableReason: String {
        "PostgreSQL 15 programs not found in \(binDirectory) (apt-get install postgresql-15, or set RONDA_TEST_PG_BIN)"
    }

    /// The role tests log in as, with a password that needs percent-encoding in a URL.
    public static let user = "ronda_test"
    public static let password = "s3cr:t/p@ss%word"

    /// The loopback port (chosen again if another process took it while initdb ran).
    public var port: Int { portBox.withLock { $0 } }
    private let portBox: Mutex<Int>
    /// The temporary directory: data, sockets, logs.
    public let directory: String
    private var dataDirectory: String { directory + "/data" }
    private var logFile: String { directory + "/server.log" }
    private let isRunning = Mutex(false)

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Creates and starts a dedicated cluster.
    public init() throws {
        guard Self.isAvailable else { throw Failure(description: Self.unavailableReason) }
        self.portBox = Mutex(try freePort())
        var template = Array("/tmp/ronda-pg-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw Failure(description: "mkdtemp failed: errno \(errno)")
        }
        self.directory = String(cString: made)
        Self.registry.withLock { _ = $0.insert(directory) }
        Self.registerExitHandler()
        do {
            try initialize()
            // The port was free when chosen; in the seconds initdb takes, another test's server may
            // have bound it. Then the server cannot start: choose another port and try again.
            var attempt = 1
            while true {
                do {
                    try startServer()
                    break
                } catch  where attempt < 4 {
                    attempt += 1
                    let next = try freePort()
                    portBox.withLock { $0 = next }
                    try appendSettings("port = \(next)")
                }
            }
            try psql("CREATE ROLE \(Self.user) LOGIN CREATEDB PASSWORD '\(Self.password)'")
        } catch {
            destroy()
            throw error
        }
    }

    deinit { destroy() }

    // MARK: - Shared instance

    private static let sharedInstance = Mutex<Result<TestPostgres, Failure>?>(nil)

    /// The cluster shared by every test of this process, started on first use.
    public static func shared() async throws -> TestPostgres {
        try await offCooperativePool {
            try sharedInstance.withLock { instance in
                if let instance { return try instance.get() }
                let result: Result<TestPostgres, Failure>
                do {
                    result = .success(try TestPostgres())
                } catch {
                    result = .failure(error as? Failure ?? Failure(description: "\(error)"))
                }
                instance = result
                return try result.get()
            }
        }
    }

    // MARK: - Databases

    /// A URL for the login role and `database`, e.g. `postgres://ronda_test:…@127.0.0.1:PORT/db?sslmode=disable`.
    public func url(database: String) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let user = Self.user.addingPercentEncoding(withAllowedCharacters: allowed)!
        let password = Self.password.addingPercentEncoding(withAllowedCharacters: allowed)!
        return "postgres://\(user):\(password)@127.0.0.1:\(port)/\(database)?sslmode=disable"
    }

    /// Creates a fresh, empty database owned by the login role and returns its URL.
    public func makeDatabase() async throws -> String {
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await offCooperativePool { try self.psql("CREATE DATABASE \(name) OWNER \(Self.user)") }
        return url(database: name)
    }

    // MARK: - Server

    /// Stops the server (fast shutdown: sessions are disconnected) and waits until it is gone.
    public func stop() async throws {
        try await offCooperativePool { try self.stopServer() }
    }

    /// Starts the server again on the same port and data directory, and waits until it accepts connections.
    public func start() async throws {
        try await offCooperativePool { try self.startServer() }
    }

    private func initialize() throws {
        let passwordFile = directory + "/superuser-password"
        try "\(UUID().uuidString)\n".write(toFile: passwordFile, atomically: true, encoding: .utf8)
        try chownToPostgres(directory)
        try chownToPostgres(passwordFile)
        try run(
            [
                "initdb", "-D", dataDirectory, "-U", "postgres", "--pwfile=\(passwordFile)",
                "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-locale", "--no-sync",
            ],
            log: directory + "/initdb.log"
        )
        let settings = """

            port = \(port)
            listen_addresses = '127.0.0.1'
            unix_socket_directories = '\(directory)'
            fsync = off
            synchronous_commit = off
            full_page_writes = off
            max_connections = 300
            shared_buffers = 32MB
            password_encryption = 'scram-sha-256'
            """
        try appendSettings(settings)
    }

    /// Appends to postgresql.conf (a later setting overrides an earlier one).
    private func appendSettings(_ settings: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: dataDirectory + "/postgresql.conf"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(("\n" + settings + "\n").utf8))
        try handle.close()
    }

    private func startServer() throws {
        try run(
            ["pg_ctl", "-D", dataDirectory, "-l", logFile, "-w", "-t", "60", "start"],
            log: directory + "/pg_ctl.log"
        )
        isRunning.withLock { $0 = true }
    }

    private func stopServer() throws {
        try run(
            ["pg_ctl", "-D", dataDirectory, "-m", "fast", "-w", "-t", "60", "stop"],
            log: directory + "/pg_ctl.log"
        )
        isRunning.withLock { $0 = false }
    }

    /// Stops the server if it runs and deletes the directory.
    private func destroy() {
        if isRunning.withLock({ $0 }) {
            try? run(["pg_ctl", "-D", dataDirectory, "-m", "immediate", "-w", "stop"], log: "/dev/null")
            isRunning.withLock { $0 = false }
        }
        try? FileManager.default.removeItem(atPath: directory)
        Self.registry.withLock { _ = $0.remove(directory) }
    }

    /// Runs SQL as the superuser over the Unix socket.
    private func psql(_ sql: String) throws {
        try run(
            [
                "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", directory, "-p", String(port), "-U", "postgres",
                "-d", "postgres", "-c", sql,
            ],
            log: directory + "/psql.log",
            asPostgres: false
        )
    }

    // MARK: - Processes

    /// Runs a PostgreSQL program to completion (as `postgres` when we are root), output appended to `log`.
    private func run(_ arguments: [String], log: String, asPostgres: Bool = true) throws {
        var argv = arguments
        argv[0] = "\(Self.binDirectory)/\(argv[0])"
        if asPostgres && getuid() == 0 {
            // From /: the current directory may be unreadable to `postgres`.
            argv = ["/usr/sbin/runuser", "-u", "postgres", "--", "/usr/bin/env", "-C", "/"] + argv
        }
        let status = try spawnAndWait(argv, log: log)
        guard status == 0 else {
            let tail = (try? String(contentsOfFile: log, encoding: .utf8)).map { String($0.suffix(1500)) } ?? ""
            let serverLog =
                (try? String(contentsOfFile: logFile, encoding: .utf8)).map { String($0.suffix(1500)) } ?? ""
            throw Failure(
                description: "\(arguments[0]) exited with status \(status)\n\(tail)\nserver log:\n\(serverLog)"
            )
        }
    }

    private func chownToPostgres(_ path: String) throws {
        guard getuid() == 0 else { return }
        guard let entry = getpwnam("postgres") else {
            throw Failure(description: "no 'postgres' user to run PostgreSQL as")
        }
        guard chown(path, entry.pointee.pw_uid, entry.pointee.pw_gid) == 0 else {
            throw Failure(description: "chown \(path) failed: errno \(errno)")
        }
    }

    // MARK: - Cleanup at exit

    private static let registry = Mutex<Set<String>>([])
    private static let exitHandlerRegistered = Mutex(false)

    private static func registerExitHandler() {
        let first = exitHandlerRegistered.withLock { registered in
            defer { registered = true }
            return !registered
        }
        guard first else { return }
        atexit {
            TestPostgres.stopAllAtExit()
        }
    }

    /// Stops every cluster still registered (the shared one, and any a test leaked) and deletes its directory.
    private static func stopAllAtExit() {
        let directories = registry.withLock { $0 }
        for directory in directories {
            var argv = ["\(binDirectory)/pg_ctl", "-D", directory + "/data", "-m", "immediate", "-w", "stop"]
            if getuid() == 0 { argv = ["/usr/sbin/runuser", "-u", "postgres", "--"] + argv }
            _ = try? spawnAndWait(argv, log: "/dev/null")
            try? FileManager.default.removeItem(atPath: directory)
        }
    }
}
