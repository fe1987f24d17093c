import Foundation
import RondaCore

/// The generic webhook's body, schema `ronda.alert/v1`, and its signature headers.
///
/// A JSON object with sorted, snake_case keys; dates are ISO-8601 in UTC with whole seconds;
/// optional values are `null`, never missing:
///
/// ```
/// {
///   "schema": "ronda.alert/v1",
///   "id": "<decision id>",                    // the same on every retry
///   "idempotency_key": "<decision:channel>",  // also the Idempotency-Key header
///   "sent_at": "2026-12-06T05:16:37Z",        // this attempt; equals X-Ronda-Timestamp
///   "created_at": "2026-12-06T05:16:30Z",     // the decision
///   "title": "…", "text": "…",                // text: the plain-text rendering
///   "triggers": ["new_error", "regression"],  // most severe first
///   "priority": "P0", "test": false,
///   "run": null | {"id", "started_at", "completed_at", "execution_time" (seconds),
///                  "totals": {"scenarios", "passed", "failed", "errored", "skipped"},
///                  "quarantined_failures", "release", "url"},
///   "items": [{"trigger", "scenario", "module", "priority", "summary",
///              "group": null | {"fingerprint", "scenario", "module", "priority", "step",
///                               "signature", "error_kind", "message", "normalized_message",
///                               "url", "http_status", "excerpt", "first_seen", "last_seen",
///                               "occurrences", "first_release", "resolved_release", "flakiness"}}],
///   "causes": [{"trigger", "step", "error_kind", "message", "scenarios", "modules", "priority"}]
/// }
/// ```
///
/// Headers: `X-Ronda-Signature: sha256=<hex HMAC-SHA256(secret, the exact body bytes)>`,
/// `X-Ronda-Timestamp: <unix seconds of sent_at>` (covered by the signature through `sent_at`:
/// receivers reject bodies whose `sent_at` is more than 5 minutes old, and replays with it),
/// `Idempotency-Key`.
enum WebhookPayload {
    static let schema = "ronda.alert/v1"

    /// The body for one attempt at `sentAt` (truncated to whole seconds by the caller).
    static func json(_ alert: Alert, idempotencyKey: String, sentAt: Date) -> JSONValue {
        [
            "schema": .string(schema),
            "id": .string(alert.id),
            "idempotency_key": .string(idempotencyKey),
            "sent_at": .string(AlertFormatting.iso8601(sentAt)),
            "created_at": .string(AlertFormatting.iso8601(alert.createdAt)),
            "title": .string(alert.title),
            "text": .string(alert.text),
            "triggers": .array(alert.triggers.map { .string($0.rawValue) }),
            "priority": .string(alert.priority.rawValue),
            "test": .bool(alert.isTest),
            "run": alert.run.map(run) ?? .null,
            "items": .array(alert.items.map(item)),
            "causes": .array(alert.causes.map(cause)),
        ]
    }

    /// The exact bytes sent and signed.
    static func body(_ alert: Alert, idempotencyKey: String, sentAt: Date) -> [UInt8] {
        Array(json(alert, idempotencyKey: idempotencyKey, sentAt: sentAt).jsonText().utf8)
    }

    /// `X-Ronda-Signature` and `X-Ronda-Timestamp` for `body` sent at `sentAt`.
    static func signatureHeaders(body: [UInt8], secret: String, sentAt: Date) -> [(String, String)] {
        [
            ("X-Ronda-Signature", GenericSignature.headerValue(body: body, secret: secret)),
            ("X-Ronda-Timestamp", String(Int(sentAt.timeIntervalSince1970.rounded(.down)))),
        ]
    }

    private static func run(_ run: AlertRun) -> JSONValue {
        [
            "id": .string(run.id),
            "started_at": .string(AlertFormatting.iso8601(run.startedAt)),
            "completed_at": run.completedAt.map { .string(AlertFormatting.iso8601($0)) } ?? .null,
            "execution_time": run.executionTime.map { .double($0) } ?? .null,
            "totals": [
                "scenarios": .int(run.totals.scenarios),
                "passed": .int(run.totals.passed),
                "failed": .int(run.totals.failed),
                "errored": .int(run.totals.errored),
                "skipped": .int(run.totals.skipped),
            ],
            "quarantined_failures": .int(run.quarantinedFailures),
            "release": optional(run.release),
            "url": optional(run.url),
        ]
    }

    private static func item(_ item: AlertItem) -> JSONValue {
        [
            "trigger": .string(item.trigger.rawValue),
            "scenario": optional(item.scenario),
            "module": optional(item.module),
            "priority": .string(item.priority.rawValue),
            "summary": .string(item.summary),
            "group": item.group.map(group) ?? .null,
        ]
    }

    private static func group(_ group: AlertGroup) -> JSONValue {
        [
            "fingerprint": .string(group.fingerprint),
            "scenario": .string(group.scenario),
            "module": .string(group.module),
            "priority": .string(group.priority.rawValue),
            "step": optional(group.step),
            "signature": optional(group.signature),
            "error_kind": .string(group.errorKind),
            "message": .string(group.message),
            "normalized_message": .string(group.normalizedMessage),
            "url": optional(group.url),
            "http_status": group.httpStatus.map { .int($0) } ?? .null,
            "excerpt": optional(group.excerpt),
            "first_seen": .string(AlertFormatting.iso8601(group.firstSeen)),
            "last_seen": .string(AlertFormatting.iso8601(group.lastSeen)),
            "occurrences": .int(group.occurrences),
            "first_release": optional(group.firstRelease),
            "resolved_release": optional(group.resolvedRelease),
            "flakiness": group.flakiness.map { .double($0) } ?? .null,
        ]
    }

    private static func cause(_ cause: AlertCause) -> JSONValue {
        [
            "trigger": .string(cause.trigger.rawValue),
            "step": .string(cause.step),
            "error_kind": .string(cause.errorKind),
            "message": .string(cause.message),
            "scenarios": .array(cause.scenarios.map { .string($0) }),
            "modules": .array(cause.modules.map { .string($0) }),
            "priority": .string(cause.priority.rawValue),
        ]
    }

    private static func optional(_ text: String?) -> JSONValue { text.map { .string($0) } ?? .null }
}
