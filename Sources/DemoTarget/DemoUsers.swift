import Foundation

/// The accounts the demo app accepts. Passwords come from environment variables, each with a
/// documented demo default (this is a demo app on loopback, not a place for real secrets):
///
/// | account | login | password variable | default |
/// |---|---|---|---|
/// | optica owner | `owner` | `DEMO_OWNER_PASSWORD` | `owner-demo-pass` |
/// | optica doctor | `doctor` | `DEMO_DOCTOR_PASSWORD` | `doctor-demo-pass` |
/// | optica receptionist | `receptionist` | `DEMO_RECEPTIONIST_PASSWORD` | `receptionist-demo-pass` |
/// | cafeteria customer | `customer@cafeteria.demo` | `DEMO_CUSTOMER_PASSWORD` | `customer-demo-pass` |
public struct DemoUsers: Sendable, Hashable {
    /// One account.
    public struct Account: Sendable, Hashable {
        /// The login: a username for the optica, an e-mail for the cafeteria.
        public var login: String
        public var password: String
        /// `owner`, `doctor`, `receptionist` or `customer`.
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
    /// Cafeteria customers, who log in to the API for a bearer token.
    public var customers: [Account]

    public init(staff: [Account], customers: [Account]) {
        self.staff = staff
        self.customers = customers
    }

    /// The environment variable holding each role's password, and its default.
    public static let passwordVariables: [(role: String, variable: String, defaultValue: String)] = [
        ("owner", "DEMO_OWNER_PASSWORD", "owner-demo-pass"),
        ("doctor", "DEMO_DOCTOR_PASSWORD", "doctor-demo-pass"),
        ("receptionist", "DEMO_RECEPTIONIST_PASSWORD", "receptionist-demo-pass"),
        ("customer", "DEMO_CUSTOMER_PASSWORD", "customer-demo-pass"),
    ]

    /// The demo accounts, with passwords from `DEMO_*_PASSWORD` or their defaults.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> DemoUsers {
        func password(_ role: String) -> String {
            guard let entry = passwordVariables.first(where: { $0.role == role }) else { return "" }
            if let value = environment[entry.variable], !value.isEmpty { return value }
            return entry.defaultValue
        }
        return DemoUsers(
            staff: [
                Account(login: "owner", password: password("owner"), role: "owner", displayName: "Olga Restrepo"),
                Account(login: "doctor", password: password("doctor"), role: "doctor", displayName: "Dra. Laura Ríos"),
                Account(login: "receptionist", password: password("receptionist"), role: "receptionist", displayName: "Rosa Cárdenas"),
            ],
            customers: [
                Account(login: "customer@cafeteria.demo", password: password("customer"), role: "customer", displayName: "Carlos Pérez"),
            ]
        )
    }

    /// The password of the first account with this role.
    public func password(forRole role: String) -> String? {
        (staff + customers).first { $0.role == role }?.password
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
