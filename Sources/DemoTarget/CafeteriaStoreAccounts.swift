import Crypto
import Foundation
import Synchronization

/// API accounts: the seeded ones from `DemoUsers` and the ones registered through the API.
extension CafeteriaStore {
    /// Who is logged in, as the routes see it.
    struct Identity: Sendable, Hashable {
        var email: String
        var role: String
        var fullName: String
        /// Seeded accounts cannot be deleted.
        var seeded: Bool
    }

    /// Roles an account may register with (an admin is never self-registered).
    static let registrableRoles: Set<String> = ["customer", "owner"]

    /// The account with this login and password, or `nil`.
    func authenticate(email: String, password: String) -> Identity? {
        let login = email.trimmingCharacters(in: .whitespaces).lowercased()
        if let account = customers.first(where: { $0.login == login }) {
            return constantTimeEquals(account.password, password)
                ? Identity(email: account.login, role: account.role, fullName: account.displayName, seeded: true) : nil
        }
        guard let account = state.withLock({ $0.accounts[login] }) else { return nil }
        let hash = Self.hash(password, salt: account.salt)
        return Self.sameBytes(hash, account.passwordHash)
            ? Identity(email: account.email, role: account.role, fullName: account.fullName, seeded: false) : nil
    }

    /// The account with this login.
    func identity(email: String) -> Identity? {
        if let account = customers.first(where: { $0.login == email }) {
            return Identity(email: account.login, role: account.role, fullName: account.displayName, seeded: true)
        }
        return state.withLock { $0.accounts[email] }.map {
            Identity(email: $0.email, role: $0.role, fullName: $0.fullName, seeded: false)
        }
    }

    enum RegisterOutcome {
        case registered(RegisteredAccount)
        case taken
        case full
    }

    /// Registers a new account (the caller has validated the fields).
    func register(email: String, password: String, fullName: String, role: String) -> RegisterOutcome {
        let login = email.lowercased()
        if customers.contains(where: { $0.login == login }) { return .taken }
        let salt = (0..<16).map { _ in UInt8.random(in: 0...255) }
        let hash = Self.hash(password, salt: salt)
        return state.withLock { s in
            if s.accounts[login] != nil { return .taken }
            if s.accounts.count >= Self.maxAccounts { return .full }
            let account = RegisteredAccount(
                id: s.nextAccountID,
                email: login,
                fullName: fullName,
                role: role,
                salt: salt,
                passwordHash: hash
            )
            s.accounts[login] = account
            s.nextAccountID += 1
            return .registered(account)
        }
    }

    /// Deletes a registered account; `false` when there was none.
    func deleteAccount(email: String) -> Bool {
        state.withLock { $0.accounts.removeValue(forKey: email) != nil }
    }

    /// Compares two byte arrays in time that depends only on their lengths.
    static func sameBytes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in a.indices { difference |= a[i] ^ b[i] }
        return difference == 0
    }

    static func hash(_ password: String, salt: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: salt + Array(password.utf8)))
    }
}
