/// The cafeteria API's operations for `/openapi.json` (see `OpenAPIDocument`).
enum CafeteriaOpenAPI {
    typealias Doc = OpenAPIDocument

    static var money: [String: Any] { ["type": "string", "pattern": #"^-?\d+\.\d{2}$"#, "examples": ["4500.00"]] }
    static var moneyInput: [String: Any] {
        ["oneOf": [["type": "string", "pattern": #"^\d+(\.\d{1,2})?$"#], ["type": "number"]]]
    }
    static var id: [String: Any] { ["type": "integer"] }
    static var text: [String: Any] { ["type": "string"] }

    static var schemas: [String: Any] {
        [
            "Error": Doc.object(["detail": text], required: ["detail"]),
            "Business": Doc.object(
                ["id": id, "name": text, "description": text, "address": text, "owner_email": text],
                required: ["id", "name", "owner_email"]
            ),
            "Product": Doc.object(
                [
                    "id": id, "business_id": id, "name": text, "description": text, "price": money,
                    "stock": ["type": "integer", "minimum": 0],
                ],
                required: ["id", "business_id", "name", "price", "stock"]
            ),
            "Order": Doc.object(
                [
                    "id": id, "business_id": id, "customer_email": text,
                    "status": ["enum": ["pending", "confirmed", "completed", "cancelled"]],
                    "payment_status": ["enum": ["unpaid", "pending", "paid", "failed", "refunded"]],
                    "total": money, "notes": ["type": ["string", "null"]],
                    "created_at": ["type": "string", "format": "date-time"],
                    "items": [
                        "type": "array",
                        "items": Doc.object([
                            "product_id": id, "name": text, "quantity": id, "unit_price": money, "subtotal": money,
                        ]),
                    ],
                ],
                required: ["id", "business_id", "status", "payment_status", "total", "items"]
            ),
            "Payment": Doc.object(
                [
                    "id": text, "order_id": id, "preference_id": text, "amount": money,
                    "status": ["enum": ["approved", "rejected", "refunded"]],
                ],
                required: ["id", "order_id", "amount", "status"]
            ),
        ]
    }

    static var paths: [String: Any] {
        let v1 = "/api/v1"
        let bearer = "bearer"
        let orderItems: [String: Any] = [
            "type": "array", "minItems": 1,
            "items": Doc.object(
                ["product_id": id, "quantity": ["type": "integer", "minimum": 1, "maximum": 1000]],
                required: ["product_id", "quantity"]
            ),
        ]
        let businessBody = Doc.object(["name": text, "description": text, "address": text])
        let productBody = Doc.object([
            "name": text, "description": text, "price": moneyInput, "stock": ["type": "integer", "minimum": 0],
        ])
        return [
            "/health": ["get": Doc.operation("Service health", tag: "service", responses: [200: "up"])],
            "\(v1)/health": [
                "get": Doc.operation(
                    "Health with a storage check",
                    tag: "service",
                    responses: [200: "storage ok", 503: "storage inconsistent"]
                )
            ],
            "/openapi.json": [
                "get": Doc.operation("This OpenAPI document", tag: "service", responses: [200: "the document"])
            ],
            "/docs": ["get": Doc.operation("Operations as an HTML page", tag: "service", responses: [200: "HTML"])],
            "\(v1)/auth/register": [
                "post": Doc.operation(
                    "Register an account",
                    tag: "auth",
                    body: Doc.object(
                        [
                            "email": text, "password": ["type": "string", "minLength": 8], "full_name": text,
                            "role": ["enum": ["customer", "owner"]],
                        ],
                        required: ["email", "password", "full_name"]
                    ),
                    responses: [201: "the account", 400: "email already registered", 422: "invalid fields"]
                )
            ],
            "\(v1)/auth/login": [
                "post": Doc.operation(
                    "Log in for a bearer token",
                    tag: "auth",
                    body: Doc.object(["email": text, "password": text], required: ["email", "password"]),
                    form: Doc.object(["username": text, "password": text], required: ["username", "password"]),
                    responses: [
                        200: "{access_token, token_type: bearer, expires_in, role}", 401: "incorrect email or password",
                        422: "malformed",
                    ]
                )
            ],
            "\(v1)/auth/me": [
                "get": Doc.operation(
                    "Who am I",
                    tag: "auth",
                    auth: bearer,
                    responses: [200: "{email, role, full_name}", 401: "no or bad token"]
                ),
                "delete": Doc.operation(
                    "Delete my registered account",
                    tag: "auth",
                    auth: bearer,
                    responses: [204: "deleted", 403: "demo accounts cannot be deleted"]
                ),
            ],
            "\(v1)/businesses": [
                "get": Doc.operation(
                    "List businesses",
                    tag: "businesses",
                    auth: bearer,
                    responses: [200: "[Business]"]
                ),
                "post": Doc.operation(
                    "Create a business",
                    tag: "businesses",
                    auth: bearer,
                    body: businessBody,
                    responses: [201: "Business", 403: "customers cannot", 422: "invalid fields"]
                ),
            ],
            "\(v1)/businesses/{id}": [
                "get": Doc.operation(
                    "Read a business",
                    tag: "businesses",
                    auth: bearer,
                    parameters: ["id"],
                    responses: [200: "Business", 404: "not found"]
                ),
                "put": Doc.operation(
                    "Update a business",
                    tag: "businesses",
                    auth: bearer,
                    parameters: ["id"],
                    body: businessBody,
                    responses: [200: "Business", 403: "not its owner nor an admin", 404: "not found"]
                ),
                "patch": Doc.operation(
                    "Update some fields of a business",
                    tag: "businesses",
                    auth: bearer,
                    parameters: ["id"],
                    body: businessBody,
                    responses: [200: "Business", 403: "not its owner nor an admin"]
                ),
                "delete": Doc.operation(
                    "Delete a business with its products and orders",
                    tag: "businesses",
                    auth: bearer,
                    parameters: ["id"],
                    responses: [204: "deleted", 403: "not its owner nor an admin", 404: "not found"]
                ),
            ],
            "\(v1)/businesses/{id}/products": [
                "get": Doc.operation(
                    "List a business's products",
                    tag: "products",
                    parameters: ["id"],
                    responses: [200: "[Product]", 404: "no such business"]
                ),
                "post": Doc.operation(
                    "Add a product",
                    tag: "products",
                    auth: bearer,
                    parameters: ["id"],
                    body: productBody,
                    responses: [201: "Product", 403: "not its owner nor an admin", 422: "invalid price or stock"]
                ),
            ],
            "\(v1)/businesses/{id}/orders": [
                "get": Doc.operation(
                    "List a business's orders",
                    tag: "orders",
                    auth: bearer,
                    parameters: ["id"],
                    responses: [200: "[Order]", 403: "not its owner nor an admin"]
                )
            ],
            "\(v1)/products": [
                "get": Doc.operation("List every product", tag: "products", responses: [200: "[Product]"])
            ],
            "\(v1)/products/{id}": [
                "get": Doc.operation(
                    "Read a product",
                    tag: "products",
                    parameters: ["id"],
                    responses: [200: "Product", 404: "not found"]
                ),
                "put": Doc.operation(
                    "Update a product",
                    tag: "products",
                    auth: bearer,
                    parameters: ["id"],
                    body: productBody,
                    responses: [200: "Product", 403: "not its owner nor an admin"]
                ),
                "patch": Doc.operation(
                    "Update some fields of a product",
                    tag: "products",
                    auth: bearer,
                    parameters: ["id"],
                    body: productBody,
                    responses: [200: "Product", 403: "not its owner nor an admin"]
                ),
                "delete": Doc.operation(
                    "Delete a product",
                    tag: "products",
                    auth: bearer,
                    parameters: ["id"],
                    responses: [204: "deleted", 403: "not its owner nor an admin"]
                ),
            ],
            "\(v1)/orders": [
                "post": Doc.operation(
                    "Place an order",
                    tag: "orders",
                    auth: bearer,
                    body: Doc.object(["business_id": id, "items": orderItems, "notes": text], required: ["items"]),
                    responses: [
                        201: "Order (status pending; stock taken)", 400: "insufficient stock",
                        404: "unknown product or business", 422: "quantity below 1 or malformed",
                    ]
                ),
                "get": Doc.operation("List my orders", tag: "orders", auth: bearer, responses: [200: "[Order]"]),
            ],
            "\(v1)/orders/{id}": [
                "get": Doc.operation(
                    "Read an order",
                    tag: "orders",
                    auth: bearer,
                    parameters: ["id"],
                    responses: [200: "Order", 404: "not found or not yours"]
                ),
                "delete": Doc.operation(
                    "Cancel an order",
                    tag: "orders",
                    auth: bearer,
                    parameters: ["id"],
                    responses: [200: "Order (cancelled; stock back)", 400: "cannot cancel a completed order"]
                ),
            ],
            "\(v1)/orders/{id}/cancel": [
                "post": Doc.operation(
                    "Cancel an order (POST form)",
                    tag: "orders",
                    auth: bearer,
                    parameters: ["id"],
                    responses: [200: "Order", 400: "cannot cancel"]
                )
            ],
            "\(v1)/orders/{id}/status": [
                "patch": Doc.operation(
                    "Change an order's status",
                    tag: "orders",
                    auth: bearer,
                    parameters: ["id"],
                    body: Doc.object(
                        ["status": ["enum": ["confirmed", "completed", "cancelled"]]],
                        required: ["status"]
                    ),
                    responses: [
                        200: "Order", 400: "invalid transition", 403: "not the business's owner nor an admin",
                        422: "unknown status",
                    ]
                )
            ],
            "\(v1)/payments/create-preference": [
                "post": Doc.operation(
                    "Create a Mercado Pago checkout preference",
                    tag: "payments",
                    auth: bearer,
                    body: Doc.object(["order_id": id, "amount": moneyInput], required: ["order_id"]),
                    responses: [
                        200: "{preference_id, init_point, sandbox_init_point}",
                        400: "already paid, cancelled, or amount differs from the total", 404: "no such order",
                        422: "amount not positive",
                    ]
                )
            ],
            "\(v1)/payments/webhook": [
                "post": Doc.operation(
                    "Mercado Pago payment notification",
                    tag: "payments",
                    auth: "mercadopago",
                    query: ["data.id", "type"],
                    body: Doc.object([
                        "type": text,
                        "data": Doc.object(
                            ["id": text, "status": ["enum": ["approved", "rejected"]], "preference_id": text],
                            required: ["id"]
                        ),
                    ]),
                    responses: [
                        200: "applied (approved: order paid; rejected: failed) or ignored", 401: "invalid x-signature",
                        404: "unknown preference",
                    ]
                )
            ],
            "\(v1)/payments/{id}": [
                "get": Doc.operation(
                    "Read a payment",
                    tag: "payments",
                    auth: bearer,
                    parameters: ["id"],
                    responses: [200: "Payment", 404: "not found"]
                )
            ],
            "\(v1)/payments/{id}/refund": [
                "post": Doc.operation(
                    "Refund a payment",
                    tag: "payments",
                    auth: bearer,
                    parameters: ["id"],
                    responses: [
                        200: "Payment (refunded; order refunded)", 400: "already refunded or rejected",
                        403: "not the business's owner nor an admin",
                    ]
                )
            ],
        ]
    }
}
