import Foundation
import RondaCore
import RondaStore
import RondaTestSupport
import Testing

/// `ops/backup.sh`, `ops/restore.sh` and `ops/check_backup_status.sh` against a real PostgreSQL.
/// Serialized: each test starts a PostgreSQL cluster of its own, one initdb at a time.
@Suite(.serialized, .enabled(if: TestPostgres.isAvailable, "PostgreSQL is not installed"))
struct BackupTests {
    /// Three finished runs of two scenarios each (one failing, grouped), finalized: rows in every
    /// table a restore is checked against, and in the rollups.
    static func seed(_ url: String) async throws {
        guard case .postgres(let location) = try StoreLocation(parsing: url) else { return }
        let store = try await PostgresStore.open(location)
        try await store.migrate()
        for index in 0..<3 {
            let run = RunRecord(
                id: "run-\(index)",
                trigger: .schedule,
                totals: RunTotals(scenarios: 2),
                startedAt: Date().addingTimeInterval(Double(index * 60 - 600)),
                deadline: Date().addingTimeInterval(600)
            )
            _ = try await store.createRun(run)
            for (name, status) in [("checkout", ScenarioOutcome.pass), ("refund", .fail)] {
                let step = StepResult(
                    index: 0,
                    name: "POST /refunds",
                    phase: .main,
                    outcome: status == .pass ? .passed : .failed,
                    method: "POST",
                    url: "http://shop/refunds/\(index)",
                    status: status == .pass ? 201 : 500,
                    timings: Timings(dns: 0.001, connect: 0.002, tls: 0, firstByte: 0.05, total: 0.06),
                    attempts: 1,
                    assertions: [
                        AssertionResult(
                            subject: "status",
                            op: "==",
                            expected: "201",
                            actual: "500",
                            passed: status == .pass
                        )
                    ],
                    captures: [:],
                    requestExcerpt: "POST /refunds",
                    responseExcerpt: "HTTP 500 — ünïcødé ✓",
                    error: nil,
                    startedAt: Date()
                )
                _ = try await store.recordResult(
                    ScenarioResult(
                        runID: run.id,
                        scenario: name,
                        module: "billing",
                        priority: .p1,
                        tags: ["money"],
                        status: status,
                        attempt: 1,
                        worker: "w",
                        stepsExecuted: 1,
                        stepsPassed: status == .pass ? 1 : 0,
                        failingStep: status == .pass ? nil : step.name,
                        errorKind: status == .pass ? nil : .assertion,
                        errorMessage: status == .pass ? nil : "expected 201, got 500",
                        startedAt: Date(),
                        completedAt: Date(),
                        duration: 0.06,
                        responseTime: 0.06,
                        steps: [step]
                    )
                )
            }
            _ = try await store.finalizeRun(id: run.id, at: Date(), historyWindow: 5) { input in
                var writes = FinalizationWrites()
                for result in input.results where result.status == .fail {
                    writes.groups.append(
                        ErrorGroup(
                            fingerprint: "fp-refund",
                            scenario: result.scenario,
                            module: result.module,
                            priority: result.priority,
                            step: result.failingStep,
                            errorKind: "assertion",
                            message: result.errorMessage ?? "",
                            normalizedMessage: "m",
                            url: nil,
                            httpStatus: 500,
                            excerpt: nil,
                            firstSeen: result.completedAt,
                            lastSeen: result.completedAt,
                            occurrences: index + 1,
                            firstRunID: "run-0",
                            lastRunID: input.run.id,
                            firstRelease: nil
                        )
                    )
                    writes.resultGroups[result.scenario] = "fp-refund"
                }
                return writes
            }
        }
        try await store.close()
    }

    /// A database on a cluster of its own: a restore drops, renames and creates databases and ends
    /// sessions, which on the cluster every other test shares stalled their connections.
    static func dedicatedDatabase() async throws -> (TestPostgres, String) {
        let cluster = try await offCooperativePool { try TestPostgres() }
        return (cluster, try await cluster.makeDatabase())
    }

    /// Row count and an MD5 of every row (as text, sorted) of each table a restore must bring back.
    static func fingerprint(_ url: String, database: String? = nil) async throws -> String {
        var target = url
        if let database, var parts = URLComponents(string: url) {
            parts.path = "/" + database
            target = parts.string ?? url
        }
        let tables = [
            "runs", "scenario_results", "step_results", "error_groups", "scenario_hourly", "scenario_daily",
            "endpoint_daily",
        ]
        let sql = tables.map {
            "SELECT '\($0)', count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM \($0) t"
        }
        .joined(separator: " UNION ALL ")
        return try await psql(target, sql)
    }

    /// Runs `sql` with psql, off the cooperative pool (a blocked pool thread would stall every
    /// other test's store in this process).
    @discardableResult
    static func psql(_ url: String, _ sql: String) async throws -> String {
        let log = NSTemporaryDirectory() + "ronda-backup-psql-\(UUID().uuidString).log"
        defer { try? FileManager.default.removeItem(atPath: log) }
        let plain = url.replacingOccurrences(of: "?sslmode=disable", with: "")
        let status = try await offCooperativePool {
            try spawnAndWait(
                ["\(TestPostgres.binDirectory)/psql", "-X", "-At", "-v", "ON_ERROR_STOP=1", "-d", plain, "-c", sql],
                log: log
            )
        }
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        guard status == 0 else { throw PSQLFailure(output: output) }
        return output
    }

    static func script(
        _ name: String,
        _ arguments: [String],
        url: String,
        extra: [String: String] = [:]
    ) async throws
        -> (status: Int32, output: String)
    {
        let log = NSTemporaryDirectory() + "ronda-backup-\(UUID().uuidString).log"
        defer { try? FileManager.default.removeItem(atPath: log) }
        var environment = ["RONDA_DATABASE_URL": url, "PATH": "\(TestPostgres.binDirectory):/usr/bin:/bin"]
        environment.merge(extra) { _, new in new }
        let settings = environment
        let status = try await offCooperativePool {
            try spawnAndWait(
                [Checkout.root + "/ops/" + name] + arguments,
                log: log,
                environment: settings,
                inheritEnvironment: false
            )
        }
        return (status, (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
    }

    @Test func aBackupRestoresTheDroppedDatabaseRowForRow() async throws {
        let (cluster, url) = try await Self.dedicatedDatabase()
        defer { withExtendedLifetime(cluster) {} }
        try await Self.seed(url)
        let before = try await Self.fingerprint(url)
        #expect(before.contains("step_results|6|"))
        let dir = try Checkout.temporaryDirectory("ronda-backups")
        defer { try? FileManager.default.removeItem(atPath: dir) }

        let backup = try await Self.script("backup.sh", ["--dir", dir], url: url)
        #expect(backup.status == 0, "\(backup.output)")
        #expect(backup.output.contains("runs 3 scenario_results 6 step_results 6 error_groups 1"), "\(backup.output)")
        let check = try await Self.script("check_backup_status.sh", ["--dir", dir], url: url)
        #expect(check.status == 0, "\(check.output)")
        #expect(check.output.hasPrefix("backup ok: \(dir)/ronda-"))

        // The database is gone: the restore creates it again from the newest backup.
        let name = try #require(URLComponents(string: url)?.path.dropFirst())
        try await Self.psql(
            url.replacingOccurrences(of: "/\(name)", with: "/postgres"),
            "DROP DATABASE \(name) WITH (FORCE)"
        )
        let restore = try await Self.script("restore.sh", ["--latest", "--dir", dir, "--force"], url: url)
        #expect(restore.status == 0, "\(restore.output)")
        #expect(try await Self.fingerprint(url) == before)
    }

    /// `--notify`: the result through Ronda's alert channels (a webhook receiver here), a
    /// success at P3 and a failure at P1, each once.
    @Test func aBackupTellsItsResultThroughTheAlertChannels() async throws {
        // Only a backup here, no restore: the shared cluster will do.
        let url = try await TestPostgres.freshDatabase()
        let port = try #require(URLComponents(string: url)?.port)
        try await Self.seed(url)
        let receiver = try await AlertReceiver.start()
        let dir = try Checkout.temporaryDirectory("ronda-backups-notify")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
        alerts:
          channels:
            ops:
              type: webhook
              url: \(receiver.baseURL)/hook
              secret: "{{ env.RONDA_WEBHOOK_SECRET }}"
        """.write(toFile: dir + "/ronda.yml", atomically: true, encoding: .utf8)
        // The channel's secret as a mounted secret file would give it.
        try "backup-hook-secret\n".write(toFile: dir + "/hook-secret", atomically: true, encoding: .utf8)
        let extra = ["RONDA_BIN": Checkout.ronda, "RONDA_WEBHOOK_SECRET_FILE": dir + "/hook-secret"]
        func backup(_ url: String) async throws -> (status: Int32, output: String) {
            try await Self.script(
                "backup.sh",
                ["--dir", dir + "/files", "--notify", "--config", dir + "/ronda.yml"],
                url: url,
                extra: extra
            )
        }
        let written = try await backup(url)
        #expect(written.status == 0, "\(written.output)")
        #expect(written.output.contains("notify: sent to ops (webhook)"), "\(written.output)")

        // PostgreSQL unreachable: the backup fails, and says so at P1.
        let failed = try await backup(url.replacingOccurrences(of: ":\(port)/", with: ":1/"))
        #expect(failed.status == 1, "\(failed.output)")
        let bodies = receiver.requests().compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.body)) as? [String: Any]
        }
        #expect(bodies.count == 2, "\(receiver.requests().count) requests")
        #expect(bodies.first?["title"] as? String == "Ronda backup written")
        #expect((bodies.first?["text"] as? String ?? "").contains("runs 3 scenario_results 6"))
        #expect(bodies.first?["priority"] as? String == "P3")
        #expect(bodies.last?["title"] as? String == "Ronda backup FAILED")
        #expect(bodies.last?["priority"] as? String == "P1")
        // Which step meets the unreachable server first depends on timing: the snapshot session
        // or pg_dump. Either way the message names it.
        let failure = bodies.last?["text"] as? String ?? ""
        #expect(failure.contains("pg_dump of") || failure.contains("cannot open a snapshot on"), "\(failure)")
        let password = try #require(URLComponents(string: url)?.password)
        #expect(!"\(bodies)".contains(password))
        await receiver.stop()
    }

    @Test func aCorruptBackupIsRefusedAndAFailedSwapRollsBack() async throws {
        let (cluster, url) = try await Self.dedicatedDatabase()
        defer { withExtendedLifetime(cluster) {} }
        try await Self.seed(url)
        let before = try await Self.fingerprint(url)
        let dir = try Checkout.temporaryDirectory("ronda-backups")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try await Self.script("backup.sh", ["--dir", dir], url: url).status == 0)
        let dump = try #require(
            try FileManager.default.contentsOfDirectory(atPath: dir).first { $0.hasSuffix(".dump") }
        )

        // Truncated: the checksum no longer matches; restore refuses, check reports it.
        let truncated = dir + "/ronda-20991231T235959Z.dump"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + dump))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: truncated))
        let sum = try String(contentsOfFile: dir + "/" + dump + ".sha256", encoding: .utf8)
        try sum.replacingOccurrences(of: dump, with: "ronda-20991231T235959Z.dump")
            .write(toFile: truncated + ".sha256", atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(atPath: dir + "/" + dump + ".manifest", toPath: truncated + ".manifest")
        let refused = try await Self.script("restore.sh", [truncated, "--force"], url: url)
        #expect(refused.status == 2)
        #expect(refused.output.contains("does not match its checksum"), "\(refused.output)")
        let corrupt = try await Self.script("check_backup_status.sh", ["--dir", dir], url: url)
        #expect(corrupt.status == 1)
        #expect(corrupt.output.hasPrefix("BACKUP CORRUPT"), "\(corrupt.output)")
        #expect(try await Self.fingerprint(url) == before)
        for suffix in ["", ".sha256", ".manifest"] { try FileManager.default.removeItem(atPath: truncated + suffix) }

        // Half-way: the live database was renamed aside when the swap failed; it is put back.
        for point in ["restore", "verify", "swap"] {
            let failed = try await Self.script(
                "restore.sh",
                ["--latest", "--dir", dir, "--force"],
                url: url,
                extra: ["RONDA_RESTORE_FAIL_AT": point]
            )
            #expect(failed.status == 1, "\(point): \(failed.output)")
            #expect(try await Self.fingerprint(url) == before, "\(point)")
        }
        #expect(await failedRestoreLeftoversAreGone(url))
    }

    /// No `_restore_` or `_old_` database is left behind.
    func failedRestoreLeftoversAreGone(_ url: String) async -> Bool {
        let names = (try? await Self.psql(url, "SELECT datname FROM pg_database")) ?? ""
        return !names.contains("_restore_") && !names.contains("_old_")
    }

    @Test func theStatusCheckFailsForAMissingEmptyOrOldBackup() async throws {
        let dir = try Checkout.temporaryDirectory("ronda-backups")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let url = "postgres://unused@127.0.0.1:1/unused"
        let missing = try await Self.script("check_backup_status.sh", ["--dir", dir], url: url)
        #expect(missing.status == 1)
        #expect(missing.output.hasPrefix("BACKUP MISSING"))

        let file = dir + "/ronda-20260101T000000Z.dump"
        FileManager.default.createFile(atPath: file, contents: Data())
        let empty = try await Self.script("check_backup_status.sh", ["--dir", dir], url: url)
        #expect(empty.status == 1)
        #expect(empty.output.hasPrefix("BACKUP EMPTY"))

        // A real, verified backup made two days ago.
        try FileManager.default.removeItem(atPath: file)
        let (cluster, live) = try await Self.dedicatedDatabase()
        defer { withExtendedLifetime(cluster) {} }
        try await Self.seed(live)
        #expect(try await Self.script("backup.sh", ["--dir", dir], url: live).status == 0)
        let dump = try #require(
            try FileManager.default.contentsOfDirectory(atPath: dir).first { $0.hasSuffix(".dump") }
        )
        try FileManager.default.setAttributes(
            [.modificationDate: Date().addingTimeInterval(-48 * 3600)],
            ofItemAtPath: dir + "/" + dump
        )
        let old = try await Self.script("check_backup_status.sh", ["--dir", dir, "--max-age-hours", "25"], url: url)
        #expect(old.status == 1)
        #expect(old.output.hasPrefix("BACKUP TOO OLD"), "\(old.output)")
        let lenient = try await Self.script(
            "check_backup_status.sh",
            ["--dir", dir, "--max-age-hours", "72"],
            url: url
        )
        #expect(lenient.status == 0, "\(lenient.output)")
    }
}

struct PSQLFailure: Error, CustomStringConvertible {
    var output: String
    var description: String { "psql failed: \(output)" }
}

/// The S3 path of the backups against a local S3 server (moto, from PyPI through ops/s3tools.sh).
extension BackupTests {
    @Test func aBackupUploadedToS3RestoresFromThere() async throws {
        let tools = try await offCooperativePool { try runProgram(Checkout.root + "/ops/s3tools.sh", ["--bin"]) }
        let bin = String(decoding: tools.output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(tools.status == 0, "\(bin)")
        let port = try freePort()
        let dir = try Checkout.temporaryDirectory("ronda-s3")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let server = try ChildProcess(
            Checkout.root + "/ops/s3tools.sh",
            ["server", String(port)],
            environment: ["PATH": "/usr/bin:/bin"],
            logPath: dir + "/moto.log"
        )
        defer { server.killAndReap() }
        let endpoint = "http://127.0.0.1:\(port)"
        let aws = [
            "PATH": "\(bin):\(TestPostgres.binDirectory):/usr/bin:/bin", "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1",
        ]
        var made: Int32 = -1
        #expect(
            await eventually(60) {
                made =
                    (try? await runProgramAsync(
                        bin + "/aws",
                        ["--endpoint-url", endpoint, "s3", "mb", "s3://ronda-backups"],
                        environment: aws
                    ).status) ?? -1
                return made == 0 || server.poll() != nil
            },
            "\(server.log)"
        )
        try #require(made == 0)

        let (cluster, url) = try await BackupTests.dedicatedDatabase()
        defer { withExtendedLifetime(cluster) {} }
        try await BackupTests.seed(url)
        let before = try await BackupTests.fingerprint(url)
        let backup = try await BackupTests.script(
            "backup.sh",
            [
                "--dir", dir + "/local", "--s3-bucket", "ronda-backups", "--s3-prefix", "nightly/", "--s3-endpoint",
                endpoint,
            ],
            url: url,
            extra: aws
        )
        #expect(backup.status == 0, "\(backup.output)")
        let key = try #require(
            backup.output.split(separator: "\n").first { $0.hasPrefix("uploaded: ") }?.split(separator: "/").last
        )
        // The local copy is gone; the restore fetches the three files from S3.
        try FileManager.default.removeItem(atPath: dir + "/local")
        let name = try #require(URLComponents(string: url)?.path.dropFirst())
        try await BackupTests.psql(
            url.replacingOccurrences(of: "/\(name)", with: "/postgres"),
            "DROP DATABASE \(name) WITH (FORCE)"
        )
        let restore = try await BackupTests.script(
            "restore.sh",
            [
                "--from-s3", "nightly/\(key)", "--s3-bucket", "ronda-backups", "--s3-endpoint", endpoint, "--dir",
                dir + "/local", "--force",
            ],
            url: url,
            extra: aws
        )
        #expect(restore.status == 0, "\(restore.output)")
        #expect(try await BackupTests.fingerprint(url) == before)
    }
}
