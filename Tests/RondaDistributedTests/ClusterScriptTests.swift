import Foundation
import Logging
import RondaCore
import RondaStore
import RondaTestSupport
import Testing

extension Distributed {
    /// `ops/cluster.sh`, the topology docker-compose.yml describes as plain processes: it comes up,
    /// its coordinator's schedule produces a finalized run, and a manual distributed run passes.
    @Suite struct ClusterScriptTests {
        func script(_ arguments: [String], directory: String, name: String) async throws -> ChildProcess {
            let process = try ChildProcess(
                "/bin/bash",
                [Checkout.root + "/ops/cluster.sh"] + arguments,
                environment: ["PATH": "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", "HOME": NSTemporaryDirectory()],
                logPath: directory + "-\(name).log"
            )
            _ = await process.wait(timeout: .seconds(180))
            return process
        }

        func environment(_ file: String) throws -> [String: String] {
            var values: [String: String] = ["PATH": "/usr/bin:/bin"]
            for line in try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n") {
                guard let equals = line.firstIndex(of: "=") else { continue }
                values[String(line[..<equals])] = String(line[line.index(after: equals)...])
            }
            return values
        }

        @Test func theTopologyComesUpSchedulesARunAndServesAManualOne() async throws {
            let directory = try Checkout.temporaryDirectory("ronda-cluster")
            let up = try await script(
                ["up", directory, "--workers", "2", "--ronda", Checkout.ronda],
                directory: directory,
                name: "up"
            )
            // Always taken down again: its processes are detached and would outlive the tests.
            do { try await exercise(up, directory: directory) } catch {
                _ = try? await script(["down", directory, "--clean"], directory: directory, name: "down")
                throw error
            }
            let down = try await script(["down", directory, "--clean"], directory: directory, name: "down")
            #expect(down.exitCode == 0, "\(down.log)")
        }

        /// The compose topology with a Redis that requires TLS, reached through the stunnel
        /// sidecar (compose profile `redis-tls`): `ronda smoke` passes against its dashboard,
        /// with a job through the queue, and `ronda health --worker` finds the worker.
        @Test func theTopologyBehindATLSRedisPassesTheSmokeTest() async throws {
            let directory = try Checkout.temporaryDirectory("ronda-cluster-tls")
            let up = try await script(
                ["up", directory, "--workers", "1", "--redis-tls", "--ronda", Checkout.ronda],
                directory: directory,
                name: "up"
            )
            do {
                #expect(up.exitCode == 0, "\(up.log)")
                let environment = try environment(directory + "/cluster.env")
                let port = try #require(environment["DASHBOARD_PORT"])
                var output = ""
                let passed = await eventually(60) {
                    let answer = try? await runProgramAsync(
                        Checkout.ronda,
                        ["smoke", "--url", "http://127.0.0.1:\(port)"],
                        environment: environment
                    )
                    output = answer.map { String(decoding: $0.output, as: UTF8.self) } ?? ""
                    return answer?.status == 0
                }
                #expect(passed, "\(output)")
                #expect(output.contains("ok   queue-round-trip ("), "\(output)")
                let status = try await script(["status", directory], directory: directory, name: "status")
                #expect(status.log.contains("redis-tls      up"), "\(status.log)")
                #expect(status.log.contains("dashboard      up"), "\(status.log)")
            } catch {
                _ = try? await script(["down", directory, "--clean"], directory: directory, name: "down")
                throw error
            }
            let down = try await script(["down", directory, "--clean"], directory: directory, name: "down")
            #expect(down.exitCode == 0, "\(down.log)")
        }

        func exercise(_ up: ChildProcess, directory: String) async throws {
            #expect(up.exitCode == 0, "\(up.log)")
            #expect(up.log.contains("ready \(directory)"))
            let environment = try environment(directory + "/cluster.env")
            let databaseURL = try #require(environment["RONDA_DATABASE_URL"])

            // The coordinator's schedule (P0 every 5 minutes) created a run at once; the workers finish it.
            let store = try await StoreLocation.open(url: databaseURL, logger: Logger(label: "test"))
            #expect(
                await eventually(120) {
                    let runs = (try? await store.recentRuns(limit: 10)) ?? []
                    return runs.contains { $0.schedule != nil && $0.status == .completed }
                }
            )
            let scheduled = try #require(try await store.recentRuns(limit: 10).first { $0.schedule != nil })
            let notPassed = try await store.results(runID: scheduled.id).filter { $0.status != .pass }
            #expect(
                scheduled.totals.passed == scheduled.totals.scenarios && scheduled.totals.scenarios > 0,
                "\(notPassed.map { "\($0.scenario): \($0.status) \($0.errorMessage ?? "")" })"
            )

            // A manual run through the same workers.
            let run = try ChildProcess(
                Checkout.ronda,
                ["run", "--distributed", "--priority", "P0,P1", "--config", Checkout.root + "/ronda.yml"],
                environment: environment,
                logPath: directory + "-run.log"
            )
            _ = await run.wait(timeout: .seconds(180))
            #expect(run.exitCode == 0, "\(run.log)")
            #expect(run.log.contains("0 failed, 0 errored"))
            let status = try await script(["status", directory], directory: directory, name: "status")
            #expect(status.exitCode == 0, "\(status.log)")
            try await store.close()
        }
    }
}
