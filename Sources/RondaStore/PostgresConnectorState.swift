/// What a `PostgresConnector` knows about its server, and what each call must do about it.
///
/// A pure value: no I/O, no clock, no locks. The connector holds it under its lock, feeds it
/// events (a call begins, a probe ends, something found the server unreachable, close) and
/// carries out the actions it returns (use a pool, probe, fail fast, start or retire a pool).
///
/// ```
///            call                      probe succeeded (new pool)
///  suspect ─────────▶ probing ─────────────────────────────────▶ healthy
///     ▲      probe failed │ cancelled                              │
///     └───────────────────┘                                        │
///     └──────────────── unreachable (a call, or the pool) ─────────┘
///  any phase ── close ──▶ closed
/// ```
///
/// Pools are named by number; the connector maps them to the postgres-nio clients it runs.
struct PostgresConnectorState: Sendable, Equatable {
    enum Phase: Sendable, Equatable {
        /// `pool` answered: calls use it.
        case healthy(pool: Int)
        /// The server may be away: not checked yet (`reason == nil`, a store being opened), or
        /// something found it unreachable. The next call probes it with one direct connection.
        case suspect(pool: Int?, reason: String?)
        /// One call is probing the server; the others fail at once with the last `reason`
        /// instead of each waiting out a timeout.
        case probing(pool: Int?, reason: String?)
        /// The store was closed: every call fails with `.closed`.
        case closed
    }

    /// What a call does.
    enum CallAction: Sendable, Equatable {
        /// Run on this pool.
        case use(pool: Int)
        /// Probe the server first, then report `probeSucceeded()` / `probeFailed(_:)` / `probeCancelled()`.
        case probe
        /// Fail now with `.unavailable`: the server is known to be away and another call is checking.
        case failUnavailable(reason: String?)
        /// Fail now with `.closed`.
        case failClosed
    }

    /// What the connector does once a probe succeeded.
    enum ProbeVerdict: Sendable, Equatable {
        /// Start pool `start` (the caller then uses it) and retire `retire` once its last call has left.
        case replacePool(start: Int, retire: Int?)
        /// The store was closed meanwhile.
        case closed
    }

    private(set) var phase: Phase = .suspect(pool: nil, reason: nil)
    private var nextPool = 1

    /// The pool a call would use now, if any (healthy, or kept while suspect or probing).
    var pool: Int? {
        switch phase {
        case .healthy(let pool): pool
        case .suspect(let pool, _), .probing(let pool, _): pool
        case .closed: nil
        }
    }

    /// Whether the connector knows the server is away (a failure was seen and no probe has
    /// succeeded since).
    var knowsServerIsAway: Bool {
        switch phase {
        case .suspect(_, let reason?), .probing(_, let reason?): !reason.isEmpty
        default: false
        }
    }

    /// A call begins.
    mutating func call() -> CallAction {
        switch phase {
        case .healthy(let pool):
            return .use(pool: pool)
        case .suspect(let pool, let reason):
            phase = .probing(pool: pool, reason: reason)
            return .probe
        case .probing(_, let reason):
            return .failUnavailable(reason: reason)
        case .closed:
            return .failClosed
        }
    }

    /// The probe answered: a fresh pool replaces the old one (a fresh pool connects at once
    /// instead of waiting out the old pool's reconnect backoff).
    mutating func probeSucceeded() -> ProbeVerdict {
        switch phase {
        case .probing(let old, _), .suspect(let old, _):
            let pool = nextPool
            nextPool += 1
            phase = .healthy(pool: pool)
            return .replacePool(start: pool, retire: old)
        case .healthy(let pool):
            // Not reachable through `call()`; kept total: nothing to replace.
            return .replacePool(start: pool, retire: nil)
        case .closed:
            return .closed
        }
    }

    /// The probe found the server away: the next call probes again.
    mutating func probeFailed(reason: String) {
        switch phase {
        case .probing(let pool, _), .suspect(let pool, _):
            phase = .suspect(pool: pool, reason: reason)
        case .healthy, .closed:
            break
        }
    }

    /// The probing call was cancelled before the probe ended: the next call probes.
    mutating func probeCancelled() {
        if case .probing(let pool, let reason) = phase {
            phase = .suspect(pool: pool, reason: reason)
        }
    }

    /// A call on `pool` found the server unreachable, or `pool` itself failed to open a
    /// connection. Returns `true` when this is news (the current pool was healthy): an outage
    /// begins. A late failure of a retired pool changes nothing.
    @discardableResult
    mutating func unreachable(pool failed: Int, reason: String) -> Bool {
        guard case .healthy(let pool) = phase, pool == failed else { return false }
        phase = .suspect(pool: pool, reason: reason)
        return true
    }

    /// The store is closed. Returns the pool to retire, if any.
    mutating func close() -> Int? {
        let pool = self.pool
        phase = .closed
        return pool
    }
}
