import RondaCore

extension EmailMessage {
    /// The HTML part: the title, a table of the run's counts, the causes, the items by module
    /// (those a cause names left out), the triggers and a button linking to the run. Every text
    /// from the alert is HTML-escaped.
    static func html(_ alert: Alert) -> String {
        var out = """
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>\(escape(AlertFormatting.title(alert)))</title></head>
            <body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1d1d1f">
            <h1 style="font-size:18px">\(escape(AlertFormatting.title(alert)))</h1>

            """
        if let run = alert.run {
            var rows: [(String, String)] = [
                ("Run", run.id),
                ("Passed", AlertFormatting.passed(run)),
                ("Failed", "\(run.totals.failed)"),
                ("Errored", "\(run.totals.errored)"),
            ]
            if run.quarantinedFailures > 0 { rows.append(("Quarantined failures", "\(run.quarantinedFailures)")) }
            if let time = run.executionTime { rows.append(("Execution time", AlertFormatting.seconds(time))) }
            if let release = run.release { rows.append(("Release", release)) }
            out += "<table style=\"border-collapse:collapse\">\n"
            for (name, value) in rows {
                out +=
                    "<tr><th style=\"text-align:left;padding:2px 12px 2px 0\">\(escape(name))</th>"
                    + "<td>\(escape(value))</td></tr>\n"
            }
            out += "</table>\n"
        }
        if !alert.causes.isEmpty {
            out += "<h2 style=\"font-size:16px\">Causes</h2>\n<ul>\n"
            for cause in alert.causes {
                out +=
                    "<li><strong>\(escape(cause.trigger.label))</strong>: <code>\(escape(cause.step))</code> — "
                    + "\(escape(cause.message))<br>\(cause.scenarios.count) scenarios: "
                    + "\(escape(cause.scenarios.joined(separator: ", ")))</li>\n"
            }
            out += "</ul>\n"
        }
        for group in AlertFormatting.remainingItemsByModule(alert) {
            out += "<h2 style=\"font-size:16px\">\(escape(group.module.isEmpty ? "Run" : group.module))</h2>\n<ul>\n"
            for item in group.items { out += "<li>\(escape(AlertFormatting.itemLine(item)))</li>\n" }
            out += "</ul>\n"
        }
        out +=
            "<p style=\"color:#6e6e73\">Triggers: \(escape(AlertFormatting.triggers(alert))) · "
            + "Priority \(alert.priority.rawValue)</p>\n"
        if let url = alert.run?.url {
            out +=
                "<p><a href=\"\(escape(url))\" style=\"display:inline-block;padding:8px 16px;background:#0a66c2;"
                + "color:#ffffff;border-radius:4px;text-decoration:none\">Open run</a></p>\n"
        }
        return out + "</body></html>\n"
    }

    /// `&`, `<`, `>`, `"` and `'` as entities.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
