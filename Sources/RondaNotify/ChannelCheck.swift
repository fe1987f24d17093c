import Foundation
import RondaCore
import RondaHTTP

/// The checks ``AlertChannels/make(_:environment:logger:)`` runs, each naming its key.
struct ChannelCheck {
    let config: AlertChannelConfig
    let environment: [String: String]

    var prefix: String { "alerts.channels.\(config.name)" }

    func error(_ field: String, _ problem: String) -> ChannelConfigurationError {
        ChannelConfigurationError(key: "\(prefix).\(field)", problem)
    }

    /// The value of a required field, from the file or the environment.
    func required(_ field: String, _ text: ConfigText?) throws(ChannelConfigurationError) -> String {
        guard let text else { throw error(field, "is required for a \(config.kind.rawValue) channel") }
        guard let value = text.resolve(environment) else {
            throw error(field, "the environment variable \(text) is unset or empty; export it where Ronda runs")
        }
        return value
    }

    /// A required URL with one of `schemes` and a host.
    func url(
        _ field: String,
        _ text: ConfigText?,
        schemes: [String],
        example: String
    ) throws(ChannelConfigurationError) -> String {
        let value = try required(field, text).trimmingCharacters(in: .whitespaces)
        // The value may be a secret (a Slack webhook URL): messages show the configured text
        // (`$NAME` for a variable), never the value.
        let shown = text.map { "\($0)" } ?? ""
        guard !value.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 }),
            let parts = URLComponents(string: value), let scheme = parts.scheme?.lowercased(),
            let host = parts.host, !host.isEmpty
        else {
            throw error(field, "\(shown) is not a URL; expected \(example)")
        }
        guard schemes.contains(scheme) else {
            throw error(
                field,
                "\(shown) has the scheme \(scheme)://; a \(config.kind.rawValue) channel takes \(schemes.map { "\($0)://" }.joined(separator: " or ")), e.g. \(example)"
            )
        }
        return value
    }

    func httpURL(_ field: String, _ text: ConfigText?) throws(ChannelConfigurationError) -> String {
        try url(field, text, schemes: ["http", "https"], example: "https://hooks.example.com/…")
    }

    /// `username` and `password` together, or neither.
    func credentials() throws(ChannelConfigurationError) -> HTTPCredentials? {
        switch (config.username, config.password) {
        case (nil, nil): return nil
        case (.some, nil): throw error("password", "is required when username is set")
        case (nil, .some): throw error("username", "is required when password is set")
        case (.some(let user), .some(let password)):
            return HTTPCredentials(user: try required("username", user), password: try required("password", password))
        }
    }

    /// `local@domain.tld`-shaped, without spaces or angle brackets.
    static func looksLikeAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return false }
        let forbidden = CharacterSet.whitespacesAndNewlines.union(CharacterSet(charactersIn: "<>,;\"()[]\\"))
        guard text.unicodeScalars.allSatisfy({ !forbidden.contains($0) }) else { return false }
        let domain = parts[1]
        return !domain.hasPrefix(".") && !domain.hasSuffix(".") && !domain.contains("..")
    }

    /// The parts of a URL that may be a secret (a Slack webhook's path, a token in the query),
    /// so they are removed from what a receiver's answer is quoted with.
    static func secretParts(of url: String) -> [String] {
        guard let parts = URLComponents(string: url) else { return [url] }
        var secrets = [url]
        if parts.path.count > 1 { secrets.append(parts.path) }
        if let query = parts.query, !query.isEmpty { secrets.append(query) }
        if let password = parts.password { secrets.append(password) }
        secrets += parts.path.split(separator: "/").map(String.init).filter { $0.count >= 8 }
        return secrets
    }
}
