import Foundation
import Testing

@testable import RondaCore

/// Helpers shared by the loader, validator, check and suite tests.
enum CoreTestSupport {
    /// Parses scenario text or fails the test with every issue.
    static func load(
        _ text: String,
        file: String = "test.yml",
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws -> Scenario {
        do {
            return try ScenarioLoader.parse(text, file: file)
        } catch {
            Issue.record("expected the scenario to load, got:\n\(error.description)", sourceLocation: sourceLocation)
            throw error
        }
    }

    /// The issues of a rejected scenario (records a test issue when it loads).
    static func issues(
        _ text: String,
        file: String = "bad.yml",
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) -> [SourceIssue] {
        do {
            _ = try ScenarioLoader.parse(text, file: file)
            Issue.record("expected the scenario to be rejected", sourceLocation: sourceLocation)
            return []
        } catch {
            return error.issues
        }
    }

    static func template(_ text: String) throws -> Template { try Template(parsing: text) }
    static func expression(_ text: String) throws -> RondaCore.Expression { try ExpressionParser.parse(text) }

    /// A fresh temporary folder, removed by the caller.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ronda-core-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func write(_ text: String, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    /// The 1-based column of the first occurrence of `needle` on `line` (1-based) of `text`.
    static func column(of needle: String, line: Int, in text: String) -> Int? {
        let lines = text.components(separatedBy: "\n")
        guard line >= 1, line <= lines.count, let range = lines[line - 1].range(of: needle) else { return nil }
        return lines[line - 1].distance(from: lines[line - 1].startIndex, to: range.lowerBound) + 1
    }

    /// The 1-based line of the first line containing `needle`.
    static func line(of needle: String, in text: String) -> Int? {
        text.components(separatedBy: "\n").firstIndex { $0.contains(needle) }.map { $0 + 1 }
    }
}

struct LoaderTests {
    /// The DESIGN.md example, extended with every other feature of the scenario file.
    static let full = """
        scenario: CreateAppointment
        description: Books and cancels an appointment
        module: appointments
        priority: P0                      # P0..P3
        tags: [smoke, booking]
        as: receptionist
        timeout: 300s
        vars:
          patient: "{{ fake.patient }}"
          greeting: "Hola {{ patient.first_name }}"
          count: 3
          ratio: 1.5
          enabled: true
          nothing: null
          quoted: "300"
        cases:
          - name: small
            quantity: 1
            discount: 0
          - quantity: 10
            discount: "{{ count * 5 }}"
        steps:
          - name: Search patient
            get: /patients/api/search/
            query: { q: "{{ patient.identification }}", page: 1 }
            headers: { Accept: application/json, X-Trace: "t-{{ count }}" }
            expect: { status: 200 }
            capture: { patient_id: { json: "$.results[0].id", optional: true } }
          - name: Create patient
            if: "patient_id == null"
            post: /patients/create/
            form: "{{ patient }}"
            expect: { status: [200, 201] }
            capture: { patient_id: { json: "$.patient_id" } }
          - name: Modules activated
            get: /dashboard/modules/my-plan/
            retry: { until: "body contains 'Activo'", timeout: 10s, interval: 500ms, max_attempts: 20 }
          - name: Book
            put: "/appointments/{{ patient_id }}/"
            json:
              patient: "{{ patient_id }}"
              slots: [1, 2, "{{ count }}"]
              note: plain text
            expect:
              status: 201
              headers: { Content-Type: { contains: json } }
              json:
                "$.id": { exists: true, type: integer }
                "$.items": { length: { ">=": 1 } }
                "$.total": 42
                "$.state": { in: [booked, pending] }
              body: { contains: booked, not_contains: error }
              schema: { type: object, required: [id] }
              response_time: { "<": 2s }
              that: ["status == 201", "json.id > 0"]
            capture:
              appointment_id: "$.id"
              token: { regex: "token=([a-z0-9]+)" }
              second: { regex: "(a)(b)", group: 2 }
              location: { header: Location }
              session: { cookie: sessionid }
              code: { status: true }
              raw: { body: true }
            follow_redirects: false
            max_redirects: 3
            timeout: 5s
          - name: Upload
            patch: /files/
            multipart:
              title: "Report {{ count }}"
              file: { content: "a,b\\n1,2", filename: report.csv, content_type: text/csv }
          - name: Raw
            delete: /raw/
            body: "<xml>{{ count }}</xml>"
            content_type: application/xml
          - name: Head
            head: /health
          - name: Options
            options: /anything
          - name: Stripe webhook
            post: /webhooks/stripe/
            json: { type: payment_intent.succeeded }
            webhook: { provider: stripe, secret: "{{ env.STRIPE_WEBHOOK_SECRET }}", timestamp: "{{ 1700000000 }}" }
          - name: Wompi webhook
            post: /webhooks/wompi/
            json: { data: { transaction: { id: t1, status: APPROVED, amount_in_cents: 100 } } }
            webhook:
              provider: wompi
              secret: "{{ env.WOMPI_EVENTS_SECRET }}"
              properties: [transaction.id, transaction.status, transaction.amount_in_cents]
          - name: MercadoPago webhook
            post: /webhooks/mercadopago/
            json: { data: { id: "123" } }
            webhook: { provider: MercadoPago, secret: "{{ env.MP_SECRET }}", data_id: "123", request_id: "req-1" }
          - name: Generic webhook
            post: /webhooks/generic/
            body: "{}"
            webhook: { provider: hmac, secret: "{{ env.HMAC_SECRET }}", header: X-Hub-Signature }
        teardown:                         # always runs, even after a failure
          - name: Cancel appointment
            if: "appointment_id != null"
            post: "/appointments/{{ appointment_id }}/cancel/"
        """

    @Test func topLevelFields() throws {
        let s = try CoreTestSupport.load(Self.full, file: "scenarios/appointments.yml")
        #expect(s.name == "CreateAppointment")
        #expect(s.description == "Books and cancels an appointment")
        #expect(s.module == "appointments")
        #expect(s.priority == .p0)
        #expect(s.tags == ["smoke", "booking"])
        #expect(s.role == "receptionist")
        #expect(s.timeout == .seconds(300))
        #expect(s.file == "scenarios/appointments.yml")
        #expect(s.location.line == 1 && s.location.column == 1)
        #expect(
            s.steps.map(\.name) == [
                "Search patient", "Create patient", "Modules activated", "Book", "Upload", "Raw", "Head", "Options",
                "Stripe webhook", "Wompi webhook", "MercadoPago webhook", "Generic webhook",
            ]
        )
        #expect(
            s.steps.map(\.method) == [
                "GET", "POST", "GET", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "POST", "POST", "POST", "POST",
            ]
        )
        #expect(s.teardown.map(\.name) == ["Cancel appointment"])
        #expect(s.teardown[0].path.source == "/appointments/{{ appointment_id }}/cancel/")
        #expect(s.teardown[0].conditionSource == "appointment_id != null")
    }

    @Test func varsKeepOrderAndTypes() throws {
        let s = try CoreTestSupport.load(Self.full)
        #expect(s.vars.map(\.key) == ["patient", "greeting", "count", "ratio", "enabled", "nothing", "quoted"])
        #expect(s.vars[0].value == .template(try CoreTestSupport.template("{{ fake.patient }}")))
        #expect(s.vars[1].value == .template(try CoreTestSupport.template("Hola {{ patient.first_name }}")))
        #expect(s.vars[2].value == .value(.int(3)))
        #expect(s.vars[3].value == .value(.double(1.5)))
        #expect(s.vars[4].value == .value(.bool(true)))
        #expect(s.vars[5].value == .value(.null))
        #expect(s.vars[6].value == .value(.string("300")), "a quoted number stays text")
    }

    @Test func casesTable() throws {
        let s = try CoreTestSupport.load(Self.full)
        let cases = try #require(s.cases)
        #expect(cases.map(\.label) == ["small", "case 2"])
        #expect(cases[0].values.map(\.key) == ["quantity", "discount"], "name is the label, not a column")
        #expect(cases[0].values[0].value == .value(.int(1)))
        #expect(cases[1].values[1].value == .template(try CoreTestSupport.template("{{ count * 5 }}")))
    }

    @Test func firstStepQueryHeadersCapture() throws {
        let step = try CoreTestSupport.load(Self.full).steps[0]
        #expect(step.path.source == "/patients/api/search/")
        #expect(step.path.isLiteral)
        #expect(step.query.map(\.key) == ["q", "page"])
        #expect(step.query[0].value == .template(try CoreTestSupport.template("{{ patient.identification }}")))
        #expect(step.query[1].value == .value(.int(1)))
        #expect(step.headers.map(\.key) == ["Accept", "X-Trace"])
        #expect(step.headers[0].value == .value(.string("application/json")))
        #expect(step.expect.status == [200])
        #expect(step.captures.count == 1)
        #expect(step.captures[0].name == "patient_id")
        #expect(step.captures[0].optional)
        #expect(step.captures[0].source == .json(try JSONPath(parsing: "$.results[0].id")))
        #expect(step.location.line == 23)
        #expect(step.captures[0].location.line == 28)
    }

    @Test func conditionFormAndStatusList() throws {
        let step = try CoreTestSupport.load(Self.full).steps[1]
        #expect(step.condition == (try CoreTestSupport.expression("patient_id == null")))
        #expect(step.conditionSource == "patient_id == null")
        #expect(step.body == .form(.template(try CoreTestSupport.template("{{ patient }}"))))
        #expect(step.expect.status == [200, 201])
        #expect(step.captures.map(\.optional) == [false])
    }

    @Test func retry() throws {
        let step = try CoreTestSupport.load(Self.full).steps[2]
        let retry = try #require(step.retry)
        #expect(retry.until == (try CoreTestSupport.expression("body contains 'Activo'")))
        #expect(retry.untilSource == "body contains 'Activo'")
        #expect(retry.timeout == .seconds(10))
        #expect(retry.interval == .milliseconds(500))
        #expect(retry.maxAttempts == 20)
    }

    @Test func jsonBodyExpectationsAndCaptures() throws {
        let step = try CoreTestSupport.load(Self.full).steps[3]
        #expect(step.path.source == "/appointments/{{ patient_id }}/")
        #expect(!step.path.isLiteral)
        guard case .json(.object(let fields))? = step.body else {
            Issue.record("expected a JSON object body, got \(String(describing: step.body))")
            return
        }
        #expect(fields.map(\.key) == ["patient", "slots", "note"])
        #expect(
            fields[1].value
                == .array([.value(.int(1)), .value(.int(2)), .template(try CoreTestSupport.template("{{ count }}"))])
        )
        #expect(fields[2].value == .value(.string("plain text")))

        let e = step.expect
        #expect(e.status == [201])
        #expect(e.headers.map(\.name) == ["Content-Type"])
        #expect(e.headers[0].matcher == Matcher([.compare("contains", .value("json"))]))
        #expect(e.json.map(\.path.source) == ["$.id", "$.items", "$.total", "$.state"])
        #expect(e.json[0].matcher == Matcher([.exists(true), .type("integer")]))
        #expect(e.json[1].matcher == Matcher([.length(Matcher([.compare(">=", .value(.int(1)))]))]))
        #expect(e.json[2].matcher == Matcher([.compare("==", .value(.int(42)))]))
        #expect(e.json[3].matcher == Matcher([.compare("in", .array([.value("booked"), .value("pending")]))]))
        #expect(e.body == Matcher([.compare("contains", .value("booked")), .compare("not_contains", .value("error"))]))
        #expect(e.schema == ["type": "object", "required": ["id"]])
        #expect(e.responseTime == Matcher([.compare("<", .value(.double(2000)))]), "2s is 2000 ms")
        #expect(e.conditions.map(\.source) == ["status == 201", "json.id > 0"])

        #expect(
            step.captures.map(\.name) == ["appointment_id", "token", "second", "location", "session", "code", "raw"]
        )
        #expect(
            step.captures.map(\.source) == [
                .json(try JSONPath(parsing: "$.id")), .regex("token=([a-z0-9]+)", group: nil),
                .regex("(a)(b)", group: 2),
                .header("Location"), .cookie("sessionid"), .status, .body,
            ]
        )
        #expect(step.followRedirects == false)
        #expect(step.maxRedirects == 3)
        #expect(step.timeout == .seconds(5))
    }

    @Test func multipartAndRawBodies() throws {
        let s = try CoreTestSupport.load(Self.full)
        guard case .multipart(let parts)? = s.steps[4].body else {
            Issue.record("expected multipart, got \(String(describing: s.steps[4].body))")
            return
        }
        #expect(parts.map(\.name) == ["title", "file"])
        #expect(parts[0].content.source == "Report {{ count }}")
        #expect(parts[0].filename == nil)
        #expect(parts[1].content.source == "a,b\n1,2")
        #expect(parts[1].filename?.source == "report.csv")
        #expect(parts[1].contentType == "text/csv")
        #expect(
            s.steps[5].body
                == .raw(try CoreTestSupport.template("<xml>{{ count }}</xml>"), contentType: "application/xml")
        )
        #expect(s.steps[6].body == nil)
        #expect(s.steps[6].expect.isEmpty)
    }

    @Test func webhooksOfEveryProvider() throws {
        let s = try CoreTestSupport.load(Self.full)
        let stripe = try #require(s.steps[8].webhook)
        #expect(stripe.provider == .stripe)
        #expect(stripe.secret.environmentNames == ["STRIPE_WEBHOOK_SECRET"])
        #expect(stripe.timestamp?.source == "{{ 1700000000 }}")

        let wompi = try #require(s.steps[9].webhook)
        #expect(wompi.provider == .wompi)
        #expect(wompi.properties == ["transaction.id", "transaction.status", "transaction.amount_in_cents"])

        let mp = try #require(s.steps[10].webhook)
        #expect(mp.provider == .mercadopago, "provider names are case-insensitive")
        #expect(mp.dataID?.source == "123")
        #expect(mp.requestID?.source == "req-1")

        let hmac = try #require(s.steps[11].webhook)
        #expect(hmac.provider == .hmac)
        #expect(hmac.header == "X-Hub-Signature")
        #expect(s.steps[11].body == .raw(Template(literal: "{}"), contentType: "text/plain"))
    }

    @Test func defaultsWhenOmitted() throws {
        let s = try CoreTestSupport.load(
            """
            scenario: Minimal
            steps:
              - name: Home
                get: /
            """
        )
        #expect(s.module == "default")
        #expect(s.priority == .p2)
        #expect(s.tags.isEmpty)
        #expect(s.role == nil)
        #expect(s.timeout == .seconds(300))
        #expect(s.vars.isEmpty)
        #expect(s.cases == nil)
        #expect(s.teardown.isEmpty)
        let step = s.steps[0]
        #expect(step.method == "GET" && step.path.source == "/")
        #expect(step.followRedirects == nil && step.maxRedirects == nil && step.timeout == nil && step.retry == nil)
        #expect(step.condition == nil && step.webhook == nil && step.body == nil && step.captures.isEmpty)
    }

    @Test(arguments: [
        ("300s", 300.0), ("500ms", 0.5), ("2m", 120.0), ("1h", 3600.0), ("1.5s", 1.5), ("45", 45.0), ("0.25", 0.25),
        ("10 s", 10.0),
    ])
    func durations(text: String, seconds: Double) throws {
        let s = try CoreTestSupport.load("scenario: D\ntimeout: \(text)\nsteps:\n  - name: a\n    get: /\n")
        #expect(s.timeout.inSeconds == seconds)
    }

    @Test(arguments: [("P0", Priority.p0), ("p1", .p1), ("P2", .p2), ("p3", .p3)])
    func priorities(text: String, priority: Priority) throws {
        let s = try CoreTestSupport.load("scenario: P\npriority: \(text)\nsteps:\n  - name: a\n    get: /\n")
        #expect(s.priority == priority)
    }

    @Test func singleTagAndStatusScalar() throws {
        let s = try CoreTestSupport.load(
            """
            scenario: T
            tags: nightly
            steps:
              - name: a
                get: /
                expect:
                  status: 204
                  response_time: 750
                  json: { "$.a": { "==": "{{ x }}" }, "$.b": [1, 2] }
            """
        )
        #expect(s.tags == ["nightly"])
        #expect(s.steps[0].expect.status == [204])
        #expect(
            s.steps[0].expect.responseTime == Matcher([.compare("==", .value(.double(750)))]),
            "a plain number means ms"
        )
        #expect(
            s.steps[0].expect.json[0].matcher
                == Matcher([.compare("==", .template(try CoreTestSupport.template("{{ x }}")))])
        )
        #expect(
            s.steps[0].expect.json[1].matcher == Matcher([.compare("==", .array([.value(.int(1)), .value(.int(2))]))])
        )
    }

    @Test func ifWrappedInBracesAndLoadFromDisk() throws {
        let dir = try CoreTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("s.yml")
        try CoreTestSupport.write(
            "scenario: Disk\nsteps:\n  - name: a\n    if: \"{{ x > 1 }}\"\n    get: /\n",
            to: file
        )
        let s = try ScenarioLoader.load(file: file.path)
        #expect(s.file == file.path)
        #expect(s.steps[0].condition == (try CoreTestSupport.expression("x > 1")))
        #expect(s.steps[0].conditionSource == "x > 1")
    }

    @Test func absoluteURLAndWindowsLineEndings() throws {
        let s = try CoreTestSupport.load(
            "scenario: CRLF\r\nsteps:\r\n  - name: a\r\n    get: https://example.com/x?y=1\r\n"
        )
        #expect(s.steps[0].path.source == "https://example.com/x?y=1")
    }
}
