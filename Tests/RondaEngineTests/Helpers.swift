import Foundation
import HTTPTypes
import Hummingbird
import Logging
import RondaCore
import RondaEngine
import RondaTestSupport
import Testing

/// Parses a scenario written as YAML in a test.
func parseScenario(_ yaml: String, file: String = "test-scenario.yml") throws -> Scenario {
    do {
        return try ScenarioLoader.parse(yaml, file: file)
    } catch {
        Issue.record("the test scenario does not parse:\n\(error)")
        throw error
    }
}

/// An engine configuration for `baseURL` whose environment is exactly `environment`.
func engineConfiguration(_ baseURL: String, environment: [String: String] = [:]) -> EngineConfiguration {
    EngineConfiguration(baseURL: baseURL, environment: { environment[$0] }, fakeSeed: 7)
}

/// Parses `yaml` and runs it against `baseURL`.
func runScenario(
    _ yaml: String,
    baseURL: String,
    environment: [String: String] = [:],
    logger: Logger = Logger(label: "ronda.engine-tests", factory: { _ in SwiftLogNoOpLogHandler() }),
    configure: (inout EngineConfiguration) -> Void = { _ in }
) async throws -> ScenarioResult {
    let scenario = try parseScenario(yaml)
    var configuration = engineConfiguration(baseURL, environment: environment)
    configure(&configuration)
    return await ScenarioRunner(configuration: configuration, logger: logger).run(
        scenario,
        runID: "run-1",
        worker: "test"
    )
}

/// Starts a server whose routes `configure` installs (with a shared request log), runs `body`, stops the server.
func withServer<T: Sendable>(
    _ configure: @escaping @Sendable (Router<BasicRequestContext>, RequestLog) -> Void,
    run body: (TestHTTPServer, RequestLog) async throws -> T
) async throws -> T {
    let log = RequestLog()
    return try await TestHTTPServer.with { router in
        configure(router, log)
    } run: { server in
        try await body(server, log)
    }
}

/// A JSON response.
func jsonResponse(_ text: String, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
    var fields = headers
    fields[.contentType] = "application/json"
    return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: text)))
}

/// A text response.
func textResponse(_ text: String, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
    var fields = headers
    if fields[.contentType] == nil { fields[.contentType] = "text/plain; charset=utf-8" }
    return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: text)))
}

/// A response with raw bytes.
func bytesResponse(_ bytes: [UInt8], status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
    Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
}

/// A header name (every name used in these tests is valid).
func headerName(_ name: String) -> HTTPField.Name { HTTPField.Name(name)! }

/// The result's steps by name (the last record of each name wins).
extension ScenarioResult {
    func step(_ name: String) -> StepResult? { steps.last { $0.name == name } }
    func steps(named name: String) -> [StepResult] { steps.filter { $0.name == name } }
}

/// Resident set size of this process in bytes (from /proc/self/statm).
func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

struct ProcessFailed: Error, CustomStringConvertible {
    var description: String
}

/// A directory under the system temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ronda-engine-tests-\(UUID().uuidString)",
            isDirectory: true
        )
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func write(_ name: String, _ text: String) throws {
        try text.write(toFile: path(name), atomically: true, encoding: .utf8)
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}
