import Foundation
import RondaCore

/// The Slack incoming-webhook payload of an alert (Block Kit), a pure function of the alert.
///
/// Blocks, in order: a `header` (the title, `[TEST] ` first for tests); a `section` with the
/// run's fields (run id, passed/total, failed, errored, execution time, release) when the alert
/// has a run; one `section` per cause (the step signature once, its message, the scenarios it
/// hit); one `section` per module with its items that no cause already names; a `context` with
/// the triggers and priority; an `actions` block with an "Open run" button when the run has a
/// URL. `text` is the plain-text fallback (notifications, clients without blocks).
///
/// Within Slack's limits: the header is cut to 150 characters, a section's text to 3000 (its
/// last line then says "… and N more"), and at most 50 blocks (the last content block then says
/// "… and N more").
enum SlackMessage {
    static let headerLimit = 150
    static let sectionLimit = 3000
    static let blockLimit = 50

    /// The payload as JSON.
    static func payload(_ alert: Alert) -> JSONValue {
        var blocks: [JSONValue] = [
            [
                "type": "header",
                "text": [
                    "type": "plain_text",
                    "text": .string(AlertFormatting.truncate(AlertFormatting.title(alert), to: headerLimit)),
                ],
            ]
        ]
        if let run = alert.run { blocks.append(runFields(run)) }
        var content: [JSONValue] = alert.causes.map(causeSection)
        for group in AlertFormatting.remainingItemsByModule(alert) {
            content.append(moduleSection(group.module, group.items))
        }
        var tail: [JSONValue] = [
            [
                "type": "context",
                "elements": [
                    [
                        "type": "mrkdwn",
                        "text": .string(
                            escape("Triggers: \(AlertFormatting.triggers(alert)) · Priority \(alert.priority.rawValue)")
                        ),
                    ]
                ],
            ]
        ]
        if let url = alert.run?.url {
            tail.append([
                "type": "actions",
                "elements": [
                    [
                        "type": "button",
                        "text": ["type": "plain_text", "text": "Open run"],
                        "url": .string(url),
                    ]
                ],
            ])
        }
        let room = blockLimit - blocks.count - tail.count
        if content.count > room {
            let dropped = content.count - (room - 1)
            content = Array(content.prefix(room - 1)) + [section("… and \(dropped) more")]
        }
        return [
            "text": .string(AlertFormatting.truncate(alert.text, to: sectionLimit)),
            "blocks": .array(blocks + content + tail),
        ]
    }

    /// The body bytes sent to Slack.
    static func body(_ alert: Alert) -> [UInt8] { Array(payload(alert).jsonText().utf8) }

    private static func runFields(_ run: AlertRun) -> JSONValue {
        var fields: [(String, String)] = [
            ("Run", "`\(run.id)`"),
            ("Passed", AlertFormatting.passed(run)),
            (
                "Failed",
                "\(run.totals.failed)"
                    + (run.quarantinedFailures > 0 ? " (\(run.quarantinedFailures) quarantined)" : "")
            ),
            ("Errored", "\(run.totals.errored)"),
        ]
        if let time = run.executionTime { fields.append(("Execution time", AlertFormatting.seconds(time))) }
        if let release = run.release { fields.append(("Release", escape(release))) }
        return [
            "type": "section",
            "fields": .array(fields.map { ["type": "mrkdwn", "text": .string("*\($0.0)*\n\($0.1)")] }),
        ]
    }

    private static func causeSection(_ cause: AlertCause) -> JSONValue {
        let head = "*\(escape(cause.trigger.label))* · `\(escape(cause.step))` — \(escape(cause.message))"
        let lines = cause.scenarios.map { "• \(escape($0))" }
        return section(fit(head + "\n\(cause.scenarios.count) scenarios:", lines))
    }

    private static func moduleSection(_ module: String, _ items: [AlertItem]) -> JSONValue {
        let head = module.isEmpty ? "*Run*" : "*\(escape(module))*"
        return section(fit(head, items.map { "• \(escape(AlertFormatting.itemLine($0)))" }))
    }

    /// `head` and as many `lines` as fit in a section's 3000 characters, then "… and N more".
    static func fit(_ head: String, _ lines: [String]) -> String {
        var text = AlertFormatting.truncate(head, to: 1000)
        for (index, line) in lines.enumerated() {
            let candidate = text + "\n" + AlertFormatting.truncate(line, to: 500)
            let after = lines.count - index - 1
            let reserve = after > 0 ? "\n… and \(after) more".count : 0
            if candidate.count + reserve > sectionLimit { return text + "\n… and \(lines.count - index) more" }
            text = candidate
        }
        return text
    }

    private static func section(_ text: String) -> JSONValue {
        ["type": "section", "text": ["type": "mrkdwn", "text": .string(text)]]
    }

    /// Slack's mrkdwn escaping: `&`, `<`, `>` (so a message cannot make links or mentions).
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
