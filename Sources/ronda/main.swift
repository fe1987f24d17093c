import Foundation
import RondaCLI

// The command runs on the global executor and ends the process itself; the main thread
// only waits. Not a top-level `await`: that hands the main thread to dispatch_main(),
// which pthread_exit()s it, and the forced unwind of that exit reads the binary's unwind
// tables — about 1.5 MB of resident memory in every process, for nothing. Ronda runs
// nothing on the main actor or the main queue.
// Secrets mounted as files (RONDA_X_FILE) become variables before any thread starts.
if let problem = SecretFiles.applyToProcessEnvironment() {
    FileHandle.standardError.write(Data("error: \(problem)\n".utf8))
    exit(2)
}
if let problem = TransportEnvironment.problem(ProcessInfo.processInfo.environment) {
    FileHandle.standardError.write(Data("error: \(problem)\n".utf8))
    exit(2)
}
Task.detached {
    exit(await RondaCommand.main(arguments: Array(CommandLine.arguments.dropFirst())))
}
while true { pause() }
