import Foundation
import Synchronization

/// Orders and payments: the rules the cafeteria plan tests.
extension CafeteriaStore {
    enum PlaceOutcome {
        case placed(Order)
        case invalid(String)
        case unknownProduct(Int)
        case unknownBusiness(Int)
        case mixedBusinesses(String)
        case outOfStock(Product, requested: Int)
    }

    /// How placing an order misbehaves (faults); all off by default.
    struct PlaceFaults {
        /// Total one unit of the first line too high.
        var totalOffByOne = false
        /// Accept quantities below 1.
        var acceptNegative = false
        /// Check the stock but do not take it: the caller takes it later (`takeStock`).
        var deferStock = false
    }

    /// Places an order for `items` (product id, quantity) at `business` (default: the first product's).
    func place(
        customer: String,
        business: Int?,
        items: [(productID: Int, quantity: Int)],
        notes: String?,
        faults: PlaceFaults = PlaceFaults(),
        now: Date = Date()
    ) -> PlaceOutcome {
        if items.isEmpty { return .invalid("items must list at least one product") }
        if !faults.acceptNegative, let bad = items.first(where: { $0.quantity < 1 }) {
            return .invalid("quantity must be at least 1 (got \(bad.quantity) for product \(bad.productID))")
        }
        if let huge = items.first(where: { $0.quantity > 1_000 || $0.quantity < -1_000 }) {
            return .invalid("quantity must be at most 1000 (got \(huge.quantity) for product \(huge.productID))")
        }
        if let notes, notes.count > 500 { return .invalid("notes must be at most 500 characters") }
        var wanted: [Int: Int] = [:]
        var sequence: [Int] = []
        for item in items {
            if wanted[item.productID] == nil { sequence.append(item.productID) }
            wanted[item.productID, default: 0] += item.quantity
        }
        return state.withLock { s in
            if let business, s.businesses[business] == nil { return .unknownBusiness(business) }
            var lines: [Order.Line] = []
            var shop = business
            for id in sequence {
                guard let product = s.products[id] else { return .unknownProduct(id) }
                if let shop, shop != product.businessID {
                    return .mixedBusinesses(
                        "product \(id) is not sold by business \(shop): order from one business at a time"
                    )
                }
                shop = product.businessID
                let quantity = wanted[id] ?? 0
                guard product.stock >= quantity else { return .outOfStock(product, requested: quantity) }
                lines.append(
                    Order.Line(productID: id, name: product.name, quantity: quantity, unitPrice: product.price)
                )
            }
            if !faults.deferStock {
                for line in lines { s.products[line.productID]?.stock -= line.quantity }
            }
            var total = Order.total(of: lines)
            if faults.totalOffByOne, let first = lines.first { total.value += first.unitPrice.value }
            let placed = Order(
                id: s.nextOrderID,
                customer: customer,
                businessID: shop ?? 0,
                lines: lines,
                status: .pending,
                notes: notes,
                total: total,
                created: now
            )
            s.orders[placed.id] = placed
            s.nextOrderID += 1
            if s.orders.count > Self.maxOrders {
                // Forget the oldest orders, finished ones first.
                let finished = s.orders.values.sorted {
                    ($0.status == .pending || $0.status == .confirmed ? 1 : 0, $0.id) < (
                        $1.status == .pending || $1.status == .confirmed ? 1 : 0, $1.id
                    )
                }
                Self.forget(orders: Set(finished.prefix(s.orders.count - Self.maxOrders).map(\.id)), in: &s)
            }
            return .placed(placed)
        }
    }

    /// Takes the stock of `lines` (the `stock-not-decremented-atomically` fault's background job).
    func takeStock(_ lines: [Order.Line]) {
        state.withLock { s in
            for line in lines { s.products[line.productID]?.stock -= line.quantity }
        }
    }

    func order(id: Int) -> Order? {
        state.withLock { $0.orders[id] }
    }

    /// Orders matching `filter`, newest first, at most `limit`.
    func orders(limit: Int = 100, where filter: (Order) -> Bool) -> [Order] {
        state.withLock { s in Array(s.orders.values.filter(filter).sorted { $0.id > $1.id }.prefix(limit)) }
    }

    enum TransitionOutcome {
        case changed(Order)
        case notFound
        case invalid(from: Order.Status, to: Order.Status)
    }

    /// Moves an order to `target`. Cancelling gives the stock back and refunds an approved payment.
    /// - Parameter alsoFrom: statuses that may move to `target` besides the allowed ones (the
    ///   `invalid-transition-allowed` and `cancel-completed-order` faults).
    func transition(id: Int, to target: Order.Status, alsoFrom: Set<Order.Status> = []) -> TransitionOutcome {
        state.withLock { s in
            guard var order = s.orders[id] else { return .notFound }
            guard
                Order.allowed(from: order.status).contains(target)
                    || (alsoFrom.contains(order.status) && order.status != target)
            else {
                return .invalid(from: order.status, to: target)
            }
            if target == .cancelled, order.status != .cancelled {
                for line in order.lines { s.products[line.productID]?.stock += line.quantity }
                for (key, payment) in s.payments where payment.orderID == id && payment.status == .approved {
                    s.payments[key]?.status = .refunded
                    s.payments[key]?.refunds += 1
                    order.paymentStatus = .refunded
                }
            }
            order.status = target
            s.orders[id] = order
            return .changed(order)
        }
    }

    enum PreferenceOutcome {
        case created(Preference)
        case notFound
        case refused(String)
    }

    /// A checkout preference for an order that can still be paid.
    func createPreference(orderID: Int, amount: Cents?) -> PreferenceOutcome {
        state.withLock { s in
            guard var order = s.orders[orderID] else { return .notFound }
            if order.status == .cancelled { return .refused("order \(orderID) is cancelled") }
            if order.paymentStatus == .paid || order.paymentStatus == .refunded {
                return .refused("order \(orderID) is already \(order.paymentStatus.rawValue)")
            }
            if let amount, amount != order.total {
                return .refused("amount \(amount.text) does not match the order total \(order.total.text)")
            }
            let preference = Preference(
                id: "\(orderID)-\(HTTPReply.randomHex(bytes: 12))",
                orderID: orderID,
                amount: order.total
            )
            // One live preference per order: a new one replaces the last (bounded however often it is asked for).
            s.preferences = s.preferences.filter { $0.value.orderID != orderID }
            s.preferences[preference.id] = preference
            order.paymentStatus = .pending
            s.orders[orderID] = order
            return .created(preference)
        }
    }

    enum WebhookOutcome {
        case applied(Payment, Order)
        case unknownPreference
        case ignored(String)
    }

    /// Records what Mercado Pago says about payment `paymentID` for `preferenceID`.
    /// A repeated notification for the same payment and status changes nothing (idempotent).
    /// - Parameter anyStatusPays: the `rejected-payment-marked-paid` fault.
    func applyPayment(
        id paymentID: String,
        preferenceID: String,
        status: String,
        anyStatusPays: Bool = false
    ) -> WebhookOutcome {
        state.withLock { s in
            guard let preference = s.preferences[preferenceID], var order = s.orders[preference.orderID] else {
                return .unknownPreference
            }
            let approved = status == "approved" || (anyStatusPays && !status.isEmpty)
            guard approved || status == "rejected" || status == "cancelled" else {
                return .ignored("payment status '\(status)' changes nothing")
            }
            if let existing = s.payments[paymentID] {
                if existing.orderID != order.id { return .ignored("payment \(paymentID) belongs to another order") }
                return .applied(existing, order)
            }
            if order.paymentStatus == .paid || order.paymentStatus == .refunded {
                return .ignored("order \(order.id) is already \(order.paymentStatus.rawValue)")
            }
            let payment = Payment(
                id: paymentID,
                orderID: order.id,
                preferenceID: preferenceID,
                amount: preference.amount,
                status: approved ? .approved : .rejected
            )
            s.payments[paymentID] = payment
            order.paymentStatus = approved ? .paid : .failed
            s.orders[order.id] = order
            return .applied(payment, order)
        }
    }

    func payment(id: String) -> Payment? {
        state.withLock { $0.payments[id] }
    }

    enum RefundOutcome {
        case refunded(Payment)
        case notFound
        case refused(String)
    }

    /// Refunds an approved payment once. `check` decides, under the lock, whether the caller
    /// may refund a payment of the order's business (`nil` means yes; otherwise the refusal).
    /// It must not call the store (the lock is held).
    /// - Parameter allowTwice: the `refund-twice` fault.
    func refund(id: String, allowTwice: Bool = false, check: (Business?) -> RefundOutcome?) -> RefundOutcome {
        state.withLock { s in
            guard var payment = s.payments[id], var order = s.orders[payment.orderID] else { return .notFound }
            if let refusal = check(s.businesses[order.businessID]) { return refusal }
            switch payment.status {
            case .rejected: return .refused("payment \(id) was rejected: there is nothing to refund")
            case .refunded where !allowTwice: return .refused("payment \(id) is already refunded")
            case .approved, .refunded: break
            }
            payment.status = .refunded
            payment.refunds += 1
            order.paymentStatus = .refunded
            s.payments[id] = payment
            s.orders[order.id] = order
            return .refunded(payment)
        }
    }
}
