/// Whether a loop's pass sends its new requests now or first reads answers that have already
/// arrived, so that the requests their tasks send next leave with these: one wakeup of the
/// server (and of the reader of each socket) then serves several requests instead of one each.
///
/// Requests wait only while answers are ready and transfers are in flight, and never more than
/// ``maxHeldPasses`` passes in a row: a stream of arriving data cannot starve them.
struct SendGate {
    /// How many passes in a row new requests may wait for answers already arrived.
    static let maxHeldPasses = 8

    /// Passes the current new requests have waited.
    private(set) var heldPasses = 0

    /// Whether this pass holds its new requests back. `inputReady` (a poll that does not wait)
    /// is asked only when holding is possible.
    mutating func holds(newRequests: Bool, inFlight: Bool, inputReady: () -> Bool) -> Bool {
        let hold = newRequests && inFlight && heldPasses < Self.maxHeldPasses && inputReady()
        heldPasses = hold ? heldPasses + 1 : 0
        return hold
    }
}
