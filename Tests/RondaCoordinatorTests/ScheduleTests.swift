import Foundation
import RondaCore
import Testing

@testable import RondaCoordinator

struct CronExpressionTests {
    let utc = TimeZone(identifier: "UTC")!

    func date(_ text: String) -> Date {
        let f = ISO8601DateFormatter()
        return f.date(from: text)!
    }

    func iso(_ date: Date?, _ zone: TimeZone? = nil) -> String? {
        guard let date else { return nil }
        let f = ISO8601DateFormatter()
        if let zone { f.timeZone = zone }
        return f.string(from: date)
    }

    @Test(arguments: [
        ("*/15 * * * *", "2026-11-23T10:07:00Z", "2026-11-23T10:15:00Z"),
        ("0 * * * *", "2026-11-23T10:00:00Z", "2026-11-23T11:00:00Z"),
        ("@hourly", "2026-11-23T10:59:59Z", "2026-11-23T11:00:00Z"),
        ("@daily", "2026-11-23T10:00:00Z", "2026-11-24T00:00:00Z"),
        ("0 3 * * *", "2026-11-23T03:00:00Z", "2026-11-24T03:00:00Z"),
        ("30 9 * * mon-fri", "2026-11-21T12:00:00Z", "2026-11-23T09:30:00Z"),
        ("0 0 1 jan *", "2026-11-23T00:00:00Z", "2027-01-01T00:00:00Z"),
        ("@weekly", "2026-11-23T00:00:00Z", "2026-11-29T00:00:00Z"),
        ("0 12 * * 7", "2026-11-23T00:00:00Z", "2026-11-29T12:00:00Z"),
        ("5,10 8-9/1 * * *", "2026-11-23T08:06:00Z", "2026-11-23T08:10:00Z"),
        ("0 0 29 2 *", "2026-11-23T00:00:00Z", "2028-02-29T00:00:00Z"),
        // Vixie rule: both day fields restricted → either matches (the 1st, or a Monday).
        ("0 0 1 * mon", "2026-11-23T00:00:00Z", "2026-11-30T00:00:00Z"),
    ])
    func nextSlot(_ expression: String, _ after: String, _ expected: String) throws {
        let cron = try CronExpression(expression)
        #expect(iso(cron.next(after: date(after), in: utc)) == expected)
    }

    @Test func timeZonesWithHalfHourOffsetsAreHonoured() throws {
        let kolkata = try #require(TimeZone(identifier: "Asia/Kolkata"))
        let cron = try CronExpression("0 3 * * *")
        // 03:00 in Kolkata is 21:30 UTC the day before.
        #expect(iso(cron.next(after: date("2026-11-23T00:00:00Z"), in: kolkata)) == "2026-11-23T21:30:00Z")
    }

    @Test(arguments: ["0 0 30 2 *", "0 0 31 2 *", "0 0 31 4,6,9,11 *", "0 0 30,31 feb *"])
    func anExpressionThatCanNeverFireIsAConfigurationError(_ text: String) {
        #expect(throws: ScheduleError.self) { try CronExpression(text) }
        do { _ = try CronExpression(text) } catch {
            #expect(error.message.hasPrefix("never fires"), "\(error)")
            #expect(error.code == .neverFires)
        }
    }

    @Test func rareButPossibleDatesAreAccepted() throws {
        // February 29th comes every four years; the 31st with a weekday restriction matches either field.
        #expect(
            iso(try CronExpression("0 0 29 2 *").next(after: date("2026-01-01T00:00:00Z"), in: utc))
                == "2028-02-29T00:00:00Z"
        )
        #expect(try CronExpression("0 0 31 2 mon").next(after: date("2026-01-01T00:00:00Z"), in: utc) != nil)
    }

    @Test(arguments: [
        "", "* * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * * 13 *", "* * * * 8", "*/0 * * * *",
        "5-1 * * * *", "x * * * *", "@sometimes", "1,,2 * * * *", "*/5/2 * * * *",
    ])
    func badExpressionsAreRejectedWithAReason(_ text: String) {
        do {
            _ = try CronExpression(text)
            Issue.record("'\(text)' was accepted")
        } catch {
            #expect(error.expression == text)
            #expect(!error.message.isEmpty)
            #expect(error.description == "\(error.code): \(error.message)")
        }
    }
}

struct TickDecisionTests {
    func at(_ minutes: Double) -> Date { Date(timeIntervalSince1970: 1_800_000_000 + minutes * 60) }

    let every15 = Schedule(name: "smoke", timing: .interval(.seconds(900)), startingDeadline: .seconds(120))

    @Test func aFirstTickRunsOnlyTheLatestSlot() {
        let decision = TickDecision.decide(every15, lastSlot: nil, now: at(0.5))
        #expect(decision.run == at(0))
        #expect(decision.missed.isEmpty)
    }

    @Test func nothingIsDueBetweenSlots() {
        let decision = TickDecision.decide(every15, lastSlot: at(0), now: at(14))
        #expect(decision == TickDecision(run: nil, missed: [], tooLate: false))
    }

    @Test func missedTicksCollapseIntoOneRunInsideTheStartingDeadline() {
        let decision = TickDecision.decide(every15, lastSlot: at(0), now: at(46))
        #expect(decision.run == at(45))
        #expect(decision.missed == [at(15), at(30)])
        #expect(!decision.tooLate)
    }

    @Test func slotsPastTheStartingDeadlineAreSkipped() {
        let decision = TickDecision.decide(every15, lastSlot: at(0), now: at(50))
        #expect(decision.run == nil)
        #expect(decision.missed == [at(15), at(30), at(45)])
        #expect(decision.tooLate)
    }

    @Test func aLongOutageListsABoundedNumberOfMissedSlots() {
        let perMinute = Schedule(name: "m", timing: .interval(.seconds(60)), startingDeadline: .seconds(30))
        let decision = TickDecision.decide(perMinute, lastSlot: at(0), now: at(10_000), limit: 100)
        #expect(decision.missed.count == 100)
        #expect(decision.tooLate == false)
        #expect(decision.run == at(10_000))
    }

    @Test func cronSchedulesUseTheirTimeZone() throws {
        let schedule = Schedule(
            name: "nightly",
            timing: .cron(try CronExpression("0 3 * * *")),
            timeZone: try #require(TimeZone(identifier: "America/Bogota"))
        )
        // 03:00 in Bogotá (UTC-5) is 08:00 UTC.
        let now = ISO8601DateFormatter().date(from: "2026-11-23T08:01:00Z")!
        let decision = TickDecision.decide(schedule, lastSlot: nil, now: now)
        #expect(decision.run == ISO8601DateFormatter().date(from: "2026-11-23T08:00:00Z"))
    }

    @Test func aSubSecondIntervalHasNoSlots() {
        #expect(Schedule(name: "x", timing: .interval(.milliseconds(500))).nextSlot(after: at(0)) == nil)
    }
}
