import Foundation
import RondaTestSupport
import Testing

extension Distributed {
    /// `ops/dr_drill.sh --short` on the real topology: each of the five disasters is recovered
    /// from, with RTO and RPO measured and printed, and nothing lost that must not be.
    @Suite struct DRDrillTests {
        @Test func theShortDrillRecoversFromEveryCaseAndPrintsRTOAndRPO() async throws {
            let directory = try Checkout.temporaryDirectory("ronda-dr") + "/drill"
            let drill = try ChildProcess(
                "/bin/bash",
                [Checkout.root + "/ops/dr_drill.sh", directory, "--short", "--ronda", Checkout.ronda],
                environment: ["PATH": "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", "HOME": NSTemporaryDirectory()],
                logPath: directory + ".log"
            )
            _ = await drill.wait(timeout: .seconds(600))
            #expect(drill.exitCode == 0, "\(drill.log)")
            let lines = drill.log.split(separator: "\n").filter { $0.hasPrefix("dr: case=") }.map(String.init)
            let cases = lines.compactMap { $0.split(separator: " ").dropFirst().first }.map(String.init)
            #expect(
                cases == [
                    "case=database-lost", "case=redis-lost", "case=worker-lost", "case=coordinator-lost",
                    "case=bad-deploy",
                ],
                "\(drill.log)"
            )
            for line in lines {
                #expect(line.contains(" ok=yes"), "\(line)")
                // Every case measured a recovery time.
                let rto = line.split(separator: " ").first { $0.hasPrefix("rto_s=") }?.dropFirst(6)
                #expect(rto.flatMap { Double($0) }.map { $0 > 0 } == true, "\(line)")
            }
            // Only the database case loses what was written after its backup; the others lose nothing.
            #expect(lines[0].contains("rpo_s=") && !lines[0].contains("rpo_s=0 "), "\(lines[0])")
            for line in lines.dropFirst() {
                #expect(line.contains(" rpo_s=0 lost=0_"), "\(line)")
            }
            // Each interrupted run still ended with one result per scenario.
            #expect(lines[1].contains("16 scenarios: 16 passed"), "\(lines[1])")
            #expect(lines[2].contains("16 scenarios: 16 passed"), "\(lines[2])")
            #expect(drill.log.contains("RTO (s)"))
            // The drill took its topology down again.
            let status = try await runProgramAsync(
                "/bin/bash",
                [Checkout.root + "/ops/cluster.sh", "status", directory + "/cluster"]
            )
            #expect(String(decoding: status.output, as: UTF8.self).contains("down"))
        }
    }
}
