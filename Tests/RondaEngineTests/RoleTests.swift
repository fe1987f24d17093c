import Foundation
import HTTPTypes
import Hummingbird
import RondaCore
import RondaEngine
import RondaTestSupport
import Testing

@Suite struct RoleTests {
    static let environment = ["RECEPTION_USER": "recepcion@clinic.test", "RECEPTION_PASS": "Zq8-pass-Xk2"]

    /// `/api/login` answers a token for the right credentials (JSON or form); `/api/agenda` wants that token.
    static func routes(_ router: Router<BasicRequestContext>, _ log: RequestLog) {
        router.post("/api/login") { request, _ -> Response in
            let seen = try await log.record(request)
            var user: String?
            var password: String?
            if seen.header("content-type")?.hasPrefix("application/json") == true,
                let object = try? JSONSerialization.jsonObject(with: Data(seen.body)) as? [String: Any]
            {
                user = object["username"] as? String
                password = object["password"] as? String
            } else {
                let items = URLComponents(string: "http://x/?" + seen.bodyText)?.queryItems ?? []
                user = items.first { $0.name == "username" }?.value
                password = items.first { $0.name == "password" }?.value
            }
            guard user == environment["RECEPTION_USER"], password == environment["RECEPTION_PASS"] else {
                return jsonResponse(#"{"error":"bad credentials"}"#, status: .unauthorized)
            }
            return jsonResponse(#"{"access":"tok-reception-123"}"#)
        }
        router.get("/api/agenda") { request, _ -> Response in
            let seen = try await log.record(request)
            guard seen.header("authorization") == "Bearer tok-reception-123" else {
                return jsonResponse(#"{"error":"unauthorized"}"#, status: .unauthorized)
            }
            return jsonResponse(#"{"appointments":[]}"#)
        }
    }

    static let inlineConfig = """
        roles:
          receptionist:
            username: "{{ env.RECEPTION_USER }}"
            password: "{{ env.RECEPTION_PASS }}"
            login:
              - name: Log in
                post: /api/login
                json: { username: "{{ role.username }}", password: "{{ role.password }}" }
                expect: { status: 200 }
                capture: { access: "$.access" }
        """

    static let scenario = """
        scenario: Agenda
        as: receptionist
        steps:
          - name: Open agenda
            get: /api/agenda
            headers: { Authorization: "Bearer {{ access }}" }
            expect: { status: 200 }
        """

    static func run(config: RondaConfig, baseURL: String, environment: [String: String]) async throws -> ScenarioResult
    {
        let configuration = EngineConfiguration(config: config, baseURL: baseURL, environment: { environment[$0] })
        return await ScenarioRunner(configuration: configuration).run(try parseScenario(scenario))
    }

    @Test func loginStepsFromInlineConfigRunFirstAndTheirTokenIsUsed() async throws {
        let config = try RondaConfig.parse(Self.inlineConfig, file: "/tmp/ronda.yml")
        try await withServer(Self.routes) { server, log in
            let result = try await Self.run(config: config, baseURL: server.baseURL, environment: Self.environment)
            #expect(result.status == .pass, "\(result.errorMessage ?? "")")
            #expect(result.steps.map(\.phase) == [.login, .main])
            #expect(result.steps.map(\.name) == ["Log in", "Open agenda"])
            #expect(log.all.map(\.path) == ["/api/login", "/api/agenda"])
            #expect(log.to("/api/agenda").first?.header("authorization") == "Bearer tok-reception-123")
            // The password went to the server but is not recorded.
            let login = try #require(result.step("Log in"))
            #expect(login.requestExcerpt?.contains("Zq8-pass-Xk2") == false, "\(login.requestExcerpt ?? "")")
        }
    }

    @Test func loginStepsFromAScenarioFileNextToTheConfig() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(
            "login-reception.yml",
            """
            scenario: Reception login
            steps:
              - name: Log in with the form
                post: /api/login
                form: { username: "{{ role.username }}", password: "{{ role.password }}" }
                expect: { status: 200 }
                capture: { access: { json: "$.access" } }
            """
        )
        let configText = """
            roles:
              receptionist:
                username: "{{ env.RECEPTION_USER }}"
                password: "{{ env.RECEPTION_PASS }}"
                login: login-reception.yml
            """
        try directory.write("ronda.yml", configText)
        let config = try RondaConfig.load(file: directory.path("ronda.yml"))
        try await withServer(Self.routes) { server, log in
            let result = try await Self.run(config: config, baseURL: server.baseURL, environment: Self.environment)
            #expect(result.status == .pass, "\(result.errorMessage ?? "")")
            #expect(result.steps.first?.phase == .login)
            #expect(result.steps.first?.name == "Log in with the form")
            let login = try #require(log.to("/api/login").first)
            #expect(login.header("content-type") == "application/x-www-form-urlencoded")
            #expect(log.to("/api/agenda").first?.header("authorization") == "Bearer tok-reception-123")
        }
    }

    @Test func anUnsetCredentialVariableIsAClearErrorNamingIt() async throws {
        let config = try RondaConfig.parse(Self.inlineConfig, file: "/tmp/ronda.yml")
        try await withServer(Self.routes) { server, log in
            let result = try await Self.run(
                config: config,
                baseURL: server.baseURL,
                environment: ["RECEPTION_USER": "recepcion@clinic.test"]
            )
            #expect(result.status == .error)
            #expect(result.errorKind == .configuration)
            #expect(result.errorMessage?.contains("RECEPTION_PASS") == true, "\(result.errorMessage ?? "")")
            #expect(result.errorMessage?.contains("not set") == true, "\(result.errorMessage ?? "")")
            #expect(log.all.isEmpty, "no request is sent without credentials")
        }
    }

    @Test func wrongCredentialsFailTheLoginStepAndStopTheScenario() async throws {
        let config = try RondaConfig.parse(Self.inlineConfig, file: "/tmp/ronda.yml")
        try await withServer(Self.routes) { server, log in
            var environment = Self.environment
            environment["RECEPTION_PASS"] = "wrong-password"
            let result = try await Self.run(config: config, baseURL: server.baseURL, environment: environment)
            #expect(result.status == .fail)
            #expect(result.failingStep == "Log in")
            #expect(result.errorMessage?.hasPrefix("login step 'Log in'") == true, "\(result.errorMessage ?? "")")
            #expect(log.count("/api/agenda") == 0)
        }
    }

    @Test func anUnknownRoleIsAConfigurationError() async throws {
        try await withServer(Self.routes) { server, log in
            let result = await ScenarioRunner(
                configuration: engineConfiguration(server.baseURL, environment: Self.environment)
            )
            .run(try parseScenario(Self.scenario))
            #expect(result.status == .error)
            #expect(result.errorKind == .configuration)
            #expect(result.errorMessage?.contains("receptionist") == true)
            #expect(log.all.isEmpty)
        }
    }
}
