import Foundation
import Testing

@testable import RondaCore

struct ConfigTests {
    static let full = """
        target:
          base_url: https://staging.example.com/app
          verify_tls: false
          ca_bundle: certs/ca.pem
          headers: { User-Agent: "Ronda/1.0", X-Env: "{{ env.RONDA_ENV }}" }
        roles:
          receptionist:
            username: "{{ env.RECEPTIONIST_USER }}"
            password: "{{ env.RECEPTIONIST_PASSWORD }}"
            login:
              - name: Log in
                post: /login/
                form: { username: "{{ role.username }}", password: "{{ role.password }}" }
                expect: { status: [200, 302] }
                capture: { session: { cookie: sessionid } }
          admin:
            username: admin@example.com
            api_key: "Bearer {{ env.ADMIN_KEY }}"
            login: logins/_admin.yml
        defaults:
          timeout: 5m
          request_timeout: 20s
          connect_timeout: 3s
          teardown_timeout: 45s
          delay_between: 250ms
          parallel: 8
          body_cap: 65536
          follow_redirects: false
          max_redirects: 4
        suite: suites/main
        database: data/ronda.sqlite
        secrets: [EXTRA_TOKEN, OTHER_SECRET]
        """

    static let adminLogin = """
        scenario: Admin login
        steps:
          - name: Token
            post: /api/token
            json: { key: "{{ role.api_key }}" }
            capture: { token: "$.token" }
        """

    /// Writes `ronda.yml` (and the admin login file) to a fresh folder and loads it.
    func loadFull(
        _ text: String = ConfigTests.full,
        login: String? = ConfigTests.adminLogin
    ) throws -> (RondaConfig, URL) {
        let dir = try CoreTestSupport.temporaryDirectory()
        try CoreTestSupport.write(text, to: dir.appendingPathComponent("ronda.yml"))
        if let login { try CoreTestSupport.write(login, to: dir.appendingPathComponent("logins/_admin.yml")) }
        return (try RondaConfig.load(file: dir.appendingPathComponent("ronda.yml").path), dir)
    }

    func issues(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> [SourceIssue] {
        do {
            _ = try RondaConfig.parse(text, file: "/etc/ronda/ronda.yml")
            Issue.record("expected the configuration to be rejected", sourceLocation: sourceLocation)
            return []
        } catch {
            return error.issues
        }
    }

    @Test func fullConfiguration() throws {
        let (config, dir) = try loadFull()
        defer { try? FileManager.default.removeItem(at: dir) }
        let base = dir.standardizedFileURL.path
        #expect(config.file == dir.appendingPathComponent("ronda.yml").path)
        #expect(config.target.baseURL == "https://staging.example.com/app")
        #expect(config.target.verifyTLS == false)
        #expect(
            config.target.caBundle.map { URL(fileURLWithPath: $0).standardizedFileURL.path } == base + "/certs/ca.pem"
        )
        #expect(config.target.headers.map(\.key) == ["User-Agent", "X-Env"])
        #expect(config.target.headers[1].value.templates.first?.environmentNames == ["RONDA_ENV"])

        #expect(config.defaults.scenarioTimeout == .seconds(300))
        #expect(config.defaults.requestTimeout == .seconds(20))
        #expect(config.defaults.connectTimeout == .seconds(3))
        #expect(config.defaults.teardownTimeout == .seconds(45))
        #expect(config.defaults.delayBetween == .milliseconds(250))
        #expect(config.defaults.parallel == 8)
        #expect(config.defaults.bodyCap == 65536)
        #expect(config.defaults.followRedirects == false)
        #expect(config.defaults.maxRedirects == 4)
        #expect(config.suite == "suites/main")
        #expect(config.database == "data/ronda.sqlite")
        #expect(config.secretNames == ["EXTRA_TOKEN", "OTHER_SECRET"])
        #expect(URL(fileURLWithPath: config.baseDirectory).standardizedFileURL.path == base)
        #expect(config.resolve("/abs/x") == "/abs/x")
        #expect(URL(fileURLWithPath: config.resolve("a/../b.yml")).standardizedFileURL.path == base + "/b.yml")
    }

    @Test func rolesWithInlineAndFileLogins() throws {
        let (config, dir) = try loadFull()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(config.roles.keys.sorted() == ["admin", "receptionist"])

        let receptionist = try #require(config.roles["receptionist"])
        #expect(receptionist.name == "receptionist")
        #expect(receptionist.fields.map(\.key) == ["username", "password"])
        #expect(receptionist.login.name == "login as receptionist")
        #expect(receptionist.login.module == "login")
        #expect(receptionist.login.steps.map(\.name) == ["Log in"])
        #expect(receptionist.login.steps[0].method == "POST")
        #expect(receptionist.login.steps[0].expect.status == [200, 302])
        #expect(receptionist.login.steps[0].captures.map(\.name) == ["session"])
        #expect(receptionist.login.steps[0].location.line == 11)

        let admin = try #require(config.roles["admin"])
        #expect(admin.fields.map(\.key) == ["username", "api_key"])
        #expect(admin.fields[0].value == .value("admin@example.com"), "a username may be written out")
        #expect(admin.login.name == "Admin login")
        #expect(admin.login.file.hasSuffix("logins/_admin.yml"))
        #expect(admin.login.steps[0].captures.map(\.name) == ["token"])
    }

    @Test(arguments: ["", "  \n\t\n", "# only comments\n# here\n", "---\n"])
    func defaultsWhenEmpty(_ text: String) throws {
        do {
            let config = try RondaConfig.parse(text, file: "ronda.yml")
            #expect(config.target.baseURL == nil)
            #expect(config.target.verifyTLS)
            #expect(config.roles.isEmpty)
            #expect(
                config.defaults.scenarioTimeout == .seconds(300) && config.defaults.requestTimeout == .seconds(30)
                    && config.defaults.parallel == 4
            )
            #expect(
                config.defaults.followRedirects && config.defaults.maxRedirects == 10
                    && config.defaults.bodyCap == 1 << 20
            )
            #expect(
                config.suite == "scenarios" && config.database == ".ronda/ronda.sqlite" && config.secretNames.isEmpty
            )
        }
        #expect(RondaConfig().baseDirectory == FileManager.default.currentDirectoryPath)
    }

    @Test(arguments: ["http://localhost:8080", "https://a.b/c?d=1", "HTTP://X.ORG", "http://127.0.0.1"])
    func acceptedBaseURLs(_ url: String) throws {
        #expect(try RondaConfig.parse("target: { base_url: \"\(url)\" }", file: "r.yml").target.baseURL == url)
    }

    @Test(arguments: [
        "ftp://example.com", "localhost:8080", "example.com", "/relative", "http://", "https:///path", "not a url",
    ])
    func badBaseURL(_ url: String) {
        let found = issues("target:\n  base_url: \"\(url)\"\n")
        #expect(found.count == 1)
        #expect(found.first?.location == SourceLocation(file: "/etc/ronda/ronda.yml", line: 2, column: 13))
        #expect(found.first?.message.contains("http:// or https:// URL") == true, "\(found)")
    }

    @Test(arguments: [
        ("password: hunter2", "password"), ("password: 12345", "password"), ("api_key: abc", "api_key"),
        ("token: \"t-{{ other }}\"", "token"),
        ("client_secret: x", "client_secret"), ("Password: \"{{ 'literal' }}\"", "Password"),
    ])
    func credentialsMustComeFromEnvironment(_ line: String, _ key: String) {
        let found = issues("roles:\n  nurse:\n    \(line)\n    login: [{ name: a, get: / }]\n")
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.location.line == 3)
        #expect(found.first?.message.contains("write the role's \(key) as '{{ env.NAME }}'") == true, "\(found)")
    }

    @Test func environmentCredentialsAreAccepted() throws {
        let config = try RondaConfig.parse(
            """
            roles:
              nurse:
                username: nurse1
                password: "{{ env.NURSE_PW }}"
                api_key: "Key {{ env.NURSE_KEY }}"
                login: [{ name: a, post: /login }]
            """,
            file: "r.yml"
        )
        #expect(config.roles["nurse"]?.fields.count == 3)
    }

    @Test func unknownKeys() {
        let top = issues("taget:\n  base_url: http://x\n")
        #expect(top.count == 1)
        #expect(top.first?.location.line == 1 && top.first?.location.column == 1)
        #expect(
            top.first?.message.contains("unknown key 'taget'") == true
                && top.first?.message.contains("did you mean 'target'?") == true,
            "\(top)"
        )
        let target = issues("target:\n  base_ulr: http://x\n")
        #expect(target.first?.message.contains("did you mean 'base_url'?") == true, "\(target)")
        let defaults = issues("defaults:\n  paralel: 2\n")
        #expect(defaults.first?.message.contains("did you mean 'parallel'?") == true, "\(defaults)")
    }

    @Test(arguments: ["0", "-1", "2000", "many", "\"4\"", "2.5"])
    func badParallel(_ value: String) {
        let found = issues("defaults:\n  parallel: \(value)\n")
        #expect(found.count == 1)
        #expect(found.first?.location.line == 2 && found.first?.location.column == 13)
        #expect(
            found.first?.message.contains("a whole number from 1 to 1024 for defaults.parallel") == true,
            "\(found)"
        )
    }

    @Test func otherBadValues() {
        #expect(issues("defaults:\n  timeout: forever\n").first?.message.contains("defaults.timeout") == true)
        #expect(issues("defaults:\n  body_cap: 10\n").first?.message.contains("1024") == true)
        #expect(issues("defaults:\n  follow_redirects: maybe\n").first?.message.contains("true or false") == true)
        #expect(issues("target:\n  verify_tls: 1\n").first?.message.contains("target.verify_tls") == true)
        #expect(issues("secrets: { a: 1 }\n").first?.message.contains("list of text") == true)
        #expect(issues("suite: \"\"\n").first?.message.contains("must not be empty") == true)
        #expect(issues("- a\n").first?.message.contains("expected the configuration as a mapping") == true)
        #expect(issues("target: [\n").first?.message.contains("invalid YAML") == true)
    }

    @Test func rolesNeedALogin() {
        let found = issues("roles:\n  nurse:\n    username: n\n")
        #expect(found.count == 1)
        #expect(found.first?.location.line == 3)
        #expect(found.first?.message.contains("the role nurse needs 'login:'") == true, "\(found)")
    }

    @Test func invalidInlineLoginSteps() {
        let found = issues("roles:\n  nurse:\n    login:\n      - name: a\n        fetch: /x\n")
        #expect(found.map(\.location.line).contains(5), "\(found)")
        #expect(found.contains { $0.message.contains("unknown key 'fetch'") })
    }

    @Test func invalidOrMissingLoginFile() throws {
        let dir = try CoreTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try CoreTestSupport.write(
            "scenario: Broken\nsteps:\n  - name: a\n    gett: /\n",
            to: dir.appendingPathComponent("_broken.yml")
        )
        let config = dir.appendingPathComponent("ronda.yml")
        try CoreTestSupport.write("roles:\n  a:\n    login: _broken.yml\n  b:\n    login: _missing.yml\n", to: config)
        #expect {
            try RondaConfig.load(file: config.path)
        } throws: { error in
            guard let issues = (error as? SourceFileError)?.issues, issues.count == 2 else { return false }
            return issues[0].location.line == 3 && issues[0].message.contains("_broken.yml")
                && issues[0].message.contains("unknown key 'gett'")
                && issues[1].location.line == 5 && issues[1].message.contains("cannot read the file")
        }
    }

    @Test func unreadableConfigurationFiles() throws {
        #expect {
            try RondaConfig.load(file: "/nonexistent/ronda.yml")
        } throws: {
            ($0 as? SourceFileError)?.issues.first?.message.contains("cannot read the configuration file") == true
        }
        let dir = try CoreTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("ronda.yml")
        try Data([0x74, 0x3A, 0x20, 0xFF, 0xFE]).write(to: file)
        #expect {
            try RondaConfig.load(file: file.path)
        } throws: { ($0 as? SourceFileError)?.issues.first?.message.contains("not UTF-8") == true }
    }

    @Test func severalProblemsAreAllReported() {
        let found = issues(
            """
            target:
              base_url: nope
            defaults:
              parallel: 0
              timeout: x
            roles:
              r:
                password: plain
                login: [{ name: a, get: / }]
            """
        )
        #expect(found.count == 4, "\(found)")
        #expect(Set(found.map(\.location.line)) == [2, 4, 5, 8])
    }
}
