import Foundation
import Synchronization

/// A product on the cafeteria's menu.
struct Product: Sendable, Hashable, Encodable {
    var id: Int
    var name: String
    var price: Cents
    var stock: Int
}

/// A customer's order. A new order is `pending`; the kitchen confirms it a moment later
/// (`confirmAfter`), which clients see by polling it.
struct Order: Sendable, Hashable {
    enum Status: String, Sendable { case pending, confirmed, cancelled }

    struct Line: Sendable, Hashable, Encodable {
        var productID: Int
        var name: String
        var quantity: Int
        var unitPrice: Cents
        var subtotal: Cents { Cents(unitPrice.value * quantity) }

        enum CodingKeys: String, CodingKey { case productID = "product_id", name, quantity, unitPrice = "unit_price", subtotal }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(productID, forKey: .productID)
            try c.encode(name, forKey: .name)
            try c.encode(quantity, forKey: .quantity)
            try c.encode(unitPrice, forKey: .unitPrice)
            try c.encode(subtotal, forKey: .subtotal)
        }
    }

    var id: Int
    var customer: String
    var lines: [Line]
    var status: Status
    var created: Date

    var total: Cents { Cents(lines.map(\.subtotal.value).reduce(0, +)) }

    /// The status as of `now`: a pending order counts as confirmed once the kitchen has had it a while.
    func status(at now: Date) -> Status {
        status == .pending && now.timeIntervalSince(created) >= CafeteriaStore.confirmAfter ? .confirmed : status
    }
}

/// The cafeteria's menu and orders. Placing an order checks and takes the stock of every line
/// under one lock; cancelling gives it back, once.
final class CafeteriaStore: Sendable {
    /// Seconds until the kitchen confirms a pending order.
    static let confirmAfter: TimeInterval = 1
    /// Orders kept; beyond this, the oldest cancelled ones are forgotten.
    static let maxOrders = 10_000

    struct State {
        var products: [Int: Product] = [:]
        var orders: [Int: Order] = [:]
        var nextOrderID = 1
    }

    let customers: [DemoUsers.Account]
    private let state = Mutex(State())

    init(customers: [DemoUsers.Account]) {
        self.customers = customers
        let menu = [
            Product(id: 1, name: "Almuerzo ejecutivo", price: Cents(450_000), stock: 500),
            Product(id: 2, name: "Empanada de pipián", price: Cents(250_000), stock: 300),
            Product(id: 3, name: "Jugo de mora", price: Cents(300_000), stock: 0),
            Product(id: 4, name: "Café tinto", price: Cents(150_000), stock: 200),
            Product(id: 5, name: "Arepa con queso", price: Cents(350_000), stock: 150),
        ]
        state.withLock { s in
            for product in menu { s.products[product.id] = product }
        }
    }

    func products() -> [Product] {
        state.withLock { $0.products.values.sorted { $0.id < $1.id } }
    }

    func product(id: Int) -> Product? {
        state.withLock { $0.products[id] }
    }

    enum PlaceOutcome {
        case placed(Order)
        case invalid(String)
        case unknownProduct(Int)
        case outOfStock(Product, requested: Int)
    }

    /// Places an order for `items` (product id, quantity).
    func place(customer: String, items: [(productID: Int, quantity: Int)], now: Date = Date()) -> PlaceOutcome {
        if items.isEmpty { return .invalid("items must list at least one product") }
        if let bad = items.first(where: { $0.quantity < 1 }) {
            return .invalid("quantity must be at least 1 (got \(bad.quantity) for product \(bad.productID))")
        }
        if let huge = items.first(where: { $0.quantity > 1_000 }) {
            return .invalid("quantity must be at most 1000 (got \(huge.quantity) for product \(huge.productID))")
        }
        var wanted: [Int: Int] = [:]
        var order: [Int] = []
        for item in items {
            if wanted[item.productID] == nil { order.append(item.productID) }
            wanted[item.productID, default: 0] += item.quantity
        }
        return state.withLock { s in
            var lines: [Order.Line] = []
            for id in order {
                guard let product = s.products[id] else { return .unknownProduct(id) }
                let quantity = wanted[id] ?? 0
                guard product.stock >= quantity else { return .outOfStock(product, requested: quantity) }
                lines.append(Order.Line(productID: id, name: product.name, quantity: quantity, unitPrice: product.price))
            }
            for line in lines { s.products[line.productID]?.stock -= line.quantity }
            let placed = Order(id: s.nextOrderID, customer: customer, lines: lines, status: .pending, created: now)
            s.orders[placed.id] = placed
            s.nextOrderID += 1
            if s.orders.count > Self.maxOrders {
                let old = s.orders.values.filter { $0.status == .cancelled }.sorted { $0.id < $1.id }.prefix(s.orders.count - Self.maxOrders)
                for o in old { s.orders[o.id] = nil }
            }
            return .placed(placed)
        }
    }

    /// The customer's order (another customer's is not found).
    func order(id: Int, customer: String) -> Order? {
        state.withLock { s in s.orders[id].flatMap { $0.customer == customer ? $0 : nil } }
    }

    enum CancelOutcome {
        case cancelled(Order)
        case notFound
        case notCancellable(Order.Status)
    }

    /// Cancels a pending or confirmed order and returns its stock.
    func cancel(id: Int, customer: String) -> CancelOutcome {
        state.withLock { s in
            guard var order = s.orders[id], order.customer == customer else { return .notFound }
            guard order.status != .cancelled else { return .notCancellable(order.status) }
            order.status = .cancelled
            s.orders[id] = order
            for line in order.lines { s.products[line.productID]?.stock += line.quantity }
            return .cancelled(order)
        }
    }
}
