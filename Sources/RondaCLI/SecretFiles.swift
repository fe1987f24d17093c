import Foundation

/// Secrets from files: `RONDA_X_FILE=/run/secrets/x` sets `RONDA_X` to that file's content, as
/// the official PostgreSQL and Redis images do with `*_FILE`. Docker and Kubernetes secrets
/// arrive as files, and a value in a file stays out of `docker inspect` and `/proc/PID/environ`.
///
/// Applies to variables named `RONDA_…_FILE` and `DEMO_…_FILE`. The content is used as written,
/// less one trailing line break. Setting both `X` and `X_FILE`, an unreadable file and an empty
/// file are errors (exit 2 before anything starts), each naming the variable and the path, never
/// the content. A value read this way is an environment variable like any other, so it is
/// redacted wherever its name says it is secret.
public enum SecretFiles {
    /// The variables `environment` gains from its `*_FILE` entries, or the first problem.
    ///
    /// - Parameter read: reads a file's bytes (injected for tests).
    static func resolve(
        _ environment: [String: String],
        read: (String) throws -> Data = { try Data(contentsOf: URL(fileURLWithPath: $0)) }
    ) throws(CLIError) -> [String: String] {
        var added: [String: String] = [:]
        for (name, path) in environment.sorted(by: { $0.key < $1.key }) where isFileVariable(name) {
            let target = String(name.dropLast("_FILE".count))
            if let existing = environment[target], !existing.isEmpty {
                throw CLIError(
                    code: .configuration,
                    message: "both \(target) and \(name) are set: keep one (\(name) reads the value from \(path))"
                )
            }
            guard !path.isEmpty else {
                throw CLIError(code: .configuration, message: "\(name) is empty: set it to the path of a file")
            }
            let data: Data
            do { data = try read(path) } catch {
                throw CLIError(
                    code: .configuration,
                    message: "\(name): cannot read \(path) (is the secret mounted, and readable by this user?)"
                )
            }
            guard var text = String(data: data, encoding: .utf8) else {
                throw CLIError(code: .configuration, message: "\(name): \(path) is not UTF-8 text")
            }
            // "\r\n" is one Character: one removeLast drops either ending.
            if text.hasSuffix("\r\n") || text.hasSuffix("\n") { text.removeLast() }
            guard !text.isEmpty else {
                throw CLIError(code: .configuration, message: "\(name): \(path) is empty")
            }
            added[target] = text
        }
        return added
    }

    /// Whether `name` is one of the `*_FILE` variables this reads.
    static func isFileVariable(_ name: String) -> Bool {
        guard name.hasSuffix("_FILE"), name.hasPrefix("RONDA_") || name.hasPrefix("DEMO_") else { return false }
        let stem = name.dropLast("_FILE".count)
        return stem != "RONDA" && stem != "DEMO" && stem.allSatisfy { $0.isUppercase || $0.isNumber || $0 == "_" }
    }

    /// Sets the process's variables from their `*_FILE` entries. Call it first thing in `main`,
    /// while the process has one thread (`setenv` is not safe beside other threads).
    ///
    /// - Returns: the problem's message, or `nil` when every file was read.
    public static func applyToProcessEnvironment() -> String? {
        do {
            for (name, value) in try resolve(ProcessInfo.processInfo.environment) {
                setenv(name, value, 1)
            }
            return nil
        } catch {
            return error.message
        }
    }
}
