import Foundation
import RondaTestSupport
import Testing

/// libcurl is opened on first use (CCurl), once per process, so these run `ronda` processes:
/// each starts without libcurl loaded.
struct LibcurlLoadingTests {
    /// Runs `ronda run-scenario` on a one-step GET against a closed port, with `RONDA_LIBCURL`
    /// set when `libcurl` is given; returns the exit code (`nil` if a signal ended it) and the output.
    func runScenario(libcurl: String?) async throws -> (status: Int32?, output: String) {
        let dir = try Checkout.temporaryDirectory("ronda-libcurl")
        let scenario = dir + "/health.yml"
        try "scenario: Health\nsteps:\n  - name: Health\n    get: /health\n"
            .write(toFile: scenario, atomically: true, encoding: .utf8)
        var environment = ["PATH": "/usr/bin:/bin", "HOME": dir]
        if let libcurl { environment["RONDA_LIBCURL"] = libcurl }
        let log = dir + "/output.log"
        // Port 9 (discard) is closed on loopback: the request fails once libcurl is loaded.
        let child = try ChildProcess(
            Checkout.ronda,
            ["run-scenario", "--base-url", "http://127.0.0.1:9", scenario],
            environment: environment,
            logPath: log
        )
        if await child.wait(timeout: .seconds(60)) == nil { await child.kill9() }
        return (child.exitCode, (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
    }

    @Test func theDefaultLibcurlIsLoadedWhenTheFirstRequestGoesOut() async throws {
        let (status, output) = try await runScenario(libcurl: nil)
        #expect(status == 1, "a scenario that errors exits 1")
        #expect(
            output.contains("could not connect to http://127.0.0.1:9/health"),
            "libcurl itself tried to connect: \(output)"
        )
        #expect(!output.contains("cannot load libcurl"))
    }

    @Test func aMissingLibcurlFailsTheRequestWithAnErrorThatSaysWhatToInstall() async throws {
        let (status, output) = try await runScenario(libcurl: "/nonexistent/libcurl.so.4")
        #expect(status == 1, "the scenario errors; the process does not crash")
        #expect(output.contains("cannot load libcurl (/nonexistent/libcurl.so.4"), "\(output)")
        #expect(output.contains("apt-get install libcurl4"))
        #expect(output.contains("RONDA_LIBCURL"))
    }

    @Test func aLibraryThatIsNotLibcurlIsRefusedByName() async throws {
        // libz loads, but has none of libcurl's functions.
        let (status, output) = try await runScenario(libcurl: "libz.so.1")
        #expect(status == 1)
        #expect(output.contains("libz.so.1 has no curl_global_init: it is not libcurl"), "\(output)")
    }
}
