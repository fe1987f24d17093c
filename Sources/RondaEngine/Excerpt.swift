import Foundation

/// Capped, printable excerpts of bodies.
enum Excerpt {
    /// The first `limit` characters of the body, redacted before the cut so that a secret or
    /// a card number that straddles the limit is masked whole rather than left in part.
    /// Bodies are never cut at a NUL byte nor decoded into replacement characters: a body of a
    /// binary type, or mostly not text, becomes a marked base64 excerpt with its size and type;
    /// text with a few stray bytes keeps its text and shows those bytes as `\xNN`, marked too.
    static func text(_ bytes: [UInt8], limit: Int, redactor: Redactor, contentType: String? = nil) -> String {
        let window = limit + redactor.longestSecret + 64
        let slice = bytes.prefix(window * 4)
        let (decoded, stray) = escaped(slice, cut: slice.count < bytes.count)
        if stray > 0, isBinaryType(contentType) || stray * 2 > slice.count {
            return binary(bytes, limit: limit, contentType: contentType)
        }
        let (kept, shortened) = Self.cut(redactor.text(Self.cut(decoded, window).text), limit)
        var text = kept
        let cut = shortened || slice.count < bytes.count
        if stray > 0 {
            let type = contentType.map { ", \($0)" } ?? ""
            text =
                "[\(bytes.count) bytes\(type); control characters and bytes that are not UTF-8 shown as \\xNN]\n" + text
        }
        return cut ? text + "… (\(bytes.count) bytes)" : text
    }

    /// The first `count` characters of `text`, and whether that left any out. Text of ASCII bytes
    /// other than CR (most excerpts) has one character per byte and is cut on its bytes, without
    /// walking grapheme clusters; CR LF is one character, so text with a CR is walked.
    static func cut(_ text: String, _ count: Int) -> (text: String, wasCut: Bool) {
        if text.utf8.count <= count { return (text, false) }  // never more characters than bytes
        if isOneCharacterPerByte(text) { return (String(decoding: text.utf8.prefix(count), as: UTF8.self), true) }
        let kept = text.prefix(count)
        return kept.endIndex == text.endIndex ? (text, false) : (String(kept), true)
    }

    /// ASCII without CR: each byte is one character.
    private static func isOneCharacterPerByte(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in bytes.allSatisfy { $0 < 0x80 && $0 != 0x0D } }
    }

    /// `[binary body: N bytes, image/png; base64 of the first K bytes]` and the base64 text.
    static func binary(_ bytes: [UInt8], limit: Int, contentType: String?) -> String {
        let kept = bytes.prefix(max(3, limit / 4 * 3))
        let type = contentType.map { ", \($0)" } ?? ""
        let what = kept.count < bytes.count ? "base64 of the first \(kept.count) bytes" : "base64"
        return "[binary body: \(bytes.count) bytes\(type); \(what)]\n" + Data(kept).base64EncodedString()
    }

    /// image/*, audio/*, video/*, font/*, application/octet-stream, pdf, zip, gzip, protobuf, …
    static func isBinaryType(_ contentType: String?) -> Bool {
        guard let first = contentType?.lowercased().split(separator: ";").first else { return false }
        // Spaces and tabs around the media type, trimmed without Foundation (every response).
        let type = String(first.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
        return [
            "image/", "audio/", "video/", "font/", "application/octet-stream", "application/pdf", "application/zip",
            "application/gzip", "application/x-protobuf", "application/grpc", "application/wasm", "application/msgpack",
        ]
        .contains { type.hasPrefix($0) } && !type.hasSuffix("+xml")
    }

    /// The bytes as text, with invalid UTF-8 and control bytes (all but tab, LF, CR) written as
    /// `\xNN`; and how many bytes were written so. A sequence cut by the end of `bytes` counts
    /// too, unless `cut` says the excerpt ends there (then it is dropped).
    static func escaped(_ bytes: ArraySlice<UInt8>, cut: Bool = false) -> (text: String, stray: Int) {
        // Printable ASCII, tabs and line breaks (most bodies): the bytes are the text.
        if bytes.allSatisfy({ ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            return (String(decoding: bytes, as: UTF8.self), 0)
        }
        var out = String.UnicodeScalarView()
        var stray = 0
        var i = bytes.startIndex
        func escape(_ byte: UInt8) {
            stray += 1
            out.append(contentsOf: String(format: "\\x%02X", byte).unicodeScalars)
        }
        while i < bytes.endIndex {
            let lead = bytes[i]
            if lead < 0x80 {
                if (lead < 0x20 && lead != 0x09 && lead != 0x0A && lead != 0x0D) || lead == 0x7F {
                    escape(lead)
                } else {
                    out.append(Unicode.Scalar(lead))
                }
                i += 1
                continue
            }
            let length = lead >= 0xF0 && lead <= 0xF4 ? 4 : lead >= 0xE0 ? (lead <= 0xEF ? 3 : 0) : lead >= 0xC2 ? 2 : 0
            if cut, length > 0, i + length > bytes.endIndex { break }
            if length > 0, i + length <= bytes.endIndex,
                let scalar = String(validating: bytes[i..<(i + length)], as: UTF8.self)?.unicodeScalars.first
            {
                out.append(scalar)
                i += length
            } else {
                escape(lead)
                i += 1
            }
        }
        return (String(out), stray)
    }
}
