import Metrics
import RondaCore

/// What a worker reports through swift-metrics (exposed by `--metrics-port`; a no-op until the
/// process bootstraps a metrics backend): each recorded result by module, priority and outcome,
/// and each step's total time as a histogram by module and phase.
enum WorkerMetrics {
    static func recorded(_ result: ScenarioResult) {
        Counter(
            label: "ronda_scenarios_total",
            dimensions: [
                ("module", result.module), ("priority", result.priority.rawValue), ("outcome", result.status.rawValue),
            ]
        )
        .increment()
        for step in result.steps {
            guard let timings = step.timings else { continue }
            Timer(
                label: "ronda_step_duration_seconds",
                dimensions: [("module", result.module), ("phase", step.phase.rawValue)],
                preferredDisplayUnit: .seconds
            )
            .recordSeconds(timings.total)
        }
    }
}
