import Foundation
import Hummingbird

/// The optica: a server-rendered app with form login, a `sessionid` cookie and a CSRF token,
/// and the JSON endpoints its pages call. Every route but the login page needs a session;
/// without one it redirects to `/login/`.
///
/// | route | who |
/// |---|---|
/// | `GET /login/`, `POST /login/`, `POST /logout/` | anyone |
/// | `GET /dashboard/`, `GET /patients/api/search/?q=`, `GET /appointments/availability/?doctor=&date=` (or `/appointments/availability/{doctor}/?date=`), `GET /appointments/{id}/` | staff |
/// | `POST /patients/create/`, `DELETE /patients/{id}/`, `POST /appointments/create/`, `POST /appointments/{id}/reschedule/`, `POST /appointments/{id}/cancel/` | owner, receptionist |
/// | consultations, clinical history, refraction, prescriptions (`OpticaConsultationRoutes`) | owner, doctor |
/// | clinics, marketplace, checkout, payments (`OpticaMarketplaceRoutes`, `OpticaPaymentRoutes`) | owner |
/// | `POST /payments/webhooks/stripe/`, `POST /payments/webhooks/wompi/` | the gateways (signed) |
///
/// Writes (the routes registered with `writes: true`) answer 403 while the user's clinic is in an
/// expired trial: it is read-only until it buys a plan.
struct OpticaRoutes: Sendable {
    let store: OpticaStore
    /// The faults switched on (see `OpticaFaults`).
    let faults: FaultSwitchboard

    /// Who is asking: the account, its session and the clinic it works in.
    struct StaffUser: Sendable {
        var account: DemoUsers.Account
        var session: String
        var clinic: Clinic
    }

    typealias Handler = @Sendable (Request, BasicRequestContext, StaffUser) async throws -> Response

    func register(on router: Router<BasicRequestContext>) {
        router.get("/login/") { request, _ in loginPage(request: request, error: nil) }
        router.post("/login/") { request, _ in try await login(request) }
        router.post("/logout/") { request, _ in logout(request) }
        router.get("/dashboard/", use: signedIn { _, _, user in dashboard(user) })
        router.get(
            "/patients/api/search/",
            use: signedIn { request, _, _ in
                let query = HTTPReply.query(request)["q"] ?? ""
                return HTTPReply.json(.ok, SearchResults(results: store.search(query)))
            }
        )
        router.post(
            "/patients/create/",
            use: signedIn(roles: Self.frontDesk, writes: true) { request, _, _ in try await createPatient(request) }
        )
        router.delete(
            "/patients/:id/",
            use: signedIn(roles: Self.frontDesk, writes: true) { _, context, _ in
                guard let id = context.parameters.get("id", as: Int.self) else {
                    return HTTPReply.error(.notFound, "no such patient")
                }
                return store.deletePatient(id: id)
                    ? HTTPReply.json(.ok, ["deleted": id]) : HTTPReply.error(.notFound, "no such patient")
            }
        )
        router.get(
            "/appointments/availability/",
            use: signedIn { request, _, _ in
                try await availability(request, doctor: HTTPReply.query(request)["doctor"])
            }
        )
        router.get(
            "/appointments/availability/:doctor/",
            use: signedIn { request, context, _ in
                try await availability(request, doctor: context.parameters.get("doctor"))
            }
        )
        router.post(
            "/appointments/create/",
            use: signedIn(roles: Self.frontDesk, writes: true) { request, _, _ in try await book(request) }
        )
        router.get(
            "/appointments/:id/",
            use: signedIn { _, context, _ in
                guard let id = context.parameters.get("id", as: Int.self), let appointment = store.appointment(id: id)
                else {
                    return HTTPReply.error(.notFound, "no such appointment")
                }
                return HTTPReply.json(.ok, appointment)
            }
        )
        router.post(
            "/appointments/:id/reschedule/",
            use: signedIn(roles: Self.frontDesk, writes: true) { request, context, _ in
                try await reschedule(request, id: context.parameters.get("id", as: Int.self))
            }
        )
        router.post(
            "/appointments/:id/cancel/",
            use: signedIn(roles: Self.frontDesk, writes: true) { request, context, _ in
                try await cancel(request, id: context.parameters.get("id", as: Int.self))
            }
        )
        registerConsultations(on: router)
        registerMarketplace(on: router)
        registerPayments(on: router)
    }

    /// Roles that book and register: the front desk and the owner.
    static let frontDesk: Set<String> = ["owner", "receptionist"]

    /// Runs `handler` for a signed-in user with one of `roles` (any role when empty). A route
    /// that `writes` is refused with 403 while the user's clinic is read-only (expired trial).
    func signedIn(
        roles: Set<String> = [],
        writes: Bool = false,
        _ handler: @escaping Handler
    ) -> @Sendable (Request, BasicRequestContext) async throws -> Response {
        { [store, faults] request, context in
            guard let id = request.cookies["sessionid"]?.value, let signed = store.signedIn(session: id) else {
                let next = request.uri.path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"
                return HTTPReply.redirect("/login/?next=\(next)")
            }
            let (account, clinic) = signed
            if !roles.isEmpty, !roles.contains(account.role) {
                return HTTPReply.error(.forbidden, "the \(account.role) role may not do this")
            }
            if writes, clinic.isReadOnly(), !faults.isOn(OpticaFaults.trialNeverReadOnly) {
                return HTTPReply.json(
                    .forbidden,
                    ReadOnly(
                        error:
                            "the trial of \(clinic.name) has expired: the clinic is read-only until it buys a plan in /dashboard/modules/marketplace/"
                    )
                )
            }
            return try await handler(request, context, StaffUser(account: account, session: id, clinic: clinic))
        }
    }

    struct ReadOnly: Encodable {
        var error: String
        var readOnly = true
        enum CodingKeys: String, CodingKey {
            case error
            case readOnly = "read_only"
        }
    }

    // MARK: Login

    func loginPage(request: Request, error: String?, status: HTTPResponse.Status = .ok) -> Response {
        // Keep the browser's token when it is one of ours (32 hex digits); anything else gets a fresh one.
        let sent = request.cookies["csrftoken"]?.value ?? ""
        let token = sent.count == 32 && sent.allSatisfy(\.isHexDigit) ? sent : HTTPReply.randomHex(bytes: 16)
        let message = error.map { "<p class=\"error\">\(HTTPReply.escape($0))</p>\n" } ?? ""
        var response = HTTPReply.html(
            status,
            """
            <!doctype html>
            <html lang="es"><head><meta charset="utf-8"><title>Óptica Demo — Ingresar</title></head>
            <body>
            <h1>Óptica Demo</h1>
            \(message)<form method="post" action="/login/">
              <input type="hidden" name="csrfmiddlewaretoken" value="\(token)">
              <label>Usuario <input name="username" autocomplete="username"></label>
              <label>Contraseña <input name="password" type="password" autocomplete="current-password"></label>
              <button type="submit">Ingresar</button>
            </form>
            </body></html>
            """
        )
        response.setCookie(Cookie(name: "csrftoken", value: token, path: "/", httpOnly: false, sameSite: .lax))
        return response
    }

    func login(_ request: Request) async throws -> Response {
        let form = try await HTTPReply.form(request)
        guard let cookie = request.cookies["csrftoken"]?.value, let sent = form["csrfmiddlewaretoken"],
            constantTimeEquals(cookie, sent)
        else {
            return loginPage(
                request: request,
                error: "CSRF verification failed: reload the page and try again.",
                status: .forbidden
            )
        }
        guard let session = store.login(username: form["username"] ?? "", password: form["password"] ?? "") else {
            return loginPage(request: request, error: "Invalid credentials: check the username and password.")
        }
        var response = HTTPReply.redirect("/dashboard/")
        if !faults.isOn(OpticaFaults.sessionCookieDropped) {
            response.setCookie(Cookie(name: "sessionid", value: session, path: "/", httpOnly: true, sameSite: .lax))
        }
        return response
    }

    func logout(_ request: Request) -> Response {
        if let id = request.cookies["sessionid"]?.value { store.logout(session: id) }
        var response = HTTPReply.redirect("/login/")
        response.setCookie(Cookie(name: "sessionid", value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .lax))
        return response
    }

    func dashboard(_ user: StaffUser) -> Response {
        let account = user.account
        let counts = store.counts()
        return HTTPReply.html(
            .ok,
            """
            <!doctype html>
            <html lang="es"><head><meta charset="utf-8"><title>Óptica Demo — Panel</title></head>
            <body>
            <h1>Bienvenido, \(HTTPReply.escape(account.displayName))</h1>
            <p id="role">Rol: \(account.role)</p>
            <p id="clinic">Clínica: \(HTTPReply.escape(user.clinic.name))\(user.clinic.isReadOnly() ? " (solo lectura: la prueba gratuita terminó)" : "")</p>
            <ul>
              <li>Pacientes: <span id="patients">\(counts.patients)</span></li>
              <li>Citas programadas: <span id="appointments">\(counts.scheduled)</span></li>
            </ul>
            <form method="post" action="/logout/"><button type="submit">Salir</button></form>
            </body></html>
            """
        )
    }

    // MARK: Patients

    struct SearchResults: Encodable {
        var results: [Patient]
    }

    func createPatient(_ request: Request) async throws -> Response {
        let form = try await HTTPReply.form(request)
        func field(_ name: String) -> String { (form[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        let required = ["first_name", "last_name", "identification", "email", "phone"]
        let missing = required.filter { field($0).isEmpty }
        if !missing.isEmpty {
            return HTTPReply.json(
                .badRequest,
                FieldErrors(error: "missing fields: \(missing.joined(separator: ", "))", missing: missing)
            )
        }
        guard field("identification").allSatisfy(\.isNumber), (5...12).contains(field("identification").count) else {
            return HTTPReply.json(.badRequest, FieldErrors(error: "identification must be 5 to 12 digits", missing: []))
        }
        guard field("email").contains("@") else {
            return HTTPReply.json(.badRequest, FieldErrors(error: "email is not an e-mail address", missing: []))
        }
        switch store.createPatient(
            identification: field("identification"),
            firstName: field("first_name"),
            lastName: field("last_name"),
            email: field("email"),
            phone: field("phone")
        ) {
        case .created(let patient):
            return HTTPReply.json(.created, CreatedPatient(patientID: patient.id, fullName: patient.fullName))
        case .duplicate(let existing):
            return HTTPReply.json(
                .conflict,
                Duplicate(
                    error: "a patient with identification \(field("identification")) already exists",
                    patientID: existing
                )
            )
        }
    }

    struct FieldErrors: Encodable {
        var error: String
        var missing: [String]
    }

    struct CreatedPatient: Encodable {
        var patientID: Int
        var fullName: String
        enum CodingKeys: String, CodingKey {
            case patientID = "patient_id"
            case fullName = "full_name"
        }
    }

    struct Duplicate: Encodable {
        var error: String
        var patientID: Int
        enum CodingKeys: String, CodingKey {
            case error
            case patientID = "patient_id"
        }
    }
}
