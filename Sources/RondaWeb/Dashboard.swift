public import Foundation
public import Hummingbird
public import Logging
import RondaQueue
public import RondaStore
import Synchronization

/// The dashboard: server-rendered pages over a result store, its JSON API, `/health`, and the
/// operator login in front of them.
///
/// ```swift
/// let dashboard = Dashboard(store: store)
/// let app = dashboard.application(host: "127.0.0.1", port: 8080, logger: logger)
/// try await app.runService()
/// ```
public final class Dashboard: Sendable {
    public let store: any ResultStore
    public let options: DashboardOptions
    /// The queue and heartbeats `/workers` shows; `nil` for a dashboard over the store alone.
    public let fleet: Fleet?
    let throttle: Mutex<LoginThrottle>
    let metrics: DashboardMetrics
    /// The clock pages and sessions read (tests move it).
    let now: @Sendable () -> Date

    public init(
        store: any ResultStore,
        options: DashboardOptions = .init(),
        fleet: Fleet? = nil,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.store = store
        self.options = options
        self.fleet = fleet
        self.throttle = Mutex(LoginThrottle(limit: options.loginLimit))
        self.metrics = DashboardMetrics(store: store, fleet: fleet)
        self.now = now
    }

    /// Every route, behind the security headers and the session check.
    public func router() -> Router<DashboardContext> {
        let router = Router(context: DashboardContext.self)
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: RequestMetricsMiddleware(metrics: metrics))
        router.add(middleware: SessionMiddleware(dashboard: self))
        router.get("/health") { _, _ in try await self.health() }
        router.get("/metrics") { request, _ in try await self.metricsResponse(request) }
        router.get("/static/ronda.css") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600"],
                body: .init(byteBuffer: ByteBuffer(string: Stylesheet.css))
            )
        }
        // Browsers ask for it on every page; without a session it would redirect to /login.
        router.get("/favicon.ico") { _, _ in Response(status: .noContent) }
        addLoginRoutes(router)
        addPages(router)
        addWorkerPages(router)
        addCoveragePages(router)
        addScenarioPages(router)
        if let statusPage = options.statusPage { addStatusPage(router, statusPage) }
        addAPI(router)
        return router
    }

    /// A Hummingbird application serving `router()` on `host:port`; `onListening` gets the bound port.
    public func application(
        host: String,
        port: Int,
        logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: router(),
            configuration: .init(address: .hostname(host, port: port), serverName: "ronda-dashboard"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }

    /// `200 {"status":"ok","store":"ok"}` (and `"queue":"ok"` with a fleet) when the store (and the
    /// queue) answer; `503` with the reason of each that does not.
    func health() async throws -> Response {
        var report = ["status": "ok"]
        do {
            _ = try await store.setting(named: "paused")
            report["store"] = "ok"
        } catch {
            report["store"] = "\(error)"
            report["status"] = "unavailable"
        }
        if let fleet {
            do {
                _ = try await fleet.queue.stats()
                report["queue"] = "ok"
            } catch {
                report["queue"] = "\(error)"
                report["status"] = "unavailable"
            }
        }
        return Reply.json(report["status"] == "ok" ? .ok : .serviceUnavailable, report)
    }
}

/// Building responses.
enum Reply {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static func html(_ status: HTTPResponse.Status = .ok, _ page: HTML) -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: page.description))
        )
    }

    /// JSON; `<`, `>` and `&` are written as `\u003c`… so a response read as HTML by mistake runs nothing.
    static func json(_ status: HTTPResponse.Status, _ value: some Encodable) -> Response {
        var text = (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        text = text.replacingOccurrences(of: "<", with: "\\u003c")
            .replacingOccurrences(of: ">", with: "\\u003e")
            .replacingOccurrences(of: "&", with: "\\u0026")
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: text))
        )
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    /// A form-encoded body as a dictionary (the last value of a repeated key wins).
    static func form(_ request: Request) async throws -> [String: String] {
        let buffer = try await request.body.collect(upTo: 64 * 1024)
        return decodeForm(String(buffer: buffer))
    }

    static func decodeForm(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (part: Substring) in
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(part)
            }
            guard let key = parts.first else { continue }
            fields[decode(key)] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return fields
    }
}
