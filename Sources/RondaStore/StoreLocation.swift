import Foundation
public import Logging

/// Where the result store is, as an operator writes it in RONDA_DATABASE_URL or `--database-url`:
///
/// - `postgres://user:password@host[:port]/database[?sslmode=disable|prefer|require|verify-full]`
///   (or `postgresql://`): PostgreSQL. User and password are percent-decoded (write `%40` for `@`,
///   `%3A` for `:`, `%2F` for `/`); the port defaults to 5432; `sslmode` defaults to `prefer`.
/// - `sqlite:PATH`, or a plain path: an SQLite file.
///
/// Anything else that looks like a URL (`postgres//user:pw@host/db`, `user:pw@host/db`,
/// `postgres:/host/db`) is an error, never a file name. `description` never shows the password
/// (see `redacted`), and neither do parse errors.
public enum StoreLocation: Sendable, Hashable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresLocation)

    /// Parses `text`. `setting` names where it came from, for error messages.
    public init(parsing text: String, setting: String = "RONDA_DATABASE_URL") throws {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            throw StoreError(
                .invalidLocation,
                "\(setting) is empty: set it to postgres://user:password@host:5432/db or sqlite:PATH"
            )
        }
        let lowered = trimmed.lowercased()
        if lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") {
            self = .postgres(try PostgresLocation(parsing: trimmed, setting: setting))
        } else if lowered.hasPrefix("sqlite:") {
            var path = String(trimmed.dropFirst("sqlite:".count))
            if path.hasPrefix("///") {
                path.removeFirst(2)
            }  // sqlite:///abs/path
            else if path.hasPrefix("//") {
                throw StoreError(
                    .invalidLocation,
                    "\(setting) is not a valid SQLite location: write sqlite:PATH or sqlite:///absolute/path"
                )
            }
            guard !path.isEmpty else {
                throw StoreError(
                    .invalidLocation,
                    "\(setting) names no SQLite file: write sqlite:PATH, e.g. sqlite:.ronda/ronda.sqlite"
                )
            }
            self = .sqlite(path: path)
        } else if let range = trimmed.range(of: "://") {
            let scheme = trimmed[..<range.lowerBound]
            // The scheme is echoed only when it is one: text before "://" may hold a password.
            let shown = Self.isScheme(scheme) ? " '\(scheme)'" : ""
            throw StoreError(.invalidLocation, "\(setting) has an unsupported scheme\(shown): \(Self.expectedForms)")
        } else if Self.looksLikeURL(trimmed) {
            throw StoreError(
                .invalidLocation,
                "\(setting) looks like a URL but is not a valid one (the value is not shown: it may hold a password): \(Self.expectedForms)"
            )
        } else {
            self = .sqlite(path: trimmed)
        }
    }

    /// What an operator may write.
    static let expectedForms =
        "write postgres://user:password@host:5432/database (or postgresql://…) for PostgreSQL, or sqlite:PATH (or a plain file path) for a SQLite file"

    /// Schemes someone may mean when the `//` or the `:` after them went missing.
    static let knownSchemes: Set<String> = [
        "postgres", "postgresql", "sqlite", "sqlite3", "mysql", "redis", "rediss", "http", "https", "file",
    ]

    /// Text that was meant as a URL: `word//…` (a missing colon), `word:…@…` (credentials after a
    /// scheme, whatever follows it), or a known scheme with a colon (`postgres:/host/db`).
    /// Plain file paths (`ronda.sqlite`, `./data/ronda.sqlite`, `/var/lib/ronda.sqlite`) are none of these.
    static func looksLikeURL(_ text: String) -> Bool {
        guard let end = text.firstIndex(where: { !($0.isASCII && ($0.isLetter || $0.isNumber || "+.-".contains($0))) }),
            end != text.startIndex, text.first?.isLetter == true
        else { return false }
        let scheme = text[..<end]
        let rest = text[end...]
        if rest.hasPrefix("//") { return true }
        guard rest.hasPrefix(":") else { return false }
        return rest.contains("@") || knownSchemes.contains(scheme.lowercased())
    }

    /// `true` for an RFC 3986 scheme: a letter, then letters, digits, `+`, `-` or `.`.
    static func isScheme(_ text: Substring) -> Bool {
        guard let first = text.first, first.isASCII, first.isLetter else { return false }
        return text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "+.-".contains($0)) }
    }

    /// The location with the password replaced by `***`: safe for logs and messages.
    public var redacted: String {
        switch self {
        case .sqlite(let path): return "sqlite:\(path)"
        case .postgres(let location): return location.redacted
        }
    }

    public var description: String { redacted }

    /// Opens the store at `location`. For PostgreSQL, checks on the spot that the server answers
    /// (within `options.connectTimeout`) and fails with `.unavailable` naming host:port and
    /// `setting` when it does not. Call `migrate()` before use. `runsItself`: see
    /// `PostgresStore.open` (a long-running command passes `false` and runs a `ResultStoreService`).
    public static func open(
        _ location: StoreLocation,
        setting: String = "RONDA_DATABASE_URL",
        options: PostgresStore.Options = PostgresStore.Options(),
        logger: Logger = Logger(label: "ronda.store"),
        runsItself: Bool = true
    ) async throws -> any ResultStore {
        switch location {
        case .sqlite(let path):
            return try await SQLiteStore.open(path: path, logger: logger)
        case .postgres(let postgres):
            return try await PostgresStore.open(
                postgres,
                setting: setting,
                options: options,
                logger: logger,
                runsItself: runsItself
            )
        }
    }

    /// Parses `url` and opens the store it names.
    public static func open(
        url: String,
        setting: String = "RONDA_DATABASE_URL",
        options: PostgresStore.Options = PostgresStore.Options(),
        logger: Logger = Logger(label: "ronda.store")
    ) async throws -> any ResultStore {
        try await open(
            StoreLocation(parsing: url, setting: setting),
            setting: setting,
            options: options,
            logger: logger
        )
    }
}

/// A PostgreSQL server and database, with the credentials to log in.
public struct PostgresLocation: Sendable, Hashable, CustomStringConvertible {
    /// How the connection uses TLS (libpq's `sslmode`).
    public enum TLSMode: String, Sendable, Hashable, CaseIterable {
        /// No TLS.
        case disable
        /// TLS when the server offers it, without certificate verification (libpq's default).
        case prefer
        /// TLS or fail, without certificate verification (as libpq's `require`).
        case require
        /// TLS or fail, verifying the certificate chain and the host name.
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    public var tls: TLSMode

    public init(
        host: String,
        port: Int = 5432,
        user: String,
        password: String?,
        database: String,
        tls: TLSMode = .prefer
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.tls = tls
    }

    /// `host:port` (IPv6 hosts in brackets), for messages.
    public var endpoint: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// `postgres://user:***@host:port/db?sslmode=…`, never the password.
    public var redacted: String {
        let credentials = password == nil ? user : "\(user):***"
        return "postgres://\(credentials)@\(endpoint)/\(database)?sslmode=\(tls.rawValue)"
    }

    public var description: String { redacted }

    init(parsing text: String, setting: String) throws {
        func fail(_ problem: String) -> StoreError {
            StoreError(
                .invalidLocation,
                "\(setting) is not a valid PostgreSQL URL (\(problem)): expected postgres://user:password@host:5432/database"
            )
        }
        var rest = Substring(text)
        if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...] }
        // Query and fragment.
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        if rest.contains("#") { throw fail("it contains '#'; percent-encode it as %23 in the password") }
        // Authority up to the first '/' after the credentials (the password may hold a raw '/').
        let at = rest.lastIndex(of: "@")
        let afterCredentials = at.map { rest.index(after: $0) } ?? rest.startIndex
        let slash = rest[afterCredentials...].firstIndex(of: "/")
        let hostPort = rest[afterCredentials..<(slash ?? rest.endIndex)]
        let path = slash.map { rest[rest.index(after: $0)...] } ?? ""

        var user = ""
        var password: String?
        if let at {
            let credentials = rest[..<at]
            if let colon = credentials.firstIndex(of: ":") {
                user = try Self.decode(credentials[..<colon], what: "user name", fail)
                password = try Self.decode(credentials[credentials.index(after: colon)...], what: "password", fail)
            } else {
                user = try Self.decode(credentials, what: "user name", fail)
            }
        }
        guard !user.isEmpty else { throw fail("no user name") }

        var host: Substring
        var portText: Substring?
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { throw fail("unclosed '[' in the host") }
            host = hostPort[hostPort.index(after: hostPort.startIndex)..<close]
            let after = hostPort[hostPort.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw fail("unexpected text after the host") }
                portText = after.dropFirst()
            }
        } else if let colon = hostPort.lastIndex(of: ":") {
            host = hostPort[..<colon]
            portText = hostPort[hostPort.index(after: colon)...]
        } else {
            host = hostPort
        }
        guard !host.isEmpty else { throw fail("no host") }
        var port = 5432
        if let portText {
            guard let number = Int(portText), (1...65_535).contains(number), portText.allSatisfy(\.isASCII) else {
                // The text is not echoed: in a URL without '@' it may be part of a password.
                throw fail("the port is not a number from 1 to 65535")
            }
            port = number
        }
        let database = try Self.decode(path, what: "database name", fail)
        guard !database.isEmpty, !database.contains("/") else { throw fail("no database name after the host") }

        var tls = TLSMode.prefer
        for pair in query.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1)
            let key = String(parts[0])
            let value = parts.count > 1 ? String(parts[1]) : ""
            switch key {
            case "sslmode":
                guard let mode = TLSMode(rawValue: value) else {
                    throw fail(
                        "sslmode '\(value)' is not one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))"
                    )
                }
                tls = mode
            default:
                throw fail("unknown parameter '\(key)'; the supported one is sslmode")
            }
        }
        self.init(host: String(host), port: port, user: user, password: password, database: database, tls: tls)
    }

    private static func decode(_ text: Substring, what: String, _ fail: (String) -> StoreError) throws -> String {
        guard let decoded = String(text).removingPercentEncoding else {
            throw fail("the \(what) has a malformed percent-escape")
        }
        return decoded
    }
}

// Interpolation, `debugPrint`, collections and `dump` all show the redacted form.
extension StoreLocation: CustomDebugStringConvertible, CustomReflectable {
    public var debugDescription: String { redacted }
    public var customMirror: Mirror { Mirror(self, children: ["url": redacted]) }
}

extension PostgresLocation: CustomDebugStringConvertible, CustomReflectable {
    public var debugDescription: String { redacted }
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "host": host, "port": port, "user": user, "password": password == nil ? "nil" : "***",
                "database": database, "tls": tls.rawValue,
            ]
        )
    }
}
