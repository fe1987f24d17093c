import DemoTarget
import Foundation
import RondaCoordinator
import RondaCore
import RondaStore
import RondaTestSupport
import Testing

@testable import RondaCLI

extension Distributed {
    /// The outbox across coordinator processes: decisions written when a run is finalized
    /// survive the coordinator's kill -9 and a receiver that is down, and two coordinators
    /// delivering at once send each decision once, in order.
    @Suite struct DistAlertTests {
        static let monday = "Appointments can be booked on every working day"

        static func coordinatorConfig(topology: Topology, receiverPort: Int) throws -> String {
            try topology.writeConfig(
                "ronda-coordinator.yml",
                adding: """
                    schedules:
                      nightly: { cron: "0 3 * * *", scenarios: ["\(monday)"], starting_deadline: 1s }
                    alerts:
                      channels:
                        hook:
                          type: webhook
                          url: "http://127.0.0.1:\(receiverPort)/hook"
                          secret: "{{ env.RONDA_WEBHOOK_SECRET }}"
                          timeout: 2s
                          retry: { backoff: 1s, max_backoff: 2s }
                    """
            )
        }

        static func startCoordinator(_ name: String, topology: Topology, config: String) throws -> ChildProcess {
            var environment = topology.environment
            environment["RONDA_WEBHOOK_SECRET"] = "whsec-distributed"
            return try ChildProcess(
                Checkout.ronda,
                ["coordinator", "serve", "--config", config, "--interval", "500ms", "--log-level", "info"],
                environment: environment,
                logPath: topology.directory + "/\(name).log"
            )
        }

        static func mondayScenario() throws -> ScenarioSnapshot {
            let path = Checkout.root + "/scenarios/appointments/every_weekday.yml"
            let source = try String(contentsOfFile: path, encoding: .utf8)
            let scenario = try ScenarioLoader.parse(source, file: path)
            #expect(scenario.name == monday)
            return ScenarioSnapshot(scenario: scenario, source: source)
        }

        @Test func decisionsSurviveAKilledCoordinatorAndTwoCoordinatorsSendEachOnceInOrder() async throws {
            let topology = try await Topology(databaseURL: try await TestPostgres.freshDatabase())
            var coordinators: [ChildProcess] = []
            var receiver: AlertReceiver?
            try await withTeardown {
                // The receiver's port, then nothing listens there while the runs are finalized.
                let first = try await AlertReceiver.start()
                let port = first.port
                let log = first.log
                await first.stop()
                let down = ContinuousClock.now
                let config = try Self.coordinatorConfig(topology: topology, receiverPort: port)
                try topology.startWorker("w1", concurrency: 2)
                let killed = try Self.startCoordinator("coordinator-a", topology: topology, config: config)
                coordinators.append(killed)
                let scenario = try Self.mondayScenario()
                for on in [true, false, true] {
                    topology.demo.faults.set(on ? ["appointment-monday-500"] : [])
                    let run = try await topology.startRun([scenario])
                    let finalized = await eventually(120) {
                        (try? await topology.store.run(id: run.id))?.status == .completed
                    }
                    #expect(finalized, "coordinator A did not finalize run \(run.id): \(killed.log)")
                }
                // The receiver stays down for two minutes (the acceptance's drill), while coordinator A
                // keeps retrying the oldest decision and holds the later ones back.
                let retried = await eventually(240) {
                    let rows = (try? await topology.store.alertOutbox(limit: 10)) ?? []
                    return ContinuousClock.now - down >= .seconds(120) && rows.count == 3
                        && rows.contains { $0.attempts >= 3 }
                }
                #expect(retried, "\(killed.log.suffix(3000))")
                let decided = try await topology.store.alertOutbox(limit: 10)
                #expect(decided.count == 3)
                #expect(decided.allSatisfy { $0.state == .pending })
                // Only the oldest was tried: in order, the later ones wait behind it.
                #expect(decided.filter { $0.attempts > 0 }.count == 1)
                await killed.kill9()

                receiver = try await AlertReceiver.start(port: port, log: log)
                for name in ["coordinator-b", "coordinator-c"] {
                    coordinators.append(try Self.startCoordinator(name, topology: topology, config: config))
                }
                let delivered = await eventually(120) {
                    let rows = (try? await topology.store.alertOutbox(limit: 10)) ?? []
                    return rows.count == 3 && rows.allSatisfy { $0.state == .delivered }
                }
                #expect(delivered, "\(coordinators.map(\.log).joined(separator: "\n---\n").suffix(4000))")
                let requests = try #require(receiver).requests().filter { $0.path == "/hook" }
                let triggers = requests.map { request -> [String] in
                    let object = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any]
                    return object?["triggers"] as? [String] ?? []
                }
                #expect(triggers == [["new_error"], ["recovery"], ["regression"]])
                let keys = requests.compactMap { $0.header("Idempotency-Key") }
                #expect(keys.count == 3)
                #expect(Set(keys).count == 3)
                // Between them the two coordinators logged each delivery once.
                let logged = coordinators.dropFirst().map {
                    $0.log.components(separatedBy: "alert delivered").count - 1
                }
                #expect(logged.reduce(0, +) == 3, "\(logged)")
            } teardown: {
                for process in coordinators { await process.kill9() }
                await receiver?.stop()
                await topology.shutDown()
            }
        }
    }
}
