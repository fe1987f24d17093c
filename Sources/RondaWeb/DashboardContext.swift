public import Hummingbird
import NIOCore
public import RondaStore

/// The request context of the dashboard: the client's address (for login throttling) and, once
/// `SessionMiddleware` has checked the cookie, the operator's session.
public struct DashboardContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer's IP address, or "unknown".
    public let clientAddress: String
    /// The signed-in operator's session (`nil` on public routes).
    public var session: WebSession?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.clientAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
        self.session = nil
    }

    /// Bodies the dashboard accepts are small forms.
    public var maxUploadSize: Int { 64 * 1024 }
}
