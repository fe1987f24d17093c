import Foundation
import Synchronization

/// The cafeteria platform's data, in memory: businesses, their products, orders, checkout
/// preferences, payments and registered accounts, all under one lock, so that placing an order
/// checks and takes the stock of every line atomically (ten concurrent orders for the last five
/// units: five succeed, five get "insufficient stock").
///
/// Everything is bounded, so the app can be tested every hour forever: registered accounts,
/// businesses and products have caps (creating beyond them is refused), and the oldest finished
/// orders are forgotten beyond `maxOrders`. Deleting a business deletes its products, orders
/// and payments.
final class CafeteriaStore: Sendable {
    static let maxOrders = 10_000
    static let maxBusinesses = 1_000
    static let maxProducts = 5_000
    static let maxAccounts = 10_000

    struct State {
        var businesses: [Int: Business] = [:]
        var products: [Int: Product] = [:]
        var orders: [Int: Order] = [:]
        var preferences: [String: Preference] = [:]
        var payments: [String: Payment] = [:]
        var accounts: [String: RegisteredAccount] = [:]
        var nextBusinessID = 1
        var nextProductID = 1
        var nextOrderID = 1
        var nextAccountID = 1000
    }

    /// The seeded API accounts (customer, owner, admin) from `DemoUsers`.
    let customers: [DemoUsers.Account]
    let state = Mutex(State())

    init(customers: [DemoUsers.Account]) {
        self.customers = customers
        state.withLock { s in
            s.businesses[1] = Business(
                id: 1,
                name: "Cafetería Central",
                description: "Almuerzos y café de origen",
                address: "Calle 10 # 5-32, Popayán",
                owner: "owner@cafeteria.demo"
            )
            s.businesses[2] = Business(
                id: 2,
                name: "Panadería La Espiga",
                description: "Pan artesanal",
                address: "Carrera 6 # 3-15, Popayán",
                owner: "espiga@cafeteria.demo"
            )
            s.nextBusinessID = 3
            let menu = [
                Product(
                    id: 1,
                    businessID: 1,
                    name: "Almuerzo ejecutivo",
                    description: "Sopa, seco y jugo",
                    price: Cents(450_000),
                    stock: 500
                ),
                Product(
                    id: 2,
                    businessID: 1,
                    name: "Empanada de pipián",
                    description: "Con ají de maní",
                    price: Cents(250_000),
                    stock: 300
                ),
                Product(
                    id: 3,
                    businessID: 1,
                    name: "Jugo de mora",
                    description: "En agua o en leche",
                    price: Cents(300_000),
                    stock: 0
                ),
                Product(
                    id: 4,
                    businessID: 1,
                    name: "Café tinto",
                    description: "Café de Cauca",
                    price: Cents(150_000),
                    stock: 200
                ),
                Product(
                    id: 5,
                    businessID: 1,
                    name: "Arepa con queso",
                    description: "Asada al carbón",
                    price: Cents(350_000),
                    stock: 150
                ),
                Product(
                    id: 6,
                    businessID: 2,
                    name: "Pan de bono",
                    description: "Recién horneado",
                    price: Cents(120_000),
                    stock: 80
                ),
            ]
            for product in menu { s.products[product.id] = product }
            s.nextProductID = 7
            // Another owner's business has an order, so reading it is a real leak when allowed.
            let line = Order.Line(productID: 6, name: "Pan de bono", quantity: 3, unitPrice: Cents(120_000))
            s.orders[1] = Order(
                id: 1,
                customer: "cliente@espiga.demo",
                businessID: 2,
                lines: [line],
                status: .completed,
                total: Order.total(of: [line]),
                created: Date(timeIntervalSince1970: 1_700_000_000)
            )
            s.nextOrderID = 2
        }
    }

    // MARK: Businesses

    func businesses() -> [Business] {
        state.withLock { $0.businesses.values.sorted { $0.id < $1.id } }
    }

    func business(id: Int) -> Business? {
        state.withLock { $0.businesses[id] }
    }

    enum Limit: Error { case full(String) }

    /// Creates a business owned by `owner`.
    func createBusiness(name: String, description: String, address: String, owner: String) throws(Limit) -> Business {
        let created: Business? = state.withLock { s in
            guard s.businesses.count < Self.maxBusinesses else { return nil }
            let business = Business(
                id: s.nextBusinessID,
                name: name,
                description: description,
                address: address,
                owner: owner
            )
            s.businesses[business.id] = business
            s.nextBusinessID += 1
            return business
        }
        guard let created else { throw .full("the platform holds \(Self.maxBusinesses) businesses; delete some first") }
        return created
    }

    /// Applies `change` to a business and returns it, or `nil` when there is none.
    func updateBusiness(id: Int, _ change: (inout Business) -> Void) -> Business? {
        state.withLock { s in
            guard var business = s.businesses[id] else { return nil }
            change(&business)
            s.businesses[id] = business
            return business
        }
    }

    /// Deletes a business with its products, orders, preferences and payments. `false` when there was none.
    func deleteBusiness(id: Int) -> Bool {
        state.withLock { s in
            guard s.businesses.removeValue(forKey: id) != nil else { return false }
            s.products = s.products.filter { $0.value.businessID != id }
            let orderIDs = Set(s.orders.values.filter { $0.businessID == id }.map(\.id))
            Self.forget(orders: orderIDs, in: &s)
            return true
        }
    }

    // MARK: Products

    func products(business: Int? = nil) -> [Product] {
        state.withLock { s in
            s.products.values.filter { business == nil || $0.businessID == business }.sorted { $0.id < $1.id }
        }
    }

    func product(id: Int) -> Product? {
        state.withLock { $0.products[id] }
    }

    /// Adds a product to a business; `nil` when the business does not exist.
    func createProduct(
        business: Int,
        name: String,
        description: String,
        price: Cents,
        stock: Int
    ) throws(Limit) -> Product? {
        let created: Product?? = state.withLock { s in
            guard s.businesses[business] != nil else { return .some(nil) }
            guard s.products.count < Self.maxProducts else { return nil }
            let product = Product(
                id: s.nextProductID,
                businessID: business,
                name: name,
                description: description,
                price: price,
                stock: stock
            )
            s.products[product.id] = product
            s.nextProductID += 1
            return product
        }
        guard let created else { throw .full("the platform holds \(Self.maxProducts) products; delete some first") }
        return created
    }

    func updateProduct(id: Int, _ change: (inout Product) -> Void) -> Product? {
        state.withLock { s in
            guard var product = s.products[id] else { return nil }
            change(&product)
            s.products[id] = product
            return product
        }
    }

    func deleteProduct(id: Int) -> Bool {
        state.withLock { $0.products.removeValue(forKey: id) != nil }
    }

    // MARK: Health

    /// Checks the storage answers and holds together: every product belongs to a business and
    /// no stock is negative. Returns the problems found (empty when healthy).
    func healthProblems() -> [String] {
        state.withLock { s in
            var problems: [String] = []
            if let orphan = s.products.values.first(where: { s.businesses[$0.businessID] == nil }) {
                problems.append("product \(orphan.id) belongs to no business")
            }
            if let negative = s.products.values.first(where: { $0.stock < 0 }) {
                problems.append("product \(negative.id) has negative stock \(negative.stock)")
            }
            return problems
        }
    }

    /// Counts of what is stored, for `/api/v1/health`.
    func counts() -> [String: Int] {
        state.withLock { s in
            [
                "businesses": s.businesses.count, "products": s.products.count, "orders": s.orders.count,
                "payments": s.payments.count, "accounts": customers.count + s.accounts.count,
            ]
        }
    }

    /// Removes orders and everything hanging from them.
    static func forget(orders ids: Set<Int>, in s: inout State) {
        guard !ids.isEmpty else { return }
        for id in ids { s.orders[id] = nil }
        s.preferences = s.preferences.filter { !ids.contains($0.value.orderID) }
        s.payments = s.payments.filter { !ids.contains($0.value.orderID) }
    }
}
