import Foundation
import RondaCore
import RondaHTTP
import RondaStore
import RondaWeb
import Testing

/// Pages over a store holding results whose every text field came from a hostile target.
struct PagesTests {
    static let payloads = [
        "<script>__ronda_pwned()</script>",
        "\"><img src=x onerror=__ronda_pwned()>",
        "javascript:__ronda_pwned()",
        "'><svg onload=__ronda_pwned()>",
        "gnp.\u{202E}exe",
    ]
    static let hostile = payloads.joined(separator: " ")

    /// A finished run with one passing and one failing hostile scenario, grouped.
    static func seed(_ store: some ResultStore) async throws -> String {
        let run = RunRecord(
            id: "run-1",
            trigger: .manual,
            totals: RunTotals(scenarios: 2),
            startedAt: Date().addingTimeInterval(-60),
            deadline: Date().addingTimeInterval(600),
            release: hostile
        )
        _ = try await store.createRun(run)
        for (name, status) in [("ok \(hostile)", ScenarioOutcome.pass), ("bad \(hostile)", .fail)] {
            let step = StepResult(
                index: 0,
                name: "step \(hostile)",
                phase: .main,
                outcome: status == .pass ? .passed : .failed,
                method: "GET",
                url: "http://target/\(hostile)",
                status: 500,
                timings: Timings(dns: 0.001, connect: 0.002, tls: 0.002, firstByte: 0.01, total: 0.02),
                attempts: 1,
                assertions: [
                    AssertionResult(subject: "json $.a", op: "==", expected: hostile, actual: hostile, passed: false)
                ],
                captures: [:],
                requestExcerpt: "GET / \(hostile)",
                responseExcerpt: "HTTP 500\nX-Evil: \(hostile)\n\n\(hostile)",
                error: status == .pass ? nil : "error \(hostile)",
                startedAt: Date()
            )
            _ = try await store.recordResult(
                ScenarioResult(
                    runID: run.id,
                    scenario: name,
                    module: "module \(hostile)",
                    priority: .p1,
                    tags: [],
                    status: status,
                    attempt: 1,
                    worker: "w",
                    stepsExecuted: 1,
                    stepsPassed: status == .pass ? 1 : 0,
                    failingStep: status == .pass ? nil : step.name,
                    errorKind: status == .pass ? nil : .assertion,
                    errorMessage: status == .pass ? nil : "message \(hostile)",
                    startedAt: Date(),
                    completedAt: Date(),
                    duration: 0.02,
                    responseTime: 0.02,
                    steps: [step]
                )
            )
        }
        _ = try await store.finalizeRun(id: run.id, at: Date(), historyWindow: 5) { input in
            var writes = FinalizationWrites()
            for result in input.results where result.status == .fail {
                let group = ErrorGroup(
                    fingerprint: "feedface",
                    scenario: result.scenario,
                    module: result.module,
                    priority: result.priority,
                    step: result.failingStep,
                    errorKind: "assertion",
                    message: result.errorMessage ?? "",
                    normalizedMessage: "m",
                    url: "http://target/\(hostile)",
                    httpStatus: 500,
                    excerpt: "excerpt \(hostile)",
                    firstSeen: result.completedAt,
                    lastSeen: result.completedAt,
                    occurrences: 1,
                    firstRunID: input.run.id,
                    lastRunID: input.run.id,
                    firstRelease: hostile
                )
                writes.groups.append(group)
                writes.resultGroups[result.scenario] = group.fingerprint
            }
            return writes
        }
        return run.id
    }

    @Test func hostileTextRendersAsTextOnEveryPageAndInJSON() async throws {
        try await WebFixture.with { web in
            let runID = try await Self.seed(web.store)
            let browser = web.browser()
            try await browser.login()
            for path in ["/", "/runs", "/runs/\(runID)", "/errors", "/errors/feedface", "/scenarios", "/uptime"] {
                let page = try await browser.get(path)
                #expect(page.status == 200, "\(path)")
                let html = page.bodyText
                #expect(!html.contains("<script"), "\(path)")
                #expect(!html.contains("<img"), "\(path)")
                #expect(!html.contains("<svg onload"), "\(path)")
                #expect(!html.contains("href=\"javascript:"), "\(path)")
                #expect(!html.contains("\u{202E}"), "\(path)")
                #expect(html.contains("&lt;script&gt;__ronda_pwned()&lt;/script&gt;"), "\(path) shows the text")
            }
            let report = try await browser.get("/runs/\(runID)").bodyText
            #expect(report.contains("[U+202E]"))  // the override is shown, not obeyed
            #expect(report.contains("Error group: "))
            #expect(report.contains("/errors/feedface"))
            for path in ["/api/overview", "/api/runs/\(runID)", "/api/errors/feedface"] {
                let json = try await browser.get(path).bodyText
                #expect(!json.contains("<"), "\(path): < is escaped in JSON")
                #expect(json.contains("\\u003cscript\\u003e"), "\(path)")
            }
        }
    }

    @Test func anErrorGroupCanBeResolvedIgnoredAndReopened() async throws {
        try await WebFixture.with { web in
            _ = try await Self.seed(web.store)
            let browser = web.browser()
            try await browser.login()
            let csrf = try await browser.sessionCSRF()
            for status in [ErrorGroupStatus.resolved, .ignored, .open] {
                let answer = try await browser.post(
                    "/errors/feedface/status",
                    form: ["status": status.rawValue, "csrf_token": csrf]
                )
                #expect(answer.status == 303)
                #expect(try await web.store.errorGroups(prefix: "feedface").first?.status == status)
            }
            let bad = try await browser.post("/errors/feedface/status", form: ["status": "gone", "csrf_token": csrf])
            #expect(bad.status == 400)
            let unknown = try await browser.post("/errors/beef/status", form: ["status": "open", "csrf_token": csrf])
            #expect(unknown.status == 404)
        }
    }

    @Test func theOverviewShowsTheCardsFromTheRollups() async throws {
        try await WebFixture.with { web in
            let runID = try await Self.seed(web.store)
            let browser = web.browser()
            try await browser.login()
            let answer = try await browser.get("/api/overview")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any])
            let overview = try #require(json["overview"] as? [String: Any])
            #expect(overview["totalRuns"] as? Int == 1)
            #expect(overview["results"] as? Int == 2)
            #expect(overview["errors24h"] as? Int == 1)
            #expect(overview["openErrorGroups"] as? Int == 1)
            #expect((json["recentRuns"] as? [[String: Any]])?.first?["id"] as? String == runID)
            let page = try await browser.get("/").bodyText
            #expect(page.contains("Total runs"))
            #expect(page.contains("50.0%"))  // success rate, 24 h
            #expect(page.contains("<svg"))
        }
    }
}

/// `/metrics`: open or behind its bearer token, Prometheus text with the store's counts.
struct MetricsTests {
    @Test func metricsAreOpenByDefaultAndCountTheStore() async throws {
        try await WebFixture.with { web in
            _ = try await PagesTests.seed(web.store)
            let browser = web.browser()
            let answer = try await browser.get("/metrics")
            #expect(answer.status == 200)
            #expect(answer.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = answer.bodyText
            #expect(text.contains("# TYPE ronda_runs gauge"))
            #expect(text.contains("ronda_runs{status=\"completed\"} 1"))
            #expect(text.contains("ronda_error_groups{status=\"open\"} 1"))
            #expect(text.contains("outcome=\"fail\"} 1"))
            #expect(text.contains("ronda_results_response_at_most{"))
            // Every sample line parses as `name{labels} value`.
            for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                #expect(Double(line.split(separator: " ").last ?? "") != nil, "\(line)")
            }
            _ = try await browser.get("/health")
            let again = try await browser.get("/metrics").bodyText
            #expect(again.contains("ronda_dashboard_requests_total{"))
        }
    }

    @Test func aMetricsTokenGuardsMetricsOnly() async throws {
        try await WebFixture.with(options: DashboardOptions(metricsToken: "scrape-secret")) { web in
            let browser = web.browser()
            #expect(try await browser.get("/metrics").status == 401)
            let wrong = try await browser.get("/metrics", headers: [HTTPHeader("Authorization", "Bearer nope")])
            #expect(wrong.status == 401)
            let right = try await browser.get(
                "/metrics",
                headers: [HTTPHeader("Authorization", "Bearer scrape-secret")]
            )
            #expect(right.status == 200)
            #expect(try await browser.get("/health").status == 200)
        }
    }
}
