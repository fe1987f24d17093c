import Foundation
import Hummingbird

/// The demo target's admin endpoint: see and switch its faults while it runs.
///
/// | route | body | answer |
/// |---|---|---|
/// | `GET /__admin/faults` | — | 200 `{"active": [names], "faults": [{name, summary, active}]}` |
/// | `PUT /__admin/faults` | `{"active": [names]}` | 200, the same shape, after replacing the set of faults on |
///
/// Both need the header `X-Admin-Token` equal to the app's admin token (401 otherwise). A `PUT`
/// naming a fault that is not in `DemoFaults.all`, or with a body of another shape, is a 400 and
/// changes nothing.
///
/// ```sh
/// curl -H "X-Admin-Token: $TOKEN" http://127.0.0.1:8080/__admin/faults
/// curl -X PUT -H "X-Admin-Token: $TOKEN" -d '{"active":["order-total-off-by-one"]}' http://127.0.0.1:8080/__admin/faults
/// ```
struct AdminRoutes: Sendable {
    /// The faults the other routes consult.
    let faults: FaultSwitchboard
    /// The value `X-Admin-Token` must carry.
    let token: String

    /// The header that carries the token (lower case, as HTTP field names compare).
    static let tokenHeader = "x-admin-token"

    /// One fault and whether it is on.
    struct FaultState: Encodable {
        var name: String
        var summary: String
        var active: Bool
    }

    /// The answer of both routes.
    struct FaultList: Encodable {
        /// The names switched on, sorted.
        var active: [String]
        /// The whole catalogue, in catalogue order.
        var faults: [FaultState]
    }

    /// The body of a `PUT`.
    struct Update: Decodable {
        var active: [String]
    }

    func register(on router: Router<BasicRequestContext>) {
        router.get("/__admin/faults") { request, _ in
            guard authorized(request) else { return unauthorized() }
            return HTTPReply.json(.ok, list())
        }
        router.put("/__admin/faults") { request, _ in
            guard authorized(request) else { return unauthorized() }
            guard let update = try await HTTPReply.decode(Update.self, from: request) else {
                return HTTPReply.error(
                    .badRequest,
                    #"send a JSON object {"active": ["fault-name", …]} (an empty list switches every fault off)"#
                )
            }
            do throws(UnknownFaultError) {
                faults.set(try DemoFaults.validate(update.active))
            } catch {
                return HTTPReply.error(.badRequest, error.description)
            }
            return HTTPReply.json(.ok, list())
        }
    }

    /// `true` when the request carries the admin token.
    func authorized(_ request: Request) -> Bool {
        guard let given = request.headers.first(where: { $0.name.canonicalName == Self.tokenHeader })?.value else {
            return false
        }
        return constantTimeEquals(given, token)
    }

    func unauthorized() -> Response {
        HTTPReply.error(
            .unauthorized,
            "send the admin token in the X-Admin-Token header (DEMO_ADMIN_TOKEN, or the token printed at start)"
        )
    }

    func list() -> FaultList {
        let active = faults.active
        return FaultList(
            active: active.sorted(),
            faults: DemoFaults.all.map {
                FaultState(name: $0.name, summary: $0.summary, active: active.contains($0.name))
            }
        )
    }

    /// `DEMO_ADMIN_TOKEN` when it is set and not empty, otherwise 32 random hex characters.
    static func token(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let value = environment["DEMO_ADMIN_TOKEN"], !value.isEmpty { return value }
        return HTTPReply.randomHex(bytes: 16)
    }
}
