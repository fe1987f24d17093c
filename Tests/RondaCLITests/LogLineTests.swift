import Foundation
import Logging
import Testing

@testable import RondaCLI

/// The time on a log line: UTC to the second, as `ISO8601DateFormatter` writes it by default.
@Suite struct LogLineTests {
    @Test(arguments: [
        0.0, 951_782_400, 951_868_799.999, 1_798_675_199, 1_798_675_200, 1_796_659_514.25, 4_102_444_800,
        -1, -86_400 * 365.0 * 20,
    ])
    func theTimeIsWrittenAsTheISO8601FormatterWritesIt(seconds: Double) {
        let date = Date(timeIntervalSince1970: seconds)
        #expect(UTCTimestamp.text(date) == ISO8601DateFormatter().string(from: date))
    }

    @Test func aYearBeforeOneThousandKeepsFourDigits() {
        let date = Date(timeIntervalSince1970: -40_000_000_000)  // 702 AD
        #expect(UTCTimestamp.text(date).hasPrefix("0702-"))
    }
}
