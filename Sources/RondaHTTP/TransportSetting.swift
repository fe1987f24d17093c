public import Foundation

/// The HTTP transport the process uses, from the environment:
///
/// - `RONDA_HTTP_TRANSPORT`: `multi` (the default: curl's multi interface on event-loop threads)
///   or `threads` (the transport before 0.5, one blocking thread per request in flight).
/// - `RONDA_HTTP_LOOPS`: how many event-loop threads the multi transport runs, 1 to 64
///   (default: one per core, at most 64). One loop drives thousands of transfers; the scenarios
///   that prefer a loop run their Swift work on it too, so one loop per core lets a busy worker
///   use every core. A loop thread starts with its first request: an idle process has none.
public struct TransportSetting: Sendable, Equatable {
    /// Which transport.
    public var transport: CurlExecutor.Transport
    /// Event-loop threads of the multi transport.
    public var loops: Int

    /// The default: the multi transport with one loop per core.
    public init(transport: CurlExecutor.Transport = .multi, loops: Int = TransportSetting.defaultLoops) {
        self.transport = transport
        self.loops = loops
    }

    /// One loop per core (at least 1, at most 64).
    public static var defaultLoops: Int { min(64, max(1, ProcessInfo.processInfo.activeProcessorCount)) }

    /// Why a setting was refused: which rule, and a message naming the variable, the value and
    /// what it accepts.
    public struct Invalid: Error, CustomStringConvertible, Equatable {
        /// Which rule the setting broke.
        public enum Code: String, Sendable, Equatable {
            /// `RONDA_HTTP_TRANSPORT` names no transport.
            case unknownTransport = "unknown_transport"
            /// `RONDA_HTTP_LOOPS` is not a whole number from 1 to 64.
            case loopsOutOfRange = "loops_out_of_range"
        }

        public let code: Code
        public let message: String
        public var description: String { message }
    }

    /// Reads `RONDA_HTTP_TRANSPORT` and `RONDA_HTTP_LOOPS` from `environment`; unset or empty
    /// variables take the defaults.
    /// - Throws: ``Invalid`` for any other transport name, or loops outside 1…64.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(Invalid) -> TransportSetting {
        var setting = TransportSetting()
        if let name = environment["RONDA_HTTP_TRANSPORT"], !name.isEmpty {
            guard let transport = CurlExecutor.Transport(rawValue: name.lowercased()) else {
                throw Invalid(
                    code: .unknownTransport,
                    message:
                        "RONDA_HTTP_TRANSPORT=\(name.debugDescription) is not a transport: use multi (the default) or threads"
                )
            }
            setting.transport = transport
        }
        if let text = environment["RONDA_HTTP_LOOPS"], !text.isEmpty {
            guard let loops = Int(text), (1...64).contains(loops) else {
                throw Invalid(
                    code: .loopsOutOfRange,
                    message:
                        "RONDA_HTTP_LOOPS=\(text.debugDescription) must be a whole number from 1 to 64 (default: one per core)"
                )
            }
            setting.loops = loops
        }
        return setting
    }
}
