import Foundation

/// A string with `{{ expression }}` parts.
///
/// A string that is exactly one `{{ … }}` renders to the expression's value as is, so
/// `form: "{{ patient }}"` sends the patient object; anything else renders to text.
public struct Template: Sendable, Hashable, CustomStringConvertible {
    enum Segment: Sendable, Hashable {
        case text(String)
        case expression(Expression, source: String)
    }

    let segments: [Segment]
    /// The template as written.
    public let source: String
    /// Where the template's text starts in its file, when it was read from one (not part of equality).
    public internal(set) var location: SourceLocation?

    /// A template with no expressions.
    public init(literal: String) {
        self.source = literal
        self.segments = literal.isEmpty ? [] : [.text(literal)]
    }

    /// Parses `{{ … }}` parts. The error's offset is in characters from the start of `text`.
    public init(parsing text: String) throws(ExpressionSyntaxError) {
        source = text
        var segments: [Segment] = []
        var rest = Substring(text)
        var consumed = 0
        while let open = rest.range(of: "{{") {
            let before = rest[rest.startIndex..<open.lowerBound]
            if !before.isEmpty { segments.append(.text(String(before))) }
            let afterOpen = rest[open.upperBound...]
            let openOffset = consumed + before.count
            guard let close = afterOpen.range(of: "}}") else {
                throw ExpressionSyntaxError(offset: openOffset, message: "'{{' is not closed: expected '}}'")
            }
            let inner = String(afterOpen[afterOpen.startIndex..<close.lowerBound])
            let trimmed = inner.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else {
                throw ExpressionSyntaxError(offset: openOffset, message: "empty '{{ }}': expected an expression inside")
            }
            do {
                segments.append(.expression(try ExpressionParser.parse(inner), source: trimmed))
            } catch {
                // The parser counts Unicode scalars; template offsets count characters.
                let offset = String(inner.unicodeScalars.prefix(error.offset)).count
                throw ExpressionSyntaxError(offset: openOffset + 2 + offset, message: error.message)
            }
            consumed = openOffset + 2 + inner.count + 2
            rest = afterOpen[close.upperBound...]
        }
        if !rest.isEmpty { segments.append(.text(String(rest))) }
        self.segments = segments
    }

    public var description: String { source }

    public static func == (lhs: Template, rhs: Template) -> Bool {
        lhs.source == rhs.source && lhs.segments == rhs.segments
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(source)
        hasher.combine(segments)
    }

    /// The parsed `{{ … }}` parts.
    var expressions: [(expression: Expression, source: String)] {
        segments.compactMap { if case .expression(let e, let source) = $0 { return (e, source) } else { return nil } }
    }

    /// `true` when the template has no `{{ … }}`.
    public var isLiteral: Bool {
        segments.allSatisfy { if case .text = $0 { return true } else { return false } }
    }

    /// Root variables the template reads.
    public var variables: Set<String> {
        segments.reduce(into: Set<String>()) { out, segment in
            if case .expression(let e, _) = segment { out.formUnion(e.variables) }
        }
    }

    /// Environment variables the template reads.
    public var environmentNames: Set<String> {
        segments.reduce(into: Set<String>()) { out, segment in
            if case .expression(let e, _) = segment { out.formUnion(e.environmentNames) }
        }
    }

    /// The rendered value: the expression's own value when the template is a single
    /// `{{ … }}`, otherwise the text with every expression interpolated.
    public func render(in context: inout EvaluationContext) throws(EvaluationError) -> JSONValue {
        if segments.count == 1, case .expression(let e, let src) = segments[0] {
            return try evaluate(e, src, in: &context)
        }
        return .string(try renderString(in: &context))
    }

    /// The rendered text.
    public func renderString(in context: inout EvaluationContext) throws(EvaluationError) -> String {
        var out = ""
        for segment in segments {
            switch segment {
            case .text(let t): out += t
            case .expression(let e, let src): out += try evaluate(e, src, in: &context).interpolated
            }
        }
        return out
    }

    private func evaluate(
        _ e: Expression,
        _ src: String,
        in context: inout EvaluationContext
    ) throws(EvaluationError) -> JSONValue {
        do {
            return try context.evaluate(e)
        } catch {
            throw EvaluationError(error.code, "in {{ \(src) }}: \(error.message)")
        }
    }
}

/// A value from a scenario file whose strings may be templates: bodies, queries, `vars`.
public indirect enum TemplateValue: Sendable, Hashable {
    case value(JSONValue)
    case template(Template)
    case array([TemplateValue])
    /// Keys keep the file's order.
    case object([TemplateField])

    /// Renders every template in the value.
    public func render(in context: inout EvaluationContext) throws(EvaluationError) -> JSONValue {
        switch self {
        case .value(let v): return v
        case .template(let t): return try t.render(in: &context)
        case .array(let items):
            var out: [JSONValue] = []
            for item in items { out.append(try item.render(in: &context)) }
            return .array(out)
        case .object(let fields):
            var out: [String: JSONValue] = [:]
            for field in fields { out[field.key] = try field.value.render(in: &context) }
            return .object(out)
        }
    }

    /// Every template inside.
    public var templates: [Template] {
        switch self {
        case .value: return []
        case .template(let t): return [t]
        case .array(let items): return items.flatMap(\.templates)
        case .object(let fields): return fields.flatMap(\.value.templates)
        }
    }
}

/// One key of a `TemplateValue.object`.
public struct TemplateField: Sendable, Hashable {
    public var key: String
    public var value: TemplateValue

    public init(key: String, value: TemplateValue) {
        self.key = key
        self.value = value
    }
}
