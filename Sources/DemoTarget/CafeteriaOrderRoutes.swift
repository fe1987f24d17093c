import Foundation
import Hummingbird

/// Orders: placing (stock checked and taken atomically, totals in cents), reading, status
/// transitions by the business, and cancelling.
extension CafeteriaRoutes {
    struct OrderRequest: Decodable {
        struct Item: Decodable {
            var productID: LenientInt
            var quantity: LenientInt
            enum CodingKeys: String, CodingKey {
                case productID = "product_id"
                case quantity
            }
        }
        var businessID: LenientInt?
        var items: [Item]
        var notes: String?
        enum CodingKeys: String, CodingKey {
            case businessID = "business_id"
            case items, notes
        }
    }

    struct StatusChange: Decodable {
        var status: String
    }

    /// An order as the API shows it.
    struct OrderBody: Encodable {
        var id: Int
        var businessID: Int
        var customer: String
        var status: String
        var paymentStatus: String
        var total: Cents
        var items: [Order.Line]
        var notes: String?
        var createdAt: String

        init(_ order: Order) {
            id = order.id
            businessID = order.businessID
            customer = order.customer
            status = order.status.rawValue
            paymentStatus = order.paymentStatus.rawValue
            total = order.total
            items = order.lines
            notes = order.notes
            createdAt = ISO8601DateFormatter().string(from: order.created)
        }

        enum CodingKeys: String, CodingKey {
            case id
            case businessID = "business_id"
            case customer = "customer_email"
            case status
            case paymentStatus = "payment_status"
            case total, items, notes
            case createdAt = "created_at"
        }
    }

    func registerOrders(on api: RouterGroup<BasicRequestContext>) {
        api.post("/orders", use: authorized { request, _, claims in try await place(request, claims) })
        api.get(
            "/orders",
            use: authorized { _, _, claims in
                orderReply(.ok, store.orders { $0.customer == claims.sub }.map { OrderBody($0) })
            }
        )
        api.get(
            "/orders/:id",
            use: authorized { _, context, claims in
                guard let order = visibleOrder(context, claims) else { return orderError(.notFound, "order not found") }
                return orderReply(.ok, OrderBody(order))
            }
        )
        api.patch(
            "/orders/:id/status",
            use: authorized { request, context, claims in try await changeStatus(request, context, claims) }
        )
        let cancel: Handler = { _, context, claims in cancelOrder(context, claims) }
        api.delete("/orders/:id", use: authorized(cancel))
        api.post("/orders/:id/cancel", use: authorized(cancel))
    }

    /// The order in the path when `claims` may see it: its customer, the business's owner, an admin.
    func visibleOrder(_ context: BasicRequestContext, _ claims: Claims) -> Order? {
        guard let id = id(context), let order = store.order(id: id) else { return nil }
        if order.customer == claims.sub || claims.role == "admin" { return order }
        if claims.role == "owner" && faults.isOn(CafeteriaFaults.ownerReadsOtherOrders) { return order }
        if let business = store.business(id: order.businessID), canManage(business, claims) { return order }
        return nil
    }

    func place(_ request: Request, _ claims: Claims) async throws -> Response {
        guard let body = try await decode(OrderRequest.self, request) else {
            return orderError(
                .unprocessableContent,
                #"send JSON like {"business_id": 1, "items": [{"product_id": 1, "quantity": 2}], "notes": "…"}"#
            )
        }
        let deferStock = faults.isOn(CafeteriaFaults.stockNotDecrementedAtomically)
        let placeFaults = CafeteriaStore.PlaceFaults(
            totalOffByOne: faults.isOn(CafeteriaFaults.orderTotalOffByOne),
            acceptNegative: faults.isOn(CafeteriaFaults.negativeQuantityAccepted),
            deferStock: deferStock
        )
        let outcome = store.place(
            customer: claims.sub,
            business: body.businessID?.value,
            items: body.items.map { ($0.productID.value, $0.quantity.value) },
            notes: body.notes,
            faults: placeFaults
        )
        switch outcome {
        case .placed(let order):
            if deferStock {
                // The fault: an "inventory job" takes the stock later, after other orders saw it untouched.
                faults.runLater(after: .seconds(1.5)) { [store] in store.takeStock(order.lines) }
            }
            return orderReply(.created, OrderBody(order))
        case .invalid(let message): return orderError(.unprocessableContent, message)
        case .unknownProduct(let id): return orderError(.notFound, "product \(id) not found")
        case .unknownBusiness(let id): return orderError(.notFound, "business \(id) not found")
        case .mixedBusinesses(let message): return orderError(.badRequest, message)
        case .outOfStock(let product, let requested):
            return orderError(
                .badRequest,
                "insufficient stock for \(product.name): \(product.stock) left, \(requested) requested"
            )
        }
    }

    func changeStatus(_ request: Request, _ context: BasicRequestContext, _ claims: Claims) async throws -> Response {
        guard let order = visibleOrder(context, claims) else { return orderError(.notFound, "order not found") }
        guard let business = store.business(id: order.businessID), canManage(business, claims) else {
            return orderError(.forbidden, "only the business's owner or an admin can change an order's status")
        }
        guard let change = try await decode(StatusChange.self, request),
            let target = Order.Status(rawValue: change.status.lowercased())
        else {
            return orderError(.unprocessableContent, "status must be one of: pending, confirmed, completed, cancelled")
        }
        let sloppy: Set<Order.Status> =
            faults.isOn(CafeteriaFaults.invalidTransitionAllowed) ? [.pending, .confirmed] : []
        return transitionReply(store.transition(id: order.id, to: target, alsoFrom: sloppy))
    }

    func cancelOrder(_ context: BasicRequestContext, _ claims: Claims) -> Response {
        guard let order = visibleOrder(context, claims) else { return orderError(.notFound, "order not found") }
        let mayCancel =
            order.customer == claims.sub || store.business(id: order.businessID).map { canManage($0, claims) } == true
        guard mayCancel else {
            return orderError(.forbidden, "only the order's customer or the business can cancel it")
        }
        let sloppy: Set<Order.Status> = faults.isOn(CafeteriaFaults.cancelCompletedOrder) ? [.completed] : []
        switch store.transition(id: order.id, to: .cancelled, alsoFrom: sloppy) {
        case .invalid(let from, _): return orderError(.badRequest, "cannot cancel an order that is \(from.rawValue)")
        case let outcome: return transitionReply(outcome)
        }
    }

    func transitionReply(_ outcome: CafeteriaStore.TransitionOutcome) -> Response {
        switch outcome {
        case .changed(let order): return orderReply(.ok, OrderBody(order))
        case .notFound: return orderError(.notFound, "order not found")
        case .invalid(let from, let to):
            return orderError(.badRequest, "invalid transition from \(from.rawValue) to \(to.rawValue)")
        }
    }
}
