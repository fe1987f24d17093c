import Foundation
import Testing

@testable import RondaCore

struct ValidatorTests {
    /// A configuration with a `receptionist` role whose login captures `token` and sets var `tenant`.
    static func config() throws -> RondaConfig {
        var config = RondaConfig()
        let login = try CoreTestSupport.load(
            """
            scenario: login
            vars:
              tenant: acme
            steps:
              - name: Log in
                post: /login
                capture: { token: "$.token", csrf: { cookie: csrftoken } }
            """,
            file: "_login.yml"
        )
        config.roles["receptionist"] = RondaConfig.Role(name: "receptionist", login: login, fields: [])
        config.roles["admin"] = RondaConfig.Role(name: "admin", login: Scenario(name: "login as admin"), fields: [])
        return config
    }

    func validate(_ text: String, config: RondaConfig? = nil) throws -> [SourceIssue] {
        ScenarioValidator.validate(try CoreTestSupport.load(text, file: "v.yml"), config: config)
    }

    @Test func validScenarioHasNoIssues() throws {
        let issues = try validate(
            """
            scenario: Good
            as: receptionist
            vars:
              patient: "{{ fake.patient }}"
              search: "{{ patient.identification }}"
              url: "/p/{{ search }}?t={{ tenant }}"
            steps:
              - name: Search
                get: "{{ url }}"
                headers: { Authorization: "Bearer {{ token }}", X-CSRF: "{{ csrf }}", X-Key: "{{ env.API_KEY }}" }
                capture: { patient_id: { json: "$.id", optional: true } }
              - name: Create
                if: "patient_id == null"
                post: /p/
                form: "{{ patient }}"
                expect: { json: { "$.name": "{{ patient.first_name }}" }, that: "status == 201 and json.id != null" }
                retry: { until: "body contains search and duration < 500", timeout: 5s }
                capture: { patient_id: "$.id" }
            teardown:
              - name: Delete
                if: "patient_id != null"
                delete: "/p/{{ patient_id }}/"
            """,
            config: try Self.config()
        )
        #expect(issues.isEmpty, "\(issues)")
    }

    @Test func unknownVariableWithSuggestion() throws {
        let issues = try validate(
            """
            scenario: Typo
            vars:
              patient: "{{ fake.patient }}"
            steps:
              - name: Search
                get: "/p/{{ patinet.identification }}"
            """
        )
        #expect(issues.count == 1)
        let issue = try #require(issues.first)
        #expect(issue.location == SourceLocation(file: "v.yml", line: 6, column: 17), "at the variable itself")
        #expect(issue.message.contains("'patinet'"))
        #expect(issue.message.contains("/p/{{ patinet.identification }}"))
        #expect(issue.message.contains("did you mean 'patient'?"), "\(issue.message)")
    }

    @Test func unknownVariableWithoutCloseMatch() throws {
        let issues = try validate("scenario: U\nsteps:\n  - name: a\n    get: \"/{{ zzz }}\"\n")
        #expect(issues.count == 1)
        #expect(issues.first?.message.contains("is not a var, a capture of an earlier step") == true)
        #expect(issues.first?.message.contains("did you mean") == false)
    }

    @Test func captureUsedBeforeTheStepThatMakesIt() throws {
        let issues = try validate(
            """
            scenario: Order
            steps:
              - name: Use
                get: "/orders/{{ order_id }}"
              - name: Make
                post: /orders
                capture: { order_id: "$.id" }
              - name: Use again
                get: "/orders/{{ order_id }}"
            """
        )
        #expect(issues.count == 1)
        #expect(issues.first?.location == SourceLocation(file: "v.yml", line: 4, column: 22))
        #expect(issues.first?.message.contains("'order_id'") == true)
    }

    @Test func captureUsedInConditionsBeforeItExists() throws {
        let issues = try validate(
            """
            scenario: Cond
            steps:
              - name: Early
                if: "later_id != null"
                get: /a
                retry: { until: "json.id == later_id" }
                expect: { that: "later_id > 0" }
              - name: Later
                get: /b
                capture: { later_id: "$.id" }
            """
        )
        #expect(issues.count == 3, "\(issues)")
        #expect(issues.allSatisfy { $0.message.contains("'later_id'") })
        #expect(
            Set(issues.map(\.location)) == [
                SourceLocation(file: "v.yml", line: 4, column: 10), SourceLocation(file: "v.yml", line: 6, column: 33),
                SourceLocation(file: "v.yml", line: 7, column: 22),
            ]
        )
        #expect(Set(issues.map(\.message)).count == 3)
    }

    @Test func responseNamesAreOnlyForChecks() throws {
        let issues = try validate("scenario: R\nsteps:\n  - name: a\n    if: \"status == 200\"\n    get: /\n")
        #expect(issues.count == 1)
        #expect(issues.first?.message.contains("'status'") == true)
    }

    @Test func duplicateStepNames() throws {
        let issues = try validate(
            """
            scenario: Dup
            steps:
              - name: Same
                get: /a
              - name: Other
                get: /b
              - name: Same
                get: /c
            teardown:
              - name: Other
                get: /d
            """
        )
        #expect(issues.count == 2)
        #expect(issues.map(\.location.line) == [7, 10])
        #expect(issues[0].message.contains("duplicate step name 'Same' (first at line 3)"))
        #expect(issues[1].message.contains("duplicate step name 'Other' (first at line 5)"))
    }

    @Test func roleMustBeConfigured() throws {
        let text = "scenario: R\nas: nurse\nsteps:\n  - name: a\n    get: /\n"
        let issues = try validate(text, config: try Self.config())
        #expect(issues.count == 1)
        #expect(issues.first?.location == SourceLocation(file: "v.yml", line: 1, column: 1))
        #expect(issues.first?.message.contains("as: nurse") == true)
        #expect(issues.first?.message.contains("roles: admin, receptionist") == true)
        #expect(try validate(text, config: RondaConfig()).first?.message.contains("it defines no roles") == true)
        #expect(try validate(text, config: nil).isEmpty, "without a configuration roles are not checked")
    }

    @Test func loginCapturesAreOnlyKnownWithTheRole() throws {
        let text = "scenario: L\nsteps:\n  - name: a\n    get: \"/?t={{ token }}\"\n"
        let issues = try validate(text, config: try Self.config())
        #expect(issues.count == 1)
        #expect(
            try validate(
                "scenario: L\nas: receptionist\n" + text.dropFirst("scenario: L\n".count),
                config: try Self.config()
            ).isEmpty
        )
    }

    @Test func varsMayReferenceEarlierVarsOnly() throws {
        #expect(
            try validate(
                """
                scenario: V
                vars:
                  a: 1
                  b: "{{ a + 1 }}"
                  c: "{{ b }}-{{ a }}"
                steps:
                  - name: s
                    get: "/{{ c }}"
                """
            ).isEmpty
        )
        let issues = try validate(
            """
            scenario: V
            vars:
              a: "{{ b }}"
              b: 1
              self: "{{ self }}"
            steps:
              - name: s
                get: /
            """
        )
        #expect(issues.count == 2, "\(issues)")
        #expect(issues.map(\.message).contains { $0.contains("'b'") })
        #expect(issues.map(\.message).contains { $0.contains("'self'") })
    }

    @Test func caseColumnsAndCaseAreKnown() throws {
        #expect(
            try validate(
                """
                scenario: Cases
                vars:
                  base: 10
                cases:
                  - { name: one, quantity: 1, price: "{{ base }}" }
                  - { quantity: 5, discount: 3 }
                steps:
                  - name: s
                    post: /quote
                    json: { q: "{{ quantity }}", d: "{{ discount }}", label: "{{ case }}", p: "{{ price }}" }
                """
            ).isEmpty
        )
        let issues = try validate(
            """
            scenario: Cases
            cases:
              - { quantity: "{{ later }}" }
            steps:
              - name: s
                get: "/{{ case }}"
            """
        )
        #expect(issues.count == 1)
        #expect(issues.first?.message.contains("'later'") == true)
        #expect(
            try validate("scenario: NoCases\nsteps:\n  - name: s\n    get: \"/{{ case }}\"\n").count == 1,
            "'case' only exists with cases:"
        )
    }

    @Test func teardownSeesStepCaptures() throws {
        #expect(
            try validate(
                """
                scenario: T
                steps:
                  - name: s
                    post: /x
                    capture: { id: "$.id" }
                teardown:
                  - name: t
                    delete: "/x/{{ id }}"
                    capture: { gone: { status: true } }
                  - name: u
                    get: "/x/{{ gone }}"
                """
            ).isEmpty
        )
    }

    @Test func templatesInEveryPlaceAreChecked() throws {
        let issues = try validate(
            """
            scenario: Everywhere
            steps:
              - name: s
                post: "/{{ p1 }}"
                query: { q: "{{ p2 }}" }
                headers: { H: "{{ p3 }}" }
                json: { a: ["{{ p4 }}"] }
                expect: { json: { "$.a": "{{ p5 }}" }, headers: { X: { contains: "{{ p6 }}" } }, body: { contains: "{{ p7 }}" } }
                webhook: { provider: mercadopago, secret: "{{ env.S }}", data_id: "{{ p8 }}", request_id: "{{ p9 }}", timestamp: "{{ p10 }}" }
              - name: m
                post: /m
                multipart: { f: "{{ p11 }}", file: { content: x, filename: "{{ p12 }}" } }
              - name: r
                post: /r
                body: "{{ p13 }}"
            """
        )
        let names = Set(issues.compactMap { $0.message.split(separator: "'").first.map(String.init) })
        #expect(names == Set((1...13).map { "p\($0)" }), "\(issues.map(\.message))")
    }
}
