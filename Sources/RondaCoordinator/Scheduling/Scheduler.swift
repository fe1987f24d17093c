public import Foundation
import Logging
public import RondaCore
import RondaQueue
import RondaStore

/// A schedule from `ronda.yml` it cannot use, with the entry's location and setting.
public struct ScheduleConfigError: RondaError, Hashable {
    /// What kind of failure this is (`ScheduleConfigError.Code.…`, or `.…` where the type is known).
    public typealias Code = ErrorCode<ScheduleConfigError>

    public internal(set) var code: ErrorCode<ScheduleConfigError> = .invalidSchedule
    /// The `schedules:` entry in `ronda.yml`.
    public internal(set) var location: SourceLocation
    /// What is wrong, naming the setting (`schedules.NAME.cron: …`); shown after the location.
    public internal(set) var message: String
}

extension Schedule {
    /// The schedule an entry of `schedules:` describes; a cron expression that does not parse
    /// is an error naming `schedules.NAME.cron`.
    public init(config: RondaConfig.ScheduleConfig) throws(ScheduleConfigError) {
        let timing: Timing
        if let cron = config.cron {
            do { timing = .cron(try CronExpression(cron)) } catch {
                throw ScheduleConfigError(
                    location: config.location,
                    message: "schedules.\(config.name).cron: \(error.message) (in '\(cron)')"
                )
            }
        } else if let every = config.every {
            timing = .interval(every)
        } else {
            throw ScheduleConfigError(
                location: config.location,
                message: "schedules.\(config.name) needs 'cron:' or 'every:'"
            )
        }
        let zone = config.timeZone.flatMap(TimeZone.init(identifier:)) ?? TimeZone(identifier: "UTC") ?? .current
        self.init(
            name: config.name,
            timing: timing,
            timeZone: zone,
            selection: config.selection,
            startingDeadline: config.startingDeadline ?? .seconds(300)
        )
        self.runTimeout = config.deadline ?? .seconds(600)
    }
}

/// What one tick did, per schedule.
public struct TickReport: Sendable, Hashable {
    /// Runs this coordinator created (another coordinator may have created the same slots).
    public var created: [RunRecord] = []
    /// Slots that got no run of their own (collapsed into a newer one, or too late), by schedule.
    public var missed: [String: [Date]] = [:]

    public init() {}
}

/// One coordinator tick over the configured schedules: for each, the due slot (per
/// `TickDecision`) gets a run unless one exists; the store's unique (schedule, slot) decides
/// which of several concurrent coordinators creates it, and only that one enqueues.
public struct Scheduler: Sendable {
    public let coordinator: RunCoordinator
    public let schedules: [Schedule]
    /// The scenarios to choose from, read at each tick (so edits apply to the next run).
    public let suite: @Sendable () throws -> [ScenarioSnapshot]
    /// Variables every run gives its scenarios (the base URL).
    public var variables: [String: String]
    /// Reads the target's release when a run is due (`alerts.release`); `nil`: not recorded.
    public var release: (@Sendable () async -> String?)?

    public init(
        coordinator: RunCoordinator,
        schedules: [Schedule],
        variables: [String: String] = [:],
        suite: @escaping @Sendable () throws -> [ScenarioSnapshot]
    ) {
        self.coordinator = coordinator
        self.schedules = schedules
        self.variables = variables
        self.suite = suite
    }

    public func tick(now: Date = Date()) async throws -> TickReport {
        var report = TickReport()
        var snapshots: [ScenarioSnapshot]?
        for schedule in schedules {
            let last = try await coordinator.store.latestSlot(schedule: schedule.name)
            let decision = TickDecision.decide(schedule, lastSlot: last, now: now)
            if !decision.missed.isEmpty {
                report.missed[schedule.name] = decision.missed
                coordinator.logger.warning(
                    decision.tooLate
                        ? "missed slots past the starting deadline: skipped" : "missed slots collapsed into one run",
                    metadata: [
                        "schedule": "\(schedule.name)", "missed": "\(decision.missed.count)",
                        "first": "\(decision.missed.first.map(Self.text) ?? "")",
                    ]
                )
            }
            guard let slot = decision.run else { continue }
            if snapshots == nil { snapshots = try suite() }
            let chosen = (snapshots ?? []).filter { schedule.selection.matches($0.scenario) }
            guard !chosen.isEmpty else {
                coordinator.logger.error(
                    "schedule selects no scenario; no run created",
                    metadata: ["schedule": "\(schedule.name)"]
                )
                continue
            }
            if let run = try await coordinator.startRun(
                chosen,
                trigger: .schedule,
                schedule: schedule.name,
                slot: slot,
                deadline: now.addingTimeInterval(schedule.runTimeout.inSeconds),
                variables: variables,
                release: await release?(),
                now: now
            ) {
                report.created.append(run)
            }
        }
        return report
    }

    static func text(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }
}

extension ErrorCode where Owner == ScheduleConfigError {
    /// The entry has no timing, or its cron expression does not parse.
    public static var invalidSchedule: Self { Self("invalidSchedule") }
}
