import Foundation

extension RondaConfig {
    static let topKeys = [
        "target", "roles", "defaults", "suite", "database", "secrets", "schedules", "rate_limit", "alerts",
    ]

    /// Reads `ronda.yml`. Every problem is reported with its line and column.
    public static func load(file path: String) throws(SourceFileError) -> RondaConfig {
        let location = SourceLocation(file: path, line: 1, column: 1)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SourceFileError(
                code: .unreadable,
                issues: [SourceIssue(location, "cannot read the configuration file (does it exist?)")]
            )
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SourceFileError(
                code: .unreadable,
                issues: [SourceIssue(location, "the configuration file is not UTF-8 text")]
            )
        }
        return try parse(text, file: path)
    }

    /// Parses configuration text; `file` names it and anchors relative paths.
    public static func parse(_ text: String, file: String) throws(SourceFileError) -> RondaConfig {
        var config = RondaConfig()
        config.file = file
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return config }
        let parsed: SourceNode?
        do { parsed = try SourceNode.parseDocument(yaml: text, file: file) } catch let e as SourceFileError {
            throw e
        } catch {
            throw SourceFileError(issues: [SourceIssue(SourceLocation(file: file, line: 1, column: 1), "\(error)")])
        }
        guard let root = parsed, !(root.scalarText == "" && !root.isQuoted) else { return config }
        var reader = NodeReader()
        for (key, _, value) in reader.mapping(root, "the configuration", allowed: topKeys) ?? [] {
            switch key {
            case "target": readTarget(value, into: &config, reader: &reader)
            case "roles": readRoles(value, into: &config, reader: &reader)
            case "defaults": readDefaults(value, into: &config, reader: &reader)
            case "suite": if let s = reader.nonEmptyString(value, "suite") { config.suite = s }
            case "database": if let s = reader.nonEmptyString(value, "database") { config.database = s }
            case "schedules": readSchedules(value, into: &config, reader: &reader)
            case "rate_limit": readRateLimit(value, into: &config, reader: &reader)
            case "alerts": readAlerts(value, into: &config, reader: &reader)
            default: config.secretNames = reader.stringList(value, "secrets") ?? []
            }
        }
        if !reader.issues.isEmpty { throw SourceFileError(issues: reader.issues) }
        return config
    }

    static func readTarget(_ node: SourceNode, into config: inout RondaConfig, reader: inout NodeReader) {
        for (key, _, value) in reader.mapping(
            node,
            "target",
            allowed: ["base_url", "verify_tls", "ca_bundle", "headers"]
        ) ?? [] {
            switch key {
            case "base_url":
                if let url = reader.nonEmptyString(value, "target.base_url") {
                    if isHTTPURL(url) {
                        config.target.baseURL = url
                    } else {
                        reader.fail(value, "expected target.base_url as an http:// or https:// URL, got '\(url)'")
                    }
                }
            case "verify_tls": config.target.verifyTLS = reader.bool(value, "target.verify_tls") ?? true
            case "ca_bundle": config.target.caBundle = reader.string(value, "target.ca_bundle").map(config.resolve)
            default: config.target.headers = reader.fields(value, "target.headers") ?? []
            }
        }
    }

    static func readRoles(_ node: SourceNode, into config: inout RondaConfig, reader: inout NodeReader) {
        for (name, _, value) in reader.mapping(node, "roles") ?? [] {
            guard let entries = reader.mapping(value, "the role \(name)") else { continue }
            var fields: [TemplateField] = []
            var login: Scenario?
            for (key, keyNode, v) in entries {
                if key == "login" {
                    login = readLogin(v, role: name, config: config, reader: &reader)
                    continue
                }
                guard let tv = reader.templateValue(v) else { continue }
                if ["password", "token", "secret", "api_key"].contains(where: key.lowercased().contains),
                    tv.templates.allSatisfy({ $0.environmentNames.isEmpty })
                {
                    reader.fail(
                        v,
                        "write the role's \(key) as '{{ env.NAME }}': credentials come from environment variables, never from files"
                    )
                }
                _ = keyNode
                fields.append(TemplateField(key: key, value: tv))
            }
            guard let login else {
                if !entries.contains(where: { $0.key == "login" }) {
                    reader.fail(
                        value,
                        "the role \(name) needs 'login:', a scenario file (or a list of steps) that logs in"
                    )
                }
                continue
            }
            config.roles[name] = Role(name: name, login: login, fields: fields)
        }
    }

    static func readLogin(_ node: SourceNode, role: String, config: RondaConfig, reader: inout NodeReader) -> Scenario?
    {
        if let path = node.scalarText {
            let resolved = config.resolve(path)
            do {
                return try ScenarioLoader.load(file: resolved)
            } catch {
                reader.fail(node, "the login scenario of role \(role) (\(resolved)) is invalid:\n" + error.message)
                return nil
            }
        }
        let steps = ScenarioLoader.readSteps(node, "login steps", file: node.location.file, reader: &reader)
        return Scenario(
            name: "login as \(role)",
            module: "login",
            steps: steps,
            file: node.location.file,
            location: node.location
        )
    }

    static func readDefaults(_ node: SourceNode, into config: inout RondaConfig, reader: inout NodeReader) {
        let keys = [
            "timeout", "request_timeout", "connect_timeout", "teardown_timeout", "delay_between", "parallel",
            "body_cap", "follow_redirects", "max_redirects", "reuse_connections", "continue_on_failure", "max_body",
            "json_max_depth",
        ]
        for (key, _, value) in reader.mapping(node, "defaults", allowed: keys) ?? [] {
            switch key {
            case "timeout":
                if let t = reader.duration(value, "defaults.timeout"), t > .zero { config.defaults.scenarioTimeout = t }
            case "request_timeout":
                if let t = reader.duration(value, "defaults.request_timeout"), t > .zero {
                    config.defaults.requestTimeout = t
                }
            case "connect_timeout":
                if let t = reader.duration(value, "defaults.connect_timeout"), t > .zero {
                    config.defaults.connectTimeout = t
                }
            case "teardown_timeout":
                if let t = reader.duration(value, "defaults.teardown_timeout"), t > .zero {
                    config.defaults.teardownTimeout = t
                }
            case "delay_between":
                if let t = reader.duration(value, "defaults.delay_between") { config.defaults.delayBetween = t }
            case "parallel":
                if let n = reader.int(value, "defaults.parallel", range: 1...1024) { config.defaults.parallel = n }
            case "body_cap":
                if let n = reader.int(value, "defaults.body_cap (bytes)", range: 1024...(1 << 30)) {
                    config.defaults.bodyCap = n
                }
            case "max_body":
                if let n = reader.int(value, "defaults.max_body (bytes)", range: 1024...(1 << 40)) {
                    config.defaults.maxBody = n
                }
            case "json_max_depth":
                if let n = reader.int(value, "defaults.json_max_depth (levels)", range: 1...JSONValue.largestMaxDepth) {
                    config.defaults.jsonMaxDepth = n
                }
            case "follow_redirects":
                if let b = reader.bool(value, "defaults.follow_redirects") { config.defaults.followRedirects = b }
            case "reuse_connections":
                if let b = reader.bool(value, "defaults.reuse_connections") { config.defaults.reuseConnections = b }
            case "continue_on_failure":
                if let b = reader.bool(value, "defaults.continue_on_failure") { config.defaults.continueOnFailure = b }
            default:
                if let n = reader.int(value, "defaults.max_redirects", range: 0...100) {
                    config.defaults.maxRedirects = n
                }
            }
        }
    }

    /// `true` for an absolute http(s) URL with a host.
    public static func isHTTPURL(_ text: String) -> Bool {
        // The host is read from the text: Foundation's `host` would load ICU's IDNA data to decode it.
        guard URLComponents(string: text) != nil, let scheme = URLText.scheme(text),
            scheme == "http" || scheme == "https",
            URLText.host(text) != nil
        else { return false }
        return true
    }
}
