/// Faults of the cafeteria API: each is a mistake real teams ship, and each is caught by at
/// least one bundled scenario (named in the comment) whose failure message says what went wrong.
public enum CafeteriaFaults {
    /// Scenario "Order totals": `$.total` is one unit price too high.
    public static let orderTotalOffByOne = DemoFault(
        "order-total-off-by-one",
        "order totals charge one extra unit of the first item (a loop from 0 through quantity)"
    )
    /// Scenario "Ten orders against a small stock": the 6th order of a stock of 5 is accepted.
    public static let stockNotDecrementedAtomically = DemoFault(
        "stock-not-decremented-atomically",
        "stock is checked at once but taken later by a background job, so quick or concurrent orders oversell it below zero"
    )
    /// Scenario "Webhook with a bad signature": a forged notification is answered 200.
    public static let webhookSignatureUnchecked = DemoFault(
        "webhook-signature-unchecked",
        "the Mercado Pago webhook does not verify x-signature, so anyone can mark an order paid"
    )
    /// Scenario "Refund a payment only once": the second refund is answered 200.
    public static let refundTwice = DemoFault(
        "refund-twice",
        "a refunded payment can be refunded again (the status check is missing)"
    )
    /// Scenario "Owners see only their own business's orders": 200 instead of 403.
    public static let ownerReadsOtherOrders = DemoFault(
        "owner-reads-other-business-orders",
        "a business owner can list and read the orders of another owner's business"
    )
    /// Scenario "Place an order": the order's `Content-Type` is not JSON.
    public static let ordersWrongContentType = DemoFault(
        "orders-wrong-content-type",
        "order responses are JSON sent as Content-Type text/plain"
    )
    /// Scenario "Order an unknown product": the 404 is an HTML page, with no JSON `detail`.
    public static let htmlErrorPage = DemoFault(
        "html-error-page",
        "order errors (404, 400) come back as an HTML error page where the API promises JSON {\"detail\"}"
    )
    /// Scenario "Service is up and the menu is well formed": the menu takes 2 s.
    public static let slowMenu = DemoFault(
        "slow-menu",
        "the product list takes 2 seconds (an N+1 query per product)"
    )
    /// Scenario "A completed order cannot be cancelled": the cancel is answered 200.
    public static let cancelCompletedOrder = DemoFault(
        "cancel-completed-order",
        "a completed order can be cancelled, which also puts its stock back"
    )
    /// Scenario "Invalid order status transitions": pending → completed is answered 200.
    public static let invalidTransitionAllowed = DemoFault(
        "invalid-transition-allowed",
        "an order can jump from pending straight to completed (any status is accepted)"
    )
    /// Scenario "Order a negative quantity": 201 with a negative total instead of 422.
    public static let negativeQuantityAccepted = DemoFault(
        "negative-quantity-accepted",
        "a negative quantity is accepted: the total goes negative and the stock goes up"
    )
    /// Scenario "Rejected payment marks the order failed": the order reads paid.
    public static let rejectedPaymentMarkedPaid = DemoFault(
        "rejected-payment-marked-paid",
        "the webhook marks the order paid for any payment status, rejected included"
    )
    /// Scenario "Customer gets an API token": a tampered token is accepted.
    public static let jwtSignatureUnchecked = DemoFault(
        "jwt-signature-unchecked",
        "bearer tokens are decoded without checking their signature, so a tampered token is accepted"
    )
    /// Scenario "Customers cannot manage businesses": a customer creates a business.
    public static let customerCreatesBusiness = DemoFault(
        "customer-creates-business",
        "the role check is missing on POST /businesses: a customer can open a business and sell"
    )

    public static let all: [DemoFault] = [
        orderTotalOffByOne, stockNotDecrementedAtomically, webhookSignatureUnchecked, refundTwice,
        ownerReadsOtherOrders,
        ordersWrongContentType, htmlErrorPage, slowMenu, cancelCompletedOrder, invalidTransitionAllowed,
        negativeQuantityAccepted, rejectedPaymentMarkedPaid, jwtSignatureUnchecked, customerCreatesBusiness,
    ]
}
