import Foundation

/// Dates relative to ``FakeData/today`` in ``FakeData/timeZone``, and card expiry values.
extension FakeData {
    mutating func dateValue(_ name: String, _ arguments: [JSONValue]) throws -> JSONValue {
        switch name {
        case "today":
            try Self.expectNoArguments(name, arguments)
            return .string(dayString(offset: 0))
        case "tomorrow":
            try Self.expectNoArguments(name, arguments)
            return .string(dayString(offset: 1))
        case "yesterday":
            try Self.expectNoArguments(name, arguments)
            return .string(dayString(offset: -1))
        case "date":
            try Self.expectAtMost(1, name, arguments)
            let offset = try Self.intArgument(name, arguments, 0, default: 0)
            guard offset.magnitude <= 36_500 else {
                throw FakeDataError.argument(name, "day offset \(offset) is out of range")
            }
            return .string(dayString(offset: offset))
        case "next_weekday":
            try Self.expectNoArguments(name, arguments)
            return .string(dayString(offset: nextDayOffset { (2...6).contains($0) }))
        case "weekday":
            try Self.expectAtMost(1, name, arguments)
            guard let wanted = arguments.first?.stringValue else {
                throw FakeDataError.argument(name, "needs a day name, e.g. fake.weekday(\"monday\")")
            }
            let key = Self.slug(wanted)
            guard let weekday = FakeVocabulary.weekdays[key] else {
                throw FakeDataError.argument(name, "'\(wanted)' is not a day name (monday…sunday or lunes…domingo)")
            }
            return .string(dayString(offset: nextDayOffset { $0 == weekday }))
        case "time":
            try Self.expectAtMost(1, name, arguments)
            guard let given = arguments.first else {
                let minutes = rng.int(in: 16...35) * 30  // 08:00 … 17:30 on the half hour
                return .string(Self.twoDigits(minutes / 60) + ":" + Self.twoDigits(minutes % 60))
            }
            guard let text = given.stringValue, let normalized = Self.normalizedTime(text) else {
                throw FakeDataError.argument(
                    name,
                    "expected a time like \"10:30\" or \"10:30:00\", got \(given.jsonText())"
                )
            }
            return .string(normalized)
        case "datetime":
            try Self.expectAtMost(1, name, arguments)
            let minutes = try Self.intArgument(name, arguments, 0, default: 0)
            guard abs(minutes) <= 52_560_000 else {
                throw FakeDataError.argument(name, "minute offset \(minutes) is out of range")
            }
            return .string(isoDateTime(today.addingTimeInterval(Double(minutes) * 60)))
        case "card.expiry":
            try Self.expectNoArguments(name, arguments)
            let (year, month) = expiry()
            return .string(Self.twoDigits(month) + "/" + Self.twoDigits(year % 100))
        case "card.exp_month":
            try Self.expectNoArguments(name, arguments)
            return .string(Self.twoDigits(expiry().month))
        case "card.exp_year":
            try Self.expectNoArguments(name, arguments)
            return .string(Self.twoDigits(expiry().year % 100))
        default:
            throw FakeDataError.unknown(name)
        }
    }

    /// A birth date for an adult aged 18 to 80, as `YYYY-MM-DD`.
    mutating func birthDate() -> String {
        let days = rng.int(in: (18 * 366)...(80 * 365))
        return dayString(offset: -days)
    }

    // MARK: - Calendar

    private var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    /// `today + offset` days as `YYYY-MM-DD`.
    func dayString(offset: Int) -> String {
        let calendar = self.calendar
        let day =
            calendar.date(byAdding: .day, value: offset, to: today) ?? today.addingTimeInterval(Double(offset) * 86_400)
        let parts = calendar.dateComponents([.year, .month, .day], from: day)
        return Self.dateString(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1)
    }

    /// Days from today (1…7) to the first later day whose weekday (1 = Sunday) satisfies `matches`.
    private func nextDayOffset(where matches: (Int) -> Bool) -> Int {
        let calendar = self.calendar
        for offset in 1...7 {
            if let day = calendar.date(byAdding: .day, value: offset, to: today),
                matches(calendar.component(.weekday, from: day))
            {
                return offset
            }
        }
        return 7
    }

    /// Same month, two years ahead.
    private func expiry() -> (year: Int, month: Int) {
        let parts = calendar.dateComponents([.year, .month], from: today)
        return ((parts.year ?? 2000) + 2, parts.month ?? 1)
    }

    /// `2026-01-20T10:30:00-05:00` (seconds precision, offset of ``timeZone`` at that instant).
    func isoDateTime(_ date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let offsetSeconds = timeZone.secondsFromGMT(for: date)
        let zone: String
        if offsetSeconds == 0 {
            zone = "Z"
        } else {
            let sign = offsetSeconds < 0 ? "-" : "+"
            let minutes = abs(offsetSeconds) / 60
            zone = sign + Self.twoDigits(minutes / 60) + ":" + Self.twoDigits(minutes % 60)
        }
        let day = Self.dateString(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1)
        let time = [parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0].map(Self.twoDigits).joined(separator: ":")
        return day + "T" + time + zone
    }

    static func dateString(year: Int, month: Int, day: Int) -> String {
        let yearText = String(year)
        return String(repeating: "0", count: max(0, 4 - yearText.count)) + yearText + "-" + twoDigits(month) + "-"
            + twoDigits(day)
    }

    static func twoDigits(_ value: Int) -> String {
        value < 10 && value >= 0 ? "0\(value)" : String(value)
    }

    /// `"9:05"` → `"09:05"`, `"10:30:15"` stays; `nil` for anything that is not a valid clock time.
    static func normalizedTime(_ text: String) -> String? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count) else { return nil }
        let limits = [23, 59, 59]
        var values: [Int] = []
        for (index, part) in parts.enumerated() {
            guard (1...2).contains(part.count), part.allSatisfy(\.isASCII), let value = Int(part), value >= 0,
                value <= limits[index]
            else {
                return nil
            }
            if index > 0 && part.count != 2 { return nil }
            values.append(value)
        }
        return values.map(twoDigits).joined(separator: ":")
    }
}
