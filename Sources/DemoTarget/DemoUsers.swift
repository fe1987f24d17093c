public import Foundation

/// The accounts the demo app accepts. Passwords come from environment variables, each with a
/// documented demo default (this is a demo app on loopback, not a place for real secrets):
///
/// | account | login | password variable | default |
/// |---|---|---|---|
/// | optica owner | `owner` | `DEMO_OWNER_PASSWORD` | `owner-demo-pass` |
/// | optica doctor | `doctor` | `DEMO_DOCTOR_PASSWORD` | `doctor-demo-pass` |
/// | optica receptionist | `receptionist` | `DEMO_RECEPTIONIST_PASSWORD` | `receptionist-demo-pass` |
/// | cafeteria customer | `customer@cafeteria.demo` | `DEMO_CUSTOMER_PASSWORD` | `customer-demo-pass` |
/// | cafeteria owner (of business 1) | `owner@cafeteria.demo` | `DEMO_CAFETERIA_OWNER_PASSWORD` | `cafeteria-owner-demo-pass` |
/// | cafeteria admin | `admin@cafeteria.demo` | `DEMO_CAFETERIA_ADMIN_PASSWORD` | `cafeteria-admin-demo-pass` |
///
/// The cafeteria's Mercado Pago webhook secret comes the same way: `DEMO_MERCADOPAGO_SECRET`,
/// default `mercadopago-demo-secret` (see `mercadoPagoWebhookSecret`).
public struct DemoUsers: Sendable, Hashable {
    /// One account.
    public struct Account: Sendable, Hashable {
        /// The login: a username for the optica, an e-mail for the cafeteria.
        public var login: String
        public var password: String
        /// `owner`, `doctor`, `receptionist` (optica); `customer`, `owner`, `admin` (cafeteria API).
        public var role: String
        /// The name pages greet the user with.
        public var displayName: String

        public init(login: String, password: String, role: String, displayName: String) {
            self.login = login
            self.password = password
            self.role = role
            self.displayName = displayName
        }
    }

    /// Optica staff, who log in with a form.
    public var staff: [Account]
    /// Cafeteria API accounts (customers, business owners, admins), who log in to the API for a bearer token.
    public var customers: [Account]
    /// The secret the cafeteria checks Mercado Pago webhook signatures (`x-signature`) with.
    /// `ronda demo` hands it to the suite as `RONDA_MERCADOPAGO_SECRET`.
    public var mercadoPagoWebhookSecret: String
    /// The optica's Stripe and Wompi webhook secrets (`DEMO_STRIPE_WEBHOOK_SECRET`,
    /// `DEMO_WOMPI_EVENTS_SECRET`); `ronda demo` hands them to the suite as
    /// `RONDA_STRIPE_WEBHOOK_SECRET` and `RONDA_WOMPI_EVENTS_SECRET`.
    public var webhookSecrets = DemoSecrets()

    public init(
        staff: [Account],
        customers: [Account],
        mercadoPagoWebhookSecret: String = DemoUsers.defaultMercadoPagoWebhookSecret
    ) {
        self.staff = staff
        self.customers = customers
        self.mercadoPagoWebhookSecret = mercadoPagoWebhookSecret
    }

    /// The environment variable holding the Mercado Pago webhook secret.
    public static let mercadoPagoSecretVariable = "DEMO_MERCADOPAGO_SECRET"
    /// The webhook secret when `DEMO_MERCADOPAGO_SECRET` is unset (a demo value, not a real secret).
    public static let defaultMercadoPagoWebhookSecret = "mercadopago-demo-secret"

    /// Ronda role names (as in `ronda.yml`) of cafeteria accounts whose API role is shared with
    /// an optica role, mapped to their login: `password(forRole:)` understands these names.
    public static let cafeteriaRoleLogins: [String: String] = [
        "cafeteria_owner": "owner@cafeteria.demo",
        "cafeteria_admin": "admin@cafeteria.demo",
    ]

    /// The environment variable holding each role's password, and its default.
    public static let passwordVariables: [(role: String, variable: String, defaultValue: String)] = [
        ("owner", "DEMO_OWNER_PASSWORD", "owner-demo-pass"),
        ("doctor", "DEMO_DOCTOR_PASSWORD", "doctor-demo-pass"),
        ("receptionist", "DEMO_RECEPTIONIST_PASSWORD", "receptionist-demo-pass"),
        ("customer", "DEMO_CUSTOMER_PASSWORD", "customer-demo-pass"),
        ("cafeteria_owner", "DEMO_CAFETERIA_OWNER_PASSWORD", "cafeteria-owner-demo-pass"),
        ("cafeteria_admin", "DEMO_CAFETERIA_ADMIN_PASSWORD", "cafeteria-admin-demo-pass"),
    ]

    /// The demo accounts, with passwords from `DEMO_*_PASSWORD` or their defaults, and the
    /// webhook secret from `DEMO_MERCADOPAGO_SECRET` or its default.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> DemoUsers {
        func password(_ role: String) -> String {
            guard let entry = passwordVariables.first(where: { $0.role == role }) else { return "" }
            if let value = environment[entry.variable], !value.isEmpty { return value }
            return entry.defaultValue
        }
        var users = DemoUsers(
            staff: [
                Account(login: "owner", password: password("owner"), role: "owner", displayName: "Olga Restrepo"),
                Account(login: "doctor", password: password("doctor"), role: "doctor", displayName: "Dra. Laura Ríos"),
                Account(
                    login: "receptionist",
                    password: password("receptionist"),
                    role: "receptionist",
                    displayName: "Rosa Cárdenas"
                ),
            ],
            customers: [
                Account(
                    login: "customer@cafeteria.demo",
                    password: password("customer"),
                    role: "customer",
                    displayName: "Carlos Pérez"
                ),
                Account(
                    login: "owner@cafeteria.demo",
                    password: password("cafeteria_owner"),
                    role: "owner",
                    displayName: "Olivia Gómez"
                ),
                Account(
                    login: "admin@cafeteria.demo",
                    password: password("cafeteria_admin"),
                    role: "admin",
                    displayName: "Andrés Mejía"
                ),
            ],
            mercadoPagoWebhookSecret: environment[mercadoPagoSecretVariable].flatMap { $0.isEmpty ? nil : $0 }
                ?? defaultMercadoPagoWebhookSecret
        )
        users.webhookSecrets = DemoSecrets.fromEnvironment(environment)
        return users
    }

    /// The password of the first account with this role; `cafeteria_owner` and `cafeteria_admin`
    /// (see `cafeteriaRoleLogins`) name the cafeteria API's owner and admin accounts.
    public func password(forRole role: String) -> String? {
        if let login = Self.cafeteriaRoleLogins[role] { return customers.first { $0.login == login }?.password }
        return (staff + customers).first { $0.role == role }?.password
    }
}

/// Compares two strings in time that depends only on their lengths.
func constantTimeEquals(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8)
    let y = Array(b.utf8)
    guard x.count == y.count else { return false }
    var difference: UInt8 = 0
    for i in x.indices { difference |= x[i] ^ y[i] }
    return difference == 0
}
