public import Foundation
public import RondaCore

/// A recurring run: when (cron or interval, in a time zone) and which scenarios.
public struct Schedule: Sendable, Hashable {
    public enum Timing: Sendable, Hashable {
        case cron(CronExpression)
        /// Every so often (at least 1 s), on slots aligned to the Unix epoch so every coordinator agrees on them.
        case interval(Duration)
    }

    public var name: String
    public var timing: Timing
    public var timeZone: TimeZone
    public var selection: Selection
    /// A slot missed by less than this still gets its run; older missed slots are skipped.
    public var startingDeadline: Duration
    /// How long a run has to finish; then its missing results are recorded as lost.
    public var runTimeout: Duration = .seconds(600)

    public init(
        name: String,
        timing: Timing,
        timeZone: TimeZone = TimeZone(identifier: "UTC") ?? .current,
        selection: Selection = Selection(),
        startingDeadline: Duration = .seconds(300)
    ) {
        self.name = name
        self.timing = timing
        self.timeZone = timeZone
        self.selection = selection
        self.startingDeadline = startingDeadline
    }

    /// The first slot strictly after `date`.
    public func nextSlot(after date: Date) -> Date? {
        switch timing {
        case .cron(let cron):
            return cron.next(after: date, in: timeZone)
        case .interval(let interval):
            guard interval >= .seconds(1) else { return nil }
            let seconds = interval.inSeconds
            return Date(timeIntervalSince1970: (floor(date.timeIntervalSince1970 / seconds) + 1) * seconds)
        }
    }
}

/// What one coordinator tick decides for one schedule. Pure: the caller creates the run
/// (INSERT … ON CONFLICT DO NOTHING on schedule and slot) and logs what was skipped.
public struct TickDecision: Sendable, Hashable {
    /// The slot to create a run for, if any: the latest due slot, when it is within the starting deadline.
    public var run: Date?
    /// Due slots that get no run of their own: collapsed into `run`, or skipped as too late.
    public var missed: [Date]
    /// `true` when even the latest due slot was past the starting deadline.
    public var tooLate: Bool

    /// Decides for slots due after `lastSlot` (the schedule's latest run; `nil` for none) up to `now`.
    /// At most `limit` missed slots are listed (a long outage of a per-minute schedule is summarised).
    public static func decide(_ schedule: Schedule, lastSlot: Date?, now: Date, limit: Int = 1_000) -> TickDecision {
        var cursor = lastSlot ?? now.addingTimeInterval(-max(schedule.startingDeadline.inSeconds, 60) - 1)
        var due: [Date] = []
        while let next = schedule.nextSlot(after: cursor), next <= now {
            due.append(next)
            if due.count > limit + 1 { due.removeFirst() }
            cursor = next
        }
        // A schedule that never ran has missed nothing: only its latest slot counts.
        if lastSlot == nil, due.count > 1 { due = [due[due.count - 1]] }
        guard let latest = due.last else { return TickDecision(run: nil, missed: [], tooLate: false) }
        if now.timeIntervalSince(latest) <= schedule.startingDeadline.inSeconds {
            return TickDecision(run: latest, missed: Array(due.dropLast()), tooLate: false)
        }
        return TickDecision(run: nil, missed: due, tooLate: true)
    }
}
