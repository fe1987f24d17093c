/// Why a `fake.…` template could not produce a value.
///
/// The code is opaque and comparable (`error.code == .unknownName`); the message is written
/// for the operator who wrote the scenario file.
public struct FakeDataError: RondaError, Hashable {
    /// What kind of failure this is (`FakeDataError.Code.…`, or `.…` where the type is known).
    public typealias Code = ErrorCode<FakeDataError>

    public internal(set) var code: ErrorCode<FakeDataError>
    public internal(set) var message: String

    static func unknown(_ name: String) -> FakeDataError {
        FakeDataError(
            code: .unknownName,
            message: "unknown fake data 'fake.\(name)'; known names: \(FakeData.knownNames.joined(separator: ", "))"
        )
    }

    static func argument(_ name: String, _ problem: String) -> FakeDataError {
        FakeDataError(code: .badArgument, message: "fake.\(name): \(problem)")
    }
}

extension ErrorCode where Owner == FakeDataError {
    /// The name after `fake.` is not one Ronda knows.
    public static var unknownName: Self { Self("unknownName") }
    /// An argument is missing, of the wrong type or out of range.
    public static var badArgument: Self { Self("badArgument") }
}
