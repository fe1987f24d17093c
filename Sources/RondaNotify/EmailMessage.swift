import Foundation
import RondaCore

/// The email of an alert: an RFC 5322 message with a `multipart/alternative` body (a
/// `text/plain` part, the alert's text, and a `text/html` part), both UTF-8 and base64-encoded in
/// lines of 76 characters, CRLF line endings throughout. A pure function of its inputs.
///
/// Headers: `From`, `To` (every recipient), `Subject` (the title, `[TEST] ` first for tests,
/// RFC 2047-encoded when not ASCII), `Date`, `Message-ID` (`<KEY@ronda.DOMAIN>`, the idempotency
/// key with characters a Message-ID cannot hold replaced by `-`, so a retry has the same id and
/// mail systems can drop the duplicate), `MIME-Version`, `Auto-Submitted: auto-generated`.
enum EmailMessage {
    /// The whole message.
    static func render(
        _ alert: Alert,
        from: String,
        to recipients: [String],
        idempotencyKey: String,
        date: Date
    ) -> [UInt8] {
        let boundary = "=_ronda_" + SentryEnvelope.eventID(idempotencyKey: idempotencyKey, fingerprint: "boundary")
        var lines = [
            "From: \(from)",
            "To: " + recipients.joined(separator: ",\r\n "),
            "Subject: " + encodedHeader(AlertFormatting.truncate(AlertFormatting.title(alert), to: 500)),
            "Date: \(rfc5322Date(date))",
            "Message-ID: \(messageID(idempotencyKey: idempotencyKey, from: from))",
            "MIME-Version: 1.0",
            "Auto-Submitted: auto-generated",
            "Content-Type: multipart/alternative;\r\n boundary=\"\(boundary)\"",
            "",
            "This is a MIME message: a text/plain and a text/html part.",
            "--\(boundary)",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
            "",
        ]
        lines += base64Lines(alert.text.replacingOccurrences(of: "\n", with: "\r\n"))
        lines += [
            "--\(boundary)",
            "Content-Type: text/html; charset=utf-8",
            "Content-Transfer-Encoding: base64",
            "",
        ]
        lines += base64Lines(html(alert))
        lines.append("--\(boundary)--")
        return Array((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }

    /// `<KEY@ronda.DOMAIN>` (the sender's domain, or `ronda.local`).
    static func messageID(idempotencyKey: String, from: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_+=".unicodeScalars)
        var left = String(
            String.UnicodeScalarView(idempotencyKey.unicodeScalars.map { allowed.contains($0) ? $0 : "-" })
        )
        left = left.split(separator: ".", omittingEmptySubsequences: true).joined(separator: ".")
        if left.isEmpty { left = "alert" }
        let domain = from.split(separator: "@").last.map(String.init).flatMap { $0.isEmpty ? nil : $0 } ?? "local"
        return "<\(left)@ronda.\(domain)>"
    }

    /// `Sun, 06 Dec 2026 05:16:37 +0000`.
    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }

    /// ASCII text as is; anything else as RFC 2047 `=?UTF-8?B?…?=` words of at most 75
    /// characters, folded onto continuation lines.
    static func encodedHeader(_ text: String) -> String {
        let printable = text.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }
        if printable { return text }
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 45, !chunk.isEmpty {
                words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=") }
        return words.joined(separator: "\r\n ")
    }

    /// `text` as UTF-8, base64 in lines of 76 characters.
    static func base64Lines(_ text: String) -> [String] {
        let encoded = Data(text.utf8).base64EncodedString()
        var lines: [String] = []
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(String(encoded[index..<end]))
            index = end
        }
        return lines
    }
}
