import Foundation
import RondaCore
import Testing

@testable import RondaNotify

struct BodyTemplateTests {
    @Test func aJSONTemplateGetsJSONEscapedValues() throws {
        var alert = AlertFixtures.alert()
        alert.title = "Quote \" backslash \\ tab\t</script>"
        let rendered = BodyTemplate.json(
            #"{"To": "whatsapp:+15550001", "Body": "{{ alert.title }}\n{{alert.text}}", "Link": "{{ alert.url }}", "P": "{{ alert.priority }}"}"#,
            alert: alert
        )
        let json = try #require(JSONValue.parse(rendered))
        #expect(json["Body"]?.stringValue == alert.title + "\n" + alert.text)
        #expect(json["Link"] == "https://ronda.example.com/runs/r-42")
        #expect(json["P"] == "P0")
        #expect(rendered.contains(#"Quote \" backslash \\ tab\t</script>"#))
    }

    @Test func formFieldsAreFormEncoded() {
        var alert = AlertFixtures.alert(isTest: true)
        alert.title = "a&b=c d+é"
        let body = BodyTemplate.form(
            [(key: "To", value: "whatsapp:+1 555"), (key: "Body", value: "{{ alert.title }}")],
            alert: alert
        )
        #expect(body == "To=whatsapp%3A%2B1+555&Body=%5BTEST%5D+a%26b%3Dc+d%2B%C3%A9")
    }

    @Test func unknownPlaceholdersAreFoundAndKnownOnesAreNot() {
        #expect(
            BodyTemplate.unknownPlaceholders("{{ alert.title }} {{ alert.body }} {{run.id}}") == [
                "alert.body", "run.id",
            ]
        )
        #expect(BodyTemplate.unknownPlaceholders("{{ alert.url }}{{alert.priority}} {{ alert.text }}").isEmpty)
    }
}

struct EmailMessageTests {
    func message(_ alert: Alert = AlertFixtures.alert()) -> String {
        String(
            decoding: EmailMessage.render(
                alert,
                from: "ronda@example.com",
                to: ["ops@example.com", "dev@example.com"],
                idempotencyKey: "dec-42.mail",
                date: AlertFixtures.created
            ),
            as: UTF8.self
        )
    }

    func header(_ name: String, in text: String) -> String? {
        let head = text.components(separatedBy: "\r\n\r\n")[0].replacingOccurrences(of: "\r\n ", with: " ")
        return head.components(separatedBy: "\r\n").first { $0.hasPrefix(name + ": ") }.map {
            String($0.dropFirst(name.count + 2))
        }
    }

    @Test func theHeadersNameEveryRecipientTheSubjectDateAndMessageID() {
        let text = message(AlertFixtures.alert(isTest: true))
        #expect(header("From", in: text) == "ronda@example.com")
        #expect(header("To", in: text) == "ops@example.com, dev@example.com")
        #expect(header("Subject", in: text) == "[TEST] Run r-42: 4 failing, 2 new errors")
        #expect(header("Date", in: text) == "Sun, 06 Dec 2026 05:16:37 +0000")
        #expect(header("Message-ID", in: text) == "<dec-42.mail@ronda.example.com>")
        #expect(header("MIME-Version", in: text) == "1.0")
        #expect(header("Content-Type", in: text)?.hasPrefix("multipart/alternative; boundary=\"=_ronda_") == true)
    }

    @Test func everyLineEndsInCRLFAndStaysShort() {
        let text = message()
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(text.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 78 })
    }

    @Test func bothPartsCarryTheAlertInUTF8Base64() throws {
        let text = message()
        let parts = text.components(separatedBy: "--=_ronda_")
        #expect(parts.count == 4)  // preamble, plain, html, closing
        func decoded(_ part: String) -> String {
            let body = part.components(separatedBy: "\r\n\r\n")[1].replacingOccurrences(of: "\r\n", with: "")
            return String(decoding: Data(base64Encoded: body) ?? Data(), as: UTF8.self)
        }
        #expect(parts[1].contains("Content-Type: text/plain; charset=utf-8"))
        #expect(decoded(parts[1]) == AlertFixtures.alert().text.replacingOccurrences(of: "\n", with: "\r\n"))
        #expect(parts[2].contains("Content-Type: text/html; charset=utf-8"))
        #expect(decoded(parts[2]) == EmailMessage.html(AlertFixtures.alert()))
    }

    @Test func aNonASCIISubjectIsEncodedWords() {
        var alert = AlertFixtures.alert()
        alert.title = "Cita médica: 3 fallos — revisión"
        let subject = header("Subject", in: message(alert)) ?? ""
        #expect(subject.hasPrefix("=?UTF-8?B?"))
        let words = subject.split(separator: " ").map { String($0.dropFirst(10).dropLast(2)) }
        let decoded = words.map { Data(base64Encoded: $0) ?? Data() }.reduce(Data(), +)
        #expect(String(decoding: decoded, as: UTF8.self) == alert.title)
    }

    @Test func theHTMLPartEscapesTheAlertAndShowsCountsCausesModulesAndTheLink() {
        var alert = AlertFixtures.alert()
        alert.items[3].summary = "<script>alert('x')</script> & co"
        let html = EmailMessage.html(alert)
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co"))
        #expect(!html.contains("<script>"))
        #expect(html.contains("<tr><th style=\"text-align:left;padding:2px 12px 2px 0\">Passed</th><td>6/10</td></tr>"))
        #expect(
            html.contains(
                "<code>POST /accounts/login/</code> — expected status 200, got 500<br>2 scenarios: CreateAppointment, CancelAppointment"
            )
        )
        #expect(html.contains(">billing</h2>"))
        #expect(!html.contains("new error: CreateAppointment"))
        #expect(html.contains("<a href=\"https://ronda.example.com/runs/r-42\""))
    }

    @Test func aMessageIDKeepsOnlyCharactersItMayHold() {
        #expect(EmailMessage.messageID(idempotencyKey: "dec 42:mail", from: "a@b.org") == "<dec-42-mail@ronda.b.org>")
    }
}
