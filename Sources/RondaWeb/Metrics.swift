import Foundation
import Hummingbird
import Prometheus
import RondaQueue
import RondaStore

/// `/metrics` in the Prometheus text format (swift-prometheus): what the store holds, read at each
/// scrape (runs by status, results by module and outcome, results by response time, error groups,
/// the alert outbox by channel and state), the queue and the live workers when the dashboard has
/// them, and the dashboard's own requests.
final class DashboardMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let store: any ResultStore
    let fleet: Fleet?

    init(store: any ResultStore, fleet: Fleet? = nil) {
        self.store = store
        self.fleet = fleet
    }

    /// Counts a request the dashboard answered (by route pattern, method and status).
    func countRequest(route: String, method: String, status: Int) {
        registry.makeCounter(
            name: "ronda_dashboard_requests_total",
            labels: [("route", route), ("method", method), ("status", String(status))],
            help: "Requests the dashboard answered."
        )
        .increment()
    }

    /// Reads the store and renders every metric.
    func render() async throws -> String {
        let snapshot = try await store.dashboard(.metrics)
        for (status, count) in snapshot.runs {
            gauge("ronda_runs", [("status", status)], "Runs in the store by status.").set(Int64(count))
        }
        for (module, outcomes) in snapshot.results {
            for (outcome, count) in outcomes {
                gauge(
                    "ronda_results",
                    [("module", module), ("outcome", outcome)],
                    "Scenario results of finalized runs, by module and outcome."
                )
                .set(Int64(count))
            }
        }
        for (module, cumulative) in snapshot.responseAtMost {
            for (bound, count) in zip(RollupFigure.latencyBounds, cumulative) {
                gauge(
                    "ronda_results_response_at_most",
                    [("module", module), ("le", String(bound))],
                    "Scenario results whose response time was at most `le` seconds."
                )
                .set(Int64(count))
            }
        }
        for (status, count) in snapshot.errorGroups {
            gauge("ronda_error_groups", [("status", status)], "Error groups by status.").set(Int64(count))
        }
        for (channel, states) in snapshot.outbox {
            for (state, count) in states {
                gauge(
                    "ronda_alert_deliveries",
                    [("channel", channel), ("state", state)],
                    "Alert outbox rows by channel and state (pending, delivered, failed)."
                )
                .set(Int64(count))
            }
        }
        if let fleet { try await renderFleet(fleet) }
        return registry.emitToString()
    }

    /// Queue depth, in flight, dead letters, live workers and the pause switch. A queue that does
    /// not answer fails the scrape (Prometheus then records `up 0`) rather than report zeros.
    private func renderFleet(_ fleet: Fleet) async throws {
        let stats = try await fleet.queue.stats()
        let workers = try await fleet.control.liveWorkers()
        gauge("ronda_queue_pending", [], "Jobs waiting in the queue.").set(Int64(stats.pending))
        gauge("ronda_queue_in_flight", [], "Jobs leased by a worker and not yet acknowledged.").set(
            Int64(stats.inFlight)
        )
        gauge("ronda_queue_dead_letters", [], "Jobs given up after their last delivery.").set(Int64(stats.deadLetters))
        gauge("ronda_workers_live", [], "Workers whose heartbeat has not expired.").set(Int64(workers.count))
        gauge("ronda_workers_running_scenarios", [], "Scenarios running on the live workers.")
            .set(Int64(workers.reduce(0) { $0 + $1.inFlight }))
        gauge("ronda_paused", [], "1 while the fleet is paused.").set(Int64(try await fleet.control.isPaused() ? 1 : 0))
    }

    private func gauge(_ name: String, _ labels: [(String, String)], _ help: String) -> Gauge {
        registry.makeGauge(name: name, labels: labels, help: help)
    }
}

extension Dashboard {
    func metricsResponse(_ request: Request) async throws -> Response {
        if let token = options.metricsToken {
            let given = request.headers[.authorization] ?? ""
            guard Credentials.constantTimeEqual(given, "Bearer \(token)") else {
                var response = Reply.json(
                    .unauthorized,
                    ["error": "/metrics needs Authorization: Bearer <RONDA_METRICS_TOKEN>"]
                )
                response.headers[.wwwAuthenticate] = "Bearer"
                return response
            }
        }
        let text = try await metrics.render()
        return Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: text))
        )
    }
}

/// Counts every answered request in `DashboardMetrics`.
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = DashboardContext
    let metrics: DashboardMetrics

    func handle(
        _ request: Request,
        context: DashboardContext,
        next: (Request, DashboardContext) async throws -> Response
    ) async throws -> Response {
        let response = try await next(request, context)
        metrics.countRequest(
            route: context.endpointPath ?? "unmatched",
            method: request.method.rawValue,
            status: response.status.code
        )
        return response
    }
}
