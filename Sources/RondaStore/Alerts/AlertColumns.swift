import Foundation
import RondaCore

extension ErrorGroup {
    init(_ c: Columns) throws {
        self.init(
            fingerprint: try c.string("fingerprint"),
            scenario: try c.string("scenario"),
            module: try c.string("module"),
            priority: try c.enumeration("priority"),
            step: try c.optionalString("step"),
            signature: try c.optionalString("signature"),
            errorKind: try c.string("error_kind"),
            message: try c.string("message"),
            normalizedMessage: try c.string("normalized_message"),
            url: try c.optionalString("url"),
            httpStatus: try c.optionalInt("http_status"),
            excerpt: try c.optionalString("excerpt"),
            status: try c.enumeration("status"),
            firstSeen: try c.date("first_seen"),
            lastSeen: try c.date("last_seen"),
            occurrences: try c.int("occurrences"),
            firstRunID: try c.string("first_run_id"),
            lastRunID: try c.string("last_run_id"),
            firstRelease: try c.optionalString("first_release"),
            resolvedAt: try c.optionalDate("resolved_at"),
            resolvedRelease: try c.optionalString("resolved_release"),
            regressedAt: try c.optionalDate("regressed_at"),
            regressions: try c.int("regressions"),
            passStreak: try c.int("pass_streak"),
            notifiedAt: try c.optionalDate("notified_at")
        )
    }

    /// `AlertStatements.upsertGroup`'s 25 parameters.
    var values: [StoreValue] {
        [
            .string(fingerprint), .string(scenario), .string(module), .string(priority.rawValue), .string(step),
            .string(signature), .string(errorKind), .string(message), .string(normalizedMessage), .string(url),
            .int(httpStatus), .string(excerpt), .string(status.rawValue), .date(firstSeen), .date(lastSeen),
            .int(occurrences), .string(firstRunID), .string(lastRunID), .string(firstRelease), .date(resolvedAt),
            .string(resolvedRelease), .date(regressedAt), .int(regressions), .int(passStreak), .date(notifiedAt),
        ]
    }
}

extension OutboxEntry {
    init(_ c: Columns) throws {
        let alert: Alert = try c.json("payload")
        self.init(
            decision: try c.string("decision"),
            channel: try c.string("channel"),
            runID: try c.optionalString("run_id"),
            position: try c.int("position"),
            alert: alert,
            state: try c.enumeration("state"),
            createdAt: try c.date("created_at"),
            note: try c.optionalString("note")
        )
        id = try c.string("id")
        trigger = try c.enumeration("trigger")
        attempts = try c.int("attempts")
        nextAttemptAt = try c.date("next_attempt_at")
        lastError = try c.optionalString("last_error")
        deliveredAt = try c.optionalDate("delivered_at")
    }

    /// `AlertStatements.insertOutbox`'s 13 parameters.
    func values(payload: String) -> [StoreValue] {
        [
            .string(id), .string(decision), .string(channel), .string(runID), .string(trigger.rawValue),
            .int(position), .string(payload), .string(state.rawValue), .int(attempts), .date(nextAttemptAt),
            .date(createdAt), .date(deliveredAt), .string(note),
        ]
    }
}

extension ScenarioHistoryEntry {
    init(_ c: Columns) throws {
        self.init(
            runID: try c.string("run_id"),
            status: try c.enumeration("status"),
            passedAfterRetry: try c.int("passed_after_retry") != 0,
            completedAt: try c.date("completed_at")
        )
    }
}
