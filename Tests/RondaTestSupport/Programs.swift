import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A program run by a test could not be started or waited for.
public struct ProgramFailure: Error, CustomStringConvertible {
    public var description: String
    public init(description: String) { self.description = description }
}

/// Runs `argv` to completion with `posix_spawn` and returns its exit status (128 + the signal when
/// one ended it). Standard input comes from the file `input` (or /dev/null); standard output is
/// appended to the file `log`, and standard error too unless `errors` names another file. The
/// environment is this process's (`inheritEnvironment`) with `environment` laid over it, or only
/// `environment`. Blocks the calling thread: from async code, go through `offCooperativePool`.
///
/// Not Foundation's `Process`: with several tests starting programs at once, its pipes' file
/// descriptors can be closed under another spawn (EBADF).
public func spawnAndWait(
    _ argv: [String],
    log: String,
    errors: String? = nil,
    input: String? = nil,
    environment: [String: String] = [:],
    inheritEnvironment: Bool = true
) throws -> Int32 {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, input ?? "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
    if let errors {
        posix_spawn_file_actions_addopen(&actions, 2, errors, O_WRONLY | O_CREAT | O_APPEND, 0o644)
    } else {
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
    }
    var merged = inheritEnvironment ? ProcessInfo.processInfo.environment : [:]
    merged.merge(environment) { _, new in new }
    let cArguments = argv.map { strdup($0) } + [nil]
    let cEnvironment = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { for pointer in cArguments + cEnvironment { free(pointer) } }
    var pid: pid_t = 0
    // Nothing else of the test process (its sockets, its servers' descriptors) reaches the child.
    closeInheritedDescriptors(&actions)
    let spawned = posix_spawn(&pid, argv[0], &actions, nil, cArguments, cEnvironment)
    guard spawned == 0 else {
        throw ProgramFailure(description: "cannot start \(argv[0]): \(String(cString: strerror(spawned)))")
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 {
        guard errno == EINTR else { throw ProgramFailure(description: "waitpid failed: errno \(errno)") }
    }
    // WIFEXITED / WEXITSTATUS
    return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
}

/// Runs `path` with `arguments` to completion, `input` on its standard input; returns its exit
/// status and standard output (standard error is dropped). Through temporary files, no pipes.
public func runProgram(
    _ path: String,
    _ arguments: [String],
    input: [UInt8] = [],
    environment: [String: String] = [:]
) throws -> (status: Int32, output: [UInt8]) {
    let directory = try Checkout.temporaryDirectory("ronda-program")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let inputFile = directory + "/input"
    let outputFile = directory + "/output"
    try Data(input).write(to: URL(fileURLWithPath: inputFile))
    let status = try spawnAndWait(
        [path] + arguments,
        log: outputFile,
        errors: "/dev/null",
        input: inputFile,
        environment: environment
    )
    let output = (try? Data(contentsOf: URL(fileURLWithPath: outputFile))).map { Array($0) } ?? []
    return (status, output)
}

/// `runProgram` off the cooperative pool (for server handlers and tests that must not block it).
public func runProgramAsync(
    _ path: String,
    _ arguments: [String],
    input: [UInt8] = [],
    environment: [String: String] = [:]
) async throws -> (status: Int32, output: [UInt8]) {
    try await offCooperativePool { try runProgram(path, arguments, input: input, environment: environment) }
}

/// Runs blocking work (process spawning, waitpid) on its own thread, not the cooperative pool.
public func offCooperativePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try work() }) }
        thread.name = "ronda.test.program"
        thread.start()
    }
}

/// Adds "close every descriptor from 3 up" to `actions` (glibc's
/// `posix_spawn_file_actions_addclosefrom_np`, looked up at run time: Swift's Glibc module does
/// not declare it), so a child never inherits the test process's sockets and files — libraries
/// such as hiredis open theirs without close-on-exec, and a child holding thousands of them
/// (PostgreSQL counts its free descriptors at start) may refuse to run.
func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
    typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return }
    _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
}
