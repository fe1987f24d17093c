/// The kind of a failure: an opaque, comparable name in lowerCamelCase, such as `connectionLost`.
///
/// `Owner` is the error type the code belongs to, so `RedisError`'s codes and `StoreError`'s never
/// mix. Each error type declares its codes as static members of `ErrorCode where Owner == …`, and
/// callers compare with `==` (`error.code == .timeout`) or `switch` with a `default`: the set is
/// open, so adding a code breaks no caller — the shape of postgres-nio's `PSQLError.Code` and
/// swift-service-lifecycle's `ServiceGroupError.Code`.
public struct ErrorCode<Owner>: Sendable, Hashable, CustomStringConvertible {
    private let name: String

    /// A code named `name` (lowerCamelCase). Only Ronda's own targets declare codes.
    package init(_ name: String) { self.name = name }

    /// The code's name, e.g. `timeout`.
    public var description: String { name }
}

/// What every Ronda error carries: a code to branch on and a message an operator can act on.
///
/// Conforming types are structs with `public internal(set)` fields and internal (or `package`)
/// initialisers, so only Ronda creates them. `description` is `code: message`, for logs and
/// debugging; what a person is shown (the CLI's `error: …` line, a result's error message) is
/// `message`, which already names the file, URL or setting involved.
public protocol RondaError: Error, CustomStringConvertible {
    /// What kind of failure this is.
    var code: ErrorCode<Self> { get }
    /// What happened and what to do about it, in a sentence; without the code.
    var message: String { get }
}

extension RondaError {
    /// `code: message`, e.g. `timeout: timed out after 2.0 s waiting for http://…`.
    public var description: String { "\(code): \(message)" }
}

extension Error {
    /// The text a person is shown for this error: a ``RondaError``'s `message` (without the code),
    /// any other error's description.
    public var operatorMessage: String {
        if let ronda = self as? any RondaError { return ronda.message }
        return String(describing: self)
    }
}
