import RondaTestSupport

@testable import RondaQueue

extension TestRedis {
    /// A configuration for the queue under test, with quick reconnect retries.
    func configuration(
        password: String? = nil,
        retry: RedisConfiguration.Retry = .init(
            attempts: 8,
            initialBackoff: .milliseconds(50),
            maxBackoff: .milliseconds(500)
        )
    ) -> RedisConfiguration {
        RedisConfiguration(
            host: host,
            port: port,
            database: database,
            password: password ?? self.password,
            commandTimeout: .seconds(5),
            retry: retry
        )
    }
}
