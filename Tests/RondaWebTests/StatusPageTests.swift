import Foundation
import RondaHTTP
import RondaStore
import Testing

@testable import RondaWeb

/// The public status page: served only when asked for, without sign-in, module names and figures
/// only, escaped like every page.
struct StatusPageTests {
    @Test func theStatusPageIsOffUnlessAskedFor() async throws {
        try await WebFixture.with { web in
            _ = try await PagesTests.seed(web.store)
            let answer = try await web.browser().get("/status")
            #expect(answer.status == 303)
            #expect(answer.header("Location") == "/login")
        }
    }

    @Test func itShowsEachModuleWithoutSignInAndNothingElse() async throws {
        try await WebFixture.with(options: DashboardOptions(statusPage: StatusPageOptions())) { web in
            _ = try await PagesTests.seed(web.store)
            let browser = web.browser()
            let page = try await browser.get("/status")
            #expect(page.status == 200)
            #expect(page.header("Cache-Control") == "public, max-age=30")
            #expect(page.header("Content-Security-Policy")?.contains("script-src 'none'") == true)
            let html = page.bodyText
            #expect(html.contains("module &lt;script&gt;"))  // the module's name, escaped
            #expect(!html.contains("<script"))
            #expect(html.contains("degraded"))  // one scenario passed, one failed in the last hour
            #expect(html.contains("1 of 1 modules degraded or down"))
            #expect(html.contains("Uptime, 30 days: 50.0%"))
            // No scenario, step, URL, message or link into the private pages.
            for secret in [
                "ok &lt;script", "bad &lt;script", "step &lt;", "message &lt;", "http://target", "href=\"/runs",
            ] {
                #expect(!html.contains(secret), "\(secret)")
            }
            #expect(!html.contains("Sign out"))

            let json = try #require(
                try JSONSerialization.jsonObject(with: Data(try await browser.get("/status?format=json").body))
                    as? [String: Any]
            )
            let modules = try #require(json["modules"] as? [[String: Any]])
            #expect(modules.count == 1)
            #expect(modules.first?["state"] as? String == "degraded")
            #expect((modules.first?["days"] as? [Any])?.count == 30)

            let module = try #require(modules.first?["module"] as? String)
            let encoded = module.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? module
            #expect(try await browser.get("/status/\(encoded)").status == 200)
            let missing = try await browser.get("/status/nope")
            #expect(missing.status == 404)
            // The private pages stay private.
            #expect(try await browser.get("/").status == 303)
            #expect(try await browser.get("/api/overview").status == 401)
        }
    }

    @Test func onlyTheListedModulesArePublished() async throws {
        let options = DashboardOptions(statusPage: StatusPageOptions(modules: ["payments"]))
        try await WebFixture.with(options: options) { web in
            _ = try await PagesTests.seed(web.store)
            let browser = web.browser()
            let html = try await browser.get("/status").bodyText
            #expect(html.contains("Nothing has been checked yet."))
            #expect(!html.contains("module &lt;script"))
            let json = try #require(
                try JSONSerialization.jsonObject(with: Data(try await browser.get("/status?format=json").body))
                    as? [String: Any]
            )
            #expect((json["modules"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func aModuleStateComesFromItsLatestHour() {
        let days = [DayFigure(day: "2026-12-01", results: 10, failures: 1)]
        #expect(StatusPage.State(ModuleStatus(module: "m")) == .unknown)
        #expect(
            StatusPage.State(ModuleStatus(module: "m", lastHour: "h", lastResults: 3, lastPassed: 3)) == .operational
        )
        #expect(
            StatusPage.State(ModuleStatus(module: "m", lastHour: "h", lastResults: 3, lastPassed: 2, lastFailures: 1))
                == .degraded
        )
        #expect(
            StatusPage.State(ModuleStatus(module: "m", lastHour: "h", lastResults: 3, lastPassed: 0, lastFailures: 3))
                == .down
        )
        let row = StatusPage.Row(ModuleStatus(module: "m", days: days))
        #expect(row.uptime30d == 0.9)
        #expect(StatusPage.Row(ModuleStatus(module: "m")).uptime30d == nil)
    }
}
