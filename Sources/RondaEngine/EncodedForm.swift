import Foundation

/// A base64 or base64url form of a secret, searched byte for byte.
///
/// A secret is often echoed inside a longer encoded value (`Basic base64(user:secret)` in a
/// header other than Authorization). Base64 encodes three bytes in four characters, so whatever
/// precedes the secret shifts it into one of three alignments; in each, the characters that
/// depend only on the secret's bytes are the same whatever surrounds it. Those cores are the
/// forms of a long secret, found anywhere. A short secret (masked only as a whole value) has its
/// whole encodings instead, found only as whole values.
struct EncodedForm: Sendable {
    /// The secret this form encodes.
    let secret: [UInt8]
    let bytes: [UInt8]
    let wholeValueOnly: Bool

    static func base64Forms(of secret: [UInt8], wholeValueOnly: Bool) -> [EncodedForm] {
        var texts: Set<String> = []
        if wholeValueOnly {
            let padded = Data(secret).base64EncodedString()
            for text in [padded, url(padded)] {
                texts.insert(text)
                texts.insert(String(text.reversed().drop { $0 == "=" }.reversed()))
            }
        } else {
            for alignment in 0...2 {
                let encoded = Data(Array(repeating: 0, count: alignment) + secret).base64EncodedString()
                let chars = Array(encoded.utf8)
                let first = (8 * alignment + 5) / 6
                let end = (8 * (alignment + secret.count)) / 6
                guard end - first >= 8 else { continue }
                let core = String(decoding: chars[first..<end], as: UTF8.self)
                texts.insert(core)
                texts.insert(url(core))
            }
        }
        // A form that is the secret itself (plain letters and digits never are) adds nothing.
        texts.remove(String(decoding: secret, as: UTF8.self))
        return texts.map { EncodedForm(secret: secret, bytes: Array($0.utf8), wholeValueOnly: wholeValueOnly) }
    }

    private static func url(_ text: String) -> String {
        String(text.map { $0 == "+" ? "-" : $0 == "/" ? "_" : $0 })
    }

    func matches(in text: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var i = 0
        while let found = ByteSearch.firstIndex(of: bytes, in: text, from: i) {
            let range = found..<(found + bytes.count)
            if !wholeValueOnly || ValueBoundary.isWholeValue(text, range, allowPadding: true) { out.append(range) }
            i = found + 1
        }
        return out
    }
}
