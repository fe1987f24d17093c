import Foundation
import RondaHTTP
import RondaStore
import Testing

@testable import RondaWeb

/// `/scenarios/NAME`: one scenario's recent outcomes and each step's p50 and p95.
struct ScenarioPageTests {
    static func path(_ name: String) -> String {
        "/scenarios/" + (name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? name)
    }

    @Test func aScenarioShowsItsStepsWithTheirTimesAndFailures() async throws {
        try await WebFixture.with { web in
            _ = try await PagesTests.seed(web.store)
            let browser = web.browser()
            try await browser.login()
            let name = "bad \(PagesTests.hostile)"
            let page = try await browser.get(Self.path(name))
            #expect(page.status == 200)
            let html = page.bodyText
            #expect(html.contains("Steps over the last 200 runs"))
            #expect(html.contains("step &lt;script&gt;"))  // the step's name, escaped
            #expect(html.contains("20 ms"))  // its one total time, 0.02 s, is both p50 and p95
            #expect(!html.contains("<script>__ronda"))
            #expect(html.contains("href=\"/runs/run-1\""))

            let json = try #require(
                try JSONSerialization.jsonObject(with: Data(try await browser.get("/api" + Self.path(name)).body))
                    as? [String: Any]
            )
            let steps = try #require(json["steps"] as? [[String: Any]])
            #expect(steps.count == 1)
            #expect(steps.first?["runs"] as? Int == 1)
            #expect(steps.first?["failures"] as? Int == 1)
            #expect(steps.first?["p95"] as? Double == 0.02)
            #expect((json["history"] as? [Any])?.count == 1)

            // The list links to it; an unknown scenario is 404 on both.
            #expect(try await browser.get("/scenarios").bodyText.contains("href=\"/scenarios/bad%20%3Cscript%3E"))
            #expect(try await browser.get("/scenarios/nobody").status == 404)
            #expect(try await browser.get("/api/scenarios/nobody").status == 404)
        }
    }

    @Test func stepQuantilesAreNearestRank() {
        let values = (1...20).map(Double.init)
        #expect(StepFigure.quantile(0.5, of: values) == 10)
        #expect(StepFigure.quantile(0.95, of: values) == 19)
        #expect(StepFigure.quantile(0.95, of: [0.3]) == 0.3)
        #expect(StepFigure.quantile(0.5, of: []) == nil)
    }
}
