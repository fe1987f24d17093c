import Foundation
import Yams

/// A position in a source file, 1-based.
public struct SourceLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}

/// One problem found in a scenario or configuration file.
///
/// Not an error by itself: a file's issues are collected and thrown together as a `SourceFileError`.
public struct SourceIssue: Sendable, Hashable, CustomStringConvertible {
    public var location: SourceLocation
    /// What is wrong and what was expected, e.g. "expected a duration like '300s' or '500ms', got 'soon'".
    public var message: String

    public init(_ location: SourceLocation, _ message: String) {
        self.location = location
        self.message = message
    }

    public var description: String { "\(location): \(message)" }
}

/// A file was rejected; every problem found is listed.
public struct SourceFileError: RondaError {
    /// What kind of failure this is (`SourceFileError.Code.…`, or `.…` where the type is known).
    public typealias Code = ErrorCode<SourceFileError>

    public internal(set) var code: ErrorCode<SourceFileError> = .invalidFile
    /// Every problem found, in file order, each with its line and column.
    public internal(set) var issues: [SourceIssue]

    /// One line per issue: `file:line:column: what is wrong`.
    public var message: String { issues.map(\.description).joined(separator: "\n") }
}

/// A YAML node with its position: the loader's view of a file.
///
/// Scalars keep whether they were quoted, so `"300"` stays a string and `300` is a number.
public struct SourceNode: Sendable {
    public enum Kind: Sendable {
        case scalar(String, quoted: Bool)
        case sequence([SourceNode])
        case mapping([(key: SourceNode, value: SourceNode)])
    }

    public var kind: Kind
    public var location: SourceLocation

    /// Parses YAML text into nodes. Throws a `SourceFileError` with the line and column of a
    /// syntax error. Aliases (`*name`) are expanded as YAML defines them; a document of more than
    /// `maxNodes` values once expanded (a "billion laughs" file) or `maxDepth` levels is rejected.
    public static func parse(
        yaml: String,
        file: String,
        maxNodes: Int = 200_000,
        maxDepth: Int = 64
    ) throws -> SourceNode {
        guard let root = try parseDocument(yaml: yaml, file: file, maxNodes: maxNodes, maxDepth: maxDepth) else {
            throw SourceFileError(issues: [
                SourceIssue(SourceLocation(file: file, line: 1, column: 1), "the file is empty: expected a mapping")
            ])
        }
        return root
    }

    /// Like `parse`, but a file with no document (empty, only comments, only `---`) is `nil`.
    public static func parseDocument(
        yaml: String,
        file: String,
        maxNodes: Int = 200_000,
        maxDepth: Int = 64
    ) throws -> SourceNode? {
        let root: Node?
        do {
            // Scalars are kept as text with their quoting and typed here (`plainValue`), never
            // by Yams's tags: the basic resolver leaves them alone, and referencing the default
            // one would compile its regular expressions (ICU) in every process that reads a file.
            root = try Yams.compose(yaml: yaml, .basic)
        } catch let error as YamlError {
            throw SourceFileError(issues: [issue(from: error, file: file)])
        } catch {
            throw SourceFileError(issues: [
                SourceIssue(SourceLocation(file: file, line: 1, column: 1), "cannot parse YAML: \(error)")
            ])
        }
        guard let root else { return nil }
        var budget = maxNodes
        return try convert(
            root,
            file: file,
            depth: 0,
            maxDepth: maxDepth,
            budget: &budget,
            parent: SourceLocation(file: file, line: 1, column: 1)
        )
    }

    private static func convert(
        _ node: Node,
        file: String,
        depth: Int,
        maxDepth: Int,
        budget: inout Int,
        parent: SourceLocation
    ) throws -> SourceNode {
        let location = node.mark.map { SourceLocation(file: file, line: $0.line, column: $0.column) } ?? parent
        budget -= 1
        guard budget >= 0 else {
            throw SourceFileError(issues: [
                SourceIssue(location, "the document is too large: more than \(maxNodesDescription) values")
            ])
        }
        guard depth <= maxDepth else {
            throw SourceFileError(issues: [SourceIssue(location, "the document nests deeper than \(maxDepth) levels")])
        }
        switch node {
        case .scalar(let scalar):
            return SourceNode(kind: .scalar(scalar.string, quoted: scalar.style != .plain), location: location)
        case .sequence(let sequence):
            var items: [SourceNode] = []
            for child in sequence {
                items.append(
                    try convert(
                        child,
                        file: file,
                        depth: depth + 1,
                        maxDepth: maxDepth,
                        budget: &budget,
                        parent: location
                    )
                )
            }
            return SourceNode(kind: .sequence(items), location: location)
        case .mapping(let mapping):
            var pairs: [(key: SourceNode, value: SourceNode)] = []
            for (key, value) in mapping {
                let k = try convert(
                    key,
                    file: file,
                    depth: depth + 1,
                    maxDepth: maxDepth,
                    budget: &budget,
                    parent: location
                )
                let v = try convert(
                    value,
                    file: file,
                    depth: depth + 1,
                    maxDepth: maxDepth,
                    budget: &budget,
                    parent: k.location
                )
                pairs.append((k, v))
            }
            return SourceNode(kind: .mapping(pairs), location: location)
        case .alias:
            // Yams resolves aliases while composing; an unresolved one is a bad document.
            throw SourceFileError(issues: [
                SourceIssue(location, "unresolved YAML alias: define the anchor (&name) before using it")
            ])
        }
    }

    private static let maxNodesDescription = "200,000"

    static func issue(from error: YamlError, file: String) -> SourceIssue {
        func at(_ mark: Mark, _ problem: String, _ context: YamlError.Context?) -> SourceIssue {
            var message = "invalid YAML: \(problem)"
            if let context { message += " (\(context.text) at \(context.mark.line):\(context.mark.column))" }
            return SourceIssue(SourceLocation(file: file, line: mark.line, column: mark.column), message)
        }
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            return at(mark, problem, context)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return SourceIssue(
                SourceLocation(file: file, line: context.mark.line, column: context.mark.column),
                "duplicate key\(duplicates.count > 1 ? "s" : "") \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) in a mapping"
            )
        case .reader(let problem, let offset, _, let yaml):
            let (line, column) = lineAndColumn(ofUTF8Offset: offset ?? 0, in: yaml)
            return SourceIssue(
                SourceLocation(file: file, line: line, column: column),
                "cannot read the file: \(problem)"
            )
        default:
            return SourceIssue(SourceLocation(file: file, line: 1, column: 1), "invalid YAML: \(error)")
        }
    }

    static func lineAndColumn(ofUTF8Offset offset: Int, in text: String) -> (Int, Int) {
        var line = 1
        var column = 1
        // libyaml's reader offset counts characters (Unicode scalars), not bytes.
        for (i, scalar) in text.unicodeScalars.enumerated() {
            if i >= offset { break }
            if scalar == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return (line, column)
    }
}

extension SourceNode {
    /// A scalar's text, or `nil` for collections.
    public var scalarText: String? {
        if case .scalar(let s, _) = kind { return s }
        return nil
    }

    public var isQuoted: Bool {
        if case .scalar(_, let quoted) = kind { return quoted }
        return false
    }

    public var pairs: [(key: SourceNode, value: SourceNode)]? {
        if case .mapping(let p) = kind { return p }
        return nil
    }

    public var items: [SourceNode]? {
        if case .sequence(let s) = kind { return s }
        return nil
    }

    /// What the node is, for messages: "a mapping", "a list", "the text 'abc'".
    public var kindDescription: String {
        switch kind {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(let s, _):
            let shown = s.count > 40 ? String(s.prefix(40)) + "…" : s
            return s.isEmpty ? "an empty value" : "'\(shown)'"
        }
    }

    /// The value as plain data: plain scalars resolve to null, booleans and numbers as YAML 1.2 core does.
    public var plainValue: JSONValue {
        switch kind {
        case .scalar(let s, let quoted):
            return quoted ? .string(s) : SourceNode.resolvePlain(s)
        case .sequence(let items):
            return .array(items.map(\.plainValue))
        case .mapping(let pairs):
            var object: [String: JSONValue] = [:]
            for (k, v) in pairs { object[k.scalarText ?? k.plainValue.interpolated] = v.plainValue }
            return .object(object)
        }
    }

    static func resolvePlain(_ s: String) -> JSONValue {
        switch s {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: break
        }
        if let first = s.first, first.isNumber || first == "-" || first == "+" || first == "." {
            if let i = Int(s) { return .int(i) }
            if s.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }), let d = Double(s), d.isFinite {
                return .double(d)
            }
        }
        return .string(s)
    }
}

extension ErrorCode where Owner == SourceFileError {
    /// The file was read but is not valid YAML, or not a valid scenario or configuration.
    public static var invalidFile: Self { Self("invalidFile") }
    /// The file could not be read: missing, unreadable, or not UTF-8 text.
    public static var unreadable: Self { Self("unreadable") }
}
