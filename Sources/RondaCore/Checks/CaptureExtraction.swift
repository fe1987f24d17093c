import Foundation

/// A capture found nothing and was not optional.
public struct CaptureError: Error, Sendable, Hashable, CustomStringConvertible {
    public var capture: String
    public var message: String

    public var description: String { "capture '\(capture)': \(message)" }
}

extension Capture {
    /// The captured value; `.null` for an optional capture that found nothing.
    public func extract(from response: ResponseView) throws(CaptureError) -> JSONValue {
        if let value = find(in: response) { return value }
        if optional { return .null }
        throw CaptureError(capture: name, message: "\(sourceDescription) found nothing in the response (status \(response.status))")
    }

    private func find(in response: ResponseView) -> JSONValue? {
        switch source {
        case .json(let path):
            guard let document = response.json else { return nil }
            if path.isDefinite { return path.first(in: document) }
            let matches = path.select(in: document)
            return matches.isEmpty ? nil : .array(matches)
        case .regex(let pattern, let group):
            guard let regex = try? NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators]) else { return nil }
            let text = response.text
            guard let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) else { return nil }
            let g = group ?? (match.numberOfRanges > 1 ? 1 : 0)
            guard g < match.numberOfRanges, let range = Range(match.range(at: g), in: text) else { return nil }
            return .string(String(text[range]))
        case .header(let name):
            return response.header(name).map(JSONValue.string)
        case .headerValues(let name):
            let values = response.headerValues(name)
            return values.isEmpty ? nil : .array(values.map(JSONValue.string))
        case .cookie(let name):
            return response.cookies[name].map(JSONValue.string)
        case .status:
            return .int(response.status)
        case .body:
            return .string(response.text)
        }
    }

    var sourceDescription: String {
        switch source {
        case .json(let path): return "JSON path \(path.source)"
        case .regex(let pattern, _): return "regex /\(pattern)/"
        case .header(let name): return "header \(name)"
        case .headerValues(let name): return "every header \(name)"
        case .cookie(let name): return "cookie \(name)"
        case .status: return "status"
        case .body: return "body"
        }
    }
}
