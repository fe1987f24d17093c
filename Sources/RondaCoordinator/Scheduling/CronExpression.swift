public import Foundation
public import RondaCore

/// A problem in a schedule expression, naming what was expected.
public struct ScheduleError: RondaError, Hashable {
    /// What kind of failure this is (`ScheduleError.Code.…`, or `.…` where the type is known).
    public typealias Code = ErrorCode<ScheduleError>

    public internal(set) var code: ErrorCode<ScheduleError> = .invalidExpression
    /// The expression as written.
    public internal(set) var expression: String
    /// What is wrong with it, e.g. "expected 5 fields (…), got 4"; the caller names where it came from.
    public internal(set) var message: String
}

/// A 5-field cron expression (`minute hour day-of-month month day-of-week`) or an alias
/// (`@hourly`, `@daily`, `@midnight`, `@weekly`, `@monthly`, `@yearly`, `@annually`).
///
/// Fields take `*`, numbers, ranges `a-b`, lists `a,b`, steps `*/n` and `a-b/n`, and month
/// and weekday names (`jan`, `mon`). Day of week 0 and 7 are Sunday. As in Vixie cron, when
/// both day fields are restricted a day matches either.
public struct CronExpression: Sendable, Hashable, CustomStringConvertible {
    public let source: String
    let minutes: Set<Int>
    let hours: Set<Int>
    let daysOfMonth: Set<Int>
    let months: Set<Int>
    let daysOfWeek: Set<Int>
    let dayOfMonthRestricted: Bool
    let dayOfWeekRestricted: Bool

    static let aliases: [String: String] = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
        "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]
    static let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    static let dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    public var description: String { source }

    public init(_ text: String) throws(ScheduleError) {
        source = text
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let expanded: String
        if trimmed.hasPrefix("@") {
            guard let alias = CronExpression.aliases[trimmed] else {
                throw ScheduleError(
                    expression: text,
                    message: "unknown alias; use @hourly, @daily, @midnight, @weekly, @monthly, @yearly or @annually"
                )
            }
            expanded = alias
        } else {
            expanded = trimmed
        }
        let fields = expanded.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 5 else {
            throw ScheduleError(
                expression: text,
                message: "expected 5 fields (minute hour day-of-month month day-of-week), got \(fields.count)"
            )
        }
        minutes = try CronExpression.parse(fields[0], "minute", 0...59, names: [], text: text)
        hours = try CronExpression.parse(fields[1], "hour", 0...23, names: [], text: text)
        daysOfMonth = try CronExpression.parse(fields[2], "day of month", 1...31, names: [], text: text)
        months = try CronExpression.parse(fields[3], "month", 1...12, names: CronExpression.monthNames, text: text)
        var weekdays = try CronExpression.parse(
            fields[4],
            "day of week",
            0...7,
            names: CronExpression.dayNames,
            text: text
        )
        if weekdays.remove(7) != nil { weekdays.insert(0) }
        daysOfWeek = weekdays
        dayOfMonthRestricted = fields[2] != "*" && !fields[2].hasPrefix("*/")
        dayOfWeekRestricted = fields[4] != "*" && !fields[4].hasPrefix("*/")
        // Both day fields restricted: either matches, and every weekday occurs in every month.
        if !(dayOfMonthRestricted && dayOfWeekRestricted) {
            let longest = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
            let fires = months.contains { month in daysOfMonth.contains { $0 <= longest[month - 1] } }
            if !fires {
                let days = daysOfMonth.sorted().map(String.init).joined(separator: ",")
                let names = months.sorted().map { CronExpression.monthNames[$0 - 1] }.joined(separator: ",")
                throw ScheduleError(
                    code: .neverFires,
                    expression: text,
                    message: "never fires: no month in \(names) has day \(days)"
                )
            }
        }
    }

    static func parse(
        _ field: String,
        _ name: String,
        _ range: ClosedRange<Int>,
        names: [String],
        text: String
    ) throws(ScheduleError) -> Set<Int> {
        func value(_ token: String) throws(ScheduleError) -> Int {
            if let n = Int(token) {
                guard range.contains(n) else {
                    throw ScheduleError(
                        expression: text,
                        message: "\(name) \(n) is out of range \(range.lowerBound)-\(range.upperBound)"
                    )
                }
                return n
            }
            if let index = names.firstIndex(of: token) { return index + (range.lowerBound == 1 ? 1 : 0) }
            throw ScheduleError(expression: text, message: "cannot read '\(token)' as a \(name)")
        }
        var out = Set<Int>()
        for part in field.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
            guard !part.isEmpty else {
                throw ScheduleError(expression: text, message: "empty item in the \(name) field")
            }
            let pieces = part.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard pieces.count <= 2 else {
                throw ScheduleError(expression: text, message: "more than one '/' in the \(name) field")
            }
            var step = 1
            if pieces.count == 2 {
                guard let s = Int(pieces[1]), s > 0 else {
                    throw ScheduleError(
                        expression: text,
                        message: "the step after '/' in the \(name) field must be a positive number"
                    )
                }
                step = s
            }
            let base = pieces[0]
            let bounds: ClosedRange<Int>
            if base == "*" {
                bounds = range.lowerBound...(name == "day of week" ? 6 : range.upperBound)
            } else if let dash = base.firstIndex(of: "-") {
                let low = try value(String(base[..<dash]))
                let high = try value(String(base[base.index(after: dash)...]))
                guard low <= high else {
                    throw ScheduleError(expression: text, message: "the \(name) range \(base) runs backwards")
                }
                bounds = low...high
            } else {
                let single = try value(base)
                bounds = single...(pieces.count == 2 ? range.upperBound : single)
            }
            out.formUnion(stride(from: bounds.lowerBound, through: bounds.upperBound, by: step))
        }
        return out
    }

    /// Whether the minute that starts at `components` matches.
    func matches(minute: Int, hour: Int, day: Int, month: Int, weekday: Int) -> Bool {
        guard minutes.contains(minute), hours.contains(hour), months.contains(month) else { return false }
        let dom = daysOfMonth.contains(day)
        let dow = daysOfWeek.contains(weekday)
        if dayOfMonthRestricted && dayOfWeekRestricted { return dom || dow }
        return dom && dow
    }

    /// The first matching minute strictly after `date`, in `timeZone`; `nil` if none within 5 years
    /// (for example February 30th).
    public func next(after date: Date, in timeZone: TimeZone) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let start = floor(date.timeIntervalSince1970 / 60) * 60 + 60
        var candidate = Date(timeIntervalSince1970: start)
        let limit = date.addingTimeInterval(5 * 366 * 86_400)
        while candidate <= limit {
            let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: candidate)
            guard let year = c.year, let month = c.month, let day = c.day, let hour = c.hour, let minute = c.minute,
                let weekday = c.weekday
            else { return nil }
            if !months.contains(month) {
                guard
                    let next = calendar.date(
                        from: DateComponents(
                            year: month == 12 ? year + 1 : year,
                            month: month == 12 ? 1 : month + 1,
                            day: 1
                        )
                    )
                else { return nil }
                candidate = next
                continue
            }
            let dayMatches = matches(
                minute: minutes.min() ?? 0,
                hour: hours.min() ?? 0,
                day: day,
                month: month,
                weekday: weekday - 1
            )
            if !dayMatches {
                guard let startOfDay = calendar.date(from: DateComponents(year: year, month: month, day: day)),
                    let next = calendar.date(byAdding: .day, value: 1, to: startOfDay)
                else { return nil }
                candidate = next
                continue
            }
            if !hours.contains(hour) {
                // The next local hour (zones with half-hour offsets make epoch hours wrong here).
                guard
                    let hourStart = calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour)),
                    let next = calendar.date(byAdding: .hour, value: 1, to: hourStart), next > candidate
                else {
                    candidate = candidate.addingTimeInterval(60)
                    continue
                }
                candidate = next
                continue
            }
            if !minutes.contains(minute) {
                candidate = candidate.addingTimeInterval(60)
                continue
            }
            return candidate
        }
        return nil
    }
}

extension ErrorCode where Owner == ScheduleError {
    /// The expression does not parse: wrong field count, a value out of range, an unknown alias.
    public static var invalidExpression: Self { Self("invalidExpression") }
    /// The expression parses but names a date that never comes (February 30th).
    public static var neverFires: Self { Self("neverFires") }
}
