import RondaHTTP

/// Checks the HTTP transport variables (`RONDA_HTTP_TRANSPORT`, `RONDA_HTTP_LOOPS`,
/// `RONDA_HTTP_LOOP_FILL`) before any command runs, so a typo stops `ronda` with a message
/// instead of silently taking the default.
public enum TransportEnvironment {
    /// What is wrong with the variables in `environment`, or `nil` when they are valid or unset.
    public static func problem(_ environment: [String: String]) -> String? {
        do {
            _ = try TransportSetting.fromEnvironment(environment)
            return nil
        } catch {
            return error.message
        }
    }
}
