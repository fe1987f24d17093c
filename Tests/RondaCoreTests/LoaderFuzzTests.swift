import Foundation
import Testing

@testable import RondaCore

/// Deterministic mutation fuzzing of `ScenarioLoader.parse`: whatever the text, the loader
/// returns a scenario or a list of issues that each point somewhere in the file.
struct LoaderFuzzTests {
    /// SplitMix64: small, fast, deterministic.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(next() % UInt64(n)) }
        mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
    }

    static let seeds: [String] = [
        LoaderTests.full,
        """
        scenario: Login
        module: auth
        priority: P1
        tags: [smoke]
        steps:
          - name: Login page
            get: /login/
            expect: { status: 200, body: { contains: csrf } }
            capture: { csrf: { regex: 'name="csrf" value="([^"]+)"' } }
          - name: Submit
            post: /login/
            form: { username: "{{ env.USER }}", password: "{{ env.PASSWORD }}", csrf: "{{ csrf }}" }
            follow_redirects: false
            expect:
              status: [302, 303]
              headers: { Location: { matches: "^/dashboard" } }
            capture: { session: { cookie: sessionid } }
        """,
        """
        scenario: VolumeDiscounts
        module: billing
        priority: P2
        cases:
          - { name: one, quantity: 1, discount: 0 }
          - { name: ten, quantity: 10, discount: 5 }
          - { name: hundred, quantity: 100, discount: 15 }
        steps:
          - name: Quote
            post: /api/quote
            json: { items: [{ sku: "M-1", quantity: "{{ quantity }}" }] }
            expect:
              status: 200
              json:
                "$.discount_percent": "{{ discount }}"
                "$.lines[*].sku": { length: 1 }
                "$.total": { ">": 0, "<=": 1000000 }
              schema:
                type: object
                required: [total, lines]
                properties: { total: { type: number }, lines: { type: array, minItems: 1 } }
              response_time: { "<": 1500ms }
        """,
        """
        scenario: Payments
        module: payments
        priority: P0
        timeout: 2m
        vars:
          order: "ord-{{ fake.uuid }}"
          amount: "{{ fake.int(1000, 90000) }}"
        steps:
          - name: Pay
            post: /api/pay
            json: { order: "{{ order }}", card: "{{ fake.card.stripe.success }}", amount: "{{ amount }}" }
            expect: { status: 201, that: "json.status in ['pending', 'paid']" }
            capture: { payment_id: "$.id", intent: { json: "$.intent", optional: true } }
          - name: Stripe event
            post: /webhooks/stripe
            json: { type: payment_intent.succeeded, data: { object: { id: "{{ intent }}" } } }
            webhook: { provider: stripe, secret: "{{ env.STRIPE_SECRET }}" }
          - name: Wompi event
            post: /webhooks/wompi
            json: { data: { transaction: { id: "{{ payment_id }}", status: APPROVED, amount_in_cents: "{{ amount }}" } } }
            webhook: { provider: wompi, secret: "{{ env.WOMPI_SECRET }}", properties: [transaction.id, transaction.status] }
          - name: Order paid
            if: "payment_id != null and not (intent == null)"
            get: "/api/orders/{{ order }}"
            retry: { until: "json.status == 'paid' or status >= 500", timeout: 30s, interval: 1s }
        teardown:
          - name: Refund
            if: payment_id != null
            post: "/api/pay/{{ payment_id }}/refund"
            expect: { status: [200, 204] }
        """,
        """
        scenario: Uploads
        description: |
          Uploads a file, then
          downloads it again.
        module: files
        priority: p3
        as: admin
        steps:
          - name: Upload
            put: /files/
            headers: { X-Request-Id: "{{ uuid() }}" }
            multipart:
              title: Report
              file: { content: "a,b\\n1,2\\n", filename: "report-{{ timestamp() }}.csv", content_type: text/csv }
            expect: { status: 201, json: { "$.files[?(@.name == 'report')].size": { exists: true } } }
            capture: { file_id: "$.id", location: { header: Location } }
          - name: Download
            get: "{{ location }}"
            max_redirects: 2
            timeout: 1500ms
            expect: { body: { matches: "^a,b" }, headers: { Content-Type: text/csv } }
          - name: Raw
            patch: "/files/{{ file_id }}"
            body: "name={{ url_encode('new name') }}"
            content_type: application/x-www-form-urlencoded
        """,
        """
        scenario: Minimal
        steps:
          - name: Home
            get: /
        """,
    ]

    static let punctuation: [String] = [
        ":", "{", "}", "[", "]", "-", "|", ">", "&", "*", "!", "%", "@", "\"", "'", "#", ",", "?", "`",
    ]
    static let oddUnicode: [String] = [
        "\u{FEFF}", "\u{200B}", "é", "e\u{301}", "😀", "👩‍👩‍👧", "\u{2028}", "\u{85}", "\u{FFFD}", "\u{202E}", "𝔘", "\r",
        "\t", "\u{0}",
        "\u{7}", "\u{1B}", "\u{7F}", "\u{A0}", "ﬁ", "İ", "中文",
    ]
    static let templates: [String] = [
        "{{", "}}", "{{ }}", "{{ a", "a }}", "{{ a ==", "{{ 1 +", "{{ ((( }}", "{{ 'x }}", "{{ a.b[0] }}", "{{ env. }}",
        "{{ fake.nope }}", "{{ fake.date(3) }}", "{{ x = 1 }}", "{{ [1, 2 }}", "{{ {{ }} }}", "{{ not }}",
        "{{ - - - 1 }}",
    ]
    static let tokens: [String] = [
        "", "null", "~", "-1", "0", "1e309", "0x1F", "P7", "P0", "99999999999999999999999", "1.5s", "-5s", "10ms", "0s",
        "yes", "true",
        "[]", "{}", "[1, 2", "{a: 1", "&anchor x", "*anchor", "!!binary aGk=", "!custom x", "$", "$.", "$..[",
        "$[?(@.a ==",
        "$.a[1:2:3]", "$['a'", "((", "a.b.c", "get", "name", "steps", "- x", "|", ">-", "? key", "'unterminated",
        "\"unterminated",
        "{{ env.X }}", "stripe", "wompi", "{ provider: wompi }", "[200, 999]", "{ json: \"$.x\", regex: \"(\" }", "\\",
        "---", "...",
    ]

    static func mutate(_ text: String, _ rng: inout Random) -> String {
        var lines = text.components(separatedBy: "\n")
        func position(_ s: String) -> String.Index {
            let n = s.count
            return s.index(s.startIndex, offsetBy: rng.below(n + 1))
        }
        func insert(_ piece: String) {
            let l = rng.below(lines.count)
            var line = lines[l]
            line.insert(contentsOf: piece, at: position(line))
            lines[l] = line
        }
        switch rng.below(14) {
        case 0:
            if lines.count > 1 { lines.remove(at: rng.below(lines.count)) }
        case 1:
            let l = rng.below(lines.count)
            lines.insert(lines[l], at: rng.below(lines.count + 1))
        case 2:
            let a = rng.below(lines.count)
            let b = rng.below(lines.count)
            lines.swapAt(a, b)
        case 3:
            let count = 1 + rng.below(6)
            var piece = ""
            for _ in 0..<count { piece.unicodeScalars.append(Unicode.Scalar(UInt8(rng.below(128)))) }
            insert(piece)
        case 4:
            insert(rng.pick(punctuation))
        case 5:
            let l = rng.below(lines.count)
            switch rng.below(3) {
            case 0: lines[l] = String(repeating: " ", count: 1 + rng.below(4)) + lines[l]
            case 1: lines[l] = String(lines[l].drop { $0 == " " }.prefix(lines[l].count))
            default: lines[l] = "\t" + lines[l]
            }
        case 6:
            let joined = lines.joined(separator: "\n")
            return String(joined.prefix(rng.below(joined.count + 1)))
        case 7:
            let l = rng.below(lines.count)
            if let colon = lines[l].firstIndex(of: ":") {
                lines[l] = String(lines[l][...colon]) + " " + rng.pick(tokens)
            } else {
                lines[l] += rng.pick(tokens)
            }
        case 8:
            let other = rng.pick(seeds).components(separatedBy: "\n")
            let cut = rng.below(lines.count + 1)
            let otherCut = rng.below(other.count + 1)
            lines = Array(lines[..<cut]) + Array(other[otherCut...])
            if lines.isEmpty { lines = [""] }
        case 9:
            insert(rng.pick(templates))
        case 10:
            insert(rng.pick(oddUnicode))
        case 11:
            let l = rng.below(lines.count)
            let keys =
                ScenarioLoader.scenarioKeys + ScenarioLoader.stepKeys + ExpectationLoader.expectKeys + [
                    "optional", "group", "provider", "until",
                ]
            if let colon = lines[l].firstIndex(of: ":") {
                let indent = lines[l].prefix { $0 == " " || $0 == "-" }
                lines[l] = indent + rng.pick(keys) + String(lines[l][colon...])
            }
        case 12:
            let l = rng.below(lines.count)
            if let open = lines[l].range(of: "{{") {
                lines[l].insert(
                    contentsOf: rng.pick(["(", ")", "[", "'", "==", " and ", " not ", ".", "-", "#", "%", "\""]),
                    at: open.upperBound
                )
            } else {
                insert(rng.pick(tokens))
            }
        default:
            let l = rng.below(lines.count)
            lines[l] = String(lines[l].reversed())
        }
        return lines.joined(separator: "\n")
    }

    static let shards = 5
    static let casesPerShard = 4_000

    @Test(arguments: 0..<LoaderFuzzTests.shards)
    func mutationsNeverCrashAndAlwaysLocateIssues(shard: Int) throws {
        var rng = Random(state: 0xC0FFEE &+ UInt64(shard) &* 1_000_003)
        var accepted = 0
        var rejected = 0
        var failures: [String] = []
        var outside = 0
        var outsideExample = ""
        let started = Date()
        for n in 0..<Self.casesPerShard {
            var text = Self.seeds[(shard + n) % Self.seeds.count]
            for _ in 0..<(1 + rng.below(3)) { text = Self.mutate(text, &rng) }
            let file = "fuzz-\(shard)-\(n).yml"
            do {
                let scenario = try ScenarioLoader.parse(text, file: file)
                accepted += 1
                if scenario.name.isEmpty || scenario.steps.isEmpty {
                    failures.append("#\(n): accepted without a name or steps")
                }
                for issue in ScenarioValidator.validate(scenario, config: nil)
                where issue.location.line < 1 || issue.message.isEmpty {
                    failures.append("#\(n): validator issue without a location: \(issue)")
                }
            } catch {
                rejected += 1
                if error.issues.isEmpty { failures.append("#\(n): rejected with no issues") }
                // YAML line breaks: LF, CR, CRLF, NEL, LS, PS.
                let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(omittingEmptySubsequences: false) {
                    $0 == "\n" || $0 == "\r" || $0 == "\u{85}" || $0 == "\u{2028}" || $0 == "\u{2029}"
                }
                for issue in error.issues {
                    let l = issue.location.line
                    if l > lines.count + 1 || (l <= lines.count && issue.location.column > lines[l - 1].count + 2) {
                        outside += 1
                        if outsideExample.isEmpty { outsideExample = "\(issue)\n---\n\(text)\n---" }
                    }
                    if issue.location.line < 1 || issue.location.column < 1 || issue.message.isEmpty
                        || issue.location.file != file
                    {
                        failures.append(
                            "#\(n): bad issue \(issue.location.file):\(issue.location.line):\(issue.location.column) '\(issue.message)'\n---\n\(text)\n---"
                        )
                    }
                }
            }
        }
        let elapsed = Date().timeIntervalSince(started)
        print(
            "LoaderFuzz shard \(shard): \(Self.casesPerShard) mutated files, \(accepted) accepted, \(rejected) rejected, \(outside) issues past the end of their line, \(String(format: "%.1f", elapsed)) s"
        )
        if !outsideExample.isEmpty {
            print("LoaderFuzz shard \(shard) first issue past the end of its line: \(outsideExample)")
        }
        #expect(accepted + rejected == Self.casesPerShard)
        #expect(
            failures.isEmpty,
            "\(failures.count) failures; first ones:\n\(failures.prefix(5).joined(separator: "\n"))"
        )
    }

    @Test func seedsAreValid() throws {
        for (i, seed) in Self.seeds.enumerated() {
            _ = try CoreTestSupport.load(seed, file: "seed-\(i).yml")
        }
    }

    @Test func mutationsAreDeterministic() {
        var a = Random(state: 42)
        var b = Random(state: 42)
        for _ in 0..<200 {
            #expect(Self.mutate(Self.seeds[1], &a) == Self.mutate(Self.seeds[1], &b))
        }
    }
}
