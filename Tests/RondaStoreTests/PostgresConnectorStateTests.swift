import Testing

@testable import RondaStore

/// Every transition of the connector's state machine, without I/O.
struct PostgresConnectorStateTests {
    /// A state that has probed once and runs pool 1.
    func healthy() -> PostgresConnectorState {
        var state = PostgresConnectorState()
        _ = state.call()
        _ = state.probeSucceeded()
        return state
    }

    @Test func aNewConnectorProbesBeforeItsFirstPool() {
        var state = PostgresConnectorState()
        #expect(state.phase == .suspect(pool: nil, reason: nil))
        #expect(!state.knowsServerIsAway, "not checked yet is not known to be away")
        let result1 = state.call()
        #expect(result1 == .probe)
        #expect(state.phase == .probing(pool: nil, reason: nil))
        let result2 = state.probeSucceeded()
        #expect(result2 == .replacePool(start: 1, retire: nil))
        #expect(state.phase == .healthy(pool: 1))
        #expect(state.pool == 1)
    }

    @Test func healthyCallsUseTheCurrentPool() {
        var state = healthy()
        let result3 = state.call()
        #expect(result3 == .use(pool: 1))
        let result4 = state.call()
        #expect(result4 == .use(pool: 1))
        #expect(state.phase == .healthy(pool: 1))
    }

    @Test func anUnreachableServerMakesTheHealthyPoolSuspect() {
        var state = healthy()
        let result5 = state.unreachable(pool: 1, reason: "connection refused")
        #expect(result5)
        #expect(state.phase == .suspect(pool: 1, reason: "connection refused"))
        #expect(state.knowsServerIsAway)
        // A second report of the same outage is not news.
        let result6 = state.unreachable(pool: 1, reason: "the pool cannot open a connection")
        #expect(!result6)
        #expect(state.phase == .suspect(pool: 1, reason: "connection refused"))
    }

    @Test func aRetiredPoolsLateFailureChangesNothing() {
        var state = healthy()
        state.unreachable(pool: 1, reason: "refused")
        _ = state.call()
        let result7 = state.probeSucceeded()
        #expect(result7 == .replacePool(start: 2, retire: 1))
        let result8 = state.unreachable(pool: 1, reason: "late news from the old pool")
        #expect(!result8)
        #expect(state.phase == .healthy(pool: 2))
    }

    @Test func theFirstCallAfterAnOutageProbesAndTheOthersFailFast() {
        var state = healthy()
        state.unreachable(pool: 1, reason: "connection refused")
        let result9 = state.call()
        #expect(result9 == .probe)
        #expect(state.phase == .probing(pool: 1, reason: "connection refused"))
        // While one call probes, the others do not wait out a timeout.
        let result10 = state.call()
        #expect(result10 == .failUnavailable(reason: "connection refused"))
        let result11 = state.call()
        #expect(result11 == .failUnavailable(reason: "connection refused"))
    }

    @Test func aFailedProbeKeepsTheConnectorSuspectWithTheNewReason() {
        var state = healthy()
        state.unreachable(pool: 1, reason: "server closed the connection")
        _ = state.call()
        state.probeFailed(reason: "connection refused")
        #expect(state.phase == .suspect(pool: 1, reason: "connection refused"))
        let result12 = state.call()
        #expect(result12 == .probe, "the next call probes again")
    }

    @Test func aSuccessfulProbeReplacesThePool() {
        var state = healthy()
        state.unreachable(pool: 1, reason: "refused")
        _ = state.call()
        let result13 = state.probeSucceeded()
        #expect(result13 == .replacePool(start: 2, retire: 1))
        #expect(state.phase == .healthy(pool: 2))
        let result14 = state.call()
        #expect(result14 == .use(pool: 2))
        #expect(!state.knowsServerIsAway)
    }

    @Test func aCancelledProbeLeavesTheNextCallToProbe() {
        var state = healthy()
        state.unreachable(pool: 1, reason: "refused")
        _ = state.call()
        state.probeCancelled()
        #expect(state.phase == .suspect(pool: 1, reason: "refused"))
        let result15 = state.call()
        #expect(result15 == .probe)
        // Outside a probe, a cancelled probe means nothing.
        var idle = healthy()
        idle.probeCancelled()
        #expect(idle.phase == .healthy(pool: 1))
    }

    @Test func aProbeFailureOutsideAProbeChangesNothing() {
        var state = healthy()
        state.probeFailed(reason: "stale")
        #expect(state.phase == .healthy(pool: 1))
        let result16 = state.probeSucceeded()
        #expect(result16 == .replacePool(start: 1, retire: nil), "nothing to replace")
        #expect(state.phase == .healthy(pool: 1))
    }

    @Test func closingFromEveryPhaseEndsInClosed() {
        var fresh = PostgresConnectorState()
        let result17 = fresh.close()
        #expect(result17 == nil)
        #expect(fresh.phase == .closed)

        var running = healthy()
        let result18 = running.close()
        #expect(result18 == 1)

        var suspect = healthy()
        suspect.unreachable(pool: 1, reason: "refused")
        let result19 = suspect.close()
        #expect(result19 == 1)

        var probing = healthy()
        probing.unreachable(pool: 1, reason: "refused")
        _ = probing.call()
        let result20 = probing.close()
        #expect(result20 == 1)
        #expect(probing.phase == .closed)
    }

    @Test func aClosedConnectorFailsEveryCallAndIgnoresLateEvents() {
        var state = healthy()
        _ = state.close()
        let result21 = state.call()
        #expect(result21 == .failClosed)
        let result22 = state.probeSucceeded()
        #expect(result22 == .closed, "a probe that ends after close starts no pool")
        state.probeFailed(reason: "refused")
        state.probeCancelled()
        let result23 = state.unreachable(pool: 1, reason: "refused")
        #expect(!result23)
        #expect(state.phase == .closed)
        #expect(state.pool == nil)
        let result24 = state.close()
        #expect(result24 == nil)
    }

    @Test func poolsAreNumberedInOrder() {
        var state = healthy()
        for expected in 2...5 {
            state.unreachable(pool: expected - 1, reason: "refused")
            _ = state.call()
            let result25 = state.probeSucceeded()
            #expect(result25 == .replacePool(start: expected, retire: expected - 1))
        }
    }
}

/// The outage log's rate limit, without a clock.
struct OutageLogPolicyTests {
    let start = ContinuousClock.now

    @Test func theFirstFailureOfAnOutageWarnsAndTheRestWaitAMinute() {
        var policy = OutageLogPolicy(interval: .seconds(60))
        #expect(!policy.isDown)
        let result26 = policy.failure(at: start)
        #expect(result26 == .warn(hidden: 0))
        #expect(policy.isDown)
        for second in 1..<60 {
            let result27 = policy.failure(at: start + .seconds(second))
            #expect(result27 == .debug)
        }
        let result28 = policy.failure(at: start + .seconds(60))
        #expect(result28 == .warn(hidden: 59))
        let result29 = policy.failure(at: start + .seconds(61))
        #expect(result29 == .debug)
    }

    @Test func aSuccessEndsTheOutageOnceAndTheNextFailureWarnsAgain() {
        var policy = OutageLogPolicy(interval: .seconds(60))
        let result30 = policy.success()
        #expect(!result30, "no outage to end")
        _ = policy.failure(at: start)
        _ = policy.failure(at: start + .seconds(1))
        let result31 = policy.success()
        #expect(result31)
        let result32 = policy.success()
        #expect(!result32)
        let result33 = policy.failure(at: start + .seconds(2))
        #expect(result33 == .warn(hidden: 0))
    }
}
