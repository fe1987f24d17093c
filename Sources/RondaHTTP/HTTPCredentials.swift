import Foundation

/// A user name and password for HTTP authentication.
public struct HTTPCredentials: Sendable, Hashable {
    /// The user name.
    public var user: String
    /// The password.
    public var password: String

    /// Creates credentials.
    public init(user: String, password: String) {
        self.user = user
        self.password = password
    }
}

/// The server certificate of an https response, as libcurl reports it (CURLINFO_CERTINFO).
public struct HTTPCertificate: Sendable, Hashable {
    /// The subject, e.g. `CN = example.com`.
    public var subject: String
    /// The issuer, e.g. `C = US, O = Let's Encrypt, CN = R3`.
    public var issuer: String
    /// Start of validity, seconds since 1970; `nil` if curl's text could not be read.
    public var notBefore: Double?
    /// End of validity, seconds since 1970; `nil` if curl's text could not be read.
    public var notAfter: Double?

    /// Creates a certificate description.
    public init(subject: String, issuer: String, notBefore: Double?, notAfter: Double?) {
        self.subject = subject
        self.issuer = issuer
        self.notBefore = notBefore
        self.notAfter = notAfter
    }

    /// Reads curl's `Name:value` lines of the leaf certificate.
    init(curlLines lines: [String]) {
        var fields: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = String(line[..<colon])
            if fields[name] == nil {
                fields[name] = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            }
        }
        self.init(
            subject: fields["Subject"] ?? "",
            issuer: fields["Issuer"] ?? "",
            notBefore: fields["Start date"].flatMap(Self.parseDate),
            notAfter: fields["Expire date"].flatMap(Self.parseDate)
        )
    }

    /// Parses OpenSSL's `Dec  5 08:00:00 2027 GMT` (as curl prints it) or `2027-12-05 08:00:00 GMT`.
    static func parseDate(_ text: String) -> Double? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        let squeezed = text.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        for format in ["MMM d HH:mm:ss yyyy zzz", "yyyy-MM-dd HH:mm:ss zzz"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: squeezed) { return date.timeIntervalSince1970 }
        }
        return nil
    }
}
