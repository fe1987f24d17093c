/// Wompi's event signature. The event body carries
/// `"signature": {"properties": [...], "checksum": "…"}` and `"timestamp": <unix seconds>`;
/// the checksum is the SHA-256 (hex, upper case as in Wompi's examples) of the values found at
/// each property path — dotted and relative to the event's `data` object, e.g.
/// `transaction.amount_in_cents` — concatenated in order, then the timestamp, then the
/// events secret. Wompi also sends the checksum in the `X-Event-Checksum` header.
///
/// See <https://docs.wompi.co/docs/colombia/eventos/>.
public enum WompiSignature {
    /// `X-Event-Checksum`.
    public static let checksumHeaderName = "X-Event-Checksum"

    /// The properties Wompi signs for `transaction.updated` events.
    public static let defaultProperties = ["transaction.id", "transaction.status", "transaction.amount_in_cents"]

    /// The checksum of `event` for the given properties and timestamp.
    /// - Throws: ``SigningError`` `.invalidBody` when `event` has no `data` object,
    ///   `.missingProperty` when a path does not lead to a scalar value.
    public static func checksum(event: JSONValue, properties: [String], timestamp: Int, secret: String) throws -> String
    {
        guard let data = event["data"], data.objectValue != nil else {
            throw SigningError(code: .invalidBody, message: "a Wompi event needs a 'data' object to sign")
        }
        var text = ""
        for property in properties {
            text += try scalarText(at: property, in: data)
        }
        text += String(timestamp) + secret
        return SignatureCrypto.hex(HMACSHA256.digest(Array(text.utf8)), uppercase: true)
    }

    /// The event with `signature` (properties and checksum) and `timestamp` set, ready to send.
    /// An existing `signature` or `timestamp` is replaced.
    public static func sign(
        event: JSONValue,
        properties: [String] = defaultProperties,
        timestamp: Int,
        secret: String
    ) throws -> JSONValue {
        guard case .object(var fields) = event else {
            throw SigningError(
                code: .invalidBody,
                message: "a Wompi event must be a JSON object, got \(event.typeName)"
            )
        }
        let sum = try checksum(event: event, properties: properties, timestamp: timestamp, secret: secret)
        fields["signature"] = .object([
            "properties": .array(properties.map(JSONValue.string)), "checksum": .string(sum),
        ])
        fields["timestamp"] = .int(timestamp)
        return .object(fields)
    }

    /// Recomputes the checksum from the event's own `signature.properties` and `timestamp` and
    /// compares it with `signature.checksum` (or with `headerChecksum` when that is given and
    /// the body has none) in constant time, ignoring hex case.
    public static func verify(event: JSONValue, secret: String, headerChecksum: String? = nil) -> Bool {
        guard let signature = event["signature"],
            let properties = signature["properties"]?.arrayValue?.compactMap(\.stringValue),
            let given = signature["checksum"]?.stringValue ?? headerChecksum,
            let timestamp = timestampValue(event["timestamp"]),
            let expected = try? checksum(event: event, properties: properties, timestamp: timestamp, secret: secret)
        else { return false }
        return SignatureCrypto.constantTimeEquals(expected, given)
    }

    private static func timestampValue(_ value: JSONValue?) -> Int? {
        switch value {
        case .int(let seconds): return seconds
        case .string(let text): return Int(text)
        case .double(let seconds) where seconds == seconds.rounded() && abs(seconds) < 1e15: return Int(seconds)
        default: return nil
        }
    }

    /// The text of the scalar at a dotted path under `data`.
    static func scalarText(at path: String, in data: JSONValue) throws -> String {
        var current = data
        for key in path.split(separator: ".", omittingEmptySubsequences: false) {
            guard let next = current[String(key)] else {
                throw SigningError(
                    code: .missingProperty,
                    message: "signature property '\(path)' is not in the event's data"
                )
            }
            current = next
        }
        switch current {
        case .string, .int, .double, .bool: return current.interpolated
        case .null, .array, .object:
            throw SigningError(
                code: .missingProperty,
                message: "signature property '\(path)' must be a string, number or boolean, got \(current.typeName)"
            )
        }
    }
}
