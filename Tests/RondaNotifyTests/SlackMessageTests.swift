import Foundation
import RondaCore
import Testing

@testable import RondaNotify

struct SlackMessageTests {
    func blocks(_ alert: Alert) -> [JSONValue] { SlackMessage.payload(alert)["blocks"]?.arrayValue ?? [] }

    @Test func blocksComeInOrderWithTheRunFieldsCausesModulesTriggersAndButton() throws {
        let blocks = blocks(AlertFixtures.alert())
        #expect(
            blocks.map { $0["type"]?.stringValue ?? "" } == [
                "header", "section", "section", "section", "section", "context", "actions",
            ]
        )
        #expect(blocks[0]["text"]?["text"]?.stringValue == "Run r-42: 4 failing, 2 new errors")
        #expect(blocks[0]["text"]?["type"]?.stringValue == "plain_text")
        let fields = blocks[1]["fields"]?.arrayValue?.compactMap { $0["text"]?.stringValue }
        #expect(
            fields == [
                "*Run*\n`r-42`", "*Passed*\n6/10", "*Failed*\n3", "*Errored*\n1", "*Execution time*\n74.5 s",
                "*Release*\nv1.5.0",
            ]
        )
        // The cause: the signature once, its message, the scenarios it hit.
        #expect(
            blocks[2]["text"]?["text"]?.stringValue
                == "*new error* · `POST /accounts/login/` — expected status 200, got 500\n2 scenarios:\n"
                + "• CreateAppointment\n• CancelAppointment"
        )
        // Run-level items first (module ""), then modules sorted; items a cause names left out.
        #expect(
            blocks[3]["text"]?["text"]?.stringValue
                == "*Run*\n• over the failure threshold: 4 failing scenarios (threshold 3)"
        )
        #expect(
            blocks[4]["text"]?["text"]?.stringValue == "*billing*\n• regression: PayOrder — Payment webhook answers 502"
        )
        #expect(
            blocks[5]["elements"]?[0]?["text"]?.stringValue
                == "Triggers: over the failure threshold, new error, regression · Priority P0"
        )
        #expect(blocks[6]["elements"]?[0]?["url"]?.stringValue == "https://ronda.example.com/runs/r-42")
        #expect(blocks[6]["elements"]?[0]?["type"]?.stringValue == "button")
        #expect(SlackMessage.payload(AlertFixtures.alert())["text"]?.stringValue == AlertFixtures.alert().text)
    }

    @Test func aTestAlertIsMarkedAndARunWithoutURLHasNoButton() {
        let blocks = blocks(AlertFixtures.alert(isTest: true, url: nil))
        #expect(blocks[0]["text"]?["text"]?.stringValue == "[TEST] Run r-42: 4 failing, 2 new errors")
        #expect(!blocks.contains { $0["type"]?.stringValue == "actions" })
    }

    @Test func theHeaderIsCutTo150Characters() {
        var alert = AlertFixtures.alert()
        alert.title = String(repeating: "x", count: 400)
        let header = blocks(alert)[0]["text"]?["text"]?.stringValue ?? ""
        #expect(header.count == 150)
        #expect(header.hasSuffix("…"))
    }

    @Test func aLongModuleSectionStopsAt3000CharactersWithHowManyMore() {
        var alert = AlertFixtures.alert()
        alert.causes = []
        alert.items = (0..<400).map {
            AlertItem(trigger: .newError, scenario: "Scenario\($0)", module: "big", priority: .p2, summary: "fails")
        }
        let text = blocks(alert)[2]["text"]?["text"]?.stringValue ?? ""
        #expect(text.count <= 3000)
        let shown = text.split(separator: "\n").filter { $0.hasPrefix("• ") }.count
        #expect(text.hasSuffix("\n… and \(400 - shown) more"))
        #expect(shown > 50)
    }

    @Test func atMost50BlocksWithTheLastContentBlockSayingHowManyMore() {
        var alert = AlertFixtures.alert()
        alert.causes = []
        alert.items = (0..<80).map {
            AlertItem(
                trigger: .newError,
                scenario: "S\($0)",
                module: String(format: "m%02d", $0),
                priority: .p2,
                summary: "x"
            )
        }
        let blocks = blocks(alert)
        #expect(blocks.count == 50)
        // header, fields, 45 modules, "… and 35 more", context, actions.
        #expect(blocks[47]["text"]?["text"]?.stringValue == "… and 35 more")
        #expect(blocks[48]["type"]?.stringValue == "context")
        #expect(blocks[49]["type"]?.stringValue == "actions")
    }

    @Test func messagesAreEscapedForMrkdwn() {
        var alert = AlertFixtures.alert()
        alert.items[3].summary = "<script>alert(1)</script> & <!channel>"
        let text = blocks(alert)[4]["text"]?["text"]?.stringValue ?? ""
        #expect(text.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;!channel&gt;"))
        #expect(!text.contains("<script>"))
    }

    @Test func theBodyIsJSONWithSortedKeys() throws {
        let text = String(decoding: SlackMessage.body(AlertFixtures.alert()), as: UTF8.self)
        #expect(text.hasPrefix(#"{"blocks":[{"text":{"text":"Run r-42"#))
        #expect(JSONValue.parse(text) == SlackMessage.payload(AlertFixtures.alert()))
    }
}
