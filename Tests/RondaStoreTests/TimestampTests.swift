import Foundation
import Testing

@testable import RondaStore

@Suite struct TimestampTests {
    @Test func writesFixedWidthUTC() {
        #expect(Timestamp.text(Date(timeIntervalSince1970: 1_740_000_000.125)) == "2025-02-19T21:20:00.125000Z")
        #expect(Timestamp.text(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000000Z")
        #expect(Timestamp.text(Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59.500000Z")
        #expect(Timestamp.text(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00.000000Z")
    }

    @Test(arguments: [0.0, -0.5, 1_740_000_000.125, 951_782_400, 4_102_444_799.999_5, 1_234_567_890.000_001])
    func roundTrips(seconds: Double) throws {
        let date = Date(timeIntervalSince1970: seconds)
        let parsed = try #require(Timestamp.date(Timestamp.text(date)))
        #expect(abs(parsed.timeIntervalSince(date)) < 0.000_001)
    }

    @Test func nowRoundTripsToTheMicrosecond() throws {
        let now = Date()
        let parsed = try #require(Timestamp.date(Timestamp.text(now)))
        #expect(abs(parsed.timeIntervalSince(now)) <= 0.000_001)
    }

    @Test func textOrderIsTimeOrder() {
        let dates = (0..<200).map { _ in Date(timeIntervalSince1970: Double.random(in: 0..<4_000_000_000)) }
        #expect(dates.sorted().map(Timestamp.text) == dates.map(Timestamp.text).sorted())
    }

    @Test(arguments: [
        "", "2025-02-19", "2025-02-19T21:20:00", "2025-13-19T21:20:00Z", "2025-02-19T21:20:00.Z",
        "2025-02-19 21:20:00Z", "2025-02-19T21:20:00.12a4Z",
    ])
    func rejectsMalformedText(_ text: String) {
        #expect(Timestamp.date(text) == nil)
    }

    @Test func acceptsFewerFractionalDigits() {
        #expect(Timestamp.date("2025-02-19T21:20:00Z") == Date(timeIntervalSince1970: 1_740_000_000))
        #expect(Timestamp.date("2025-02-19T21:20:00.5Z") == Date(timeIntervalSince1970: 1_740_000_000.5))
    }
}
