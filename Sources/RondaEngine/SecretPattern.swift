/// One secret, found in every encoding a target may echo it back in: as written, percent-encoded
/// (either hex case, `+` for a space, reserved characters raw or not, byte by byte), JSON-escaped
/// at any level of embedding (`\u00f1`, `\\u00f1`, `\"`, surrogate pairs) and HTML-escaped
/// (`&amp;`, `&#241;`, `&#xF1;`) — each character of the secret in whichever form it came.
struct SecretPattern: Sendable {
    let bytes: [UInt8]
    let scalars: [Unicode.Scalar]
    /// Masked only where it stands as a whole value (see ``ValueBoundary``).
    var wholeValueOnly: Bool
    /// The bytes a match can start with, as a 256-bit table (this test runs on every byte).
    private let starts: ByteTable

    init(_ value: String, wholeValueOnly: Bool) {
        bytes = Array(value.utf8)
        scalars = Array(value.unicodeScalars)
        self.wholeValueOnly = wholeValueOnly
        var starts: Set<UInt8> = [UInt8(ascii: "%"), UInt8(ascii: "\\"), UInt8(ascii: "&")]
        if let first = bytes.first { starts.insert(first) }
        if scalars.first == " " { starts.insert(UInt8(ascii: "+")) }
        self.starts = ByteTable(starts)
    }

    /// Every non-overlapping occurrence, left to right.
    func matches(in text: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var i = 0
        while i < text.count {
            if starts[text[i]], let end = match(0, i, text), end > i,
                !wholeValueOnly || ValueBoundary.isWholeValue(text, i..<end)
            {
                out.append(i..<end)
                i = end
            } else {
                i += 1
            }
        }
        return out
    }

    /// Matches scalars `k…` at text position `p`; returns the end of the match.
    private func match(_ k: Int, _ p: Int, _ t: UnsafeBufferPointer<UInt8>) -> Int? {
        if k == scalars.count { return p }
        guard p < t.count else { return nil }
        let s = scalars[k]
        if let end = matchUTF8(s, p, t), let r = match(k + 1, end, t) { return r }
        switch t[p] {
        case UInt8(ascii: "+") where s == " ":
            return match(k + 1, p + 1, t)
        case UInt8(ascii: "\\"):
            for end in jsonEscapeEnds(s, p, t) {
                if let r = match(k + 1, end, t) { return r }
            }
        case UInt8(ascii: "&"):
            if let end = htmlEntityEnd(s, p, t) { return match(k + 1, end, t) }
        default:
            break
        }
        return nil
    }

    /// The scalar's UTF-8 bytes, each as written or as `%HH`.
    private func matchUTF8(_ s: Unicode.Scalar, _ p: Int, _ t: UnsafeBufferPointer<UInt8>) -> Int? {
        var q = p
        for b in UTF8.encode(s)! {
            guard q < t.count else { return nil }
            if t[q] == UInt8(ascii: "%"), q + 2 < t.count, let h = Hex.byte(t[q + 1], t[q + 2]), h == b {
                q += 3
            } else if t[q] == b {
                q += 1
            } else {
                return nil
            }
        }
        return q
    }

    /// JSON escapes of the scalar after a run of one or more backslashes (deeper runs are JSON
    /// carried inside a JSON string): `\uXXXX` (a surrogate pair above the BMP), `\"`, `\n`, …
    private func jsonEscapeEnds(_ s: Unicode.Scalar, _ p: Int, _ t: UnsafeBufferPointer<UInt8>) -> [Int] {
        var run = 0
        while p + run < t.count, t[p + run] == UInt8(ascii: "\\") { run += 1 }
        if s == "\\" { return [2, 4, 8].filter { $0 <= run }.map { p + $0 } }
        let q = p + run
        guard q < t.count else { return [] }
        if t[q] == UInt8(ascii: "u"), let v = Hex.value(t, q + 1, digits: 4) {
            if s.value <= 0xFFFF { return v == s.value ? [q + 5] : [] }
            let offset = s.value - 0x10000
            guard v == 0xD800 + (offset >> 10) else { return [] }
            var r = q + 5
            let lowStart = r
            while r < t.count, t[r] == UInt8(ascii: "\\") { r += 1 }
            guard r > lowStart, r < t.count, t[r] == UInt8(ascii: "u"),
                Hex.value(t, r + 1, digits: 4) == 0xDC00 + (offset & 0x3FF)
            else { return [] }
            return [r + 5]
        }
        let short: [Unicode.Scalar: UInt8] = [
            "\"": UInt8(ascii: "\""), "/": UInt8(ascii: "/"), "\n": UInt8(ascii: "n"), "\r": UInt8(ascii: "r"),
            "\t": UInt8(ascii: "t"), "\u{8}": UInt8(ascii: "b"), "\u{C}": UInt8(ascii: "f"),
        ]
        if let c = short[s], t[q] == c { return [q + 1] }
        return []
    }

    /// `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, `&#NNN;` and `&#xHH;`.
    private func htmlEntityEnd(_ s: Unicode.Scalar, _ p: Int, _ t: UnsafeBufferPointer<UInt8>) -> Int? {
        var semi = p + 1
        while semi < t.count, semi - p <= 10, t[semi] != UInt8(ascii: ";") { semi += 1 }
        guard semi < t.count, t[semi] == UInt8(ascii: ";"), semi > p + 1 else { return nil }
        let name = String(decoding: UnsafeBufferPointer(rebasing: t[(p + 1)..<semi]), as: UTF8.self)
        let named: [String: Unicode.Scalar] = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'"]
        var value: UInt32?
        if let n = named[name] {
            value = n.value
        } else if name.hasPrefix("#x") || name.hasPrefix("#X") {
            value = UInt32(name.dropFirst(2), radix: 16)
        } else if name.hasPrefix("#") {
            value = UInt32(name.dropFirst(), radix: 10)
        }
        return value == s.value ? semi + 1 : nil
    }
}

/// Where a short secret counts as a whole value: a header value, a JSON or form field value, a
/// query parameter, a cookie — never a word inside prose.
enum ValueBoundary {
    static func isWholeValue(_ t: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, allowPadding: Bool = false) -> Bool {
        leftOK(t, range.lowerBound) && rightOK(t, range.upperBound, allowPadding: allowPadding)
    }

    private static let left: Set<UInt8> = Set("\"'=\n\r\t&?[{(>".utf8)
    private static let right: Set<UInt8> = Set("\"'&;\n\r\t,}])<\\".utf8)

    /// `"name": …` (a JSON key, at any level of embedding) is a name, not a value.
    private static func isKeyEnd(_ t: UnsafeBufferPointer<UInt8>, _ i: Int) -> Bool {
        var j = i
        while j < t.count, t[j] == UInt8(ascii: "\\") { j += 1 }
        guard j < t.count, t[j] == UInt8(ascii: "\"") else { return false }
        j += 1
        while j < t.count, t[j] == UInt8(ascii: " ") { j += 1 }
        return j < t.count && t[j] == UInt8(ascii: ":")
    }

    private static func leftOK(_ t: UnsafeBufferPointer<UInt8>, _ i: Int) -> Bool {
        guard i > 0 else { return true }
        if left.contains(t[i - 1]) { return true }
        // "Name: value", "a=b; c=d", "[1, value]": a space after a separator.
        guard t[i - 1] == UInt8(ascii: " ") else { return false }
        var j = i - 1
        while j > 0, t[j - 1] == UInt8(ascii: " ") { j -= 1 }
        return j > 0 && Set(":;,".utf8).contains(t[j - 1])
    }

    private static func rightOK(_ t: UnsafeBufferPointer<UInt8>, _ i: Int, allowPadding: Bool) -> Bool {
        guard i < t.count else { return true }
        if isKeyEnd(t, i) { return false }
        if right.contains(t[i]) { return true }
        if allowPadding, t[i] == UInt8(ascii: "=") { return true }
        return false
    }
}

enum Hex {
    static func digit(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    static func byte(_ high: UInt8, _ low: UInt8) -> UInt8? {
        guard let h = digit(high), let l = digit(low) else { return nil }
        return h << 4 | l
    }

    static func value(_ t: UnsafeBufferPointer<UInt8>, _ start: Int, digits: Int) -> UInt32? {
        guard start + digits <= t.count else { return nil }
        var v: UInt32 = 0
        for i in start..<(start + digits) {
            guard let d = digit(t[i]) else { return nil }
            v = v << 4 | UInt32(d)
        }
        return v
    }
}

/// A set of bytes answered with one shift and mask.
struct ByteTable: Sendable {
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    init(_ bytes: some Sequence<UInt8>) {
        for b in bytes {
            let bit = UInt64(1) << UInt64(b & 63)
            switch b >> 6 {
            case 0: words.0 |= bit
            case 1: words.1 |= bit
            case 2: words.2 |= bit
            default: words.3 |= bit
            }
        }
    }

    subscript(_ b: UInt8) -> Bool {
        let word: UInt64
        switch b >> 6 {
        case 0: word = words.0
        case 1: word = words.1
        case 2: word = words.2
        default: word = words.3
        }
        return word & (UInt64(1) << UInt64(b & 63)) != 0
    }
}
