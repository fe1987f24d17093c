import Foundation

/// Dashboard operators and their sessions, over `StoreStatements`.
enum OperatorSQL {
    /// `false` when an operator of that name exists (nothing is written).
    static func add(_ s: some StoreStatements, name: String, hash: String, at date: Date) async throws -> Bool {
        let existing = try await s.rows(
            "SELECT name FROM operators WHERE name = ?1",
            [.string(name)],
            table: "operators"
        )
        guard existing.isEmpty else { return false }
        try await s.execute(
            "INSERT INTO operators (name, password_hash, created_at) VALUES (?1, ?2, ?3)",
            [.string(name), .string(hash), .date(date)]
        )
        return true
    }

    /// Replaces an operator's password and signs out their sessions. `false` when there is no such operator.
    static func setPassword(_ s: some StoreStatements, name: String, hash: String) async throws -> Bool {
        let updated = try await s.rows(
            "UPDATE operators SET password_hash = ?2 WHERE name = ?1 RETURNING name",
            [.string(name), .string(hash)],
            table: "operators"
        )
        try await s.execute("DELETE FROM web_sessions WHERE operator = ?1", [.string(name)])
        return !updated.isEmpty
    }

    /// Removes an operator and every session of theirs. `false` when there was none.
    static func remove(_ s: some StoreStatements, name: String) async throws -> Bool {
        try await s.execute("DELETE FROM web_sessions WHERE operator = ?1", [.string(name)])
        let removed = try await s.rows(
            "DELETE FROM operators WHERE name = ?1 RETURNING name",
            [.string(name)],
            table: "operators"
        )
        return !removed.isEmpty
    }

    static func list(_ s: some StoreStatements) async throws -> [OperatorAccount] {
        try await s.rows("SELECT * FROM operators ORDER BY name", table: "operators").map { row in
            OperatorAccount(
                name: try row.string("name"),
                createdAt: try row.date("created_at"),
                lastLoginAt: try row.optionalDate("last_login_at")
            )
        }
    }

    static func passwordHash(_ s: some StoreStatements, name: String) async throws -> String? {
        try await s.rows("SELECT password_hash FROM operators WHERE name = ?1", [.string(name)], table: "operators")
            .first?.string("password_hash")
    }

    /// Stores a new session (by the hash of its cookie) and records the login; expired sessions go.
    static func createSession(
        _ s: some StoreStatements,
        tokenHash: String,
        session: WebSession,
        at date: Date
    ) async throws {
        try await s.execute("DELETE FROM web_sessions WHERE expires_at < ?1", [.date(date)])
        try await s.execute(
            """
            INSERT INTO web_sessions (token_hash, operator, csrf_token, created_at, expires_at)
            VALUES (?1, ?2, ?3, ?4, ?5)
            """,
            [
                .string(tokenHash), .string(session.operatorName), .string(session.csrfToken), .date(date),
                .date(session.expiresAt),
            ]
        )
        try await s.execute(
            "UPDATE operators SET last_login_at = ?2 WHERE name = ?1",
            [.string(session.operatorName), .date(date)]
        )
    }

    /// The unexpired session of that cookie hash whose operator still exists.
    static func session(_ s: some StoreStatements, tokenHash: String, now: Date) async throws -> WebSession? {
        let rows = try await s.rows(
            """
            SELECT w.operator AS operator, w.csrf_token AS csrf_token, w.expires_at AS expires_at
            FROM web_sessions w JOIN operators o ON o.name = w.operator
            WHERE w.token_hash = ?1 AND w.expires_at > ?2
            """,
            [.string(tokenHash), .date(now)],
            table: "web_sessions"
        )
        return try rows.first.map { row in
            WebSession(
                operatorName: try row.string("operator"),
                csrfToken: try row.string("csrf_token"),
                expiresAt: try row.date("expires_at")
            )
        }
    }

    static func deleteSession(_ s: some StoreStatements, tokenHash: String) async throws {
        try await s.execute("DELETE FROM web_sessions WHERE token_hash = ?1", [.string(tokenHash)])
    }
}
