public import Foundation

/// Limits wrong passwords per client address and per user name: after `limit - 1` failures
/// within `window`, further attempts from that address or for that user are refused (429)
/// without checking the password, until the oldest failure is older than `window`.
///
/// A pure value: the server keeps one behind a lock. Each dashboard process counts its own
/// attempts (several replicas behind a balancer each allow `limit - 1` per window).
public struct LoginThrottle: Sendable {
    /// The attempt that is refused: the tenth within the window by default.
    public var limit: Int
    public var window: TimeInterval
    private var failuresByAddress: [String: [Date]] = [:]
    private var failuresByUser: [String: [Date]] = [:]

    public init(limit: Int = 10, window: TimeInterval = 60) {
        self.limit = max(1, limit)
        self.window = window
    }

    /// Whether an attempt from `address` for `user` may check a password at `now`; when not,
    /// how many seconds until it may.
    public mutating func admit(address: String, user: String, now: Date) -> (allowed: Bool, retryAfter: Int) {
        prune(now: now)
        let recent = [failuresByAddress[address] ?? [], failuresByUser[user.lowercased()] ?? []]
        for failures in recent where failures.count >= limit - 1 {
            let wait = (failures.first.map { $0.addingTimeInterval(window).timeIntervalSince(now) } ?? window)
            return (false, max(1, Int(wait.rounded(.up))))
        }
        return (true, 0)
    }

    /// Records a wrong password (or an unknown user).
    public mutating func fail(address: String, user: String, now: Date) {
        failuresByAddress[address, default: []].append(now)
        failuresByUser[user.lowercased(), default: []].append(now)
    }

    /// A successful login clears the address's and the user's failures.
    public mutating func succeed(address: String, user: String) {
        failuresByAddress[address] = nil
        failuresByUser[user.lowercased()] = nil
    }

    private mutating func prune(now: Date) {
        let cutoff = now.addingTimeInterval(-window)
        failuresByAddress = failuresByAddress.compactMapValues { dates in
            let kept = dates.filter { $0 > cutoff }
            return kept.isEmpty ? nil : kept
        }
        failuresByUser = failuresByUser.compactMapValues { dates in
            let kept = dates.filter { $0 > cutoff }
            return kept.isEmpty ? nil : kept
        }
    }
}
