import Foundation
import RondaCore

/// A value bound to a statement parameter, the same for both stores; `nil` binds SQL NULL.
/// Dates are stored as `Timestamp` text in both databases.
enum StoreValue: Sendable {
    case string(String?)
    case int(Int?)
    case double(Double?)
    case date(Date?)
}

/// The parameters of the INSERT statements in `StoreSQL`, in their order, written once for both stores.
extension StoreSQL {
    /// `insertRun`'s 17 parameters; `variables` is the run's variables as JSON text.
    static func runValues(_ run: RunRecord, variables: String) -> [StoreValue] {
        [
            .string(run.id), .string(run.trigger.rawValue), .string(run.schedule), .date(run.slot),
            .string(run.status.rawValue), .int(run.totals.scenarios), .int(run.totals.passed),
            .int(run.totals.failed), .int(run.totals.errored), .int(run.totals.skipped),
            .int(run.errorsFound), .date(run.startedAt), .date(run.completedAt),
            .double(run.executionTime), .date(run.deadline), .string(variables), .date(run.enqueuedAt),
            .string(run.release),
        ]
    }

    /// `insertPlanned(count:)`'s parameters: 6 for each of `scenarios`.
    static func plannedValues(runID: String, _ scenarios: some Collection<PlannedScenario>) -> [StoreValue] {
        scenarios.flatMap { scenario -> [StoreValue] in
            [
                .string(runID), .string(scenario.scenario), .string(scenario.file), .string(scenario.source),
                .string(scenario.module), .string(scenario.priority.rawValue),
            ]
        }
    }

    /// `insertResult`'s 19 parameters; `tags` is the result's tags as JSON text.
    static func resultValues(_ result: ScenarioResult, id: String, tags: String) -> [StoreValue] {
        [
            .string(id), .string(result.runID), .string(result.scenario), .string(result.module),
            .string(result.priority.rawValue), .string(tags), .string(result.status.rawValue),
            .int(result.attempt), .string(result.worker), .int(result.stepsExecuted),
            .int(result.stepsPassed), .string(result.failingStep), .string(result.errorKind?.rawValue),
            .string(result.errorMessage), .string(result.trace), .date(result.startedAt),
            .date(result.completedAt), .double(result.duration), .double(result.responseTime),
        ]
    }

    /// `insertStep`'s 22 parameters (a row of `insertSteps(count:)`); `assertions` and
    /// `captures` are JSON text.
    static func stepValues(
        _ step: StepResult,
        seq: Int,
        resultID: String,
        assertions: String,
        captures: String
    ) -> [StoreValue] {
        [
            .string(resultID), .int(seq), .int(step.index), .string(step.name), .string(step.phase.rawValue),
            .string(step.caseLabel), .string(step.outcome.rawValue), .string(step.method), .string(step.url),
            .int(step.status), .double(step.timings?.dns), .double(step.timings?.connect),
            .double(step.timings?.tls), .double(step.timings?.firstByte), .double(step.timings?.total),
            .int(step.attempts), .string(assertions), .string(captures), .string(step.requestExcerpt),
            .string(step.responseExcerpt), .string(step.error), .date(step.startedAt),
        ]
    }
}
