import Foundation
import Hummingbird

/// Businesses and their products. Anyone may read the catalogue; owners manage their own
/// businesses, admins any; everyone else gets 403.
extension CafeteriaRoutes {
    struct BusinessInput: Decodable {
        var name: String?
        var description: String?
        var address: String?
    }

    struct ProductInput: Decodable {
        var name: String?
        var description: String?
        var price: MoneyInput?
        var stock: LenientInt?
    }

    func registerBusinesses(on api: RouterGroup<BasicRequestContext>) {
        api.get("/businesses", use: authorized { _, _, _ in HTTPReply.json(.ok, store.businesses()) })
        api.post("/businesses", use: authorized { request, _, claims in try await createBusiness(request, claims) })
        api.get(
            "/businesses/:id",
            use: authorized { _, context, _ in
                guard let id = id(context), let business = store.business(id: id) else {
                    return HTTPReply.detail(.notFound, "business not found")
                }
                return HTTPReply.json(.ok, business)
            }
        )
        let update: Handler = { request, context, claims in try await updateBusiness(request, context, claims) }
        api.put("/businesses/:id", use: authorized(update))
        api.patch("/businesses/:id", use: authorized(update))
        api.delete(
            "/businesses/:id",
            use: authorized { _, context, claims in
                switch managed(context, claims) {
                case .failure(let refusal): return refusal.response
                case .success(let business):
                    _ = store.deleteBusiness(id: business.id)
                    return Response(status: .noContent)
                }
            }
        )
        api.get("/businesses/:id/products") { _, context in try await menu(business: id(context)) }
        api.post(
            "/businesses/:id/products",
            use: authorized { request, context, claims in
                switch managed(context, claims) {
                case .failure(let refusal): return refusal.response
                case .success(let business): return try await createProduct(request, business)
                }
            }
        )
        api.get(
            "/businesses/:id/orders",
            use: authorized { _, context, claims in
                let peek = claims.role == "owner" && faults.isOn(CafeteriaFaults.ownerReadsOtherOrders)
                switch managed(context, claims, allowAnyOwner: peek) {
                case .failure(let refusal): return refusal.response
                case .success(let business):
                    return orderReply(.ok, store.orders { $0.businessID == business.id }.map { OrderBody($0) })
                }
            }
        )

        api.get("/products") { _, _ in try await menu(business: nil) }
        api.get("/products/:id") { _, context in
            guard let id = id(context), let product = store.product(id: id) else {
                return HTTPReply.detail(.notFound, "product not found")
            }
            return HTTPReply.json(.ok, product)
        }
        let updateProduct: Handler = { request, context, claims in
            try await self.updateProduct(request, context, claims)
        }
        api.put("/products/:id", use: authorized(updateProduct))
        api.patch("/products/:id", use: authorized(updateProduct))
        api.delete(
            "/products/:id",
            use: authorized { _, context, claims in
                guard let id = id(context), let product = store.product(id: id) else {
                    return HTTPReply.detail(.notFound, "product not found")
                }
                guard let business = store.business(id: product.businessID), canManage(business, claims) else {
                    return HTTPReply.detail(.forbidden, "only the business's owner or an admin can delete its products")
                }
                _ = store.deleteProduct(id: id)
                return Response(status: .noContent)
            }
        )
    }

    /// Why a request about a business is refused.
    struct Refusal: Error {
        var response: Response
    }

    /// The business named in the path, when `claims` may manage it.
    func managed(
        _ context: BasicRequestContext,
        _ claims: Claims,
        allowAnyOwner: Bool = false
    ) -> Result<Business, Refusal> {
        guard let id = id(context), let business = store.business(id: id) else {
            return .failure(Refusal(response: HTTPReply.detail(.notFound, "business not found")))
        }
        guard canManage(business, claims) || (allowAnyOwner && claims.role == "owner") else {
            return .failure(
                Refusal(response: HTTPReply.detail(.forbidden, "only the business's owner or an admin can do this"))
            )
        }
        return .success(business)
    }

    /// The product list (of one business, or all), slow under `slow-menu`.
    func menu(business: Int?) async throws -> Response {
        if faults.isOn(CafeteriaFaults.slowMenu) { try await Task.sleep(for: .seconds(2)) }
        if let business, store.business(id: business) == nil {
            return HTTPReply.detail(.notFound, "business not found")
        }
        return HTTPReply.json(.ok, store.products(business: business))
    }

    func createBusiness(_ request: Request, _ claims: Claims) async throws -> Response {
        let anyone = faults.isOn(CafeteriaFaults.customerCreatesBusiness)
        guard anyone || claims.role == "owner" || claims.role == "admin" else {
            return HTTPReply.detail(.forbidden, "only owners and admins can create businesses")
        }
        guard let input = try await decode(BusinessInput.self, request) else {
            return HTTPReply.detail(
                .unprocessableContent,
                "send JSON with name, and optionally description and address"
            )
        }
        if let problem = Self.problem(input, creating: true) { return HTTPReply.detail(.unprocessableContent, problem) }
        do {
            let business = try store.createBusiness(
                name: input.name ?? "",
                description: input.description ?? "",
                address: input.address ?? "",
                owner: claims.sub
            )
            return HTTPReply.json(.created, business)
        } catch {
            guard case .full(let message) = error else { throw error }
            return HTTPReply.detail(.serviceUnavailable, message)
        }
    }

    func updateBusiness(_ request: Request, _ context: BasicRequestContext, _ claims: Claims) async throws -> Response {
        switch managed(context, claims) {
        case .failure(let refusal): return refusal.response
        case .success(let business):
            guard let input = try await decode(BusinessInput.self, request) else {
                return HTTPReply.detail(.unprocessableContent, "send JSON with any of name, description, address")
            }
            if let problem = Self.problem(input, creating: false) {
                return HTTPReply.detail(.unprocessableContent, problem)
            }
            let updated = store.updateBusiness(id: business.id) { b in
                if let name = input.name { b.name = name.trimmingCharacters(in: .whitespaces) }
                if let description = input.description { b.description = description }
                if let address = input.address { b.address = address }
            }
            guard let updated else { return HTTPReply.detail(.notFound, "business not found") }
            return HTTPReply.json(.ok, updated)
        }
    }

    static func problem(_ input: BusinessInput, creating: Bool) -> String? {
        if creating && input.name == nil { return "name is required" }
        if let name = input.name, !(1...100).contains(name.trimmingCharacters(in: .whitespaces).count) {
            return "name must be 1 to 100 characters"
        }
        if (input.description?.count ?? 0) > 500 { return "description must be at most 500 characters" }
        if (input.address?.count ?? 0) > 200 { return "address must be at most 200 characters" }
        return nil
    }

    static func problem(_ input: ProductInput, creating: Bool) -> String? {
        if creating && (input.name == nil || input.price == nil) { return "name and price are required" }
        if let name = input.name, !(1...100).contains(name.trimmingCharacters(in: .whitespaces).count) {
            return "name must be 1 to 100 characters"
        }
        if (input.description?.count ?? 0) > 500 { return "description must be at most 500 characters" }
        if let price = input.price {
            guard let cents = price.cents else { return "price must be a decimal amount with at most two decimals" }
            if cents <= 0 { return "price must be greater than 0" }
        }
        if let stock = input.stock?.value, !(0...1_000_000).contains(stock) { return "stock must be 0 to 1000000" }
        return nil
    }

    func createProduct(_ request: Request, _ business: Business) async throws -> Response {
        guard let input = try await decode(ProductInput.self, request) else {
            return HTTPReply.detail(
                .unprocessableContent,
                "send JSON with name, price (\"350.00\" or 350), stock and optionally description"
            )
        }
        if let problem = Self.problem(input, creating: true) { return HTTPReply.detail(.unprocessableContent, problem) }
        do {
            let created = try store.createProduct(
                business: business.id,
                name: (input.name ?? "").trimmingCharacters(in: .whitespaces),
                description: input.description ?? "",
                price: Cents(input.price?.cents ?? 0),
                stock: input.stock?.value ?? 0
            )
            guard let created else { return HTTPReply.detail(.notFound, "business not found") }
            return HTTPReply.json(.created, created)
        } catch {
            guard case .full(let message) = error else { throw error }
            return HTTPReply.detail(.serviceUnavailable, message)
        }
    }

    func updateProduct(_ request: Request, _ context: BasicRequestContext, _ claims: Claims) async throws -> Response {
        guard let id = id(context), let product = store.product(id: id) else {
            return HTTPReply.detail(.notFound, "product not found")
        }
        guard let business = store.business(id: product.businessID), canManage(business, claims) else {
            return HTTPReply.detail(.forbidden, "only the business's owner or an admin can change its products")
        }
        guard let input = try await decode(ProductInput.self, request) else {
            return HTTPReply.detail(.unprocessableContent, "send JSON with any of name, description, price, stock")
        }
        if let problem = Self.problem(input, creating: false) {
            return HTTPReply.detail(.unprocessableContent, problem)
        }
        let updated = store.updateProduct(id: id) { p in
            if let name = input.name { p.name = name.trimmingCharacters(in: .whitespaces) }
            if let description = input.description { p.description = description }
            if let cents = input.price?.cents { p.price = Cents(cents) }
            if let stock = input.stock?.value { p.stock = stock }
        }
        guard let updated else { return HTTPReply.detail(.notFound, "product not found") }
        return HTTPReply.json(.ok, updated)
    }
}
