import Testing

/// Every distributed test, one at a time: they start worker processes and servers, and the rate
/// and timing they check must not be disturbed by each other.
@Suite(.serialized) struct Distributed {}
