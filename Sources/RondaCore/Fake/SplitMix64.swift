import Synchronization

/// A tiny, fast, deterministic pseudo-random generator (Steele, Lea and Flood's SplitMix64).
///
/// Not for secrets: it only makes fake data repeatable for a given seed.
struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniformly chosen integer in `range`.
    mutating func int(in range: ClosedRange<Int>) -> Int {
        Int.random(in: range, using: &self)
    }

    /// One element of a non-empty array.
    mutating func pick<T>(_ items: [T]) -> T {
        items[int(in: 0...(items.count - 1))]
    }

    /// `count` decimal digits.
    mutating func digits(_ count: Int) -> String {
        String((0..<max(0, count)).map { _ in Character(String(int(in: 0...9))) })
    }

    /// `count` characters from `alphabet`.
    mutating func token(_ count: Int, alphabet: [Character] = Array("abcdefghijkmnpqrstuvwxyz23456789")) -> String {
        String((0..<max(0, count)).map { _ in pick(alphabet) })
    }
}

/// Seeds for generators made without one, without a system call each (a scenario makes one):
/// SplitMix64's sequence from a point the system's generator picks once per process. Distinct
/// seeds within a process, unpredictable from one process to the next.
enum RandomSeeds {
    private static let start: UInt64 = {
        var system = SystemRandomNumberGenerator()
        return system.next()
    }()
    private static let counter = Atomic<UInt64>(0)

    static func next() -> UInt64 {
        let n = counter.wrappingAdd(1, ordering: .relaxed).oldValue
        var generator = SplitMix64(seed: start &+ n &* 0x9E37_79B9_7F4A_7C15)
        return generator.next()
    }
}
