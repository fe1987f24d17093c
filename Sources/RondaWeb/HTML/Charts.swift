import Foundation
import RondaStore

/// Charts drawn on the server as inline SVG: no script, no external file, readable at any width
/// (the `viewBox` scales with the page).
enum Charts {
    /// Failures per day as bars over the day's results (grey), with the first and last day labelled.
    static func trend(_ days: [DayFigure], caption: String) -> HTML {
        let width = 600.0
        let height = 160.0
        let plot = height - 24
        let peak = max(1, days.map(\.results).max() ?? 1, days.map(\.failures).max() ?? 1)
        let slot = width / Double(max(1, days.count))
        let bar = max(1, slot * 0.7)
        var parts: [HTML] = [.element("title", [:], .text(caption))]
        for (index, day) in days.enumerated() {
            let x = Double(index) * slot + (slot - bar) / 2
            let total = plot * Double(day.results) / Double(peak)
            let failed = plot * Double(day.failures) / Double(peak)
            let label = "\(day.day): \(day.failures) failures of \(day.results) results"
            parts.append(
                .element(
                    "rect",
                    [
                        "x": fmt(x), "y": fmt(plot - total), "width": fmt(bar), "height": fmt(total),
                        "class": "bar-total",
                    ]
                )
            )
            parts.append(
                .element(
                    "rect",
                    [
                        "x": fmt(x), "y": fmt(plot - failed), "width": fmt(bar), "height": fmt(failed),
                        "class": "bar-fail",
                    ],
                    .element("title", [:], .text(label))
                )
            )
        }
        if let first = days.first, let last = days.last {
            parts.append(.element("text", ["x": "0", "y": fmt(height - 6), "class": "axis"], .text(first.day)))
            parts.append(
                .element(
                    "text",
                    ["x": fmt(width), "y": fmt(height - 6), "class": "axis", "text-anchor": "end"],
                    .text(last.day)
                )
            )
        }
        return .element(
            "figure",
            ["class": "chart"],
            .element(
                "svg",
                [
                    "viewBox": "0 0 \(Int(width)) \(Int(height))", "role": "img", "aria-label": caption,
                    "xmlns": "http://www.w3.org/2000/svg",
                ],
                parts
            ),
            .element("figcaption", [:], .text(caption))
        )
    }

    /// A step's timing phases as a horizontal stacked bar: DNS, connect, TLS, waiting, transfer.
    static func waterfall(
        dns: Double,
        connect: Double,
        tls: Double,
        firstByte: Double,
        total: Double,
        scale: Double
    )
        -> HTML
    {
        // libcurl's times are cumulative from the start of the request.
        let phases: [(String, Double, Double)] = [
            ("dns", 0, dns), ("connect", dns, connect), ("tls", connect, max(connect, tls)),
            ("wait", max(connect, tls), firstByte), ("transfer", firstByte, total),
        ]
        let width = 300.0
        let unit = width / max(scale, 0.000_001)
        var parts: [HTML] = []
        for (name, start, end) in phases where end > start {
            parts.append(
                .element(
                    "rect",
                    [
                        "x": fmt(start * unit), "y": "2", "width": fmt(max(0.5, (end - start) * unit)), "height": "12",
                        "class": "phase-\(name)",
                    ],
                    .element("title", [:], .text("\(name): \(Format.milliseconds(end - start))"))
                )
            )
        }
        return .element(
            "svg",
            [
                "viewBox": "0 0 \(Int(width)) 16", "class": "waterfall", "role": "img",
                "aria-label": "DNS \(Format.milliseconds(dns)), connect \(Format.milliseconds(connect - dns)), "
                    + "first byte \(Format.milliseconds(firstByte)), total \(Format.milliseconds(total))",
                "xmlns": "http://www.w3.org/2000/svg",
            ],
            parts
        )
    }

    /// One bar per day, coloured by the day's failures: none (green), under 1% (amber), more
    /// (red), or no results (grey); each with its figures as a tooltip.
    static func strip(_ days: [DayFigure], caption: String) -> HTML {
        let width = 600.0
        let height = 28.0
        let slot = width / Double(max(1, days.count))
        let bar = max(1, slot - 2)
        var parts: [HTML] = [.element("title", [:], .text(caption))]
        for (index, day) in days.enumerated() {
            let tone: String
            if day.results == 0 {
                tone = "day-none"
            } else if day.failures == 0 {
                tone = "day-ok"
            } else {
                tone = Double(day.failures) / Double(day.results) < 0.01 ? "day-warn" : "day-bad"
            }
            let label =
                day.results == 0
                ? "\(day.day): no checks" : "\(day.day): \(day.failures) failures of \(day.results) checks"
            parts.append(
                .element(
                    "rect",
                    [
                        "x": fmt(Double(index) * slot), "y": "0", "width": fmt(bar), "height": fmt(height),
                        "class": tone,
                    ],
                    .element("title", [:], .text(label))
                )
            )
        }
        return .element(
            "svg",
            [
                "viewBox": "0 0 \(Int(width)) \(Int(height))", "class": "strip", "role": "img", "aria-label": caption,
                "xmlns": "http://www.w3.org/2000/svg",
            ],
            parts
        )
    }

    static func fmt(_ value: Double) -> String { Format.decimal(value, places: 1) }
}
