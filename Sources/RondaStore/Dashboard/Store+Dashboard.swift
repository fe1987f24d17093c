extension SQLiteStore {
    public func dashboard<Value: Sendable>(_ query: DashboardQuery<Value>) async throws -> Value {
        try await exclusive(query.what) {
            try await transaction(readOnly: !query.writes) { try await query.body(statements) }
        }
    }
}

extension PostgresStore {
    public func dashboard<Value: Sendable>(_ query: DashboardQuery<Value>) async throws -> Value {
        if query.writes {
            return try await inTransaction(query.what) { try await query.body(PostgresStatements(connection: $0)) }
        }
        return try await withConnection(query.what) { try await query.body(PostgresStatements(connection: $0)) }
    }
}
