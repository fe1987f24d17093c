import ArgumentParser
import Foundation
import Logging
import Metrics
import Prometheus
import RondaWeb
import ServiceLifecycle

/// `--metrics-port`: serve this process's `/metrics` (worker, coordinator, serve).
struct MetricsOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Serve this process's Prometheus metrics at http://HOST:PORT/metrics (0: any free port, printed). Off by default.",
            valueName: "port"
        )
    )
    var metricsPort: Int?

    @Option(help: ArgumentHelp("Address the metrics port listens on.", valueName: "host"))
    var metricsHost: String = "127.0.0.1"

    func validate() throws {
        if let metricsPort, !(0...65_535).contains(metricsPort) {
            throw CLIError(code: .usage, message: "--metrics-port \(metricsPort) is not 0–65535")
        }
    }

    /// The metrics server as a service (swift-metrics bootstrapped to Prometheus first), or none
    /// without `--metrics-port`. RONDA_METRICS_TOKEN, when set, guards it with a bearer token.
    func services(
        logger: Logger,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> [any Service] {
        guard let metricsPort else { return [] }
        let token = environment["RONDA_METRICS_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        let server = MetricsServer(registry: ProcessMetrics.registry, token: token)
        let host = metricsHost
        return [
            server.service(host: host, port: metricsPort, logger: logger) { port in
                FileHandle.standardOutput.write(Data("metrics on http://\(host):\(port)/metrics\n".utf8))
            }
        ]
    }
}

/// The process's swift-metrics backend: a Prometheus registry, bootstrapped on first use (once
/// per process, as swift-metrics requires).
enum ProcessMetrics {
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()
}
