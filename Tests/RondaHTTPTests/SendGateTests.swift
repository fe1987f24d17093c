import Testing

@testable import RondaHTTP

/// The rule by which a loop's pass holds its new requests back to read answers already arrived.
@Suite struct SendGateTests {
    /// One pass: whether it holds.
    private func pass(_ gate: inout SendGate, requests: Bool = true, inFlight: Bool = true, ready: Bool) -> Bool {
        gate.holds(newRequests: requests, inFlight: inFlight, inputReady: { ready })
    }

    @Test func newRequestsWaitWhileAnswersAreReady() {
        var gate = SendGate()
        let first = pass(&gate, ready: true)
        #expect(first)
        #expect(gate.heldPasses == 1)
        let second = pass(&gate, ready: false)
        #expect(!second)
        #expect(gate.heldPasses == 0)
    }

    @Test func dataThatNeverStopsArrivingHoldsRequestsForAFewPassesOnly() {
        var gate = SendGate()
        var held = 0
        while pass(&gate, ready: true) {
            held += 1
            if held > 1_000 { break }
        }
        #expect(held == SendGate.maxHeldPasses)
        // Sent: the next requests may wait again.
        #expect(gate.heldPasses == 0)
        let next = pass(&gate, ready: true)
        #expect(next)
    }

    @Test func nothingWaitsWithoutRequestsOrTransfersInFlight() {
        var gate = SendGate()
        var asked = 0
        let noRequests = gate.holds(newRequests: false, inFlight: true) {
            asked += 1
            return true
        }
        let nothingInFlight = gate.holds(newRequests: true, inFlight: false) {
            asked += 1
            return true
        }
        #expect(!noRequests && !nothingInFlight)
        // Without requests to send, or answers to wait for, no poll is made.
        #expect(asked == 0)
    }

    @Test func aPassWithoutNewRequestsEndsTheWait() {
        var gate = SendGate()
        for _ in 0..<(SendGate.maxHeldPasses - 1) { _ = pass(&gate, ready: true) }
        #expect(gate.heldPasses == SendGate.maxHeldPasses - 1)
        let idle = pass(&gate, requests: false, ready: true)
        #expect(!idle)
        #expect(gate.heldPasses == 0)
    }
}
