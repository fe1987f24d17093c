import Foundation
public import Hummingbird

/// What a ``TestHTTPServer`` route saw: kept so a test can assert a request reached the server.
public struct SeenRequest: Sendable {
    public var method: String
    /// The path without the query string.
    public var path: String
    /// The raw query string (no `?`), or "".
    public var query: String
    /// Header values by lower-cased name (repeated headers joined with ", ").
    public var headers: [String: String]
    public var body: [UInt8]

    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// Query parameters, percent-decoded, in order.
    public var queryItems: [(name: String, value: String)] {
        URLComponents(string: "http://x/?" + query)?.queryItems?.map { ($0.name, $0.value ?? "") } ?? []
    }

    public func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// A thread-safe list of the requests a test server's routes saw.
public final class RequestLog: @unchecked Sendable {
    // Safe: every access to `entries` holds `lock`.
    private let lock = NSLock()
    private var entries: [SeenRequest] = []

    public init() {}

    /// Reads the request's body (up to `limit` bytes) and records the request; returns what was recorded.
    @discardableResult
    public func record(_ request: Request, limit: Int = 4 << 20) async throws -> SeenRequest {
        let buffer = try await request.body.collect(upTo: limit)
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName.lowercased()
            headers[name] = headers[name].map { "\($0), \(field.value)" } ?? field.value
        }
        let seen = SeenRequest(
            method: request.method.rawValue,
            path: request.uri.path,
            query: request.uri.query ?? "",
            headers: headers,
            body: Array(buffer.readableBytesView)
        )
        lock.withLock { entries.append(seen) }
        return seen
    }

    /// Every request so far, in arrival order.
    public var all: [SeenRequest] { lock.withLock { entries } }

    /// The requests to `path`.
    public func to(_ path: String) -> [SeenRequest] { all.filter { $0.path == path } }

    /// How many requests went to `path`.
    public func count(_ path: String) -> Int { to(path).count }
}
