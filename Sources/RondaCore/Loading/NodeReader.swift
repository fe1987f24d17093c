import Foundation

/// Reads `SourceNode`s into model values, collecting every problem instead of stopping at the first.
struct NodeReader {
    var issues: [SourceIssue] = []

    mutating func fail(_ node: SourceNode, _ message: String) {
        issues.append(SourceIssue(node.location, message))
    }

    /// The mapping's entries by key text; reports non-text keys and keys not in `allowed`.
    mutating func mapping(
        _ node: SourceNode,
        _ what: String,
        allowed: [String]? = nil
    ) -> [(key: String, keyNode: SourceNode, value: SourceNode)]? {
        guard let pairs = node.pairs else {
            fail(node, "expected \(what) as a mapping (key: value), got \(node.kindDescription)")
            return nil
        }
        var out: [(key: String, keyNode: SourceNode, value: SourceNode)] = []
        for (keyNode, value) in pairs {
            guard let key = keyNode.scalarText else {
                fail(keyNode, "expected a plain key in \(what), got \(keyNode.kindDescription)")
                continue
            }
            if let allowed, !allowed.contains(key) {
                fail(
                    keyNode,
                    "unknown key '\(key)' in \(what)\(NodeReader.suggestion(for: key, in: allowed)); expected one of: \(allowed.joined(separator: ", "))"
                )
                continue
            }
            out.append((key, keyNode, value))
        }
        return out
    }

    mutating func string(_ node: SourceNode, _ what: String) -> String? {
        guard let text = node.scalarText else {
            fail(node, "expected \(what) as text, got \(node.kindDescription)")
            return nil
        }
        return text
    }

    mutating func nonEmptyString(_ node: SourceNode, _ what: String) -> String? {
        guard let text = string(node, what) else { return nil }
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            fail(node, "\(what) must not be empty")
            return nil
        }
        return text
    }

    mutating func bool(_ node: SourceNode, _ what: String) -> Bool? {
        if !node.isQuoted, case .bool(let b) = node.plainValue { return b }
        fail(node, "expected true or false for \(what), got \(node.kindDescription)")
        return nil
    }

    mutating func int(_ node: SourceNode, _ what: String, range: ClosedRange<Int>) -> Int? {
        guard !node.isQuoted, case .int(let i) = node.plainValue, range.contains(i) else {
            fail(
                node,
                "expected a whole number from \(range.lowerBound) to \(range.upperBound) for \(what), got \(node.kindDescription)"
            )
            return nil
        }
        return i
    }

    /// A duration as ``DurationText`` reads it (`300s`, `500ms`, `2m`, `1h`, `1d`, `1.5s`, or a plain
    /// number of seconds), at most `max`.
    mutating func duration(_ node: SourceNode, _ what: String, max: Duration = .seconds(86_400)) -> Duration? {
        guard let text = node.scalarText, let duration = DurationText.parse(text), duration <= max else {
            fail(
                node,
                "expected a duration like '300s', '500ms' or '2m' (at most \(max.components.seconds) s) for \(what), got \(node.kindDescription)"
            )
            return nil
        }
        return duration
    }

    mutating func stringList(_ node: SourceNode, _ what: String) -> [String]? {
        if let single = node.scalarText { return [single] }
        guard let items = node.items else {
            fail(node, "expected \(what) as a list of text, got \(node.kindDescription)")
            return nil
        }
        var out: [String] = []
        for item in items {
            if let s = string(item, "each of \(what)") { out.append(s) }
        }
        return out
    }

    mutating func template(_ node: SourceNode, _ what: String) -> Template? {
        guard let text = node.scalarText else {
            fail(node, "expected \(what) as text, got \(node.kindDescription)")
            return nil
        }
        return parseTemplate(text, node)
    }

    mutating func parseTemplate(_ text: String, _ node: SourceNode) -> Template? {
        guard text.contains("{{") || text.contains("}}") else { return Template(literal: text) }
        do {
            var template = try Template(parsing: text)
            template.location = NodeReader.textStart(node, text)
            for (expression, _) in template.expressions {
                for problem in StaticNames.problems(in: expression, text: text) {
                    issues.append(
                        SourceIssue(NodeReader.textStart(node, text, offset: problem.offset), problem.message)
                    )
                }
            }
            return template
        } catch {
            var location = node.location
            if !text.contains("\n") { location.column += error.offset + (node.isQuoted ? 1 : 0) }
            issues.append(
                SourceIssue(
                    location,
                    "in template '\(text.count > 60 ? String(text.prefix(60)) + "…" : text)': \(error.message)"
                )
            )
            return nil
        }
    }

    /// Where the scalar `text` of `node` starts in the file, moved `offset` Unicode scalars into the
    /// text: exact for a one-line scalar, the node's own position for a multi-line one.
    static func textStart(_ node: SourceNode, _ text: String, offset: Int = 0) -> SourceLocation {
        var location = node.location
        guard !text.contains("\n") else { return location }
        location.column += (node.isQuoted ? 1 : 0) + String(text.unicodeScalars.prefix(offset)).count
        return location
    }

    mutating func expression(_ node: SourceNode, _ what: String) -> (Expression, String)? {
        expressionAt(node, what).map { ($0.0, $0.1) }
    }

    /// An expression, its source and where the source starts in the file.
    mutating func expressionAt(_ node: SourceNode, _ what: String) -> (Expression, String, SourceLocation)? {
        guard let rawText = node.scalarText else {
            fail(node, "expected \(what) as an expression, got \(node.kindDescription)")
            return nil
        }
        // Where `text` starts inside `rawText`, in characters, so error columns point into the file.
        var lead = rawText.prefix { $0 == " " || $0 == "\t" }.count
        var text = rawText.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("{{"), text.hasSuffix("}}"), text.count >= 4 {
            text = String(text.dropFirst(2).dropLast(2))
            lead += 2
        }
        do {
            let expression = try ExpressionParser.parse(text)
            let source = text.trimmingCharacters(in: .whitespaces)
            // The source as placed in the scalar: spaces stand for what comes before it.
            let placed = String(repeating: " ", count: lead + text.prefix { $0 == " " || $0 == "\t" }.count)
            let start = placed.unicodeScalars.count
            for problem in StaticNames.problems(in: expression, text: source) {
                issues.append(
                    SourceIssue(
                        NodeReader.textStart(node, placed + source, offset: start + problem.offset),
                        problem.message
                    )
                )
            }
            return (expression, source, NodeReader.textStart(node, placed + source, offset: start))
        } catch {
            var location = node.location
            if !rawText.contains("\n") {
                let offset = String(text.unicodeScalars.prefix(error.offset)).count
                location.column += lead + offset + (node.isQuoted ? 1 : 0)
            }
            issues.append(SourceIssue(location, "in \(what) '\(text)': \(error.message)"))
            return nil
        }
    }

    /// Any value whose strings may be templates.
    mutating func templateValue(_ node: SourceNode) -> TemplateValue? {
        switch node.kind {
        case .scalar(let text, let quoted):
            if text.contains("{{") || text.contains("}}") {
                return parseTemplate(text, node).map(TemplateValue.template)
            }
            return .value(quoted ? .string(text) : SourceNode.resolvePlain(text))
        case .sequence(let items):
            var out: [TemplateValue] = []
            for item in items { if let v = templateValue(item) { out.append(v) } }
            return .array(out)
        case .mapping(let pairs):
            var out: [TemplateField] = []
            for (keyNode, value) in pairs {
                guard let key = keyNode.scalarText else {
                    fail(keyNode, "expected a plain key, got \(keyNode.kindDescription)")
                    continue
                }
                if let v = templateValue(value) { out.append(TemplateField(key: key, value: v)) }
            }
            return .object(out)
        }
    }

    /// A mapping of names to template values, keeping order.
    mutating func fields(_ node: SourceNode, _ what: String) -> [TemplateField]? {
        guard let entries = mapping(node, what) else { return nil }
        var out: [TemplateField] = []
        for entry in entries {
            if let v = templateValue(entry.value) { out.append(TemplateField(key: entry.key, value: v)) }
        }
        return out
    }

    static func suggestion(for key: String, in allowed: [String]) -> String {
        let best = allowed.min { distance(key, $0) < distance(key, $1) }
        guard let best, distance(key, best) <= max(1, key.count / 3) else { return "" }
        return " (did you mean '\(best)'?)"
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
