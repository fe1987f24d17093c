import Foundation
import Hummingbird

/// The module marketplace and the clinics (tenants). Owners only.
///
/// | route | answer |
/// |---|---|
/// | `GET /dashboard/modules/marketplace/` | the catalogue (HTML) |
/// | `GET /dashboard/modules/api/modules/` | `{modules, volume_discounts}` |
/// | `POST /dashboard/modules/api/calculate-price/` `{module_ids}` | the quote: subtotal, `discount_percentage`, total (cents and text) |
/// | `POST /dashboard/modules/checkout/` `{module_ids, gateway: stripe\|wompi}` | 201 `{checkout_id, amount_cents, reference, …}` |
/// | `GET /dashboard/modules/my-plan/` | the clinic's plan and active modules (HTML, `id="module-N"` … `Activo`) |
/// | `GET /dashboard/modules/api/my-plan/`, `GET /clinics/current/` | the clinic as JSON |
/// | `GET /clinics/` | `{clinics}` |
/// | `POST /clinics/` `{name?, trial_days_left?}` | 201 a new clinic in trial (`trial_days_left` 0 or less: already expired) |
/// | `POST /clinics/{id}/switch/` | 200: the session now works in that clinic |
/// | `DELETE /clinics/{id}/` | 200 (not the main clinic, id 1) |
extension OpticaRoutes {
    static let owners: Set<String> = ["owner"]

    func registerMarketplace(on router: Router<BasicRequestContext>) {
        router.get(
            "/dashboard/modules/marketplace/",
            use: signedIn(roles: Self.owners) { _, _, user in marketplacePage(user.clinic) }
        )
        router.get(
            "/dashboard/modules/api/modules/",
            use: signedIn(roles: Self.owners) { _, _, _ in
                HTTPReply.json(
                    .ok,
                    Catalogue(
                        modules: OpticaModules.all,
                        volumeDiscounts: OpticaModules.volumeDiscounts.map {
                            .init(minimum: $0.minimum, percent: $0.percent)
                        }
                    )
                )
            }
        )
        router.post(
            "/dashboard/modules/api/calculate-price/",
            use: signedIn(roles: Self.owners) { request, _, _ in
                switch try await selection(request) {
                case .success(let modules): return HTTPReply.json(.ok, quote(modules))
                case .failure(let refusal): return refusal.response
                }
            }
        )
        router.post(
            "/dashboard/modules/checkout/",
            use: signedIn(roles: Self.owners) { request, _, user in try await openCheckout(request, clinic: user.clinic)
            }
        )
        router.get(
            "/dashboard/modules/my-plan/",
            use: signedIn(roles: Self.owners) { _, _, user in myPlanPage(user.clinic) }
        )
        router.get(
            "/dashboard/modules/api/my-plan/",
            use: signedIn(roles: Self.owners) { _, _, user in HTTPReply.json(.ok, ClinicBody(user.clinic)) }
        )
        router.get("/clinics/current/", use: signedIn { _, _, user in HTTPReply.json(.ok, ClinicBody(user.clinic)) })
        router.post("/clinics/", use: signedIn(roles: Self.owners) { request, _, _ in try await createClinic(request) })
        router.get(
            "/clinics/",
            use: signedIn(roles: Self.owners) { _, _, _ in
                HTTPReply.json(.ok, ["clinics": store.clinics().map { ClinicBody($0) }])
            }
        )
        router.post(
            "/clinics/:id/switch/",
            use: signedIn(roles: Self.owners) { _, context, user in
                guard let id = context.parameters.get("id", as: Int.self),
                    let clinic = store.switchClinic(session: user.session, to: id)
                else {
                    return HTTPReply.error(.notFound, "no such clinic")
                }
                return HTTPReply.json(.ok, ClinicBody(clinic))
            }
        )
        router.delete(
            "/clinics/:id/",
            use: signedIn(roles: Self.owners) { _, context, _ in
                let id = context.parameters.get("id", as: Int.self) ?? 0
                switch store.deleteClinic(id: id) {
                case .deleted: return HTTPReply.json(.ok, ["deleted": id])
                case .notFound: return HTTPReply.error(.notFound, "no such clinic")
                case .mainClinic: return HTTPReply.error(.badRequest, "the main clinic cannot be deleted")
                }
            }
        )
    }

    struct Catalogue: Encodable {
        struct Tier: Encodable {
            var minimum: Int
            var percent: Int
        }
        var modules: [OpticaModules.Module]
        var volumeDiscounts: [Tier]
        enum CodingKeys: String, CodingKey {
            case modules
            case volumeDiscounts = "volume_discounts"
        }
    }

    /// A request refused, with the response that says why.
    struct Refusal: Error {
        var response: Response
    }

    struct ModuleRequest: Decodable {
        var moduleIDs: [LenientInt]
        var gateway: String?
        enum CodingKeys: String, CodingKey {
            case moduleIDs = "module_ids"
            case gateway
        }
    }

    /// The modules a request names, or the 400/404 that says what is wrong with it.
    func selection(
        _ request: Request
    ) async throws -> Result<(modules: [OpticaModules.Module], gateway: String?), Refusal> {
        guard let body = try await HTTPReply.decode(ModuleRequest.self, from: request) else {
            return .failure(
                Refusal(response: HTTPReply.error(.badRequest, "send JSON like {\"module_ids\": [1, 2, 3]}"))
            )
        }
        switch OpticaModules.select(body.moduleIDs.map(\.value)) {
        case .modules(let modules): return .success((modules, body.gateway))
        case .invalid(let message): return .failure(Refusal(response: HTTPReply.error(.badRequest, message)))
        case .unknown(let id): return .failure(Refusal(response: HTTPReply.error(.notFound, "no module with id \(id)")))
        }
    }

    func quote(_ selected: (modules: [OpticaModules.Module], gateway: String?)) -> OpticaModules.Quote {
        OpticaModules.Quote(modules: selected.modules, boundaryFault: faults.isOn(OpticaFaults.discountTierBoundary))
    }

    struct CheckoutBody: Encodable {
        var checkoutID: Int
        var gateway: String
        var status: String
        var reference: String
        var amountCents: Int
        var amount: Cents
        var currency = "COP"
        var discountPercentage: Int
        var moduleIDs: [Int]
        var clinicID: Int

        init(_ c: Checkout) {
            checkoutID = c.id
            gateway = c.gateway.rawValue
            status = c.status.rawValue
            reference = c.reference
            amountCents = c.quote.totalCents
            amount = Cents(c.quote.totalCents)
            discountPercentage = c.quote.discountPercentage
            moduleIDs = c.quote.modules.map(\.id)
            clinicID = c.clinicID
        }

        enum CodingKeys: String, CodingKey {
            case checkoutID = "checkout_id"
            case amountCents = "amount_cents"
            case discountPercentage = "discount_percentage"
            case moduleIDs = "module_ids"
            case clinicID = "clinic_id"
            case gateway, status, reference, amount, currency
        }
    }

    func openCheckout(_ request: Request, clinic: Clinic) async throws -> Response {
        let selected: (modules: [OpticaModules.Module], gateway: String?)
        switch try await selection(request) {
        case .success(let s): selected = s
        case .failure(let refusal): return refusal.response
        }
        guard let gateway = Checkout.Gateway(rawValue: (selected.gateway ?? "").lowercased()) else {
            return HTTPReply.error(.badRequest, "gateway must be stripe or wompi")
        }
        switch store.openCheckout(clinic: clinic.id, quote: quote(selected), gateway: gateway) {
        case .created(let checkout): return HTTPReply.json(.created, CheckoutBody(checkout))
        case .alreadyActive(let ids):
            return HTTPReply.error(
                .conflict,
                "already active in this clinic: modules \(ids.map(String.init).joined(separator: ", "))"
            )
        case .noSuchClinic: return HTTPReply.error(.notFound, "no such clinic")
        case .tooMany: return HTTPReply.error(.serviceUnavailable, "too many checkouts; try again later")
        }
    }

    /// A clinic as JSON.
    struct ClinicBody: Encodable {
        var clinicID: Int
        var name: String
        var plan: String
        var trialDaysLeft: Int
        var readOnly: Bool
        var activeModules: [Int]

        init(_ clinic: Clinic, now: Date = Date()) {
            clinicID = clinic.id
            name = clinic.name
            plan = clinic.plan.rawValue
            trialDaysLeft = clinic.plan == .trial ? clinic.trialDaysLeft(now: now) : 0
            readOnly = clinic.isReadOnly(now: now)
            activeModules = clinic.activeModules.sorted()
        }

        enum CodingKeys: String, CodingKey {
            case clinicID = "clinic_id"
            case trialDaysLeft = "trial_days_left"
            case readOnly = "read_only"
            case activeModules = "active_modules"
            case name, plan
        }
    }

    struct NewClinic: Decodable {
        var name: String?
        var trialDaysLeft: LenientInt?
        enum CodingKeys: String, CodingKey {
            case name
            case trialDaysLeft = "trial_days_left"
        }
    }

    func createClinic(_ request: Request) async throws -> Response {
        guard let body = try await HTTPReply.decode(NewClinic.self, from: request) else {
            return HTTPReply.error(.badRequest, "send JSON like {\"name\": \"Óptica Norte\", \"trial_days_left\": 30}")
        }
        let days = body.trialDaysLeft?.value ?? Clinic.trialLength
        guard (-365...Clinic.trialLength).contains(days) else {
            return HTTPReply.error(.badRequest, "trial_days_left must be -365 to \(Clinic.trialLength)")
        }
        let name = String((body.name ?? "").trimmingCharacters(in: .whitespacesAndNewlines).prefix(100))
        guard let clinic = store.createClinic(name: name.isEmpty ? "Clínica de prueba" : name, trialDays: days) else {
            return HTTPReply.error(.serviceUnavailable, "too many clinics; delete some first")
        }
        return HTTPReply.json(.created, ClinicBody(clinic))
    }

    func marketplacePage(_ clinic: Clinic) -> Response {
        let rows = OpticaModules.all.map { module in
            let state =
                clinic.activeModules.contains(module.id)
                ? "<span class=\"status\">Activo</span>" : "<span class=\"status\">Disponible</span>"
            return
                "  <li id=\"module-\(module.id)\" data-code=\"\(module.code)\">\(HTTPReply.escape(module.name)) — $\(Cents(module.priceCents).text) COP/mes \(state)</li>"
        }
        return HTTPReply.html(
            .ok,
            """
            <!doctype html>
            <html lang="es"><head><meta charset="utf-8"><title>Óptica Demo — Marketplace</title></head>
            <body>
            <h1>Marketplace de módulos</h1>
            <p id="discounts">Descuentos por volumen: 5 módulos 10 %, 8 o más 20 %</p>
            <ul id="catalogue">
            \(rows.joined(separator: "\n"))
            </ul>
            </body></html>
            """
        )
    }

    func myPlanPage(_ clinic: Clinic) -> Response {
        let plan: String
        switch (clinic.plan, clinic.isReadOnly()) {
        case (.active, _): plan = "Plan pagado"
        case (.trial, true): plan = "Prueba gratuita vencida: solo lectura"
        case (.trial, false): plan = "Prueba gratuita: quedan \(clinic.trialDaysLeft()) días"
        }
        let modules = clinic.activeModules.sorted().compactMap(OpticaModules.module(id:)).map {
            "  <li id=\"module-\($0.id)\" class=\"module\">\(HTTPReply.escape($0.name)) <span class=\"badge\">Activo</span></li>"
        }
        let list =
            modules.isEmpty
            ? "<p id=\"no-modules\">Sin módulos activos</p>"
            : "<ul id=\"modules\">\n\(modules.joined(separator: "\n"))\n</ul>"
        return HTTPReply.html(
            .ok,
            """
            <!doctype html>
            <html lang="es"><head><meta charset="utf-8"><title>Óptica Demo — Mi plan</title></head>
            <body>
            <h1>Mi plan — \(HTTPReply.escape(clinic.name))</h1>
            <p id="plan">\(plan)</p>
            \(list)
            </body></html>
            """
        )
    }
}
