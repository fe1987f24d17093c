/// Why a `fake.…` template could not produce a value.
///
/// The code is opaque and comparable (`error.code == .unknownName`); the message is written
/// for the operator who wrote the scenario file.
public struct FakeDataError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let raw: String
        private init(_ raw: String) { self.raw = raw }

        /// The name after `fake.` is not one Ronda knows.
        public static let unknownName = Code("unknown_name")
        /// An argument is missing, of the wrong type or out of range.
        public static let badArgument = Code("bad_argument")

        public var description: String { raw }
    }

    public let code: Code
    public let message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

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
