import Foundation
import HTTPTypes
import Hummingbird
import Logging
import RondaCore
import RondaEngine
import RondaStore
import RondaTestSupport
import Testing

/// Secrets never reach the store or the logs: run a scenario full of them, store its result in SQLite,
/// capture every log line at trace level, then search the database file's bytes and the log for them.
@Suite struct SecretLeakTests {
    static let token = "tok_live_Q7xK9mP2vL8nR4"
    static let password = "Hunter2-Correct-Horse"
    static let apiKey = "ak-9f8e7d6c5b4a"
    static let card = "4242424242424242"
    static let environment = ["SECRET_TOKEN": token, "USER_PASSWORD": password, "PARTNER_API_KEY": apiKey]

    static func routes(_ router: Router<BasicRequestContext>, _ log: RequestLog) {
        router.post("/login") { request, _ -> Response in
            let seen = try await log.record(request)
            // Echo everything back, the Authorization header included.
            return jsonResponse(
                #"{"ok":true,"you_sent":"\#(seen.bodyText)","auth":"\#(seen.header("authorization") ?? "")"}"#,
                headers: [.setCookie: "session=\(token); Path=/"]
            )
        }
        router.post("/pay") { request, _ -> Response in
            let seen = try await log.record(request)
            return jsonResponse(#"{"charged":true,"echo":\#(seen.bodyText),"last_used":"\#(card)"}"#)
        }
        router.get("/profile") { request, _ -> Response in
            try await log.record(request)
            return textResponse("debug: partner key \(apiKey) and token \(token) for card \(card)")
        }
    }

    static let scenario = """
        scenario: Secrets everywhere
        vars:
          pw: "{{ env.USER_PASSWORD }}"
        steps:
          - name: Log in
            post: /login
            headers: { Authorization: "Bearer {{ env.SECRET_TOKEN }}", X-Partner: "{{ env.PARTNER_API_KEY }}" }
            form: { username: ana, password: "{{ pw }}" }
            expect: { status: 200 }
            capture: { echoed: "$.you_sent", auth_seen: "$.auth" }
          - name: Pay
            post: "/pay?ref={{ env.SECRET_TOKEN }}&card=\(card)"
            json: { card_number: "\(card)", amount: 4990, holder: "Ana", note: "card \(card) pw {{ pw }}" }
            expect: { json: { $.charged: true } }
            capture: { last_used: "$.last_used" }
          - name: Profile
            get: /profile
            expect:
              body: { not_contains: "{{ env.SECRET_TOKEN }}" }
              that: "body contains 'nothing-like-this'"
        teardown:
          - name: Log out
            post: "/login?token={{ env.SECRET_TOKEN }}"
            json: { password: "{{ pw }}", card: "\(card)" }
        """

    static let forbidden = [token, password, apiKey, card]

    static func leaks(in text: String) -> [String] {
        forbidden.filter { text.contains($0) }
    }

    static func leaks(in bytes: [UInt8]) -> [String] {
        forbidden.filter { secret in
            let needle = Array(secret.utf8)
            guard bytes.count >= needle.count else { return false }
            return (0...(bytes.count - needle.count)).contains { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }
        }
    }

    @Test func theLeakSearchFindsWhatItLooksFor() {
        #expect(Self.leaks(in: "x \(Self.card) y") == [Self.card])
        #expect(Self.leaks(in: Array("--\(Self.token)--".utf8)) == [Self.token])
        #expect(Self.leaks(in: Array("nothing".utf8)).isEmpty)
    }

    @Test func secretsAndCardNumbersAppearNeitherInTheStoreNorInTheLogs() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let capture = LogCapture()
        try await withServer(Self.routes) { server, log in
            var configuration = engineConfiguration(server.baseURL, environment: Self.environment)
            configuration.secretNames = ["PARTNER_API_KEY"]
            let runner = ScenarioRunner(
                configuration: configuration,
                logger: capture.logger(label: "ronda.engine", level: .trace)
            )
            let result = await runner.run(try parseScenario(Self.scenario), runID: "run-secrets", worker: "w1")

            // The scenario did what it says: the server saw the real secrets, and it failed on the Profile step.
            #expect(result.status == .fail)
            #expect(result.failingStep == "Profile")
            #expect(result.steps.count == 4)
            #expect(log.to("/login").first?.header("authorization") == "Bearer \(Self.token)")
            #expect(log.to("/login").first?.bodyText.contains(Self.password) == true)
            #expect(log.to("/pay").first?.bodyText.contains(Self.card) == true)
            #expect(!capture.lines.isEmpty, "the engine logged its steps")

            // Nothing in the result itself.
            let encoded = String(decoding: try JSONEncoder().encode(result), as: UTF8.self)
            #expect(Self.leaks(in: encoded).isEmpty, "result leaks \(Self.leaks(in: encoded))")

            // Nothing in the database file (or its write-ahead log) after storing the result.
            let dbPath = directory.path("ronda.sqlite")
            let store = try await SQLiteStore.open(
                path: dbPath,
                logger: capture.logger(label: "ronda.store", level: .trace)
            )
            try await store.migrate()
            _ = try await store.createRun(
                RunRecord(id: "run-secrets", trigger: .manual, deadline: Date().addingTimeInterval(600))
            )
            #expect(try await store.recordResult(result))
            var bytes: [UInt8] = []
            for path in [dbPath, dbPath + "-wal"] where FileManager.default.fileExists(atPath: path) {
                bytes += Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            }
            #expect(Self.leaks(in: bytes).isEmpty, "database leaks \(Self.leaks(in: bytes))")
            #expect(bytes.count > 0)
            // The stored result is really in those bytes (so the search above means something).
            let stepName = Array("Secrets everywhere".utf8)
            #expect(
                (0...(bytes.count - stepName.count)).contains {
                    bytes[$0..<($0 + stepName.count)].elementsEqual(stepName)
                }
            )
            let stored = try await store.results(runID: "run-secrets")
            #expect(stored.first?.steps.count == 4)
            try await store.close()
            let closedBytes = Array(try Data(contentsOf: URL(fileURLWithPath: dbPath)))
            #expect(
                Self.leaks(in: closedBytes).isEmpty,
                "database leaks \(Self.leaks(in: closedBytes)) after checkpoint"
            )
        }
        let lines = capture.lines.map(\.description)
        for line in lines {
            let found = Self.leaks(in: line)
            #expect(found.isEmpty, "log line leaks \(found): \(line)")
        }
    }

    @Test func theRecordedStepsStillSayWhatHappened() async throws {
        try await withServer(Self.routes) { server, _ in
            let result = try await runScenario(Self.scenario, baseURL: server.baseURL, environment: Self.environment)
            let login = try #require(result.step("Log in"))
            let request = try #require(login.requestExcerpt)
            #expect(request.contains("Authorization: [REDACTED]"), "\(request)")
            #expect(request.contains("username=ana"), "non-secret fields stay readable: \(request)")
            #expect(login.captures["auth_seen"]?.contains(Self.token) == false)
            let pay = try #require(result.step("Pay"))
            #expect(pay.requestExcerpt?.contains(#""amount":4990"#) == true, "\(pay.requestExcerpt ?? "")")
            #expect(pay.captures["last_used"] != nil)
            #expect(result.errorMessage?.hasPrefix("step 'Profile'") == true, "\(result.errorMessage ?? "")")
        }
    }
}

/// Excerpts are capped; the cap must not cut a secret or a card number in two and leave the first part readable.
@Suite struct ExcerptBoundaryTests {
    static let token = "tok_live_Q7xK9mP2vL8nR4"
    static let card = "4242424242424242"

    static func routes(_ router: Router<BasicRequestContext>, _ log: RequestLog) {
        // The default response excerpt keeps 4096 characters: put the secrets across that line.
        router.get("/card-at-cap") { _, _ in
            textResponse(String(repeating: "x", count: 4096 - 12) + card + " and more text after it")
        }
        router.get("/token-at-cap") { _, _ in
            textResponse(String(repeating: "y", count: 4096 - 12) + token + " and more text after it")
        }
        // Response headers carrying what the body would be redacted for.
        router.get("/secret-headers") { _, _ in
            var headers = HTTPFields()
            for (name, value) in secretHeaders { headers[HTTPField.Name(name)!] = value }
            return textResponse("headers only", headers: headers)
        }
        // Values that checks show cut to 120 (matchers) and 80 (schema) characters, each with a
        // secret across the cut.
        router.get("/secrets-at-the-cut") { _, _ in
            let y = { (count: Int) in String(repeating: "y", count: count) }
            return jsonResponse(
                #"{"note":"\#(y(112))\#(token) tail","card":"\#(y(110))\#(card) tail","short":"\#(y(72))\#(token) tail"}"#
            )
        }
    }

    /// Response headers of `/secret-headers`: a known secret, a credential form field, a card
    /// number, credential JSON, a short secret as the whole value and inside a longer word, a
    /// credential header and a plain one.
    static let secretHeaders: KeyValuePairs<String, String> = [
        "X-Echo": token,
        "X-Debug": "key=s3cr3t-value&page=2",
        "X-Last-Card": card,
        "X-Json": #"{"token":"zzz-json-val","page":2}"#,
        "X-Short": "abc12",
        "X-Word": "abc12xyz",
        "Stripe-Signature": "t=1,v1=f00dfeed",
        "X-Plain": "visible-value",
    ]

    /// A response excerpt's header lines are redacted as its body is: known secrets (a short one
    /// only as the whole value), credential fields, card numbers, credential headers whole.
    @Test func responseHeadersInTheExcerptAreRedacted() async throws {
        try await withServer(Self.routes) { server, _ in
            let result = try await runScenario(
                """
                scenario: Secret headers
                steps:
                  - name: Read
                    get: /secret-headers
                    headers: { Authorization: "Bearer {{ env.SECRET_TOKEN }}", X-Short: "{{ env.SHORT }}" }
                """,
                baseURL: server.baseURL,
                environment: ["SECRET_TOKEN": Self.token, "SHORT": "abc12"]
            )
            let excerpt = try #require(result.step("Read")?.responseExcerpt).lowercased()
            for leak in [Self.token, "s3cr3t-value", String(Self.card.prefix(10)), "zzz-json-val", "f00dfeed"] {
                #expect(!excerpt.contains(leak.lowercased()), "\(leak) is recorded: \(excerpt)")
            }
            let mask = Redactor.mask.lowercased()
            for line in [
                "x-echo: \(mask)", "x-debug: key=\(mask)&page=2", "x-short: \(mask)", "stripe-signature: \(mask)",
                "x-word: abc12xyz", "x-plain: visible-value", #"x-json: {"token":"\#(mask)","page":2}"#,
            ] {
                #expect(excerpt.contains(line), "no '\(line)' in \(excerpt)")
            }
        }
    }

    @Test func aCardNumberAcrossTheExcerptCapIsNotPartlyRecorded() async throws {
        try await withServer(Self.routes) { server, _ in
            let result = try await runScenario(
                """
                scenario: Card at the cap
                steps:
                  - name: Read
                    get: /card-at-cap
                """,
                baseURL: server.baseURL
            )
            let excerpt = try #require(result.step("Read")?.responseExcerpt)
            let leaked = excerpt.contains(String(Self.card.prefix(12)))
            #expect(!leaked, "12 of 16 card digits are recorded: …\(excerpt.suffix(80))")
        }
    }

    @Test func aSecretAcrossTheCutOfACheckedValueIsNotPartlyRecorded() async throws {
        try await withServer(Self.routes) { server, _ in
            let result = try await runScenario(
                """
                scenario: Secrets at the cut
                steps:
                  - name: Read
                    get: /secrets-at-the-cut
                    headers: { Authorization: "Bearer {{ env.SECRET_TOKEN }}" }
                    expect:
                      json: { $.note: nope, $.card: nope }
                      schema: { properties: { short: { const: nope } } }
                """,
                baseURL: server.baseURL,
                environment: ["SECRET_TOKEN": Self.token]
            )
            let step = try #require(result.step("Read"))
            #expect(step.assertions.filter { !$0.passed }.count == 3, "\(step.assertions)")
            #expect(
                step.assertions.contains { $0.actual.hasSuffix("…'") },
                "the values are cut: \(step.assertions.map(\.actual))"
            )
            let recorded = String(decoding: try JSONEncoder().encode(result), as: UTF8.self)
            for part in [String(Self.token.prefix(6)), String(Self.card.prefix(10))] {
                #expect(!recorded.contains(part), "\(part) is recorded: \(step.assertions.map(\.actual))")
            }
        }
    }

    @Test func aSecretAcrossTheExcerptCapIsNotPartlyRecorded() async throws {
        try await withServer(Self.routes) { server, _ in
            let result = try await runScenario(
                """
                scenario: Token at the cap
                steps:
                  - name: Read
                    get: /token-at-cap
                    headers: { Authorization: "Bearer {{ env.SECRET_TOKEN }}" }
                """,
                baseURL: server.baseURL,
                environment: ["SECRET_TOKEN": Self.token]
            )
            let excerpt = try #require(result.step("Read")?.responseExcerpt)
            let leaked = excerpt.contains(String(Self.token.prefix(12)))
            #expect(!leaked, "half the token is recorded: …\(excerpt.suffix(80))")
        }
    }
}

/// A bearer token that a login step receives and later steps send in `Authorization` is a credential
/// even when the application calls it `access` (Django REST framework SimpleJWT, many OAuth servers).
@Suite struct BearerTokenTests {
    static let access = "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyIjo3fQ.c2lnbmF0dXJl"
    static let refresh = "eyJhbGciOiJIUzI1NiJ9.eyJyZWZyZXNoIjoxfQ.b3RoZXJzaWc"

    static func routes(_ router: Router<BasicRequestContext>, _ log: RequestLog) {
        router.post("/api/token") { request, _ -> Response in
            try await log.record(request)
            return jsonResponse(#"{"access":"\#(access)","refresh":"\#(refresh)"}"#)
        }
        router.get("/api/me") { request, _ -> Response in
            let seen = try await log.record(request)
            return seen.header("authorization") == "Bearer \(access)"
                ? jsonResponse(#"{"id":7}"#) : jsonResponse("{}", status: .unauthorized)
        }
    }

    @Test func aTokenUsedAsABearerCredentialIsNotRecorded() async throws {
        try await withServer(Self.routes) { server, _ in
            let result = try await runScenario(
                """
                scenario: JWT login
                steps:
                  - name: Get token
                    post: /api/token
                    json: { username: ana, password: "{{ env.PASSWORD }}" }
                    capture: { access: "$.access", refresh: "$.refresh" }
                  - name: Me
                    get: /api/me
                    headers: { Authorization: "Bearer {{ access }}" }
                    expect: { status: 200 }
                """,
                baseURL: server.baseURL,
                environment: ["PASSWORD": "pw-Zx81-secret"]
            )
            #expect(result.status == .pass, "\(result.errorMessage ?? "")")
            let encoded = String(decoding: try JSONEncoder().encode(result), as: UTF8.self)
            let accessRecorded = encoded.contains(Self.access)
            let refreshRecorded = encoded.contains(Self.refresh)
            #expect(!accessRecorded, "the bearer token is stored in the step results (response excerpt / captures)")
            #expect(!refreshRecorded, "the refresh token is stored in the step results (response excerpt / captures)")
        }
    }
}

/// Secrets are often base64 (`+`, `/`, `=`): sent in a query string or a form they are percent-encoded,
/// and the encoded form is the same credential.
@Suite struct EncodedSecretTests {
    static let key = "Zm9v+YmFy/cXV4=="

    static func routes(_ router: Router<BasicRequestContext>, _ log: RequestLog) {
        router.get("/search") { request, _ -> Response in
            try await log.record(request)
            return textResponse("ok")
        }
        router.post("/partner") { request, _ -> Response in
            try await log.record(request)
            return textResponse("ok")
        }
    }

    @Test func aPercentEncodedSecretIsNotRecorded() async throws {
        try await withServer(Self.routes) { server, log in
            let result = try await runScenario(
                """
                scenario: Encoded secret
                steps:
                  - name: Search with key
                    get: /search
                    query: { q: ana, key: "{{ env.PARTNER_KEY }}" }
                  - name: Partner form
                    post: /partner
                    form: { account: "7", pin: "{{ env.PARTNER_KEY }}" }
                """,
                baseURL: server.baseURL,
                environment: ["PARTNER_KEY": Self.key]
            )
            #expect(result.status == .pass, "\(result.errorMessage ?? "")")
            // The server got the real key, decoded.
            #expect(log.to("/search").first?.queryItems.first { $0.name == "key" }?.value == Self.key)
            let encodedKey = try #require(Self.key.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
            let stored = String(decoding: try JSONEncoder().encode(result), as: UTF8.self)
            let rawRecorded = stored.contains(Self.key)
            let encodedRecorded = stored.contains(encodedKey)
            #expect(!rawRecorded)
            #expect(
                !encodedRecorded,
                "the percent-encoded key \(encodedKey) is recorded in the step URL / request excerpt"
            )
        }
    }
}
