import DemoTarget
import Foundation
import RondaCore
import RondaHTTP
import RondaTestSupport
import Testing

/// The demo target's cafeteria API, started in process and called over HTTP with Ronda's own
/// client: the rules the cafeteria plan tests (stock under concurrency, transitions, webhook
/// signatures, refunds), and every cafeteria fault changing the behaviour it claims to.
@Suite("Cafeteria API")
struct CafeteriaAPITests {
    // MARK: A small client

    /// One answer: status, headers, body text and the body parsed as JSON (or `nil`).
    struct Answer {
        var status: Int
        var contentType: String
        var text: String
        var json: Any?

        subscript(key: String) -> Any? { (json as? [String: Any])?[key] }
        func string(_ key: String) -> String? { self[key].map { "\($0)" } }
        func int(_ key: String) -> Int? { self[key] as? Int }
    }

    /// Calls the app. Every call has its own `HTTPSession`, so calls can run at once.
    struct API: Sendable {
        let base: String

        func call(
            _ method: String,
            _ path: String,
            token: String? = nil,
            json: [String: Any]? = nil,
            headers: [String: String] = [:],
            body: String? = nil
        ) async throws -> Answer {
            var list = headers.map { HTTPHeader($0.key, $0.value) }
            if let token { list.append(HTTPHeader("Authorization", "Bearer \(token)")) }
            var bytes: [UInt8]?
            if let json {
                bytes = Array(try JSONSerialization.data(withJSONObject: json))
                list.append(HTTPHeader("Content-Type", "application/json"))
            } else if let body {
                bytes = Array(body.utf8)
                list.append(HTTPHeader("Content-Type", "application/json"))
            }
            let session = HTTPSession()
            defer { session.close() }
            let response = try await session.send(
                HTTPRequest(method: method, url: base + path, headers: list, body: bytes)
            )
            let text = response.bodyText
            return Answer(
                status: response.status,
                contentType: response.header("Content-Type") ?? "",
                text: text,
                json: try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
            )
        }

        func login(_ email: String, _ password: String) async throws -> String {
            let answer = try await call("POST", "/api/v1/auth/login", json: ["email": email, "password": password])
            #expect(answer.status == 200, "login \(email): \(answer.text)")
            return answer.string("access_token") ?? ""
        }
    }

    /// A running app with the seeded accounts logged in.
    struct Fixture: Sendable {
        let demo: RunningDemo
        let api: API
        let customer: String
        let owner: String
        let admin: String

        static func start() async throws -> Fixture {
            let demo = try await DemoApp.start(users: .fromEnvironment([:]))
            let api = API(base: demo.baseURL)
            return Fixture(
                demo: demo,
                api: api,
                customer: try await api.login("customer@cafeteria.demo", "customer-demo-pass"),
                owner: try await api.login("owner@cafeteria.demo", "cafeteria-owner-demo-pass"),
                admin: try await api.login("admin@cafeteria.demo", "cafeteria-admin-demo-pass")
            )
        }

        /// A fresh business of the owner's with one product of `stock` units at 2500.00.
        func shop(stock: Int) async throws -> (business: Int, product: Int) {
            let business = try await api.call(
                "POST",
                "/api/v1/businesses",
                token: owner,
                json: ["name": "Test \(UUID().uuidString.prefix(8))"]
            )
            #expect(business.status == 201, "\(business.text)")
            let id = business.int("id") ?? -1
            let product = try await api.call(
                "POST",
                "/api/v1/businesses/\(id)/products",
                token: owner,
                json: ["name": "Empanada", "price": "2500.00", "stock": stock]
            )
            #expect(product.status == 201, "\(product.text)")
            return (id, product.int("id") ?? -1)
        }

        func order(_ product: Int, quantity: Int = 1, token: String? = nil) async throws -> Answer {
            try await api.call(
                "POST",
                "/api/v1/orders",
                token: token ?? customer,
                json: ["items": [["product_id": product, "quantity": quantity]]]
            )
        }

        func setStatus(_ order: Int, _ status: String) async throws -> Answer {
            try await api.call("PATCH", "/api/v1/orders/\(order)/status", token: owner, json: ["status": status])
        }

        func stock(_ product: Int) async throws -> Int {
            try await api.call("GET", "/api/v1/products/\(product)").int("stock") ?? Int.min
        }

        /// A Mercado Pago notification signed by Ronda's `WebhookSigner` (or with `secret`).
        func notify(payment: String, preference: String, status: String, secret: String? = nil) async throws -> Answer {
            let body: JSONValue = .object([
                "type": .string("payment"),
                "data": .object([
                    "id": .string(payment), "status": .string(status), "preference_id": .string(preference),
                ]),
            ])
            let signed = try WebhookSigner.sign(
                .mercadopago,
                body: body,
                secret: secret ?? demo.users.mercadoPagoWebhookSecret,
                timestamp: Int(Date().timeIntervalSince1970)
            )
            return try await api.call("POST", "/api/v1/payments/webhook", headers: signed.headers, body: signed.body)
        }

        /// An order of the owner's at business 1, paid through a signed webhook; returns (order, payment id).
        func paidOrder() async throws -> (order: Int, payment: String) {
            let placed = try await order(4, token: owner)
            let id = placed.int("id") ?? -1
            let preference = try await api.call(
                "POST",
                "/api/v1/payments/create-preference",
                token: owner,
                json: ["order_id": id]
            )
            #expect(preference.status == 200, "\(preference.text)")
            let payment = String(Int.random(in: 1_000_000...9_999_999))
            let approved = try await notify(
                payment: payment,
                preference: preference.string("preference_id") ?? "",
                status: "approved"
            )
            #expect(approved.status == 200, "\(approved.text)")
            return (id, payment)
        }

        func cancel(_ order: Int, token: String? = nil) async throws {
            _ = try await api.call("DELETE", "/api/v1/orders/\(order)", token: token ?? customer)
        }

        func deleteBusiness(_ id: Int) async throws {
            _ = try await api.call("DELETE", "/api/v1/businesses/\(id)", token: admin)
        }
    }

    // MARK: Rules

    /// Ten one-unit orders fired at once, each on its own connection: (status, detail) of each.
    static func tenAtOnce(_ f: Fixture, product: Int) async throws -> [(status: Int, detail: String)] {
        try await withThrowingTaskGroup(of: (status: Int, detail: String).self) { group in
            for _ in 0..<10 {
                group.addTask {
                    let answer = try await f.order(product)
                    return (answer.status, answer.string("detail") ?? "")
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    @Test("ten concurrent orders for five units: five accepted, five refused for stock, stock ends at zero")
    func concurrentOrdersNeverOversell() async throws {
        let f = try await Fixture.start()
        let shop = try await f.shop(stock: 5)
        let answers = try await Self.tenAtOnce(f, product: shop.product)
        #expect(answers.filter { $0.status == 201 }.count == 5)
        let refused = answers.filter { $0.status == 400 }
        #expect(refused.count == 5)
        #expect(refused.allSatisfy { $0.detail.lowercased().contains("stock") })
        #expect(try await f.stock(shop.product) == 0)
        let health = try await f.api.call("GET", "/api/v1/health")
        #expect(health.status == 200 && health.string("storage") == "ok", "\(health.text)")
        try await f.deleteBusiness(shop.business)
        await f.demo.stop()
    }

    @Test("with stock-not-decremented-atomically, ten concurrent orders oversell and the stock goes below zero")
    func concurrentOrdersOversellUnderTheFault() async throws {
        let f = try await Fixture.start()
        f.demo.faults.set([CafeteriaFaults.stockNotDecrementedAtomically.name])
        let shop = try await f.shop(stock: 5)
        let answers = try await Self.tenAtOnce(f, product: shop.product)
        #expect(answers.filter { $0.status == 201 }.count > 5)
        #expect(await eventually(30) { f.demo.faults.pendingBackgroundJobs == 0 }, "the fault's late stock takes ran")
        #expect(try await f.stock(shop.product) < 0)
        let health = try await f.api.call("GET", "/api/v1/health")
        #expect(health.status == 503, "the storage check notices negative stock: \(health.text)")
        try await f.deleteBusiness(shop.business)
        await f.demo.stop()
    }

    @Test("transitions: pending → confirmed → completed; anything else is an invalid transition; cancel rules")
    func transitions() async throws {
        let f = try await Fixture.start()
        let shop = try await f.shop(stock: 10)
        let placed = try await f.order(shop.product, quantity: 3)
        #expect(placed.status == 201 && placed.string("total") == "7500.00" && placed.string("status") == "pending")
        let id = placed.int("id") ?? -1
        let skip = try await f.setStatus(id, "completed")
        #expect(skip.status == 400 && (skip.string("detail") ?? "").contains("invalid transition"), "\(skip.text)")
        #expect(
            try await f.api.call(
                "PATCH",
                "/api/v1/orders/\(id)/status",
                token: f.customer,
                json: ["status": "confirmed"]
            ).status == 403
        )
        #expect(try await f.setStatus(id, "confirmed").string("status") == "confirmed")
        #expect(try await f.setStatus(id, "pending").status == 400)
        #expect(try await f.setStatus(id, "completed").string("status") == "completed")
        let cancelCompleted = try await f.api.call("DELETE", "/api/v1/orders/\(id)", token: f.customer)
        #expect(
            cancelCompleted.status == 400 && (cancelCompleted.string("detail") ?? "").contains("cannot cancel"),
            "\(cancelCompleted.text)"
        )
        #expect(try await f.stock(shop.product) == 7)

        let pending = try await f.order(shop.product, quantity: 2)
        let cancelled = try await f.api.call("DELETE", "/api/v1/orders/\(pending.int("id") ?? -1)", token: f.customer)
        #expect(cancelled.status == 200 && cancelled.string("status") == "cancelled")
        #expect(try await f.stock(shop.product) == 7, "cancelling gives the stock back")
        try await f.deleteBusiness(shop.business)
        await f.demo.stop()
    }

    @Test(
        "webhook: signed by Ronda's WebhookSigner it is accepted; forged, unsigned or signed with another secret it is a 401"
    )
    func webhookSignatures() async throws {
        let f = try await Fixture.start()
        let placed = try await f.order(4)
        let id = placed.int("id") ?? -1
        let preference = try await f.api.call(
            "POST",
            "/api/v1/payments/create-preference",
            token: f.customer,
            json: ["order_id": id, "amount": 1500]
        )
        #expect(
            preference.status == 200 && preference.string("init_point")?.hasPrefix("https://") == true,
            "\(preference.text)"
        )
        let pref = preference.string("preference_id") ?? ""

        let wrongSecret = try await f.notify(
            payment: "111",
            preference: pref,
            status: "approved",
            secret: "not-the-secret"
        )
        #expect(wrongSecret.status == 401)
        let forged = try await f.api.call(
            "POST",
            "/api/v1/payments/webhook",
            json: ["type": "payment", "data": ["id": "111", "status": "approved", "preference_id": pref]],
            headers: ["x-signature": "ts=1,v1=00", "x-request-id": "r"]
        )
        #expect(forged.status == 401)
        let unsigned = try await f.api.call(
            "POST",
            "/api/v1/payments/webhook",
            json: ["type": "payment", "data": ["id": "111"]]
        )
        #expect(unsigned.status == 401)
        #expect(
            try await f.api.call("GET", "/api/v1/orders/\(id)", token: f.customer).string("payment_status") == "pending"
        )

        let approved = try await f.notify(payment: "111", preference: pref, status: "approved")
        #expect(approved.status == 200 && approved.string("payment_status") == "paid", "\(approved.text)")
        #expect(
            try await f.api.call("GET", "/api/v1/orders/\(id)", token: f.customer).string("payment_status") == "paid"
        )
        try await f.cancel(id)
        await f.demo.stop()
    }

    @Test("a rejected payment marks the order failed; a refund works once, the second is 400 'already refunded'")
    func rejectedAndRefunds() async throws {
        let f = try await Fixture.start()
        let placed = try await f.order(4)
        let id = placed.int("id") ?? -1
        let preference = try await f.api.call(
            "POST",
            "/api/v1/payments/create-preference",
            token: f.customer,
            json: ["order_id": id]
        )
        _ = try await f.notify(payment: "222", preference: preference.string("preference_id") ?? "", status: "rejected")
        #expect(
            try await f.api.call("GET", "/api/v1/orders/\(id)", token: f.customer).string("payment_status") == "failed"
        )
        try await f.cancel(id)

        let paid = try await f.paidOrder()
        #expect(
            try await f.api.call("POST", "/api/v1/payments/\(paid.payment)/refund", token: f.customer).status == 403
        )
        let first = try await f.api.call("POST", "/api/v1/payments/\(paid.payment)/refund", token: f.owner)
        #expect(first.status == 200 && first.string("status") == "refunded", "\(first.text)")
        let second = try await f.api.call("POST", "/api/v1/payments/\(paid.payment)/refund", token: f.owner)
        #expect(second.status == 400 && (second.string("detail") ?? "").contains("already refunded"), "\(second.text)")
        try await f.cancel(paid.order, token: f.owner)
        await f.demo.stop()
    }

    @Test("/openapi.json describes the cafeteria's operations and /docs lists them")
    func openAPI() async throws {
        let f = try await Fixture.start()
        let document = try await f.api.call("GET", "/openapi.json")
        let paths = document["paths"] as? [String: Any] ?? [:]
        for path in [
            "/api/v1/orders", "/api/v1/orders/{id}/status", "/api/v1/payments/webhook", "/api/v1/payments/{id}/refund",
            "/api/v1/businesses/{id}",
        ] {
            #expect(paths[path] != nil, "\(path) is missing")
        }
        let docs = try await f.api.call("GET", "/docs")
        #expect(docs.contentType.hasPrefix("text/html") && docs.text.contains("/api/v1/payments/webhook"))
        await f.demo.stop()
    }

    // MARK: Faults

    /// For each cafeteria fault: `true` when the app behaves as it should (cleaning up after itself).
    static let probes: [String: @Sendable (Fixture) async throws -> Bool] = [
        "order-total-off-by-one": { f in
            let placed = try await f.order(2, quantity: 2)
            try await f.cancel(placed.int("id") ?? -1)
            return placed.string("total") == "5000.00"
        },
        "stock-not-decremented-atomically": { f in
            let shop = try await f.shop(stock: 1)
            _ = try await f.order(shop.product)
            let second = try await f.order(shop.product)
            try await f.deleteBusiness(shop.business)
            return second.status == 400
        },
        "webhook-signature-unchecked": { f in
            try await f.api.call(
                "POST",
                "/api/v1/payments/webhook",
                json: ["type": "payment", "data": ["id": "1", "status": "approved", "preference_id": "x"]]
            ).status == 401
        },
        "refund-twice": { f in
            let paid = try await f.paidOrder()
            _ = try await f.api.call("POST", "/api/v1/payments/\(paid.payment)/refund", token: f.owner)
            let second = try await f.api.call("POST", "/api/v1/payments/\(paid.payment)/refund", token: f.owner)
            try await f.cancel(paid.order, token: f.owner)
            return second.status == 400
        },
        "owner-reads-other-business-orders": { f in
            let list = try await f.api.call("GET", "/api/v1/businesses/2/orders", token: f.owner).status
            let one = try await f.api.call("GET", "/api/v1/orders/1", token: f.owner).status
            return list == 403 && one == 404
        },
        "orders-wrong-content-type": { f in
            try await f.api.call("GET", "/api/v1/orders", token: f.customer).contentType.hasPrefix("application/json")
        },
        "html-error-page": { f in
            let answer = try await f.order(99999)
            return answer.status == 404 && answer.string("detail") == "product 99999 not found"
        },
        "slow-menu": { f in
            // Whether the fault acted on this request is read from the switchboard, not from the
            // clock (a loaded machine can be slow without it); when it acted, the answer waited
            // its 2 s — a lower bound, which load cannot break.
            let before = f.demo.faults.actions(of: CafeteriaFaults.slowMenu)
            let start = ContinuousClock.now
            _ = try await f.api.call("GET", "/api/v1/products")
            let slowed = f.demo.faults.actions(of: CafeteriaFaults.slowMenu) > before
            if slowed { #expect(ContinuousClock.now - start >= .seconds(2)) }
            return !slowed
        },
        "cancel-completed-order": { f in
            let shop = try await f.shop(stock: 2)
            let id = try await f.order(shop.product).int("id") ?? -1
            _ = try await f.setStatus(id, "confirmed")
            _ = try await f.setStatus(id, "completed")
            let cancel = try await f.api.call("DELETE", "/api/v1/orders/\(id)", token: f.customer)
            try await f.deleteBusiness(shop.business)
            return cancel.status == 400
        },
        "invalid-transition-allowed": { f in
            let shop = try await f.shop(stock: 2)
            let id = try await f.order(shop.product).int("id") ?? -1
            let skip = try await f.setStatus(id, "completed")
            try await f.deleteBusiness(shop.business)
            return skip.status == 400
        },
        "negative-quantity-accepted": { f in
            let answer = try await f.order(6, quantity: -1)
            if let id = answer.int("id") { try await f.cancel(id) }
            return answer.status == 422
        },
        "rejected-payment-marked-paid": { f in
            let id = try await f.order(4).int("id") ?? -1
            let preference = try await f.api.call(
                "POST",
                "/api/v1/payments/create-preference",
                token: f.customer,
                json: ["order_id": id]
            )
            _ = try await f.notify(
                payment: String(Int.random(in: 1...999_999)),
                preference: preference.string("preference_id") ?? "",
                status: "rejected"
            )
            let status = try await f.api.call("GET", "/api/v1/orders/\(id)", token: f.customer).string("payment_status")
            try await f.cancel(id)
            return status == "failed"
        },
        "jwt-signature-unchecked": { f in
            try await f.api.call("GET", "/api/v1/auth/me", token: f.customer + "x").status == 401
        },
        "customer-creates-business": { f in
            let answer = try await f.api.call("POST", "/api/v1/businesses", token: f.customer, json: ["name": "Mine"])
            if let id = answer.int("id") { try await f.deleteBusiness(id) }
            return answer.status == 403
        },
    ]

    @Test("there are at least 7 cafeteria faults, each with a unique kebab-case name and a probe")
    func catalogue() {
        let names = CafeteriaFaults.all.map(\.name)
        #expect(names.count >= 7)
        #expect(Set(names).count == names.count)
        #expect(names.allSatisfy { $0.range(of: "^[a-z0-9]+(-[a-z0-9]+)*$", options: .regularExpression) != nil })
        #expect(Set(names) == Set(Self.probes.keys))
    }

    @Test(
        "each cafeteria fault, switched on, changes the behaviour it claims to, and only while on",
        arguments: CafeteriaFaults.all.map(\.name)
    )
    func faultChangesBehaviour(_ name: String) async throws {
        let probe = try #require(Self.probes[name])
        let f = try await Fixture.start()
        #expect(try await probe(f), "\(name): the healthy app misbehaves")
        f.demo.faults.set([name])
        #expect(try await probe(f) == false, "\(name): switching the fault on changed nothing")
        f.demo.faults.set([])
        #expect(
            await eventually(30) { f.demo.faults.pendingBackgroundJobs == 0 },
            "\(name): the fault's background jobs ran"
        )
        #expect(try await probe(f), "\(name): switching it off did not restore the behaviour")
        let products = try await f.api.call("GET", "/api/v1/products").json as? [[String: Any]] ?? []
        #expect(products.count == 6, "\(name): the probe left products behind")
        await f.demo.stop()
    }
}
