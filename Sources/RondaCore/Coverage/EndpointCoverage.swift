public import Foundation

/// One operation of an OpenAPI document: a method and a path template (`/api/v1/orders/{id}`),
/// with the servers' base path already in front.
public struct APIOperation: Sendable, Hashable, Codable {
    public var method: String
    public var path: String
    public var summary: String?

    public init(method: String, path: String, summary: String? = nil) {
        self.method = method.uppercased()
        self.path = path
        self.summary = summary
    }
}

/// A document could not be read as OpenAPI.
public struct OpenAPIError: RondaError {
    public typealias Code = ErrorCode<OpenAPIError>
    public var code: Code = .invalidDocument
    public var message: String

    public init(_ message: String) { self.message = message }
}

extension ErrorCode where Owner == OpenAPIError {
    /// Not JSON or YAML, or not an OpenAPI document (no `openapi`/`swagger` field, no `paths`).
    public static var invalidDocument: Self { Self("invalidDocument") }
}

/// The operations an OpenAPI 3 (or Swagger 2) document, JSON or YAML, declares.
public enum OpenAPIDocumentReader {
    static let methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    /// Reads `text` (`source` names it in messages). The first server's path (OpenAPI 3
    /// `servers[0].url`, Swagger 2 `basePath`) is put in front of every path.
    public static func operations(_ text: String, source: String) throws(OpenAPIError) -> [APIOperation] {
        let root: SourceNode
        do {
            root = try SourceNode.parse(yaml: text, file: source, maxNodes: 5_000_000, maxDepth: 256)
        } catch {
            throw OpenAPIError("\(source) is not JSON or YAML: \(error)")
        }
        guard case .mapping(let entries) = root.kind else {
            throw OpenAPIError("\(source) is not an OpenAPI document (expected a mapping at the top)")
        }
        let top = Dictionary(entries.map { (key: $0.key.scalarText ?? "", value: $0.value) }) { first, _ in first }
        guard top["openapi"] != nil || top["swagger"] != nil else {
            throw OpenAPIError("\(source) is not an OpenAPI document (no 'openapi' or 'swagger' field)")
        }
        guard let paths = top["paths"], case .mapping(let pathItems) = paths.kind else {
            throw OpenAPIError("\(source) has no 'paths' mapping")
        }
        let base = basePath(top)
        var operations: [APIOperation] = []
        for item in pathItems {
            guard let path = item.key.scalarText, path.hasPrefix("/"), case .mapping(let fields) = item.value.kind
            else { continue }
            for field in fields {
                guard let method = field.key.scalarText?.lowercased(), methods.contains(method) else { continue }
                var summary: String?
                if case .mapping(let details) = field.value.kind {
                    summary = details.first { $0.key.scalarText == "summary" }?.value.scalarText
                }
                operations.append(APIOperation(method: method, path: join(base, path), summary: summary))
            }
        }
        return operations.sorted { ($0.path, $0.method) < ($1.path, $1.method) }
    }

    static func basePath(_ top: [String: SourceNode]) -> String {
        if let servers = top["servers"], case .sequence(let list) = servers.kind, let first = list.first,
            case .mapping(let fields) = first.kind,
            let url = fields.first(where: { $0.key.scalarText == "url" })?.value.scalarText
        {
            // "https://api.example.com/v1" → "/v1"; "/v1" stays; templated hosts keep their path.
            if let range = url.range(of: "://") {
                let rest = url[range.upperBound...]
                return rest.firstIndex(of: "/").map { String(rest[$0...]) } ?? ""
            }
            return url
        }
        return top["basePath"]?.scalarText ?? ""
    }

    static func join(_ base: String, _ path: String) -> String {
        let trimmed = base.hasSuffix("/") ? String(base.dropLast()) : base
        return trimmed.isEmpty || trimmed == "/" ? path : trimmed + path
    }
}

/// Which operations of a document the calls exercised, and which calls no operation describes.
public struct EndpointCoverage: Sendable, Codable, Hashable {
    public struct Row: Sendable, Codable, Hashable {
        public var operation: APIOperation
        public var calls: Int
        public var failures: Int
        public var lastCalled: String?
    }

    /// A call to a path no operation matches (an undocumented endpoint, or a typo in a scenario).
    public struct Stray: Sendable, Codable, Hashable {
        public var method: String
        public var path: String
        public var calls: Int
    }

    public var operations: [Row]
    public var strays: [Stray]

    public var covered: Int { operations.filter { $0.calls > 0 }.count }
    /// Covered over declared, 0…1 (`nil` for a document with no operation).
    public var ratio: Double? { operations.isEmpty ? nil : Double(covered) / Double(operations.count) }

    /// Matches every call (method and request path, as `EndpointShape` wrote it) to the most
    /// specific operation: the one with the most literal segments.
    public init(operations: [APIOperation], calls: [EndpointCall]) {
        let templates = operations.map { ($0, $0.path.split(separator: "/", omittingEmptySubsequences: true)) }
        var rows = operations.map { Row(operation: $0, calls: 0, failures: 0, lastCalled: nil) }
        var strays: [String: Stray] = [:]
        for call in calls {
            let segments = call.path.split(separator: "/", omittingEmptySubsequences: true)
            var best: (index: Int, literals: Int)?
            for (index, (operation, template)) in templates.enumerated()
            where operation.method == call.method && template.count == segments.count {
                var literals = 0
                var matches = true
                for (part, segment) in zip(template, segments) {
                    if part.hasPrefix("{") && part.hasSuffix("}") { continue }
                    guard part == segment else {
                        matches = false
                        break
                    }
                    literals += 1
                }
                if matches, literals > (best?.literals ?? -1) { best = (index, literals) }
            }
            if let best {
                rows[best.index].calls += call.calls
                rows[best.index].failures += call.failures
                if let last = call.lastCalled, last > (rows[best.index].lastCalled ?? "") {
                    rows[best.index].lastCalled = last
                }
            } else {
                let key = call.method + " " + call.path
                strays[key, default: Stray(method: call.method, path: call.path, calls: 0)].calls += call.calls
            }
        }
        self.operations = rows
        self.strays = strays.values.sorted { ($0.path, $0.method) < ($1.path, $1.method) }
    }
}

/// Calls to one endpoint shape (method and normalised path) over a window.
public struct EndpointCall: Sendable, Codable, Hashable {
    public var method: String
    public var path: String
    public var calls: Int
    public var failures: Int
    public var lastCalled: String?

    public init(method: String, path: String, calls: Int, failures: Int = 0, lastCalled: String? = nil) {
        self.method = method.uppercased()
        self.path = path
        self.calls = calls
        self.failures = failures
        self.lastCalled = lastCalled
    }
}

/// A request URL reduced to the shape endpoint coverage counts: its path, without query or
/// fragment, with the segments that look like identifiers (numbers, UUIDs, long hex or tokens
/// with digits) written `{}` — so one row stands for `/orders/17` and `/orders/18`.
public enum EndpointShape {
    public static func path(ofURL url: String) -> String {
        var rest = Substring(url)
        if let scheme = rest.range(of: "://") {
            rest = rest[scheme.upperBound...]
            rest = rest.firstIndex(of: "/").map { rest[$0...] } ?? "/"
        }
        if let end = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        let segments = rest.split(separator: "/", omittingEmptySubsequences: true).map { segment in
            looksLikeIdentifier(segment) ? "{}" : String(segment)
        }
        return "/" + segments.joined(separator: "/")
    }

    static func looksLikeIdentifier(_ segment: Substring) -> Bool {
        if segment.allSatisfy(\.isNumber) { return true }
        let hexAndDashes = segment.allSatisfy { $0.isHexDigit || $0 == "-" }
        if hexAndDashes, segment.count >= 16, segment.contains(where: \.isNumber) { return true }
        // Opaque tokens: long, letters and digits mixed (ord_8fK2…, cus_1234abcd).
        let digits = segment.filter(\.isNumber).count
        return segment.count >= 12 && digits >= 3
            && segment.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
    }
}
