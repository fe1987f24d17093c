import Foundation

extension RondaConfig {
    static let alertKeys = [
        "threshold", "resolve_after", "reminder_every", "escalate_after", "flaky_window", "flaky_threshold",
        "public_url", "maintenance", "channels", "routes", "release",
    ]
    static let channelKeys = [
        "type", "timeout", "retry", "min_priority", "url", "secret", "dsn", "username", "password", "from", "to",
        "starttls", "method", "form", "json_body", "headers", "ca_bundle",
    ]

    /// `alerts:` — the policy, channels and routes. Secrets (a Slack or webhook URL, a signing
    /// secret, a DSN, a password) must be written `{{ env.NAME }}`; every problem names its key.
    static func readAlerts(_ node: SourceNode, into config: inout RondaConfig, reader: inout NodeReader) {
        var alerts = AlertsConfig()
        var routesNode: SourceNode?
        for (key, _, value) in reader.mapping(node, "alerts", allowed: alertKeys) ?? [] {
            let what = "alerts.\(key)"
            switch key {
            case "threshold": alerts.threshold = reader.int(value, what, range: 1...1_000_000) ?? alerts.threshold
            case "resolve_after": alerts.resolveAfter = reader.int(value, what, range: 1...1000) ?? alerts.resolveAfter
            case "escalate_after":
                alerts.escalateAfter = reader.int(value, what, range: 0...1000) ?? alerts.escalateAfter
            case "flaky_window": alerts.flakyWindow = reader.int(value, what, range: 2...1000) ?? alerts.flakyWindow
            case "flaky_threshold":
                if let text = value.scalarText, let share = Double(text), (0...1).contains(share) {
                    alerts.flakyThreshold = share
                } else {
                    reader.fail(
                        value,
                        "expected a share from 0 to 1 for \(what) (e.g. 0.3), got \(value.kindDescription)"
                    )
                }
            case "reminder_every":
                if value.scalarText == "off" || value.scalarText == "never" {
                    alerts.reminderEvery = nil
                } else if let every = reader.duration(value, what, max: .seconds(30 * 86_400)) {
                    if every >= .seconds(60) {
                        alerts.reminderEvery = every
                    } else {
                        reader.fail(value, "\(what) must be at least 1m (or 'off')")
                    }
                }
            case "public_url":
                if let url = reader.nonEmptyString(value, what) {
                    if isHTTPURL(url) {
                        alerts.publicURL = url
                    } else {
                        reader.fail(value, "expected \(what) as an http:// or https:// URL, got '\(url)'")
                    }
                }
            case "maintenance": alerts.maintenance = readMaintenance(value, reader: &reader)
            case "channels":
                for (name, _, channel) in reader.mapping(value, what) ?? [] {
                    if let parsed = readChannel(channel, name: name, reader: &reader) { alerts.channels[name] = parsed }
                }
            case "routes": routesNode = value
            default: alerts.release = readRelease(value, reader: &reader)
            }
        }
        if let routesNode { alerts.routes = readRoutes(routesNode, channels: alerts.channels, reader: &reader) }
        config.alerts = alerts
    }

    static func readChannel(_ node: SourceNode, name: String, reader: inout NodeReader) -> AlertChannelConfig? {
        let what = "alerts.channels.\(name)"
        guard let entries = reader.mapping(node, what, allowed: channelKeys) else { return nil }
        guard let typeNode = entries.first(where: { $0.key == "type" })?.value else {
            reader.fail(
                node,
                "\(what) needs 'type:' (one of \(AlertChannelConfig.Kind.allCases.map(\.rawValue).joined(separator: ", ")))"
            )
            return nil
        }
        guard let kindText = typeNode.scalarText, let kind = AlertChannelConfig.Kind(rawValue: kindText) else {
            reader.fail(
                typeNode,
                "\(what).type: expected one of \(AlertChannelConfig.Kind.allCases.map(\.rawValue).joined(separator: ", ")), got \(typeNode.kindDescription)"
            )
            return nil
        }
        var channel = AlertChannelConfig(name: name, kind: kind)
        for (key, _, value) in entries {
            let keyPath = "\(what).\(key)"
            switch key {
            case "type": break
            case "timeout": channel.timeout = reader.duration(value, keyPath, max: .seconds(300)) ?? channel.timeout
            case "retry": channel.retry = readRetry(value, what: keyPath, reader: &reader)
            case "min_priority":
                if let text = value.scalarText, let priority = Priority(rawValue: text.uppercased()) {
                    channel.minPriority = priority
                } else {
                    reader.fail(value, "\(keyPath): expected P0, P1, P2 or P3, got \(value.kindDescription)")
                }
            case "url":
                channel.url = configText(value, keyPath, secret: kind == .slack, reader: &reader)
            case "secret": channel.secret = configText(value, keyPath, secret: true, reader: &reader)
            case "dsn": channel.dsn = configText(value, keyPath, secret: true, reader: &reader)
            case "username": channel.username = configText(value, keyPath, secret: false, reader: &reader)
            case "password": channel.password = configText(value, keyPath, secret: true, reader: &reader)
            case "from": channel.from = reader.nonEmptyString(value, keyPath)
            case "to": channel.to = reader.stringList(value, keyPath) ?? []
            case "starttls": channel.startTLS = reader.bool(value, keyPath) ?? true
            case "method":
                if let method = reader.nonEmptyString(value, keyPath)?.uppercased() {
                    if ["POST", "GET", "PUT"].contains(method) {
                        channel.method = method
                    } else {
                        reader.fail(value, "\(keyPath): expected POST, PUT or GET, got '\(method)'")
                    }
                }
            case "form":
                for (field, _, v) in reader.mapping(value, keyPath) ?? [] {
                    if let text = reader.string(v, "\(keyPath).\(field)") { channel.form.append((field, text)) }
                }
            case "json_body": channel.jsonBody = reader.nonEmptyString(value, keyPath)
            case "headers":
                for (field, _, v) in reader.mapping(value, keyPath) ?? [] {
                    if let text = reader.string(v, "\(keyPath).\(field)") { channel.headers.append((field, text)) }
                }
            default: channel.caBundle = reader.nonEmptyString(value, keyPath)
            }
        }
        checkChannel(channel, node: node, reader: &reader)
        return channel
    }

    /// Required fields and literal URLs that must parse (variables are checked when the channel is built).
    static func checkChannel(_ channel: AlertChannelConfig, node: SourceNode, reader: inout NodeReader) {
        let what = "alerts.channels.\(channel.name)"
        func require(_ value: ConfigText?, _ key: String) {
            if value == nil { reader.fail(node, "\(what) (\(channel.kind.rawValue)) needs '\(key):'") }
        }
        switch channel.kind {
        case .slack, .whatsapp: require(channel.url, "url")
        case .webhook:
            require(channel.url, "url")
            require(channel.secret, "secret")
        case .sentry: require(channel.dsn, "dsn")
        case .email:
            require(channel.url, "url")
            if channel.from == nil { reader.fail(node, "\(what) (email) needs 'from:'") }
            if channel.to.isEmpty { reader.fail(node, "\(what) (email) needs 'to:' (one or more addresses)") }
        }
        if case .literal(let url) = channel.url {
            let schemes = channel.kind == .email ? ["smtp", "smtps"] : ["http", "https"]
            let scheme = URLText.scheme(url)
            if URLComponents(string: url) == nil || URLText.host(url) == nil || !schemes.contains(scheme ?? "") {
                reader.fail(node, "\(what).url: '\(url)' is not a \(schemes.joined(separator: "/")) URL")
            }
        }
    }

    /// Literal text or `{{ env.NAME }}` (the whole value). With `secret`, only the latter.
    static func configText(_ node: SourceNode, _ what: String, secret: Bool, reader: inout NodeReader) -> ConfigText? {
        guard let text = reader.nonEmptyString(node, what) else { return nil }
        if let match = text.wholeMatch(of: #/\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/#) {
            return .environment(String(match.1))
        }
        if text.contains("{{") {
            reader.fail(node, "\(what): write it as '{{ env.NAME }}' (the whole value), got '\(text)'")
            return nil
        }
        if secret {
            reader.fail(
                node,
                "\(what) is a secret: write it as '{{ env.NAME }}' — credentials come from environment variables, never from files"
            )
            return nil
        }
        return .literal(text)
    }

    static func readRetry(_ node: SourceNode, what: String, reader: inout NodeReader) -> RetryPolicy {
        var retry = RetryPolicy()
        for (key, _, value) in reader.mapping(node, what, allowed: ["backoff", "max_backoff", "give_up_after"]) ?? [] {
            switch key {
            case "backoff": retry.initialBackoff = reader.duration(value, "\(what).backoff") ?? retry.initialBackoff
            case "max_backoff": retry.maxBackoff = reader.duration(value, "\(what).max_backoff") ?? retry.maxBackoff
            default:
                retry.giveUpAfter =
                    reader.duration(value, "\(what).give_up_after", max: .seconds(30 * 86_400)) ?? retry.giveUpAfter
            }
        }
        return retry
    }

    static func readMaintenance(_ node: SourceNode, reader: inout NodeReader) -> [MaintenanceWindow] {
        guard let items = node.items else {
            reader.fail(node, "expected alerts.maintenance as a list of windows (cron, duration, timezone)")
            return []
        }
        var windows: [MaintenanceWindow] = []
        for (index, item) in items.enumerated() {
            let what = "alerts.maintenance[\(index)]"
            var cron: String?
            var duration: Duration?
            var zone = "UTC"
            for (key, _, value) in reader.mapping(item, what, allowed: ["cron", "duration", "timezone"]) ?? [] {
                switch key {
                case "cron": cron = reader.nonEmptyString(value, "\(what).cron")
                case "duration": duration = reader.duration(value, "\(what).duration", max: .seconds(7 * 86_400))
                default:
                    if let text = reader.nonEmptyString(value, "\(what).timezone") {
                        if TimeZone(identifier: text) != nil {
                            zone = text
                        } else {
                            reader.fail(
                                value,
                                "\(what).timezone: unknown time zone '\(text)' (use an IANA name such as Europe/Madrid)"
                            )
                        }
                    }
                }
            }
            guard let cron, let duration else {
                reader.fail(item, "\(what) needs 'cron:' and 'duration:'")
                continue
            }
            windows.append(MaintenanceWindow(cron: cron, duration: duration, timeZone: zone))
        }
        return windows
    }

    static func readRoutes(
        _ node: SourceNode,
        channels: [String: AlertChannelConfig],
        reader: inout NodeReader
    )
        -> [AlertRoute]
    {
        guard let items = node.items else {
            reader.fail(node, "expected alerts.routes as a list of routes (modules, min_priority, triggers, channels)")
            return []
        }
        var routes: [AlertRoute] = []
        for (index, item) in items.enumerated() {
            let what = "alerts.routes[\(index)]"
            var route = AlertRoute(channels: [])
            var hasChannels = false
            for (key, _, value) in reader.mapping(
                item,
                what,
                allowed: ["modules", "min_priority", "triggers", "channels"]
            ) ?? [] {
                switch key {
                case "modules": route.modules = reader.stringList(value, "\(what).modules")
                case "min_priority":
                    if let text = value.scalarText, let priority = Priority(rawValue: text.uppercased()) {
                        route.minPriority = priority
                    } else {
                        reader.fail(
                            value,
                            "\(what).min_priority: expected P0, P1, P2 or P3, got \(value.kindDescription)"
                        )
                    }
                case "triggers":
                    var triggers: [AlertTrigger] = []
                    for text in reader.stringList(value, "\(what).triggers") ?? [] {
                        if let trigger = AlertTrigger(rawValue: text), trigger != .test {
                            triggers.append(trigger)
                        } else {
                            reader.fail(
                                value,
                                "\(what).triggers: unknown trigger '\(text)'; expected one of \(AlertTrigger.allCases.filter { $0 != .test }.map(\.rawValue).joined(separator: ", "))"
                            )
                        }
                    }
                    route.triggers = triggers
                default:
                    hasChannels = true
                    for name in reader.stringList(value, "\(what).channels") ?? [] {
                        if channels[name] == nil {
                            reader.fail(
                                value,
                                "\(what).channels: unknown channel '\(name)'; alerts.channels defines: \(channels.keys.sorted().joined(separator: ", "))"
                            )
                        } else {
                            route.channels.append(name)
                        }
                    }
                }
            }
            if !hasChannels { reader.fail(item, "\(what) needs 'channels:'") }
            routes.append(route)
        }
        return routes
    }

    static func readRelease(_ node: SourceNode, reader: inout NodeReader) -> ReleaseSource? {
        var url: String?
        var header: String?
        var jsonPath: String?
        for (key, _, value) in reader.mapping(node, "alerts.release", allowed: ["url", "header", "json_path"]) ?? [] {
            switch key {
            case "url": url = reader.nonEmptyString(value, "alerts.release.url")
            case "header": header = reader.nonEmptyString(value, "alerts.release.header")
            default:
                jsonPath = reader.nonEmptyString(value, "alerts.release.json_path")
                if let path = jsonPath, (try? JSONPath(parsing: path)) == nil {
                    reader.fail(value, "alerts.release.json_path: '\(path)' is not a JSON path (e.g. $.version)")
                }
            }
        }
        guard let url, (header == nil) != (jsonPath == nil) else {
            reader.fail(node, "alerts.release needs 'url:' and one of 'header:' or 'json_path:'")
            return nil
        }
        return ReleaseSource(url: url, header: header, jsonPath: jsonPath)
    }
}
