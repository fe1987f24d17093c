import Synchronization

/// A mistake real teams ship, which the demo target can be told to make.
public struct DemoFault: Sendable, Hashable, CustomStringConvertible {
    /// Kebab-case name, e.g. `order-total-off-by-one`.
    public let name: String
    /// One line: what goes wrong, as a user would see it.
    public let summary: String

    public init(_ name: String, _ summary: String) {
        self.name = name
        self.summary = summary
    }

    public var description: String { name }
}

/// Which faults are on. Shared by every route; switchable at runtime (admin endpoint).
public final class FaultSwitchboard: Sendable {
    private let state: Mutex<Set<String>>
    private let background = Atomic<Int>(0)
    private let acted = Mutex<[String: Int]>([:])

    /// Starts with `active` switched on. Unknown names are rejected by `DemoFaults.validate` before this.
    public init(active: Set<String> = []) {
        state = Mutex(active)
    }

    /// Whether `fault` is on; a route asks at the point where the fault would act, so each `true`
    /// is counted as the fault acting (`actions(of:)`).
    public func isOn(_ fault: DemoFault) -> Bool {
        let on = state.withLock { $0.contains(fault.name) }
        if on { acted.withLock { $0[fault.name, default: 0] += 1 } }
        return on
    }

    /// How many times `fault` acted (a route found it on): lets a test tell a faulty answer from
    /// a slow one without timing it.
    public func actions(of fault: DemoFault) -> Int {
        acted.withLock { $0[fault.name] ?? 0 }
    }

    /// The faults switched on, by name.
    public var active: Set<String> {
        state.withLock { $0 }
    }

    /// Replaces the set of faults switched on.
    public func set(_ names: Set<String>) {
        state.withLock { $0 = names }
    }

    /// How many background jobs a fault started are still to finish (e.g. the late stock take
    /// of `stock-not-decremented-atomically`): a test waits for 0 before it reads what they change.
    public var pendingBackgroundJobs: Int { background.load(ordering: .acquiring) }

    /// Runs `job` after `delay` in the background, counted in `pendingBackgroundJobs` until it has run.
    func runLater(after delay: Duration, _ job: @escaping @Sendable () -> Void) {
        background.add(1, ordering: .releasing)
        Task {
            try? await Task.sleep(for: delay)
            job()
            self.background.subtract(1, ordering: .releasing)
        }
    }
}

/// Every fault the demo target knows.
public enum DemoFaults {
    /// All faults, cafeteria's then optica's, each name unique.
    public static var all: [DemoFault] { CafeteriaFaults.all + OpticaFaults.all }

    /// The names not in the catalogue (empty when all are known).
    public static func unknown(_ names: some Sequence<String>) -> [String] {
        let known = Set(all.map(\.name))
        return names.filter { !known.contains($0) }
    }

    /// The fault called `name`, if the catalogue has it.
    public static func named(_ name: String) -> DemoFault? {
        all.first { $0.name == name }
    }

    /// Returns `names` as a set when every one is in the catalogue.
    /// - Throws: `UnknownFaultError` naming the unknown ones and the known ones.
    public static func validate(_ names: some Sequence<String>) throws(UnknownFaultError) -> Set<String> {
        let list = Array(names)
        let unknown = unknown(list)
        guard unknown.isEmpty else { throw UnknownFaultError(unknown: unknown, known: all.map(\.name)) }
        return Set(list)
    }
}

/// Fault names the demo target does not know.
public struct UnknownFaultError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The names asked for that are not in the catalogue, in the order given.
    public internal(set) var unknown: [String]
    /// Every name in the catalogue.
    public internal(set) var known: [String]

    /// The error for `unknown` names; `ronda demo` (another target of the package) reports them too.
    package init(unknown: [String], known: [String]) {
        self.unknown = unknown
        self.known = known
    }

    /// "unknown fault 'x' (known: a, b, c)".
    public var description: String {
        let names = unknown.map { "'\($0)'" }.joined(separator: ", ")
        let noun = unknown.count == 1 ? "fault" : "faults"
        let catalogue = known.isEmpty ? "the catalogue is empty" : "known: " + known.joined(separator: ", ")
        return "unknown \(noun) \(names) (\(catalogue))"
    }
}
