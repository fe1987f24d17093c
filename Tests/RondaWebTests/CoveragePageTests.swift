import Foundation
import RondaCore
import RondaHTTP
import RondaStore
import RondaWeb
import Testing

/// `/coverage`: the OpenAPI document's operations against the calls the results recorded.
struct CoveragePageTests {
    static let document = """
        openapi: 3.0.3
        info: { title: target, version: "1" }
        paths:
          /{first}/{second}:
            get: { summary: "A page <b>bold</b>" }
          /never:
            delete: { summary: Never called }
        """

    @Test func operationsCalledAndNeverCalledAreListed() async throws {
        let source = OpenAPISource(location: "target.yml") { Self.document }
        try await WebFixture.with(options: DashboardOptions(openAPI: source)) { web in
            // The seeded run's steps call GET http://target/<hostile text>: two path segments
            // (the text has one slash, in "</script>").
            _ = try await PagesTests.seed(web.store)
            let browser = web.browser()
            try await browser.login()
            let page = try await browser.get("/coverage")
            #expect(page.status == 200)
            let html = page.bodyText
            #expect(html.contains("Operations of target.yml"))
            #expect(html.contains("never called"))
            #expect(html.contains("A page &lt;b&gt;bold&lt;/b&gt;"))
            #expect(!html.contains("<b>bold"))

            let json = try #require(
                try JSONSerialization.jsonObject(with: Data(try await browser.get("/api/coverage?days=30").body))
                    as? [String: Any]
            )
            #expect(json["days"] as? Int == 30)
            #expect(json["declared"] as? Int == 2)
            #expect(json["covered"] as? Int == 1)
            #expect(json["ratio"] as? Double == 0.5)
            let operations = try #require(json["operations"] as? [[String: Any]])
            let calls = operations.map { ($0["operation"] as? [String: Any])?["method"] as? String ?? "" }
            #expect(calls.sorted() == ["DELETE", "GET"])
        }
    }

    @Test func withoutADocumentTheCallsAreStillShown() async throws {
        try await WebFixture.with { web in
            _ = try await PagesTests.seed(web.store)
            let browser = web.browser()
            try await browser.login()
            let html = try await browser.get("/coverage").bodyText
            #expect(html.contains("No OpenAPI document"))
            #expect(html.contains("Endpoints called, last 7 days"))
            #expect(html.contains("GET</td><td>/&lt;script&gt;__ronda_pwned()&lt;/script&gt;"))
        }
    }

    @Test func aDocumentThatCannotBeReadIsNamed() async throws {
        struct Unreachable: Error, CustomStringConvertible { var description: String { "connection refused" } }
        let source = OpenAPISource(location: "http://127.0.0.1:1/openapi.json") { throw Unreachable() }
        try await WebFixture.with(options: DashboardOptions(openAPI: source)) { web in
            let browser = web.browser()
            try await browser.login()
            let page = try await browser.get("/coverage")
            #expect(page.status == 200)
            #expect(
                page.bodyText.contains(
                    "cannot read the OpenAPI document at http://127.0.0.1:1/openapi.json: connection refused"
                )
            )
        }
    }
}
