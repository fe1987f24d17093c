import Foundation

/// Reads `expect:` and `capture:`.
enum ExpectationLoader {
    static let expectKeys = ["status", "headers", "json", "body", "schema", "response_time", "that", "tls"]
    static let typeNames = ["string", "number", "integer", "boolean", "array", "object", "null"]

    static func read(_ node: SourceNode, reader: inout NodeReader) -> Expectation {
        var expectation = Expectation()
        guard let entries = reader.mapping(node, "expect", allowed: expectKeys) else { return expectation }
        for (key, _, value) in entries {
            switch key {
            case "status":
                expectation.status = readStatus(value, reader: &reader)
            case "headers":
                for (name, _, v) in reader.mapping(value, "expect.headers") ?? [] {
                    if let m = matcher(v, reader: &reader) { expectation.headers.append((name, m)) }
                }
            case "json":
                for (path, keyNode, v) in reader.mapping(value, "expect.json (JSON path: expected value)") ?? [] {
                    do {
                        let parsed = try JSONPath(parsing: path)
                        if let m = matcher(v, reader: &reader) { expectation.json.append((parsed, m)) }
                    } catch {
                        reader.fail(keyNode, "invalid JSON path '\(path)': \(error.message)")
                    }
                }
            case "body":
                expectation.body = matcher(value, reader: &reader)
            case "schema":
                expectation.schema = readSchema(value, reader: &reader)
            case "response_time":
                expectation.responseTime = matcher(value, durationsInMilliseconds: true, reader: &reader)
            case "tls":
                expectation.tls = readTLS(value, reader: &reader)
            default:
                readConditions(value, into: &expectation, reader: &reader)
            }
        }
        return expectation
    }

    /// `that:` — an expression, a list of them, or `NAME: EXPRESSION` mappings (alone or in the list).
    static func readConditions(_ node: SourceNode, into expectation: inout Expectation, reader: inout NodeReader) {
        for item in node.items ?? [node] {
            if let pairs = item.pairs {
                for (keyNode, value) in pairs {
                    guard let name = reader.nonEmptyString(keyNode, "the name of a that: check") else { continue }
                    if let (e, source, location) = reader.expressionAt(value, "expect.that") {
                        expectation.conditions.append(
                            Expectation.Condition(e, source: source, name: name, location: location)
                        )
                    }
                }
            } else if let (e, source, location) = reader.expressionAt(item, "expect.that") {
                expectation.conditions.append(Expectation.Condition(e, source: source, location: location))
            }
        }
    }

    /// `tls: {expires_in: {">": 14d}, issuer: …, subject: …}`; expires_in values are durations
    /// (`14d`, `36h`; a plain number means days), compared in days.
    static func readTLS(_ node: SourceNode, reader: inout NodeReader) -> TLSExpectation? {
        guard let entries = reader.mapping(node, "expect.tls", allowed: ["expires_in", "issuer", "subject"]) else {
            return nil
        }
        var tls = TLSExpectation()
        for (key, _, value) in entries {
            switch key {
            case "expires_in": tls.expiresIn = matcher(value, durationsInDays: true, reader: &reader)
            case "issuer": tls.issuer = matcher(value, reader: &reader)
            default: tls.subject = matcher(value, reader: &reader)
            }
        }
        return tls
    }

    static func readStatus(_ node: SourceNode, reader: inout NodeReader) -> [Int]? {
        let nodes = node.items ?? [node]
        var codes: [Int] = []
        for item in nodes {
            if let code = reader.int(item, "a status code", range: 100...599) { codes.append(code) }
        }
        if node.items?.isEmpty == true { reader.fail(node, "expected at least one status code") }
        return codes.isEmpty ? nil : codes
    }

    static func readSchema(_ node: SourceNode, reader: inout NodeReader) -> JSONValue? {
        let schema = node.plainValue
        guard case .object = schema else {
            reader.fail(node, "expected a JSON Schema as a mapping, got \(node.kindDescription)")
            return nil
        }
        do {
            _ = try JSONSchemaValidator(schema: schema)
        } catch {
            reader.fail(node, "invalid JSON Schema: \(error.operatorMessage)")
            return nil
        }
        return schema
    }

    /// A mapping whose keys are operators (and perhaps `name:`) is a set of checks; anything else is an
    /// expected value. A mapping that mixes operators with other keys, or whose one key is a likely
    /// misspelling of an operator (`greater_than`), is an error: write `{"==": {…}}` to expect such an object.
    static func matcher(
        _ node: SourceNode,
        durationsInMilliseconds: Bool = false,
        durationsInDays: Bool = false,
        reader: inout NodeReader
    ) -> Matcher? {
        if let pairs = node.pairs, !pairs.isEmpty {
            let keys = pairs.map { $0.key.scalarText ?? "" }
            let operatorCount = keys.filter(Matcher.operators.contains).count
            if operatorCount == 0, pairs.count == 1, pairs[0].value.scalarText != nil || pairs[0].value.items != nil,
                let intended = StaticNames.intendedOperator(keys[0])
            {
                reader.fail(
                    pairs[0].key,
                    "unknown matcher operator '\(keys[0])' (did you mean '\(intended)'?); the operators are \(operatorList). To expect an object with this key, write {\"==\": {\(keys[0]): …}}"
                )
                return nil
            }
            if operatorCount > 0 {
                return checks(pairs, durationsInMilliseconds, durationsInDays: durationsInDays, reader: &reader)
            }
        }
        if durationsInDays {
            reader.fail(
                node,
                "expected checks like {\">\": 14d} (days until the certificate expires), got \(node.kindDescription)"
            )
            return nil
        }
        return expected(node, durationsInMilliseconds, reader: &reader).map { Matcher([.compare("==", $0)]) }
    }

    static let operatorList = Matcher.operators.sorted().joined(separator: " ")

    static func checks(
        _ pairs: [(key: SourceNode, value: SourceNode)],
        _ durationsInMilliseconds: Bool,
        durationsInDays: Bool = false,
        reader: inout NodeReader
    ) -> Matcher? {
        var result = Matcher([])
        for (keyNode, value) in pairs {
            let op = keyNode.scalarText ?? ""
            switch op {
            case "name":
                result.name = reader.nonEmptyString(value, "the check's name")
            case "exists":
                if let b = reader.bool(value, "exists") { result.checks.append(.exists(b)) }
            case "type":
                if let t = reader.string(value, "type") {
                    if typeNames.contains(t) {
                        result.checks.append(.type(t))
                    } else {
                        reader.fail(value, "expected a type (\(typeNames.joined(separator: ", "))), got '\(t)'")
                    }
                }
            case "length":
                if let inner = matcher(value, reader: &reader) { result.checks.append(.length(inner)) }
            case _ where durationsInDays && Matcher.operators.contains(op):
                if let days = days(value, reader: &reader) { result.checks.append(.compare(op, .value(.double(days)))) }
            case "schema":
                if let s = readSchema(value, reader: &reader) { result.checks.append(.schema(s)) }
            case "matches":
                if let pattern = value.scalarText, !pattern.contains("{{"),
                    (try? NSRegularExpression(pattern: pattern)) == nil
                {
                    reader.fail(value, "invalid regular expression '\(pattern)'")
                } else if let v = expected(value, durationsInMilliseconds, reader: &reader) {
                    result.checks.append(.compare(op, v))
                }
            case _ where Matcher.operators.contains(op):
                if let v = expected(value, durationsInMilliseconds, reader: &reader) {
                    result.checks.append(.compare(op, v))
                }
            default:
                let hint = StaticNames.intendedOperator(op).map { " (did you mean '\($0)'?)" } ?? ""
                reader.fail(
                    keyNode,
                    "unknown matcher operator '\(op)'\(hint); the operators are \(operatorList), and name:"
                )
            }
        }
        return result
    }

    /// `14d`, `36h`, `90m`, or a plain number of days, as days.
    static func days(_ node: SourceNode, reader: inout NodeReader) -> Double? {
        let text = node.scalarText?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        if let n = Double(text), n.isFinite { return n }
        if let duration = DurationText.parse(text) { return duration.inSeconds / 86_400 }
        reader.fail(node, "expected a number of days like '14d' (or '36h'), got \(node.kindDescription)")
        return nil
    }

    static func expected(
        _ node: SourceNode,
        _ durationsInMilliseconds: Bool,
        reader: inout NodeReader
    ) -> TemplateValue? {
        if durationsInMilliseconds {
            guard let text = node.scalarText, let duration = DurationText.parse(text) else {
                reader.fail(
                    node,
                    "expected a duration like '2s' or '500ms' (a plain number means milliseconds), got \(node.kindDescription)"
                )
                return nil
            }
            let plainNumber = Double(text.trimmingCharacters(in: .whitespaces)) != nil
            return .value(.double(plainNumber ? duration.inSeconds : duration.inSeconds * 1000))
        }
        return reader.templateValue(node)
    }

    static func readCaptures(_ node: SourceNode, reader: inout NodeReader) -> [Capture] {
        guard let entries = reader.mapping(node, "capture (name: source)") else { return [] }
        var captures: [Capture] = []
        let sources = ["json", "regex", "header", "cookie", "status", "body"]
        for (name, keyNode, value) in entries {
            guard isIdentifier(name) else {
                reader.fail(
                    keyNode,
                    "a capture name is used as a variable: letters, digits and _ only, not starting with a digit; got '\(name)'"
                )
                continue
            }
            if let text = value.scalarText {
                guard text.hasPrefix("$") else {
                    reader.fail(
                        value,
                        "expected a JSON path starting with '$' or a mapping like {json: '$.id'}, {header: Location}, {regex: '…'}, got '\(text)'"
                    )
                    continue
                }
                do {
                    captures.append(
                        Capture(name: name, source: .json(try JSONPath(parsing: text)), location: value.location)
                    )
                } catch { reader.fail(value, "invalid JSON path '\(text)': \(error.message)") }
                continue
            }
            guard
                let fields = reader.mapping(
                    value,
                    "the capture \(name)",
                    allowed: sources + ["optional", "group", "all"]
                )
            else { continue }
            var source: Capture.Source?
            var optional = false
            var group: Int?
            var all = false
            for (key, k, v) in fields {
                switch key {
                case "optional": optional = reader.bool(v, "optional") ?? false
                case "all": all = reader.bool(v, "all") ?? false
                case "group": group = reader.int(v, "group", range: 0...99)
                default:
                    if source != nil {
                        reader.fail(k, "a capture has one source; '\(key)' is a second one")
                        continue
                    }
                    source = captureSource(key, v, reader: &reader)
                }
            }
            if let g = group, case .regex(let p, _)? = source { source = .regex(p, group: g) }
            if all {
                if case .header(let h)? = source {
                    source = .headerValues(h)
                } else if source != nil {
                    reader.fail(value, "'all: true' takes every value of a header: it goes with 'header:'")
                }
            }
            if let source {
                captures.append(Capture(name: name, source: source, optional: optional, location: value.location))
            } else if !fields.contains(where: { sources.contains($0.key) }) {
                reader.fail(value, "the capture \(name) needs a source: one of \(sources.joined(separator: ", "))")
            }
        }
        return captures
    }

    static func captureSource(_ key: String, _ v: SourceNode, reader: inout NodeReader) -> Capture.Source? {
        switch key {
        case "json":
            guard let text = reader.string(v, "a JSON path") else { return nil }
            do { return .json(try JSONPath(parsing: text)) } catch {
                reader.fail(v, "invalid JSON path '\(text)': \(error.message)")
                return nil
            }
        case "regex":
            guard let text = reader.string(v, "a regular expression") else { return nil }
            guard (try? NSRegularExpression(pattern: text)) != nil else {
                reader.fail(v, "invalid regular expression '\(text)'")
                return nil
            }
            return .regex(text, group: nil)
        case "header": return reader.nonEmptyString(v, "a header name").map(Capture.Source.header)
        case "cookie": return reader.nonEmptyString(v, "a cookie name").map(Capture.Source.cookie)
        case "status": return .status
        default: return .body
        }
    }

    static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || first.properties.isAlphabetic else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0) }
    }
}
