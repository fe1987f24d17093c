/// Sandbox card numbers and other payment test values the providers document.
///
/// - Stripe: <https://docs.stripe.com/testing> — any future expiry, any CVC.
/// - Wompi (Colombia): <https://docs.wompi.co/docs/colombia/datos-de-prueba-en-sandbox/> —
///   4242… is APPROVED, 4111… is DECLINED, any other card ends in ERROR; Nequi numbers
///   3991111111 (approved) and 3992222222 (declined).
/// - Mercado Pago: the test card numbers differ by country and the outcome is chosen by the
///   *cardholder name* (`APRO` approved, `OTHE` rejected, `CONT` pending, `FUND` insufficient
///   funds…). `approved`/`rejected` here are a documented Mastercard and Visa test number; pair
///   them with `card.mercadopago.holder.approved` / `.holder.rejected` to get that outcome.
enum TestCards {
    static let values: [(name: String, value: String)] = [
        ("card.stripe.success", "4242424242424242"),
        ("card.stripe.decline", "4000000000000002"),
        ("card.stripe.insufficient_funds", "4000000000009995"),
        ("card.stripe.expired", "4000000000000069"),
        ("card.stripe.incorrect_cvc", "4000000000000127"),
        ("card.stripe.authentication_required", "4000002500003155"),
        ("card.wompi.approved", "4242424242424242"),
        ("card.wompi.declined", "4111111111111111"),
        ("card.mercadopago.approved", "5031755734530604"),
        ("card.mercadopago.rejected", "4509953566233704"),
        ("card.mercadopago.holder.approved", "APRO"),
        ("card.mercadopago.holder.rejected", "OTHE"),
        ("card.mercadopago.holder.pending", "CONT"),
        ("card.mercadopago.holder.insufficient_funds", "FUND"),
        ("card.cvc", "123"),
        ("nequi.wompi.approved", "3991111111"),
        ("nequi.wompi.declined", "3992222222"),
    ]

    static let byName: [String: String] = Dictionary(
        values.map { ($0.name, $0.value) },
        uniquingKeysWith: { a, _ in a }
    )

    /// Luhn check digit validity (used by tests to keep the table honest).
    static func passesLuhn(_ number: String) -> Bool {
        let digits = number.compactMap(\.wholeNumberValue)
        guard digits.count == number.count, digits.count >= 12 else { return false }
        var sum = 0
        for (offset, digit) in digits.reversed().enumerated() {
            if offset % 2 == 1 {
                let doubled = digit * 2
                sum += doubled > 9 ? doubled - 9 : doubled
            } else {
                sum += digit
            }
        }
        return sum % 10 == 0
    }
}
