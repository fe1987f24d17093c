import Foundation
public import RondaCore

/// A problem with how Ronda was called or configured: exit status 2, and a message that says what to change.
///
/// `ronda` prints `error: MESSAGE` (without the code) on standard error.
public struct CLIError: RondaError {
    /// What kind of failure this is (`CLIError.Code.…`, or `.…` where the type is known).
    public typealias Code = ErrorCode<CLIError>

    public internal(set) var code: ErrorCode<CLIError>
    /// What to change, naming the option, setting or file.
    public internal(set) var message: String
}

extension ErrorCode where Owner == CLIError {
    /// An option or argument is malformed or out of range.
    public static var usage: Self { Self("usage") }
    /// `ronda.yml`, the environment or a setting is missing or invalid.
    public static var configuration: Self { Self("configuration") }
    /// Scenario files do not load or validate, or none is selected.
    public static var scenarios: Self { Self("scenarios") }
    /// The results database cannot be opened, migrated or written.
    public static var storage: Self { Self("storage") }
}
