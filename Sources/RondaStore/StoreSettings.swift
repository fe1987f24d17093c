public import Foundation

extension ResultStore {
    /// The durable pause switch (`ronda pause` / `ronda resume`): `nil` when never set. Redis
    /// holds the copy workers read; this one survives Redis losing its data.
    public func pausedSetting() async throws -> Bool? {
        try await setting(named: "paused").map { $0 == "1" }
    }

    /// Writes the durable pause switch.
    public func setPausedSetting(_ paused: Bool, at date: Date = Date()) async throws {
        try await setSetting(named: "paused", to: paused ? "1" : "0", at: date)
    }
}
