public import Foundation

/// The HTTP transport the process uses, from the environment:
///
/// - `RONDA_HTTP_TRANSPORT`: `multi` (the default: curl's multi interface on event-loop threads)
///   or `threads` (the transport before 0.5, one blocking thread per request in flight).
/// - `RONDA_HTTP_LOOPS`: how many event-loop threads the multi transport runs, 1 to 64
///   (default: one per core, at most 64). One loop drives thousands of transfers; the scenarios
///   that prefer a loop run their Swift work on it too, so one loop per core lets a busy worker
///   use every core. A loop thread starts with its first request: an idle process has none.
/// - `RONDA_HTTP_LOOP_FILL`: how many scenario tasks (a worker's slots, `ronda run --parallel`)
///   share a loop before the next loop takes any, 1 to 4096 (default 16). A loop that serves a
///   few tasks sleeps and wakes for almost every response; one serving more finds several done
///   at each wake-up, so a few tasks cost less CPU packed on one loop than spread over all. 1
///   spreads them over every loop from the first (``CurlExecutor/onLoop(_:)``).
public struct TransportSetting: Sendable, Equatable {
    /// Which transport.
    public var transport: CurlExecutor.Transport
    /// Event-loop threads of the multi transport.
    public var loops: Int
    /// Tasks placed on a loop before the next loop takes any.
    public var loopFill: Int

    /// The default: the multi transport with one loop per core, each filled with 16 tasks
    /// before the next takes any.
    public init(
        transport: CurlExecutor.Transport = .multi,
        loops: Int = TransportSetting.defaultLoops,
        loopFill: Int = TransportSetting.defaultLoopFill
    ) {
        self.transport = transport
        self.loops = loops
        self.loopFill = loopFill
    }

    /// 16 tasks per loop before the next takes any: enough that a loop finds several responses
    /// at each wake-up, few enough that a busy worker (32 slots) uses two cores.
    public static let defaultLoopFill = 16

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
            /// `RONDA_HTTP_LOOP_FILL` is not a whole number from 1 to 4096.
            case loopFillOutOfRange = "loop_fill_out_of_range"
        }

        public let code: Code
        public let message: String
        public var description: String { message }
    }

    /// Reads `RONDA_HTTP_TRANSPORT`, `RONDA_HTTP_LOOPS` and `RONDA_HTTP_LOOP_FILL` from
    /// `environment`; unset or empty variables take the defaults.
    /// - Throws: ``Invalid`` for any other transport name, loops outside 1…64 or a fill outside
    ///   1…4096.
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
        if let loops = try wholeNumber(
            "RONDA_HTTP_LOOPS",
            in: environment,
            1...64,
            .loopsOutOfRange,
            default: "one per core"
        ) {
            setting.loops = loops
        }
        if let fill = try wholeNumber(
            "RONDA_HTTP_LOOP_FILL",
            in: environment,
            1...4096,
            .loopFillOutOfRange,
            default: "16 tasks per loop; 1 spreads them over every loop"
        ) {
            setting.loopFill = fill
        }
        return setting
    }

    /// The whole number `environment[name]` holds within `range`; `nil` when unset or empty.
    private static func wholeNumber(
        _ name: String,
        in environment: [String: String],
        _ range: ClosedRange<Int>,
        _ code: Invalid.Code,
        default description: String
    ) throws(Invalid) -> Int? {
        guard let text = environment[name], !text.isEmpty else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw Invalid(
                code: code,
                message:
                    "\(name)=\(text.debugDescription) must be a whole number from \(range.lowerBound) to \(range.upperBound) (default: \(description))"
            )
        }
        return value
    }
}
