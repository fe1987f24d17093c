import Foundation
import RondaCore

/// A Sentry DSN, `SCHEME://PUBLIC_KEY@HOST[:PORT][/PATH]/PROJECT_ID`, and the envelope endpoint
/// it names.
struct SentryDSN: Sendable, Hashable {
    let text: String
    let scheme: String
    let host: String
    let port: Int?
    /// A path before the project id (Sentry behind a prefix), without a trailing slash.
    let pathPrefix: String
    let publicKey: String
    let projectID: String

    /// Parses `text`; `nil` when it is not a DSN.
    init?(_ text: String) {
        guard let parts = URLComponents(string: text), let scheme = parts.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = parts.host, !host.isEmpty,
            let key = parts.user, !key.isEmpty
        else { return nil }
        var segments = parts.path.split(separator: "/", omittingEmptySubsequences: true)
        guard let project = segments.popLast(), !project.isEmpty, project.allSatisfy(\.isNumber) else { return nil }
        self.text = text
        self.scheme = scheme
        self.host = host
        self.port = parts.port
        self.pathPrefix = segments.isEmpty ? "" : "/" + segments.joined(separator: "/")
        self.publicKey = key
        self.projectID = String(project)
    }

    /// `SCHEME://HOST[:PORT][/PATH]/api/PROJECT_ID/envelope/`.
    var envelopeURL: String {
        "\(scheme)://\(host)\(port.map { ":\($0)" } ?? "")\(pathPrefix)/api/\(projectID)/envelope/"
    }

    /// `X-Sentry-Auth`.
    var authHeader: String {
        "Sentry sentry_version=7, sentry_client=ronda/1.0, sentry_key=\(publicKey)"
    }
}

/// Sentry events for an alert: one per item whose trigger is `new_error` or `regression` and
/// that has an error group, each in an envelope of its own (Sentry takes one event per envelope).
///
/// An envelope is three lines: the header `{"dsn", "event_id", "sent_at"}`, the item header
/// `{"type": "event", "length": N}` (N: the event's bytes) and the event: `event_id` (32 hex
/// digits derived from the idempotency key and the fingerprint, so a retry sends the same id and
/// Sentry drops the duplicate), `timestamp`, `level: error`, `platform: other`, `logger: ronda`,
/// `message.formatted`, `fingerprint: [group fingerprint]`, `tags` (scenario, module, priority,
/// release, trigger, error_kind), `release`, and `extra` (url, http_status, run_id, occurrences,
/// first_seen).
enum SentryEnvelope {
    /// The items Sentry hears about.
    static func reportedItems(_ alert: Alert) -> [(item: AlertItem, group: AlertGroup)] {
        alert.items.compactMap { item in
            guard item.trigger == .newError || item.trigger == .regression, let group = item.group else { return nil }
            return (item, group)
        }
    }

    /// 32 lowercase hex digits, the same for the same key and fingerprint.
    static func eventID(idempotencyKey: String, fingerprint: String) -> String {
        let mac = GenericSignature.headerValue(body: Array(fingerprint.utf8), secret: "ronda.sentry:" + idempotencyKey)
        return String(mac.dropFirst("sha256=".count).prefix(32))
    }

    /// The event for one item.
    static func event(
        _ item: AlertItem,
        group: AlertGroup,
        alert: Alert,
        eventID: String
    ) -> JSONValue {
        var tags: [String: JSONValue] = [
            "scenario": .string(group.scenario),
            "module": .string(group.module),
            "priority": .string(group.priority.rawValue),
            "trigger": .string(item.trigger.rawValue),
            "error_kind": .string(group.errorKind),
        ]
        let release = alert.run?.release ?? group.firstRelease
        if let release { tags["release"] = .string(release) }
        var extra: [String: JSONValue] = [
            "occurrences": .int(group.occurrences),
            "first_seen": .string(AlertFormatting.iso8601(group.firstSeen)),
        ]
        if let url = group.url { extra["url"] = .string(url) }
        if let status = group.httpStatus { extra["http_status"] = .int(status) }
        if let run = alert.run { extra["run_id"] = .string(run.id) }
        var event: [String: JSONValue] = [
            "event_id": .string(eventID),
            "timestamp": .string(AlertFormatting.iso8601(group.lastSeen)),
            "level": "error",
            "platform": "other",
            "logger": "ronda",
            "message": ["formatted": .string("\(group.scenario): \(group.message)")],
            "fingerprint": [.string(group.fingerprint)],
            "tags": .object(tags),
            "extra": .object(extra),
        ]
        if let release { event["release"] = .string(release) }
        return .object(event)
    }

    /// The envelopes to send, with their event ids.
    static func envelopes(
        _ alert: Alert,
        idempotencyKey: String,
        dsn: SentryDSN,
        sentAt: Date
    ) -> [(eventID: String, body: [UInt8])] {
        reportedItems(alert).map { item, group in
            let id = eventID(idempotencyKey: idempotencyKey, fingerprint: group.fingerprint)
            let event = Array(event(item, group: group, alert: alert, eventID: id).jsonText().utf8)
            let header: JSONValue = [
                "event_id": .string(id),
                "dsn": .string(dsn.text),
                "sent_at": .string(AlertFormatting.iso8601(sentAt)),
            ]
            let itemHeader: JSONValue = ["type": "event", "length": .int(event.count)]
            let body =
                Array(header.jsonText().utf8) + [0x0A] + Array(itemHeader.jsonText().utf8) + [0x0A] + event + [0x0A]
            return (id, body)
        }
    }
}
