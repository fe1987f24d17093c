import DemoTarget
import Foundation
import RondaCore
import RondaHTTP
import Testing

/// The optica half of the demo target, driven over HTTP in process: the volume-discount table,
/// both gateways' webhook signatures (valid ones made by Ronda's `WebhookSigner`, so the app's
/// own checks are tested against an independent signer), the trial turning read-only,
/// rescheduling and cancelling, and every optica fault changing the behaviour it claims to.
@Suite("Optica app")
struct OpticaAppTests {
    static let owner = "owner-demo-pass"

    /// One browser: its own cookie jar, against one running demo.
    struct Browser {
        let base: String
        let session = HTTPSession()

        /// Sends a request; `json` is sent as `application/json`, `form` as a urlencoded form.
        @discardableResult
        func send(
            _ method: String,
            _ path: String,
            json: String? = nil,
            form: [(String, String)]? = nil,
            headers: [HTTPHeader] = [],
            followRedirects: Bool = false
        ) async throws -> HTTPResponse {
            var all = headers
            var body: [UInt8]?
            if let json {
                all.append(HTTPHeader("Content-Type", "application/json"))
                body = Array(json.utf8)
            } else if let form {
                all.append(HTTPHeader("Content-Type", "application/x-www-form-urlencoded"))
                let allowed = CharacterSet.alphanumerics
                body = Array(
                    form.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(
                        separator: "&"
                    ).utf8
                )
            }
            let options = HTTPRequestOptions(followRedirects: followRedirects, totalTimeout: .seconds(20))
            return try await session.send(
                HTTPRequest(method: method, url: base + path, headers: all, body: body, options: options)
            )
        }

        /// Logs in through the form (CSRF token from the page) and returns the form's answer.
        @discardableResult
        func login(_ username: String, _ password: String) async throws -> HTTPResponse {
            let page = try await send("GET", "/login/")
            let token =
                page.bodyText.firstMatch(of: /name="csrfmiddlewaretoken" value="([0-9a-f]+)"/).map { String($0.1) }
                ?? ""
            return try await send(
                "POST",
                "/login/",
                form: [("username", username), ("password", password), ("csrfmiddlewaretoken", token)]
            )
        }
    }

    /// A response body as a JSON object (empty when it is not one).
    static func object(_ response: HTTPResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
    }

    /// Runs `body` against a fresh demo app with `faults` on, signed in as the owner.
    static func withOwner(
        faults: Set<String> = [],
        users: DemoUsers = .fromEnvironment([:]),
        _ body: (Browser, RunningDemo) async throws -> Void
    ) async throws {
        let demo = try await DemoApp.start(users: users, faults: faults)
        let browser = Browser(base: demo.baseURL)
        do {
            try await browser.login("owner", users.password(forRole: "owner") ?? owner)
            try await body(browser, demo)
        } catch {
            browser.session.close()
            await demo.stop()
            throw error
        }
        browser.session.close()
        await demo.stop()
    }

    /// Creates a clinic in trial with `days` left and works in it; returns its id.
    static func newClinic(_ browser: Browser, days: Int = 30) async throws -> Int {
        let created = try await browser.send(
            "POST",
            "/clinics/",
            json: #"{"name": "Test", "trial_days_left": \#(days)}"#
        )
        #expect(created.status == 201, "\(created.bodyText)")
        let id = try #require(object(created)["clinic_id"] as? Int)
        #expect(try await browser.send("POST", "/clinics/\(id)/switch/").status == 200)
        return id
    }

    /// Opens a checkout; returns its id and amount in cents.
    static func checkout(_ browser: Browser, modules: [Int], gateway: String) async throws -> (id: Int, cents: Int) {
        let response = try await browser.send(
            "POST",
            "/dashboard/modules/checkout/",
            json: #"{"module_ids": \#(modules), "gateway": "\#(gateway)"}"#
        )
        #expect(response.status == 201, "\(response.bodyText)")
        let body = object(response)
        return (try #require(body["checkout_id"] as? Int), try #require(body["amount_cents"] as? Int))
    }

    /// Pays a Stripe checkout with `card`; returns the response.
    static func pay(_ browser: Browser, checkout: Int, card: String = "4242424242424242") async throws -> HTTPResponse {
        try await browser.send(
            "POST",
            "/payments/create-payment-intent/",
            json: #"{"checkout_id": \#(checkout), "card_number": "\#(card)", "exp_month": 12, "exp_year": 2030}"#
        )
    }

    /// A Stripe event signed by Ronda's signer.
    static func stripeEvent(
        intent: String,
        cents: Int,
        secret: String,
        timestamp: Int = Int(Date().timeIntervalSince1970)
    ) throws -> SignedWebhook {
        let body = try #require(
            JSONValue.parse(
                #"{"type": "payment_intent.succeeded", "data": {"object": {"id": "\#(intent)", "amount": \#(cents)}}}"#
            )
        )
        return try WebhookSigner.sign(.stripe, body: body, secret: secret, timestamp: timestamp)
    }

    static func post(_ browser: Browser, _ path: String, _ webhook: SignedWebhook) async throws -> HTTPResponse {
        try await browser.send(
            "POST",
            path,
            json: webhook.body,
            headers: webhook.headers.map { HTTPHeader($0.key, $0.value) }
        )
    }

    static func activeModules(_ browser: Browser) async throws -> [Int] {
        object(try await browser.send("GET", "/dashboard/modules/api/my-plan/"))["active_modules"] as? [Int] ?? []
    }

    // MARK: Marketplace

    @Test(
        "the volume-discount table: 1–4 modules 0 %, 5–7 10 %, 8 or more 20 %, in exact cents",
        arguments: [
            (1, 0), (3, 0), (4, 0), (5, 10), (7, 10), (8, 20), (22, 20),
        ]
    )
    func volumeDiscount(count: Int, percent: Int) async throws {
        try await Self.withOwner { browser, _ in
            let response = try await browser.send(
                "POST",
                "/dashboard/modules/api/calculate-price/",
                json: #"{"module_ids": \#(Array(1...count))}"#
            )
            let body = Self.object(response)
            #expect(response.status == 200)
            #expect(body["discount_percentage"] as? Int == percent)
            let subtotal = try #require(body["subtotal_cents"] as? Int)
            #expect(body["discount_cents"] as? Int == subtotal * percent / 100)
            #expect(body["total_cents"] as? Int == subtotal - subtotal * percent / 100)
        }
    }

    @Test("discount-tier-boundary starts each tier one module late")
    func discountBoundaryFault() async throws {
        try await Self.withOwner(faults: ["discount-tier-boundary"]) { browser, _ in
            for (count, percent) in [(4, 0), (5, 0), (6, 10), (8, 10), (9, 20)] {
                let body = Self.object(
                    try await browser.send(
                        "POST",
                        "/dashboard/modules/api/calculate-price/",
                        json: #"{"module_ids": \#(Array(1...count))}"#
                    )
                )
                #expect(body["discount_percentage"] as? Int == percent, "\(count) modules")
            }
        }
    }

    // MARK: Webhooks

    @Test(
        "Stripe: an event signed by Ronda's signer activates; wrong secret, tampered body, stale or missing signature are 400"
    )
    func stripeSignatures() async throws {
        try await Self.withOwner { browser, demo in
            let secret = demo.users.webhookSecrets.stripeWebhookSecret
            _ = try await Self.newClinic(browser)
            let (checkout, cents) = try await Self.checkout(browser, modules: [7, 8], gateway: "stripe")
            let intent = try #require(
                Self.object(try await Self.pay(browser, checkout: checkout))["payment_intent_id"] as? String
            )
            let path = "/payments/webhooks/stripe/"

            let wrongSecret = try await Self.post(
                browser,
                path,
                try Self.stripeEvent(intent: intent, cents: cents, secret: secret + "x")
            )
            #expect(wrongSecret.status == 400)
            #expect(wrongSecret.bodyText.contains("Stripe-Signature"))
            var tampered = try Self.stripeEvent(intent: intent, cents: cents, secret: secret)
            tampered.body = tampered.body.replacingOccurrences(of: "\(cents)", with: "1")
            #expect(try await Self.post(browser, path, tampered).status == 400)
            let stale = try Self.stripeEvent(
                intent: intent,
                cents: cents,
                secret: secret,
                timestamp: Int(Date().timeIntervalSince1970) - 3600
            )
            #expect(try await Self.post(browser, path, stale).status == 400)
            #expect(try await browser.send("POST", path, json: tampered.body).status == 400)
            #expect(try await Self.activeModules(browser).isEmpty)

            let valid = try await Self.post(
                browser,
                path,
                try Self.stripeEvent(intent: intent, cents: cents, secret: secret)
            )
            #expect(valid.status == 200, "\(valid.bodyText)")
            #expect(Self.object(valid)["activated"] as? [Int] == [7, 8])
            #expect(try await Self.activeModules(browser) == [7, 8])
            let again = try await Self.post(
                browser,
                path,
                try Self.stripeEvent(intent: intent, cents: cents, secret: secret)
            )
            #expect(Self.object(again)["duplicate"] as? Bool == true)
            let page = try await browser.send("GET", "/dashboard/modules/my-plan/")
            #expect(page.bodyText.contains(#"id="module-8""#) && page.bodyText.contains("Activo"))
        }
    }

    /// A Wompi `transaction.updated` event signed by Ronda's signer (upper-case checksum).
    static func wompiEvent(transaction: String, cents: Int, secret: String) throws -> SignedWebhook {
        let body = try #require(
            JSONValue.parse(
                #"{"event": "transaction.updated", "data": {"transaction": {"id": "\#(transaction)", "status": "APPROVED", "amount_in_cents": \#(cents)}}, "environment": "test"}"#
            )
        )
        return try WebhookSigner.sign(.wompi, body: body, secret: secret, timestamp: Int(Date().timeIntervalSince1970))
    }

    /// Opens a Wompi checkout and transaction; returns the transaction id and amount.
    static func wompiTransaction(_ browser: Browser, modules: [Int]) async throws -> (String, Int) {
        _ = try await newClinic(browser)
        let (checkout, cents) = try await Self.checkout(browser, modules: modules, gateway: "wompi")
        let created = try await browser.send(
            "POST",
            "/payments/wompi/transactions/",
            json: #"{"checkout_id": \#(checkout), "card_number": "4242424242424242"}"#
        )
        #expect(created.status == 201)
        return (try #require(object(created)["transaction_id"] as? String), cents)
    }

    @Test("Wompi: Ronda's upper-case checksum and its lower-case form are accepted; a wrong secret is 400")
    func wompiSignatures() async throws {
        try await Self.withOwner { browser, demo in
            let secret = demo.users.webhookSecrets.wompiEventsSecret
            let (transaction, cents) = try await Self.wompiTransaction(browser, modules: [12, 13, 14, 15, 16])
            let path = "/payments/webhooks/wompi/"
            let wrong = try await Self.post(
                browser,
                path,
                try Self.wompiEvent(transaction: transaction, cents: cents, secret: secret + "x")
            )
            #expect(wrong.status == 400)
            #expect(wrong.bodyText.contains("checksum"))
            #expect(try await Self.activeModules(browser).isEmpty)
            let signed = try Self.wompiEvent(transaction: transaction, cents: cents, secret: secret)
            #expect(
                signed.body.contains(#""checksum":""#) && signed.body != signed.body.lowercased(),
                "Ronda signs in upper case"
            )
            var lower = signed
            lower.body = signed.body.replacingOccurrences(
                of: signed.headers["X-Event-Checksum"] ?? "-",
                with: (signed.headers["X-Event-Checksum"] ?? "-").lowercased()
            )
            let accepted = try await Self.post(browser, path, lower)
            #expect(accepted.status == 200, "\(accepted.bodyText)")
            #expect(Self.object(accepted)["activated"] as? [Int] == [12, 13, 14, 15, 16])
            #expect(Self.object(try await Self.post(browser, path, signed))["duplicate"] as? Bool == true)
        }
    }

    @Test("the app checks with the secrets it was given, from DEMO_STRIPE_WEBHOOK_SECRET and DEMO_WOMPI_EVENTS_SECRET")
    func secretsFromEnvironment() async throws {
        let environment = ["DEMO_STRIPE_WEBHOOK_SECRET": "whsec_custom", "DEMO_WOMPI_EVENTS_SECRET": "events_custom"]
        #expect(DemoSecrets.fromEnvironment([:]) == DemoSecrets())
        let users = DemoUsers.fromEnvironment(environment)
        #expect(users.webhookSecrets.stripeWebhookSecret == "whsec_custom")
        #expect(users.webhookSecrets.value(forRondaVariable: "RONDA_WOMPI_EVENTS_SECRET") == "events_custom")
        try await Self.withOwner(users: users) { browser, _ in
            _ = try await Self.newClinic(browser)
            let (checkout, cents) = try await Self.checkout(browser, modules: [3], gateway: "stripe")
            let intent = try #require(
                Self.object(try await Self.pay(browser, checkout: checkout))["payment_intent_id"] as? String
            )
            let withDefault = try Self.stripeEvent(
                intent: intent,
                cents: cents,
                secret: DemoSecrets().stripeWebhookSecret
            )
            #expect(try await Self.post(browser, "/payments/webhooks/stripe/", withDefault).status == 400)
            let withCustom = try Self.stripeEvent(intent: intent, cents: cents, secret: "whsec_custom")
            #expect(try await Self.post(browser, "/payments/webhooks/stripe/", withCustom).status == 200)
        }
    }

    // MARK: Trial

    @Test("an expired trial reads but refuses writes with 403 until a payment puts the clinic on the paid plan")
    func trialReadOnly() async throws {
        try await Self.withOwner { browser, demo in
            let clinic = try await Self.newClinic(browser, days: 0)
            let patient: [(String, String)] = [
                ("first_name", "Eva"), ("last_name", "Ruiz"), ("identification", "77001122"),
                ("email", "eva@example.test"), ("phone", "3000000000"),
            ]
            #expect(try await browser.send("GET", "/patients/api/search/?q=Ana").status == 200)
            let refused = try await browser.send("POST", "/patients/create/", form: patient)
            #expect(refused.status == 403)
            #expect(Self.object(refused)["read_only"] as? Bool == true)
            #expect(try await browser.send("GET", "/dashboard/modules/my-plan/").bodyText.contains("solo lectura"))
            let (checkout, cents) = try await Self.checkout(browser, modules: [5], gateway: "stripe")
            let intent = try #require(
                Self.object(try await Self.pay(browser, checkout: checkout))["payment_intent_id"] as? String
            )
            let event = try Self.stripeEvent(
                intent: intent,
                cents: cents,
                secret: demo.users.webhookSecrets.stripeWebhookSecret
            )
            #expect(try await Self.post(browser, "/payments/webhooks/stripe/", event).status == 200)
            let current = Self.object(try await browser.send("GET", "/clinics/current/"))
            #expect(current["plan"] as? String == "active" && current["read_only"] as? Bool == false)
            #expect(try await browser.send("POST", "/patients/create/", form: patient).status == 201)
            #expect(try await browser.send("DELETE", "/clinics/\(clinic)/").status == 200)
            #expect(try await browser.send("DELETE", "/clinics/1/").status == 400)
        }
    }

    @Test("trial-never-read-only lets an expired clinic write")
    func trialFault() async throws {
        try await Self.withOwner(faults: ["trial-never-read-only"]) { browser, _ in
            _ = try await Self.newClinic(browser, days: -1)
            #expect(Self.object(try await browser.send("GET", "/clinics/current/"))["read_only"] as? Bool == true)
            let created = try await browser.send("POST", "/consultations/", json: #"{"patient_id": 1}"#)
            #expect(created.status == 201)
        }
    }
}

// MARK: Appointments, consultations and the remaining faults

extension OpticaAppTests {
    /// Registers a patient and books `time` with `doctor` on `date`; returns (patient, appointment, status).
    static func book(
        _ browser: Browser,
        doctor: Int = 1,
        date: String,
        time: String = "09:00"
    ) async throws -> (Int, Int?, Int) {
        let identification = String(Int.random(in: 10_000_000...99_999_999))
        let created = try await browser.send(
            "POST",
            "/patients/create/",
            form: [
                ("first_name", "Test"), ("last_name", "Paciente"), ("identification", identification),
                ("email", "t@example.test"), ("phone", "3001112233"),
            ]
        )
        let patient = try #require(object(created)["patient_id"] as? Int)
        let booked = try await browser.send(
            "POST",
            "/appointments/create/",
            json: #"{"patient_id": \#(patient), "doctor_id": \#(doctor), "date": "\#(date)", "time": "\#(time)"}"#
        )
        return (patient, object(booked)["appointment_id"] as? Int, booked.status)
    }

    static func slots(_ browser: Browser, doctor: Int = 1, date: String) async throws -> [String] {
        object(try await browser.send("GET", "/appointments/availability/?doctor=\(doctor)&date=\(date)"))["slots"]
            as? [String] ?? []
    }

    @Test(
        "reschedule frees the old slot and takes the new one; cancel needs a reason and keeps it",
        arguments: [false, true]
    )
    func rescheduleAndCancel(faulty: Bool) async throws {
        let faults: Set<String> = faulty ? ["reschedule-keeps-old-slot", "cancel-reason-lost"] : []
        try await Self.withOwner(faults: faults) { browser, _ in
            let (_, booked, status) = try await Self.book(browser, date: "2031-03-04")
            #expect(status == 201)
            let id = try #require(booked)
            let moved = try await browser.send(
                "POST",
                "/appointments/\(id)/reschedule/",
                json: #"{"date": "2031-03-05", "time": "10:30"}"#
            )
            #expect(moved.status == 200)
            #expect(Self.object(moved)["rescheduled"] as? Int == 1)
            #expect(
                try await Self.slots(browser, date: "2031-03-04").contains("09:00") == !faulty,
                "the old slot is free unless the fault keeps it"
            )
            #expect(try await !Self.slots(browser, date: "2031-03-05").contains("10:30"))
            #expect(
                try await browser.send(
                    "POST",
                    "/appointments/\(id)/reschedule/",
                    json: #"{"date": "2031-03-05", "time": "10:10"}"#
                ).status == 400
            )

            #expect(
                try await browser.send("POST", "/appointments/\(id)/cancel/", form: [("reason", " ")]).status == 400
            )
            #expect(
                try await browser.send("POST", "/appointments/\(id)/cancel/", form: [("reason", "Viaje")]).status == 200
            )
            let detail = Self.object(try await browser.send("GET", "/appointments/\(id)/"))
            #expect(detail["status"] as? String == "cancelled")
            #expect((detail["cancel_reason"] as? String) == (faulty ? nil : "Viaje"))
            #expect(
                try await browser.send(
                    "POST",
                    "/appointments/\(id)/reschedule/",
                    json: #"{"date": "2031-03-06", "time": "10:30"}"#
                ).status == 400
            )
        }
    }

    @Test("session-cookie-dropped: login redirects but sets no sessionid, so the dashboard stays closed")
    func sessionCookieFault() async throws {
        for faulty in [false, true] {
            let demo = try await DemoApp.start(
                users: .fromEnvironment([:]),
                faults: faulty ? ["session-cookie-dropped"] : []
            )
            let browser = Browser(base: demo.baseURL)
            let login = try await browser.login("owner", Self.owner)
            #expect(login.status == 302)
            #expect(login.headers(named: "Set-Cookie").contains { $0.hasPrefix("sessionid=") } == !faulty)
            #expect(try await browser.send("GET", "/dashboard/").status == (faulty ? 302 : 200))
            browser.session.close()
            await demo.stop()
        }
    }

    @Test("appointment-monday-500: booking a Monday answers 500 and books nothing; Tuesday still works")
    func mondayFault() async throws {
        try await Self.withOwner(faults: ["appointment-monday-500"]) { browser, _ in
            let (_, monday, mondayStatus) = try await Self.book(browser, date: "2031-03-03")  // a Monday
            #expect(mondayStatus == 500)
            #expect(monday == nil)
            #expect(try await Self.slots(browser, date: "2031-03-03").count == 16)
            #expect(try await Self.book(browser, date: "2031-03-04").2 == 201)
        }
        try await Self.withOwner { browser, _ in
            let (_, _, status) = try await Self.book(browser, date: "2031-03-03")
            #expect(status == 201)
        }
    }

    @Test("slow-availability takes 2 s; availability-no-slots lists nothing")
    func availabilityFaults() async throws {
        try await Self.withOwner(faults: ["slow-availability"]) { browser, _ in
            let clock = ContinuousClock()
            let start = clock.now
            let slots = try await Self.slots(browser, date: "2031-05-05")
            #expect(slots.count == 16)
            #expect(clock.now - start >= .seconds(2))
        }
        try await Self.withOwner(faults: ["availability-no-slots"]) { browser, _ in
            let slots = try await Self.slots(browser, date: "2031-05-05")
            #expect(slots.isEmpty)
        }
        try await Self.withOwner { browser, _ in
            let clock = ContinuousClock()
            let start = clock.now
            let slots = try await Self.slots(browser, date: "2031-05-05")
            #expect(slots.count == 16)
            #expect(clock.now - start < .milliseconds(1_800))  // the fault adds 2 s
        }
    }

    @Test(
        "a consultation's prescription keeps each eye's values; prescription-eyes-swapped swaps them",
        arguments: [false, true]
    )
    func prescription(faulty: Bool) async throws {
        try await Self.withOwner(faults: faulty ? ["prescription-eyes-swapped"] : []) { browser, _ in
            let started = try await browser.send("POST", "/consultations/", json: #"{"patient_id": 2}"#)
            let id = try #require(Self.object(started)["consultation_id"] as? Int)
            #expect(try await browser.send("POST", "/consultations/\(id)/prescription/", json: "{}").status == 409)
            let exam =
                #"{"od": {"sphere": -2.25, "cylinder": -0.75, "axis": 180}, "oi": {"sphere": "-1.50", "cylinder": -0.5, "axis": 170}}"#
            #expect(try await browser.send("POST", "/consultations/\(id)/refraction/", json: exam).status == 201)
            let bad = try await browser.send(
                "POST",
                "/consultations/\(id)/refraction/",
                json: #"{"od": {"sphere": -2.3}, "oi": {"sphere": 0, "cylinder": -1, "axis": 0}}"#
            )
            #expect(bad.status == 400)
            #expect((Self.object(bad)["problems"] as? [String])?.count == 2)
            let written = Self.object(
                try await browser.send(
                    "POST",
                    "/consultations/\(id)/prescription/",
                    json: #"{"lens_type": "monofocal"}"#
                )
            )
            let expected =
                faulty ? "OD -1.50 -0.50 x 170; OI -2.25 -0.75 x 180" : "OD -2.25 -0.75 x 180; OI -1.50 -0.50 x 170"
            #expect(written["formula"] as? String == expected)
            #expect(
                try await browser.send("POST", "/consultations/\(id)/finish/").status == 409,
                "no clinical history yet"
            )
            #expect(
                try await browser.send("POST", "/consultations/\(id)/history/", json: #"{"reason": "Control"}"#).status
                    == 200
            )
            #expect(try await browser.send("POST", "/consultations/\(id)/finish/").status == 200)
            #expect(try await browser.send("DELETE", "/consultations/\(id)/").status == 200)
        }
    }

    @Test(
        "the declined sandbox card is a 402 that activates nothing; declined-card-accepted charges it",
        arguments: [false, true]
    )
    func declinedCard(faulty: Bool) async throws {
        try await Self.withOwner(faults: faulty ? ["declined-card-accepted"] : []) { browser, _ in
            _ = try await Self.newClinic(browser)
            let (checkout, _) = try await Self.checkout(browser, modules: [10], gateway: "stripe")
            let paid = try await Self.pay(browser, checkout: checkout, card: "4000 0000 0000 0002")
            #expect(paid.status == (faulty ? 200 : 402))
            #expect(Self.object(paid)["status"] as? String == (faulty ? "succeeded" : "requires_payment_method"))
            #expect(try await Self.pay(browser, checkout: checkout, card: "4111111111111111").status == 400)
        }
    }

    @Test(
        "stripe-signature-unchecked accepts a forged event; wompi-checksum-lowercase refuses Ronda's valid upper-case checksum"
    )
    func webhookFaults() async throws {
        try await Self.withOwner(faults: ["stripe-signature-unchecked"]) { browser, _ in
            _ = try await Self.newClinic(browser)
            let (checkout, cents) = try await Self.checkout(browser, modules: [11], gateway: "stripe")
            let intent = try #require(
                Self.object(try await Self.pay(browser, checkout: checkout))["payment_intent_id"] as? String
            )
            let forged = try Self.stripeEvent(intent: intent, cents: cents, secret: "not-the-secret")
            #expect(try await Self.post(browser, "/payments/webhooks/stripe/", forged).status == 200)
            #expect(try await Self.activeModules(browser) == [11])
        }
        try await Self.withOwner(faults: ["wompi-checksum-lowercase"]) { browser, demo in
            let (transaction, cents) = try await Self.wompiTransaction(browser, modules: [20])
            let signed = try Self.wompiEvent(
                transaction: transaction,
                cents: cents,
                secret: demo.users.webhookSecrets.wompiEventsSecret
            )
            #expect(try await Self.post(browser, "/payments/webhooks/wompi/", signed).status == 400)
            #expect(try await Self.activeModules(browser).isEmpty)
        }
    }

    @Test("the optica's faults: at least 6, unique kebab-case names, each with a summary, all in the catalogue")
    func faultCatalogue() {
        let names = OpticaFaults.all.map(\.name)
        #expect(names.count >= 6)
        #expect(Set(names).count == names.count)
        #expect(names.allSatisfy { $0.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" } })
        #expect(OpticaFaults.all.allSatisfy { !$0.summary.isEmpty })
        #expect(DemoFaults.unknown(names).isEmpty)
    }

    @Test("roles: the receptionist may not read clinical histories or buy modules; the doctor may not book")
    func roles() async throws {
        let demo = try await DemoApp.start(users: .fromEnvironment([:]))
        let receptionist = Browser(base: demo.baseURL)
        let doctor = Browser(base: demo.baseURL)
        try await receptionist.login("receptionist", "receptionist-demo-pass")
        try await doctor.login("doctor", "doctor-demo-pass")
        #expect(try await receptionist.send("GET", "/patients/1/history/").status == 403)
        #expect(try await receptionist.send("GET", "/dashboard/modules/my-plan/").status == 403)
        #expect(try await doctor.send("GET", "/patients/1/history/").status == 200)
        #expect(try await doctor.send("POST", "/appointments/create/", json: "{}").status == 403)
        #expect(try await Browser(base: demo.baseURL).send("GET", "/clinics/current/").status == 302)
        receptionist.session.close()
        doctor.session.close()
        await demo.stop()
    }
}
