import Foundation

/// A capture found nothing and was not optional.
public struct CaptureError: RondaError, Hashable {
    /// What kind of failure this is (`CaptureError.Code.…`, or `.…` where the type is known).
    public typealias Code = ErrorCode<CaptureError>

    public internal(set) var code: ErrorCode<CaptureError>
    /// The capture's name (the key under `capture:`).
    public internal(set) var capture: String
    /// `capture 'NAME': what found nothing`, naming the response's status.
    public internal(set) var message: String
}

extension Capture {
    /// The captured value; `.null` for an optional capture that found nothing.
    public func extract(from response: ResponseView) throws(CaptureError) -> JSONValue {
        if let value = find(in: response) { return value }
        if optional { return .null }
        throw CaptureError(
            code: .nothingFound,
            capture: name,
            message: "capture '\(name)': \(sourceDescription) found nothing in the response (status \(response.status))"
        )
    }

    private func find(in response: ResponseView) -> JSONValue? {
        switch source {
        case .json(let path):
            guard let document = response.json else { return nil }
            if path.isDefinite { return path.first(in: document) }
            let matches = path.select(in: document)
            return matches.isEmpty ? nil : .array(matches)
        case .regex(let pattern, let group):
            guard let regex = try? NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators]) else {
                return nil
            }
            let text = response.text
            guard let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) else {
                return nil
            }
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

extension ErrorCode where Owner == CaptureError {
    /// The source (JSON path, regex, header, cookie) found nothing in the response.
    public static var nothingFound: Self { Self("nothingFound") }
}
