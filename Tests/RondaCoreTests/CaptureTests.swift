import Foundation
import Testing

@testable import RondaCore

struct CaptureTests {
    static let here = SourceLocation(file: "c.yml", line: 3, column: 7)

    func response(
        _ body: String = #"{"results": [{"id": 11, "tags": ["x"]}, {"id": 12}], "patient_id": null, "token": "abc"}"#,
        status: Int = 201
    ) -> ResponseView {
        ResponseView(
            status: status,
            headers: [
                (name: "Location", value: "/patients/12/"), (name: "X-Request-Id", value: "r-1"),
                (name: "location", value: "/final/"),
            ],
            body: Array(body.utf8),
            duration: 0.1,
            cookies: ["sessionid": "s3ss", "csrftoken": "c5rf"]
        )
    }

    func capture(_ source: Capture.Source, optional: Bool = false) -> Capture {
        Capture(name: "v", source: source, optional: optional, location: Self.here)
    }

    func json(_ path: String, optional: Bool = false) throws -> Capture {
        capture(.json(try JSONPath(parsing: path)), optional: optional)
    }

    @Test func jsonDefinitePath() throws {
        #expect(try json("$.results[0].id").extract(from: response()) == 11)
        #expect(try json("$.results[-1].id").extract(from: response()) == 12)
        #expect(try json("$.results[0]").extract(from: response()) == ["id": 11, "tags": ["x"]])
        #expect(try json("$.patient_id").extract(from: response()) == .null, "an explicit null is found")
    }

    @Test func jsonIndefinitePathGivesAList() throws {
        #expect(try json("$.results[*].id").extract(from: response()) == [11, 12])
        #expect(try json("$..id").extract(from: response()) == [11, 12])
        #expect(try json("$.results[?(@.id > 11)].id").extract(from: response()) == [12])
    }

    @Test func nothingFoundIsAnErrorUnlessOptional() throws {
        #expect {
            try json("$.results[5].id").extract(from: response())
        } throws: { error in
            guard let e = error as? CaptureError else { return false }
            return e.capture == "v" && e.message.contains("JSON path $.results[5].id")
                && e.message.contains("found nothing")
                && e.message.contains("status 201") && e.message.hasPrefix("capture 'v': ") && e.code == .nothingFound
        }
        #expect(try json("$.results[5].id", optional: true).extract(from: response()) == .null)
        #expect(throws: CaptureError.self) { try json("$.results[?(@.id > 99)]").extract(from: response()) }
        #expect(try json("$.results[?(@.id > 99)]", optional: true).extract(from: response()) == .null)
    }

    @Test func jsonFromANonJSONBody() throws {
        let html = response("<html>patient 12</html>")
        #expect(throws: CaptureError.self) { try json("$.id").extract(from: html) }
        #expect(try json("$.id", optional: true).extract(from: html) == .null)
        #expect(throws: CaptureError.self) { try json("$").extract(from: response("")) }
    }

    @Test func regexGroups() throws {
        let r = response(#"<input name="csrf" value="tok123"> id=42 id=43"#)
        #expect(
            try capture(.regex(#"value="([^"]+)""#, group: nil)).extract(from: r) == "tok123",
            "the first group by default"
        )
        #expect(
            try capture(.regex(#"id=\d+"#, group: nil)).extract(from: r) == "id=42",
            "the whole match without groups"
        )
        #expect(try capture(.regex(#"(id)=(\d+)"#, group: 2)).extract(from: r) == "42")
        #expect(try capture(.regex(#"(id)=(\d+)"#, group: 0)).extract(from: r) == "id=42")
        #expect(throws: CaptureError.self) { try capture(.regex(#"(id)=(\d+)"#, group: 3)).extract(from: r) }
        #expect(throws: CaptureError.self) { try capture(.regex("nomatch", group: nil)).extract(from: r) }
        #expect(try capture(.regex("nomatch", group: nil), optional: true).extract(from: r) == .null)
        #expect(throws: CaptureError.self) { try capture(.regex("(", group: nil)).extract(from: r) }
    }

    @Test func regexSpansLinesAndUnicode() throws {
        let r = response("start\nmiddle ñandú 😀\nend")
        #expect(try capture(.regex("start(.*)end", group: nil)).extract(from: r) == "\nmiddle ñandú 😀\n")
        #expect(try capture(.regex("ñandú (.)", group: nil)).extract(from: r) == "😀")
    }

    @Test func optionalGroupThatDidNotParticipate() throws {
        let r = response("abc")
        #expect(throws: CaptureError.self) { try capture(.regex("a(x)?bc", group: 1)).extract(from: r) }
        #expect(try capture(.regex("a(x)?bc", group: 1), optional: true).extract(from: r) == .null)
    }

    @Test func headersCookiesStatusBody() throws {
        let r = response()
        #expect(try capture(.header("x-request-id")).extract(from: r) == "r-1")
        #expect(try capture(.header("LOCATION")).extract(from: r) == "/final/", "the last of repeated headers")
        #expect(throws: CaptureError.self) { try capture(.header("X-Missing")).extract(from: r) }
        #expect(try capture(.header("X-Missing"), optional: true).extract(from: r) == .null)
        #expect(try capture(.cookie("sessionid")).extract(from: r) == "s3ss")
        #expect(throws: CaptureError.self) { try capture(.cookie("SessionID")).extract(from: r) }
        #expect(try capture(.status).extract(from: r) == 201)
        #expect(try capture(.body).extract(from: response("plain text")) == "plain text")
        #expect(try capture(.body).extract(from: response("")) == "")
    }

    @Test func invalidUTF8BodyIsReplaced() throws {
        let r = ResponseView(status: 200, headers: [], body: [0x61, 0xFF, 0x62], duration: 0)
        #expect(try capture(.body).extract(from: r) == "a\u{FFFD}b")
        #expect(r.json == nil)
        #expect(throws: CaptureError.self) { try json("$").extract(from: r) }
    }

    @Test func sourceDescriptions() throws {
        #expect(try json("$.a").sourceDescription == "JSON path $.a")
        #expect(capture(.regex("x(y)", group: 1)).sourceDescription == "regex /x(y)/")
        #expect(capture(.header("Location")).sourceDescription == "header Location")
        #expect(capture(.cookie("sid")).sourceDescription == "cookie sid")
        #expect(capture(.status).sourceDescription == "status")
        #expect(capture(.body).sourceDescription == "body")
    }

    @Test func responseViewVariables() {
        let vars = response().variables
        #expect(vars["status"] == 201)
        #expect(vars["headers"]?["x-request-id"] == "r-1")
        // A repeated header shows every value, joined with ", " (RFC 9110 §5.3).
        #expect(vars["headers"]?["location"] == "/patients/12/, /final/")
        #expect(vars["json"]?["token"] == "abc")
        #expect(vars["duration"] == .double(100))
        #expect(response("nope").variables["json"] == .null)
    }

    @Test func loadedCapturesExtract() throws {
        let s = try CoreTestSupport.load(
            """
            scenario: C
            steps:
              - name: a
                get: /
                capture:
                  first: "$.results[0].id"
                  ids: { json: "$.results[*].id" }
                  maybe: { json: "$.nope", optional: true }
                  where: { header: Location }
                  sid: { cookie: sessionid }
                  code: { status: true }
                  all: { body: true }
                  tok: { regex: '"token": "(\\w+)"' }
                  both: { regex: '(\\d)(\\d)', group: 2 }
            """
        )
        let r = response()
        let values = try s.steps[0].captures.map { try $0.extract(from: r) }
        #expect(values == [11, [11, 12], nil, "/final/", "s3ss", 201, .string(r.text), "abc", "1"])
        #expect(s.steps[0].captures.allSatisfy { $0.location.file == "test.yml" && $0.location.line >= 6 })
    }
}
