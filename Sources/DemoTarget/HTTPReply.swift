import Foundation
import Hummingbird

/// Building responses and reading request bodies, the few ways the demo app needs.
enum HTTPReply {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// A JSON response.
    static func json(_ status: HTTPResponse.Status, _ value: some Encodable) -> Response {
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data))
        )
    }

    /// A JSON error: `{"error": message}` (the optica's shape).
    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        json(status, ["error": message])
    }

    /// A JSON error: `{"detail": message}` (the cafeteria API's shape).
    static func detail(_ status: HTTPResponse.Status, _ message: String) -> Response {
        json(status, ["detail": message])
    }

    /// An HTML page.
    static func html(_ status: HTTPResponse.Status = .ok, _ text: String) -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text))
        )
    }

    /// A 302 to `location`.
    static func redirect(_ location: String) -> Response {
        Response(status: .found, headers: [.location: location])
    }

    /// The request body, at most 1 MiB.
    static func body(_ request: Request) async throws -> Data {
        let buffer = try await request.body.collect(upTo: 1 << 20)
        return Data(buffer.readableBytesView)
    }

    /// A form-encoded body as a dictionary (the last value of a repeated key wins).
    static func form(_ request: Request) async throws -> [String: String] {
        let data = try await body(request)
        return decodeForm(String(decoding: data, as: UTF8.self))
    }

    /// A JSON body decoded as `T`, or `nil` when it is not valid JSON of that shape.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T? {
        let data = try await body(request)
        return try? JSONDecoder().decode(T.self, from: data)
    }

    /// The query string as a dictionary.
    static func query(_ request: Request) -> [String: String] {
        decodeForm(request.uri.query ?? "")
    }

    /// Decodes `a=1&b=x+y%21`.
    static func decodeForm(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = unescape(parts[0])
            let value = parts.count > 1 ? unescape(parts[1]) : ""
            if !key.isEmpty { out[key] = value }
        }
        return out
    }

    static func unescape(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// Escapes text for HTML.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// Random bytes as lower-case hex.
    static func randomHex(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in
            let byte = UInt8.random(in: 0...255, using: &generator)
            return byte < 16 ? "0" + String(byte, radix: 16) : String(byte, radix: 16)
        }.joined()
    }
}

/// Money as whole cents, shown as a decimal string like `"4500.00"`.
struct Cents: Sendable, Hashable, Comparable, Encodable {
    var value: Int

    init(_ value: Int) { self.value = value }

    var text: String {
        let sign = value < 0 ? "-" : ""
        let magnitude = abs(value)
        let fraction = magnitude % 100
        return "\(sign)\(magnitude / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    static func < (lhs: Cents, rhs: Cents) -> Bool { lhs.value < rhs.value }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}

/// An integer sent as a JSON number or as a string of digits (`7` or `"7"`), as forms and
/// loosely typed clients do.
struct LenientInt: Decodable, Sendable, Hashable {
    var value: Int

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let int = try? container.decode(Int.self) {
            value = int
        } else if let text = try? container.decode(String.self),
            let int = Int(text.trimmingCharacters(in: .whitespaces))
        {
            value = int
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected an integer")
        }
    }
}
