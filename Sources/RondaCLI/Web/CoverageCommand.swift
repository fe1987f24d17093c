import ArgumentParser
import Foundation
import RondaCore
import RondaHTTP
import RondaStore
import RondaWeb

/// `ronda coverage --openapi URL|FILE`: which operations of the target's OpenAPI document the
/// suite exercised in the last days, which it never touched, and which calls no operation describes.
struct CoverageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coverage",
        abstract:
            "Endpoint coverage: the OpenAPI operations the suite called in the last days, and those it never touches.",
        discussion: """
            Reads the calls from the results store (RONDA_DATABASE_URL, else the configuration's SQLite file): \
            every step's method and path, counted per day when a run is finalized, with identifiers (numbers, \
            UUIDs, long tokens) matched to any path parameter. An operation is exercised when a call matched \
            its method and path template (the most specific template wins). Runs finalized before this version \
            count after `ronda migrate --rebuild-rollups`.

            Exit status: 0, or 1 with --fail-under when the coverage is below it; 2 when the document cannot \
            be read.
            """
    )

    @OptionGroup var results: ResultsStoreOptions
    @OptionGroup var logging: LoggingOptions

    @Option(
        help: ArgumentHelp(
            "The target's OpenAPI document (JSON or YAML): an http(s) URL or a file.",
            valueName: "url-or-file"
        )
    )
    var openapi: String

    @Option(help: ArgumentHelp("Count the calls of the last N days (1–365).", valueName: "n")) var days: Int = 7

    @Option(
        help: ArgumentHelp("Exit 1 when fewer than this percentage of operations were called.", valueName: "percent")
    )
    var failUnder: Double?

    @Flag(help: "Print JSON instead of text.") var json = false

    func validate() throws {
        guard (1...365).contains(days) else { throw CLIError(code: .usage, message: "--days \(days) is not 1–365") }
        if let failUnder, !(0...100).contains(failUnder) {
            throw CLIError(code: .usage, message: "--fail-under \(failUnder) is not a percentage (0–100)")
        }
    }

    struct Output: Encodable {
        var document: String
        var days: Int
        var declared: Int
        var covered: Int
        var ratio: Double?
        var operations: [EndpointCoverage.Row]
        var strays: [EndpointCoverage.Stray]
    }

    func run() async throws {
        let source = OpenAPILoader.source(openapi)
        let operations: [APIOperation]
        do {
            operations = try OpenAPIDocumentReader.operations(try await source.load(), source: openapi)
        } catch let error as CLIError {
            throw error
        } catch {
            throw CLIError(code: .configuration, message: "cannot read the OpenAPI document: \(error)")
        }
        let since = Date().addingTimeInterval(-Double(days - 1) * 86_400)
        let calls = try await results.withStore(logger: try logging.makeLogger(label: "ronda")) { store in
            try await store.dashboard(.endpointCalls(since: since))
        }
        let coverage = EndpointCoverage(operations: operations, calls: calls)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let output = Output(
                document: openapi,
                days: days,
                declared: operations.count,
                covered: coverage.covered,
                ratio: coverage.ratio,
                operations: coverage.operations,
                strays: coverage.strays
            )
            print(String(decoding: try encoder.encode(output), as: UTF8.self))
        } else {
            print(Self.text(coverage, document: openapi, days: days))
        }
        if let failUnder, (coverage.ratio ?? 0) * 100 < failUnder { throw ExitCode(1) }
    }

    static func text(_ coverage: EndpointCoverage, document: String, days: Int) -> String {
        let percent = coverage.ratio.map { String(format: "%.1f%%", $0 * 100) } ?? "—"
        var lines = [
            "endpoint coverage, last \(days) day\(days == 1 ? "" : "s"): \(coverage.covered) of \(coverage.operations.count) operations (\(percent)) in \(document)"
        ]
        let never = coverage.operations.filter { $0.calls == 0 }
        if !never.isEmpty {
            lines.append("never called:")
            for row in never {
                let summary = row.operation.summary.map { "  \($0)" } ?? ""
                lines.append(
                    "  \(row.operation.method.padding(toLength: 7, withPad: " ", startingAt: 0)) \(row.operation.path)\(summary)"
                )
            }
        }
        if !coverage.strays.isEmpty {
            lines.append("calls no operation describes:")
            for stray in coverage.strays {
                lines.append(
                    "  \(stray.method.padding(toLength: 7, withPad: " ", startingAt: 0)) \(stray.path)  (\(stray.calls) call\(stray.calls == 1 ? "" : "s"))"
                )
            }
        }
        return lines.joined(separator: "\n")
    }
}

/// Reads an OpenAPI document from an http(s) URL or a file.
enum OpenAPILoader {
    static func source(_ location: String) -> OpenAPISource {
        OpenAPISource(location: location) { try await load(location) }
    }

    static func load(_ location: String) async throws -> String {
        guard location.hasPrefix("http://") || location.hasPrefix("https://") else {
            guard let data = FileManager.default.contents(atPath: location) else {
                throw CLIError(
                    code: .configuration,
                    message: "cannot read the OpenAPI document \(location): no such file"
                )
            }
            return String(decoding: data, as: UTF8.self)
        }
        var options = HTTPRequestOptions()
        options.totalTimeout = .seconds(15)
        options.connectTimeout = .seconds(5)
        let session = HTTPSession()
        defer { session.close() }
        let response: HTTPResponse
        do {
            response = try await session.send(HTTPRequest(url: location, options: options))
        } catch {
            throw CLIError(
                code: .configuration,
                message: "cannot fetch the OpenAPI document \(location): \(error.operatorMessage)"
            )
        }
        guard (200..<300).contains(response.status) else {
            throw CLIError(
                code: .configuration,
                message: "the OpenAPI document \(location) answered HTTP \(response.status)"
            )
        }
        return response.bodyText
    }
}
