/// One RESP2 reply, typed.
public enum RedisReply: Sendable, Hashable {
    /// `+OK` and other status replies.
    case status(String)
    /// `-ERR …`: an error reply (the command was refused; the connection is fine).
    case error(String)
    case integer(Int64)
    /// A bulk string, binary-safe.
    case bulk([UInt8])
    /// The nil bulk string or nil array (`XREADGROUP` that timed out, a missing key).
    case null
    case array([RedisReply])

    /// A bulk or status reply as UTF-8 text; `nil` for anything else.
    public var string: String? {
        switch self {
        case .bulk(let bytes): return String(decoding: bytes, as: UTF8.self)
        case .status(let text): return text
        default: return nil
        }
    }

    /// An integer reply, or a bulk string holding an integer.
    public var int: Int? {
        switch self {
        case .integer(let value): return Int(value)
        case .bulk: return string.flatMap { Int($0) }
        default: return nil
        }
    }

    /// The elements of an array reply; `nil` for anything else (the nil array included).
    public var array: [RedisReply]? {
        if case .array(let items) = self { return items }
        return nil
    }

    public var isNull: Bool { self == .null }

    /// Throws when this is an error reply (NOAUTH/WRONGPASS become `.authenticationFailed`).
    func checked() throws(RedisError) -> RedisReply {
        guard case .error(let message) = self else { return self }
        if message.hasPrefix("NOAUTH") || message.hasPrefix("WRONGPASS") {
            throw RedisError(code: .authenticationFailed, message: message)
        }
        throw RedisError(code: .server, message: message)
    }
}
