import Foundation

/// Engine throughput benchmark.
///
///     EngineThroughput serve  --port P [--server nio|hummingbird]
///     EngineThroughput client --url http://127.0.0.1:P/ping --duration S --concurrency C [--raw]
///                             [--fresh-session] [--warmup S] [--curl-threads N]
///
/// `serve` answers `GET /ping` with `{"ok":true}` on 127.0.0.1 (keep-alive), from a Hummingbird
/// app (the default) or, with `--server nio`, from a SwiftNIO channel handler. `client`
/// runs a one-step GET scenario through `ScenarioRunner` in C concurrent loops for S
/// seconds and prints requests/s; `--raw` measures `HTTPSession.send` alone instead (one
/// session per loop; with `--fresh-session`, a new session per request, as each scenario run has).
/// `bench/engine_vs_wrk.sh` runs both against one server, next to wrk. Nothing here
/// asserts a time: it measures and prints.
@main
struct EngineThroughput {
    static let usage = """
        usage: EngineThroughput serve --port P [--server hummingbird|nio] [--delay-ms MS (nio)]
               EngineThroughput client --url URL [--duration S] [--concurrency C] [--raw [--fresh-session]]
                                       [--warmup S] [--curl-threads N]
        """

    static func main() async {
        var arguments = Array(CommandLine.arguments.dropFirst())
        guard let mode = arguments.first else { fail(usage) }
        arguments.removeFirst()
        var options = Options(arguments)
        switch mode {
        case "serve":
            let port = options.int("--port") ?? 0
            let kind = options.string("--server") ?? "hummingbird"
            let delay = options.int("--delay-ms") ?? 0
            options.finish()
            if delay != 0, kind != "nio" || delay < 0 {
                fail("serve: --delay-ms is a number of milliseconds, for --server nio")
            }
            do {
                switch kind {
                case "hummingbird": try await BenchServer.run(port: port)
                case "nio": try await NIOBenchServer.run(port: port, delayMilliseconds: delay)
                default: fail("serve: --server is hummingbird or nio, not '\(kind)'")
                }
            } catch {
                fail("server: \(error)")
            }
        case "client":
            guard let url = options.string("--url") else { fail("client: --url is required\n\(usage)") }
            let settings = ClientSettings(
                url: url,
                duration: options.double("--duration") ?? 5,
                concurrency: max(1, options.int("--concurrency") ?? 8),
                warmup: max(0, options.double("--warmup") ?? 1),
                raw: options.flag("--raw"),
                freshSession: options.flag("--fresh-session"),
                curlThreads: options.int("--curl-threads")
            )
            options.finish()
            let ok = await BenchClient.run(settings)
            exit(ok ? 0 : 1)
        default:
            fail(usage)
        }
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        exit(2)
    }
}

/// `--name value` and `--flag` arguments, in any order.
struct Options {
    private var rest: [String]

    init(_ arguments: [String]) { rest = arguments }

    mutating func flag(_ name: String) -> Bool {
        guard let index = rest.firstIndex(of: name) else { return false }
        rest.remove(at: index)
        return true
    }

    mutating func string(_ name: String) -> String? {
        guard let index = rest.firstIndex(of: name) else { return nil }
        guard index + 1 < rest.count else { EngineThroughput.fail("\(name) needs a value") }
        let value = rest[index + 1]
        rest.removeSubrange(index...(index + 1))
        return value
    }

    mutating func int(_ name: String) -> Int? {
        guard let text = string(name) else { return nil }
        guard let value = Int(text) else { EngineThroughput.fail("\(name): '\(text)' is not an integer") }
        return value
    }

    mutating func double(_ name: String) -> Double? {
        guard let text = string(name) else { return nil }
        guard let value = Double(text), value.isFinite, value >= 0 else {
            EngineThroughput.fail("\(name): '\(text)' is not a number of seconds")
        }
        return value
    }

    func finish() {
        if !rest.isEmpty {
            EngineThroughput.fail("unknown arguments: \(rest.joined(separator: " "))\n\(EngineThroughput.usage)")
        }
    }
}
