import Foundation

/// A cafeteria or bakery on the platform, managed by its owner (or any admin).
struct Business: Sendable, Hashable, Encodable {
    var id: Int
    var name: String
    var description: String
    var address: String
    /// The owner's login (e-mail).
    var owner: String

    enum CodingKeys: String, CodingKey {
        case id, name, description, address
        case owner = "owner_email"
    }
}

/// A product a business sells, with its price in cents and the units left.
struct Product: Sendable, Hashable, Encodable {
    var id: Int
    var businessID: Int
    var name: String
    var description: String
    var price: Cents
    var stock: Int

    enum CodingKeys: String, CodingKey {
        case id
        case businessID = "business_id"
        case name, description, price, stock
    }
}

/// A customer's order at one business. Its total is fixed when it is placed.
///
/// Status: `pending` → `confirmed` → `completed`; `pending` or `confirmed` → `cancelled`.
/// Payment status: `unpaid` → `pending` (a checkout preference exists) → `paid` | `failed`;
/// `paid` → `refunded`.
struct Order: Sendable, Hashable {
    enum Status: String, Sendable, CaseIterable { case pending, confirmed, completed, cancelled }
    enum PaymentStatus: String, Sendable { case unpaid, pending, paid, failed, refunded }

    struct Line: Sendable, Hashable, Encodable {
        var productID: Int
        var name: String
        var quantity: Int
        var unitPrice: Cents
        var subtotal: Cents { Cents(unitPrice.value * quantity) }

        enum CodingKeys: String, CodingKey {
            case productID = "product_id"
            case name, quantity
            case unitPrice = "unit_price"
            case subtotal
        }

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
    var businessID: Int
    var lines: [Line]
    var status: Status
    var paymentStatus: PaymentStatus = .unpaid
    var notes: String?
    var total: Cents
    var created: Date

    /// The sum of the lines' subtotals: what the order should cost.
    static func total(of lines: [Line]) -> Cents { Cents(lines.map(\.subtotal.value).reduce(0, +)) }

    /// The statuses an order may move to from `status` (cancelling has its own route too).
    static func allowed(from status: Status) -> Set<Status> {
        switch status {
        case .pending: [.confirmed, .cancelled]
        case .confirmed: [.completed, .cancelled]
        case .completed, .cancelled: []
        }
    }
}

/// A Mercado Pago checkout preference: where the customer pays for one order.
struct Preference: Sendable, Hashable {
    var id: String
    var orderID: Int
    var amount: Cents
}

/// A payment Mercado Pago reported through the webhook.
struct Payment: Sendable, Hashable, Encodable {
    enum Status: String, Sendable, Encodable { case approved, rejected, refunded }

    /// Mercado Pago's payment id (`data.id` of the notification).
    var id: String
    var orderID: Int
    var preferenceID: String
    var amount: Cents
    var status: Status
    var refunds = 0

    enum CodingKeys: String, CodingKey {
        case id
        case orderID = "order_id"
        case preferenceID = "preference_id"
        case amount, status
    }
}

/// An account created through `POST /api/v1/auth/register`. The password is kept as a salted SHA-256.
struct RegisteredAccount: Sendable, Hashable {
    var id: Int
    var email: String
    var fullName: String
    var role: String
    var salt: [UInt8]
    var passwordHash: [UInt8]
}

/// A sum of money sent as a JSON number (`350.5`) or a decimal string (`"350.50"`), read exactly
/// (through its text, never through binary floating point).
struct MoneyInput: Decodable, Sendable {
    /// Whole cents, or `nil` when the value has more than two decimals or is out of range.
    var cents: Int?

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let decimal: Decimal
        if let text = try? container.decode(String.self) {
            guard
                let value = Decimal(
                    string: text.trimmingCharacters(in: .whitespaces),
                    locale: Locale(identifier: "en_US_POSIX")
                )
            else {
                throw DecodingError.dataCorruptedError(
                    in: container,
                    debugDescription: "expected a decimal amount like \"350.00\""
                )
            }
            decimal = value
        } else {
            decimal = try container.decode(Decimal.self)
        }
        cents = Self.cents(decimal)
    }

    /// `decimal` × 100 when that is a whole number within ±10¹².
    static func cents(_ decimal: Decimal) -> Int? {
        var scaled = decimal * 100
        var rounded = Decimal()
        NSDecimalRound(&rounded, &scaled, 0, .plain)
        guard rounded == scaled, abs(rounded) <= 1_000_000_000_000 else { return nil }
        return NSDecimalNumber(decimal: rounded).intValue
    }
}
