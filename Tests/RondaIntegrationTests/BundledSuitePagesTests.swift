import Foundation
import RondaTestSupport
import Testing

/// Every dashboard page in headless Chromium over data from real runs of the bundled suite
/// against the demo app (two healthy runs and one with a fault on), at desktop and phone sizes:
/// `ops/screenshots.sh`, as an operator would run it, into a temporary folder.
struct BundledSuitePagesTests {
    @Test func everyPageOverTheBundledSuitesRunsRendersCleanlyOnADesktopAndAPhone() async throws {
        let out = try Checkout.temporaryDirectory("ronda-screenshots")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let log = out + "/screenshots.log"
        let status = try await offCooperativePool {
            try spawnAndWait(
                // Niced: three suite runs and Chromium would otherwise starve the tests running beside
                // this one on a small machine (their 10 s database timeouts ran out).
                ["/usr/bin/nice", "-n", "15", Checkout.root + "/ops/screenshots.sh"],
                log: log,
                environment: ["BUILD": "0", "RONDA_BIN": Checkout.ronda, "SCREENSHOTS_DIR": out]
            )
        }
        let said = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(status == 0, "\(said)")
        let data = try Data(contentsOf: URL(fileURLWithPath: out + "/pages.json"))
        let report = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let pages = try #require(report["pages"] as? [[String: Any]])
        let paths = Set(pages.compactMap { $0["path"] as? String })
        for path in ["/", "/runs", "/errors", "/scenarios", "/uptime", "/coverage", "/workers", "/status"] {
            #expect(paths.contains(path), "\(path) was not looked at")
        }
        #expect(paths.contains { $0.hasPrefix("/runs/") }, "no run report")
        #expect(paths.contains { $0.hasPrefix("/errors/") }, "no error group (the faulty run should make one)")
        for page in pages {
            let name = "\(page["path"] ?? "?") (\(page["viewport"] ?? "?"))"
            #expect(page["status"] as? Int == 200, "\(name)")
            #expect(page["xss"] as? Int == 0, "\(name)")
            #expect((page["foreign_requests"] as? [String])?.isEmpty == true, "\(name)")
            #expect(page["overflow"] as? Bool == false, "\(name) is wider than the screen")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasSuffix(".png") }
        #expect(files.count == pages.count, "\(files)")
        #expect(files.contains("overview-phone.png") && files.contains("coverage-desktop.png"), "\(files)")
    }
}
