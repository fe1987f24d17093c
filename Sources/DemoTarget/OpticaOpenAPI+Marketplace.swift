/// The optica's module marketplace, clinics and payments in `/openapi.json` (merged into
/// `OpticaOpenAPI.paths`).
extension OpticaOpenAPI {
    static var marketplacePaths: [String: Any] {
        let s = "session"
        let denied = "not allowed for this role"
        return [
            "/dashboard/modules/marketplace/": [
                "get": Doc.operation(
                    "Module marketplace page",
                    tag: "marketplace",
                    auth: s,
                    responses: [200: "HTML catalogue", 403: denied]
                )
            ],
            "/dashboard/modules/api/modules/": [
                "get": Doc.operation(
                    "Module catalogue",
                    tag: "marketplace",
                    auth: s,
                    responses: [200: "{modules, volume_discounts}"]
                )
            ],
            "/dashboard/modules/api/calculate-price/": [
                "post": Doc.operation(
                    "Calculate a module price",
                    tag: "marketplace",
                    auth: s,
                    body: Doc.object(["module_ids": ids], required: ["module_ids"]),
                    responses: [
                        200:
                            "{count, subtotal_cents, discount_percentage, discount_cents, total_cents, …}: 5–7 modules 10 %, 8 or more 20 %",
                        400: "none or repeated", 404: "unknown module",
                    ]
                )
            ],
            "/dashboard/modules/checkout/": [
                "post": Doc.operation(
                    "Check out modules",
                    tag: "marketplace",
                    auth: s,
                    body: Doc.object(
                        ["module_ids": ids, "gateway": ["enum": ["stripe", "wompi"]]],
                        required: ["module_ids", "gateway"]
                    ),
                    responses: [
                        201: "{checkout_id, amount_cents, reference, status: pending}",
                        409: "a module is already active",
                    ]
                )
            ],
            "/dashboard/modules/my-plan/": [
                "get": Doc.operation(
                    "My plan page",
                    tag: "marketplace",
                    auth: s,
                    responses: [200: "HTML: plan, trial days, active modules (id=\"module-N\" … Activo)"]
                )
            ],
            "/dashboard/modules/api/my-plan/": [
                "get": Doc.operation(
                    "My plan as JSON",
                    tag: "marketplace",
                    auth: s,
                    responses: [200: "{clinic_id, plan, trial_days_left, read_only, active_modules}"]
                )
            ],
            "/clinics/": [
                "get": Doc.operation("List clinics", tag: "marketplace", auth: s, responses: [200: "{clinics}"]),
                "post": Doc.operation(
                    "Create a clinic in trial",
                    tag: "marketplace",
                    auth: s,
                    body: Doc.object([
                        "name": text, "trial_days_left": ["type": "integer", "minimum": -365, "maximum": 30],
                    ]),
                    responses: [
                        201: "the clinic (trial_days_left 0 or less: already read-only)",
                        400: "trial_days_left out of range",
                    ]
                ),
            ],
            "/clinics/current/": [
                "get": Doc.operation(
                    "The session's clinic",
                    tag: "marketplace",
                    auth: s,
                    responses: [200: "the clinic"]
                )
            ],
            "/clinics/{id}/switch/": [
                "post": Doc.operation(
                    "Work in a clinic",
                    tag: "marketplace",
                    auth: s,
                    parameters: ["id"],
                    responses: [200: "the clinic", 404: "no such clinic"]
                )
            ],
            "/clinics/{id}/": [
                "delete": Doc.operation(
                    "Delete a clinic",
                    tag: "marketplace",
                    auth: s,
                    parameters: ["id"],
                    responses: [200: "{deleted}", 400: "the main clinic", 404: "no such clinic"]
                )
            ],
            "/payments/create-payment-intent/": [
                "post": Doc.operation(
                    "Pay a checkout with Stripe",
                    tag: "marketplace",
                    auth: s,
                    body: Doc.object(
                        ["checkout_id": id, "card_number": text, "exp_month": id, "exp_year": id, "cvc": text],
                        required: ["checkout_id", "card_number"]
                    ),
                    responses: [
                        200: "{payment_intent_id, status: succeeded} (card 4242424242424242)",
                        402: "declined (card 4000000000000002)", 400: "not a test card",
                    ]
                )
            ],
            "/payments/wompi/transactions/": [
                "post": Doc.operation(
                    "Pay a checkout with Wompi",
                    tag: "marketplace",
                    auth: s,
                    body: Doc.object(
                        ["checkout_id": id, "card_number": text],
                        required: ["checkout_id", "card_number"]
                    ),
                    responses: [201: "{transaction_id, status: PENDING, amount_in_cents, reference}"]
                )
            ],
            "/payments/webhooks/stripe/": [
                "post": Doc.operation(
                    "Stripe webhook",
                    tag: "marketplace",
                    body: Doc.object([
                        "type": text, "data": Doc.object(["object": Doc.object(["id": text, "amount": id])]),
                    ]),
                    responses: [
                        200: "{received, activated}", 400: "missing or wrong Stripe-Signature (t=…,v1=HMAC-SHA256)",
                        404: "unknown payment",
                    ]
                )
            ],
            "/payments/webhooks/wompi/": [
                "post": Doc.operation(
                    "Wompi event",
                    tag: "marketplace",
                    body: Doc.object([
                        "event": text,
                        "data": Doc.object([
                            "transaction": Doc.object(["id": text, "status": text, "amount_in_cents": id])
                        ]),
                        "signature": Doc.object(["properties": ["type": "array", "items": text], "checksum": text]),
                        "timestamp": id,
                    ]),
                    responses: [
                        200: "{received, activated}", 400: "wrong signature.checksum", 404: "unknown transaction",
                    ]
                )
            ],
        ]
    }
}
