public import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A program the tests start (posix_spawn), with its output in a log file, and stop with a
/// signal. Never waits through Foundation's `Process` (whose `waitUntilExit` hung here before).
public final class ChildProcess: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    public let executable: String
    public let arguments: [String]
    public let logPath: String
    private let pidBox = Mutex<pid_t>(0)
    private let statusBox = Mutex<Int32?>(nil)

    /// Starts `executable` with `arguments` and exactly `environment`; stdout and stderr go to `logPath`.
    public init(_ executable: String, _ arguments: [String], environment: [String: String], logPath: String) throws {
        self.executable = executable
        self.arguments = arguments
        self.logPath = logPath
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else of the test process (its sockets, its servers' descriptors) reaches the child.
        closeInheritedDescriptors(&actions)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv + envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard result == 0 else {
            throw Failure(description: "cannot start \(executable): \(String(cString: strerror(result)))")
        }
        pidBox.withLock { $0 = pid }
        ChildRegistry.add(pid)
    }

    public var pid: pid_t { pidBox.withLock { $0 } }

    /// Sends `signal` (no-op once the process was reaped).
    public func signal(_ signal: Int32) {
        let pid = self.pid
        if pid > 0, statusBox.withLock({ $0 }) == nil { kill(pid, signal) }
    }

    /// Reaps the process if it exited; returns its wait status, or `nil` while it runs.
    public func poll() -> Int32? {
        if let status = statusBox.withLock({ $0 }) { return status }
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        guard result == pid else { return nil }
        statusBox.withLock { $0 = status }
        ChildRegistry.remove(pid)
        return status
    }

    /// Waits up to `timeout` for the process to end; returns its wait status, or `nil` on timeout.
    public func wait(timeout: Duration) async -> Int32? {
        let clock = ContinuousClock()
        let end = clock.now.advanced(by: timeout)
        while clock.now < end {
            if let status = poll() { return status }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return poll()
    }

    /// The exit code when the process exited normally, `nil` when a signal ended it or it runs.
    public var exitCode: Int32? {
        guard let status = poll(), status & 0x7f == 0 else { return nil }
        return (status >> 8) & 0xff
    }

    /// SIGKILL and reap.
    public func kill9() async {
        signal(SIGKILL)
        _ = await wait(timeout: .seconds(10))
    }

    /// SIGKILL and reap, blocking the calling thread until the process is gone (for `deinit`s
    /// and synchronous tear-downs; SIGKILL cannot be caught, so this returns promptly).
    public func killAndReap() {
        let pid = self.pid
        guard pid > 0, statusBox.withLock({ $0 }) == nil else { return }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        statusBox.withLock { $0 = status }
        ChildRegistry.remove(pid)
    }

    /// The log so far.
    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    deinit {
        let pid = pidBox.withLock { $0 }
        if pid > 0, statusBox.withLock({ $0 }) == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            ChildRegistry.remove(pid)
        }
    }
}

/// Every child still running; killed when the test process exits, so no server or worker
/// outlives the tests (a test that failed half-way included).
enum ChildRegistry {
    private static let pids = Mutex<Set<pid_t>>([])
    private static let installed = Mutex(false)

    static func add(_ pid: pid_t) {
        pids.withLock { _ = $0.insert(pid) }
        let first = installed.withLock { done in
            defer { done = true }
            return !done
        }
        if first { atexit { ChildRegistry.killAll() } }
    }

    static func remove(_ pid: pid_t) {
        pids.withLock { _ = $0.remove(pid) }
    }

    static func killAll() {
        for pid in pids.withLock({ $0 }) { kill(pid, SIGKILL) }
    }
}

/// Paths in this checkout.
public enum Checkout {
    /// The package root (found from this file's path).
    public static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The `ronda` binary next to the test bundle (built by `swift build --build-tests`).
    public static var ronda: String {
        let candidates = [
            Bundle.main.executableURL?.deletingLastPathComponent().appendingPathComponent("ronda").path,
            root + "/.build/debug/ronda",
        ].compactMap { $0 }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[candidates.count - 1]
    }

    /// A fresh temporary directory.
    public static func temporaryDirectory(_ prefix: String) throws -> String {
        let path = NSTemporaryDirectory() + "\(prefix)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
