import Foundation
import Hummingbird
import Logging
import RondaHTTP
import RondaStore
import RondaTestSupport
import RondaWeb

/// A dashboard on a free loopback port over a fresh SQLite store, with one operator
/// ("ana" / `password`), and a browser-like client (its own cookie jar; redirects not followed).
struct WebFixture: Sendable {
    static let password = "correct horse battery"
    let store: SQLiteStore
    let base: String

    /// Starts the dashboard, runs `body`, stops it and removes the store.
    static func with<T: Sendable>(
        options: DashboardOptions = .init(),
        fleet: Fleet? = nil,
        _ body: @Sendable (WebFixture) async throws -> T
    ) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ronda-web-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try await SQLiteStore.open(path: directory.appendingPathComponent("ronda.sqlite").path)
        try await store.migrate()
        // Cost 4: the tests check behaviour, not bcrypt's work factor.
        _ = try await store.dashboard(
            .addOperator("ana", passwordHash: Credentials.hash(password, cost: 4), at: Date())
        )
        let dashboard = Dashboard(store: store, options: options, fleet: fleet)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        // Cancelling the server at the end is logged at error level by Hummingbird: keep to critical.
        var logger = Logger(label: "test.web")
        logger.logLevel = .critical
        let app = dashboard.application(host: "127.0.0.1", port: 0, logger: logger) { port in
            continuation.yield(port)
            continuation.finish()
        }
        let server = Task { try await app.runService(gracefulShutdownSignals: []) }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            server.cancel()
            throw WebTestError(message: "the dashboard did not start")
        }
        let fixture = WebFixture(store: store, base: "http://127.0.0.1:\(port)")
        do {
            let value = try await body(fixture)
            server.cancel()
            _ = await server.result
            try await store.close()
            return value
        } catch {
            server.cancel()
            _ = await server.result
            try? await store.close()
            throw error
        }
    }

    /// A new browser: its own cookie jar.
    func browser() -> Browser { Browser(base: base) }
}

struct WebTestError: Error { var message: String }

/// One client with a cookie jar, as a browser would be.
final class Browser: Sendable {
    let base: String
    let session = HTTPSession()

    init(base: String) { self.base = base }
    deinit { session.close() }

    func get(_ path: String, headers: [HTTPHeader] = []) async throws -> RondaHTTP.HTTPResponse {
        var options = HTTPRequestOptions()
        options.followRedirects = false
        return try await session.send(
            RondaHTTP.HTTPRequest(method: "GET", url: base + path, headers: headers, options: options)
        )
    }

    func post(_ path: String, form: [String: String]) async throws -> RondaHTTP.HTTPResponse {
        var options = HTTPRequestOptions()
        options.followRedirects = false
        let body = form.sorted { $0.key < $1.key }
            .map { "\(Self.encode($0.key))=\(Self.encode($0.value))" }
            .joined(separator: "&")
        return try await session.send(
            RondaHTTP.HTTPRequest(
                method: "POST",
                url: base + path,
                headers: [HTTPHeader("Content-Type", "application/x-www-form-urlencoded")],
                body: Array(body.utf8),
                options: options
            )
        )
    }

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }

    /// The value of the hidden `csrf_token` field of a page.
    static func csrf(in page: String) -> String? {
        guard let range = page.range(of: "name=\"csrf_token\" value=\"") else { return nil }
        return String(page[range.upperBound...].prefix { $0 != "\"" })
    }

    /// Opens the login form and submits it. Returns the POST's response.
    @discardableResult
    func login(_ user: String = "ana", _ password: String = WebFixture.password) async throws -> RondaHTTP.HTTPResponse
    {
        let form = try await get("/login")
        let token = Self.csrf(in: form.bodyText) ?? ""
        return try await post("/login", form: ["username": user, "password": password, "csrf_token": token])
    }

    /// The CSRF token of the signed-in session (read from a page's sign-out form).
    func sessionCSRF() async throws -> String {
        Self.csrf(in: try await get("/").bodyText) ?? ""
    }
}
