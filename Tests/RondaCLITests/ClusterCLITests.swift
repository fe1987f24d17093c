import ArgumentParser
import Foundation
import Logging
import RondaCoordinator
import RondaCore
import RondaTestSupport
import Testing

@testable import RondaCLI

/// Bad distributed-mode configuration ends with a clear error naming the setting, before any work.
struct ClusterCLITests {
    func expectCLIError(_ expected: String, _ body: () async throws -> Void) async {
        do {
            try await body()
            Issue.record("no error; expected one mentioning \(expected)")
        } catch let error as CLIError {
            #expect(error.message.contains(expected), "\(error.message)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func missingAndMalformedURLsNameTheirSetting() async throws {
        await expectCLIError("RONDA_REDIS_URL is not set") {
            _ = try ClusterOptions.parse([]).redisConfiguration(environment: [:])
        }
        await expectCLIError("RONDA_DATABASE_URL is not set") {
            _ = try ClusterOptions.parse([]).databaseURLText(environment: [:])
        }
        await expectCLIError("RONDA_REDIS_URL is not a valid Redis URL (scheme 'http' instead of redis)") {
            _ = try ClusterOptions.parse(["--redis-url", "http://127.0.0.1:6379"]).redisConfiguration(environment: [:])
        }
        await expectCLIError("port 70000 out of range") {
            _ = try ClusterOptions.parse([]).redisConfiguration(environment: [
                "RONDA_REDIS_URL": "redis://:secret@127.0.0.1:70000"
            ])
        }
        await expectCLIError("--lease-time 'soon'") {
            _ = try ClusterOptions.parse(["--lease-time", "soon"]).leaseDuration()
        }
    }

    @Test func anUnreachableRedisIsReportedWithItsAddressAndNoPassword() async throws {
        let (fd, port) = try SilentServer.bindLoopback(listen: false)
        defer { close(fd) }
        let options = try ClusterOptions.parse(["--redis-url", "redis://:hunter2@127.0.0.1:\(port)"])
        do {
            _ = try await options.connectRedis(logger: .init(label: "test"))
            Issue.record("connected to a closed port")
        } catch let error as CLIError {
            #expect(error.message.contains("cannot reach Redis at 127.0.0.1:\(port) (RONDA_REDIS_URL)"))
            #expect(!error.message.contains("hunter2"))
        }
    }

    @Test func theWorkerRejectsAnImpossibleConcurrency() async {
        #expect(await RondaCommand.main(arguments: ["worker", "--concurrency", "0"]) == 2)
    }

    func configFolder(_ schedules: String) throws -> String {
        let dir = try Checkout.temporaryDirectory("ronda-coordinator")
        try FileManager.default.createDirectory(atPath: dir + "/scenarios", withIntermediateDirectories: true)
        try "scenario: Ping\nmodule: net\npriority: P0\nsteps:\n  - name: Ping\n    get: /ping\n"
            .write(toFile: dir + "/scenarios/ping.yml", atomically: true, encoding: .utf8)
        try "target: { base_url: 'http://127.0.0.1:9' }\nsuite: scenarios\n\(schedules)"
            .write(toFile: dir + "/ronda.yml", atomically: true, encoding: .utf8)
        return dir + "/ronda.yml"
    }

    @Test func coordinatorConfigurationErrorsNameTheSchedule() async throws {
        await expectCLIError("schedules.bad.cron: expected 5 fields") {
            _ = try CoordinatorSetup(
                global: try GlobalOptions.parse([
                    "--config", try configFolder("schedules:\n  bad:\n    cron: '*/5 * * *'\n"),
                ])
            )
        }
        // A cron that can never fire is a configuration error, not a schedule that is never due.
        await expectCLIError("never fires") {
            _ = try CoordinatorSetup(
                global: try GlobalOptions.parse([
                    "--config", try configFolder("schedules:\n  feb31:\n    cron: '0 0 31 2 *'\n"),
                ])
            )
        }
        await expectCLIError("schedules.none selects no scenario") {
            _ = try CoordinatorSetup(
                global: try GlobalOptions.parse([
                    "--config", try configFolder("schedules:\n  none:\n    every: 1m\n    modules: [payments]\n"),
                ])
            )
        }
        await expectCLIError("no schedules in") {
            _ = try CoordinatorSetup(global: try GlobalOptions.parse(["--config", try configFolder("")]))
        }
        let good = try CoordinatorSetup(
            global: try GlobalOptions.parse(["--config", try configFolder("schedules:\n  ok:\n    every: 1m\n")])
        )
        #expect(good.schedules.map(\.name) == ["ok"])
        #expect(try good.snapshots().map(\.scenario.name) == ["Ping"])
        #expect(good.variables == ["base_url": "http://127.0.0.1:9"])
    }

    @Test func aSchedulesFileReplacesTheConfigurationsSchedules() async throws {
        let config = try configFolder("schedules:\n  fromConfig:\n    every: 1m\n")
        let folder = (config as NSString).deletingLastPathComponent
        let staging = folder + "/staging-schedules.yml"
        try "schedules:\n  staging:\n    every: 5m\n  nightly:\n    cron: '0 3 * * *'\n".write(
            toFile: staging,
            atomically: true,
            encoding: .utf8
        )
        let setup = try CoordinatorSetup(
            global: try GlobalOptions.parse(["--config", config]),
            schedulesFile: staging
        )
        #expect(setup.schedules.map(\.name) == ["staging", "nightly"])
        // The command line reaches it.
        #expect(try ServeCommand.parse(["--schedules", staging]).schedules.schedules == staging)
        #expect(try ScheduleTickCommand.parse(["--schedules", staging]).schedules.schedules == staging)
        await expectCLIError("no schedules file at") {
            _ = try CoordinatorSetup(
                global: try GlobalOptions.parse(["--config", config]),
                schedulesFile: folder + "/none.yml"
            )
        }
        let empty = folder + "/empty-schedules.yml"
        try "# nothing\n".write(toFile: empty, atomically: true, encoding: .utf8)
        await expectCLIError("no schedules in \(empty)") {
            _ = try CoordinatorSetup(global: try GlobalOptions.parse(["--config", config]), schedulesFile: empty)
        }
        let broken = folder + "/broken-schedules.yml"
        try "schedules:\n  bad:\n    every: sometimes\n".write(toFile: broken, atomically: true, encoding: .utf8)
        await expectCLIError("the schedules file has problems") {
            _ = try CoordinatorSetup(global: try GlobalOptions.parse(["--config", config]), schedulesFile: broken)
        }
    }

    @Test func durationsAcceptDays() throws {
        #expect(DurationText.parse("30d") == .seconds(2_592_000))
        #expect(DurationText.parse("90s") == .seconds(90))
        #expect(DurationText.parse("soon") == nil)
        #expect(try ClusterOptions.parse(["--lease-time", "2m"]).leaseDuration() == .seconds(120))
    }
}
