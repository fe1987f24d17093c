/// The module marketplace's catalogue and its volume-discount table.
///
/// Prices are monthly, in Colombian pesos, and kept as integer cents (`price_cents`), the way
/// Stripe and Wompi take amounts. Every price is a whole thousand pesos, so 10 % and 20 %
/// discounts come out exact.
enum OpticaModules {
    /// One module a clinic can buy.
    struct Module: Sendable, Hashable, Encodable {
        var id: Int
        var code: String
        var name: String
        var priceCents: Int

        enum CodingKeys: String, CodingKey {
            case id, code, name, price
            case priceCents = "price_cents"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(code, forKey: .code)
            try c.encode(name, forKey: .name)
            try c.encode(Cents(priceCents), forKey: .price)
            try c.encode(priceCents, forKey: .priceCents)
        }
    }

    /// The catalogue, by id (1…22).
    static let all: [Module] = [
        ("appointments", "Citas", 59_000), ("patients", "Pacientes", 49_000),
        ("clinical_history", "Historia clínica", 79_000),
        ("prescriptions", "Fórmulas", 39_000), ("exams", "Exámenes", 49_000), ("treatments", "Tratamientos", 39_000),
        ("inventory", "Inventario", 69_000), ("sales", "Ventas", 59_000), ("suppliers", "Proveedores", 29_000),
        ("reports", "Reportes", 49_000), ("analytics", "Analítica", 89_000), ("payments", "Pagos en línea", 59_000),
        ("whatsapp", "Recordatorios por WhatsApp", 39_000), ("email", "Correo", 19_000), ("sms", "SMS", 29_000),
        ("forms", "Formularios", 19_000), ("surveys", "Encuestas", 19_000), ("telemedicine", "Telemedicina", 99_000),
        ("billing", "Facturación electrónica", 69_000), ("insurance", "Aseguradoras", 59_000),
        ("lab_integration", "Laboratorio", 49_000), ("calendar_sync", "Sincronizar calendario", 19_000),
    ].enumerated().map { index, entry in
        Module(id: index + 1, code: entry.0, name: entry.1, priceCents: entry.2 * 100)
    }

    static func module(id: Int) -> Module? {
        (1...all.count).contains(id) ? all[id - 1] : nil
    }

    /// Volume discounts: buying at least `minimum` modules takes `percent` off the subtotal.
    /// 1–4 modules: 0 %, 5–7: 10 %, 8 or more: 20 %.
    static let volumeDiscounts: [(minimum: Int, percent: Int)] = [(8, 20), (5, 10), (1, 0)]

    /// The discount for buying `count` modules. `boundaryFault` compares with `>` instead of
    /// `>=` (the `discount-tier-boundary` fault), so each tier starts one module late.
    static func discountPercent(count: Int, boundaryFault: Bool = false) -> Int {
        volumeDiscounts.first { boundaryFault ? count > $0.minimum : count >= $0.minimum }?.percent ?? 0
    }

    /// What a set of modules costs.
    struct Quote: Sendable, Hashable, Encodable {
        var modules: [Module]
        var subtotalCents: Int
        var discountPercentage: Int
        var discountCents: Int
        var totalCents: Int

        init(modules: [Module], boundaryFault: Bool = false) {
            self.modules = modules
            subtotalCents = modules.reduce(0) { $0 + $1.priceCents }
            discountPercentage = OpticaModules.discountPercent(count: modules.count, boundaryFault: boundaryFault)
            discountCents = subtotalCents * discountPercentage / 100
            totalCents = subtotalCents - discountCents
        }

        enum CodingKeys: String, CodingKey {
            case modules, count, currency, subtotal, discount, total
            case moduleIDs = "module_ids"
            case subtotalCents = "subtotal_cents"
            case discountPercentage = "discount_percentage"
            case discountCents = "discount_cents"
            case totalCents = "total_cents"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(modules.map(\.id), forKey: .moduleIDs)
            try c.encode(modules, forKey: .modules)
            try c.encode(modules.count, forKey: .count)
            try c.encode("COP", forKey: .currency)
            try c.encode(Cents(subtotalCents), forKey: .subtotal)
            try c.encode(subtotalCents, forKey: .subtotalCents)
            try c.encode(discountPercentage, forKey: .discountPercentage)
            try c.encode(Cents(discountCents), forKey: .discount)
            try c.encode(discountCents, forKey: .discountCents)
            try c.encode(Cents(totalCents), forKey: .total)
            try c.encode(totalCents, forKey: .totalCents)
        }
    }

    enum Selection {
        case modules([Module])
        case invalid(String)
        case unknown(Int)
    }

    /// Checks a list of module ids: not empty, no repeats, every id in the catalogue.
    static func select(_ ids: [Int]) -> Selection {
        guard !ids.isEmpty else { return .invalid("choose at least one module: send {\"module_ids\": [1, 2, 3]}") }
        guard Set(ids).count == ids.count else { return .invalid("module_ids has repeated modules") }
        var modules: [Module] = []
        for id in ids {
            guard let module = module(id: id) else { return .unknown(id) }
            modules.append(module)
        }
        return .modules(modules)
    }
}
