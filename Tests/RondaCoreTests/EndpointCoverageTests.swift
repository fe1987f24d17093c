import RondaCore
import Testing

/// OpenAPI documents read as operations, request URLs reduced to shapes, and the matching of one
/// to the other.
struct EndpointCoverageTests {
    static let yaml = """
        openapi: 3.0.3
        info: { title: Shop, version: "1" }
        servers:
          - url: https://api.example.com/v1
        paths:
          /orders:
            get: { summary: List orders }
            post: { summary: Create an order }
            parameters: []
          /orders/{id}:
            get: { summary: One order }
            delete: { summary: Cancel }
          /orders/summary:
            get: { summary: Totals }
          /health:
            get: {}
        """

    @Test func aYAMLDocumentGivesItsOperationsUnderTheServersPath() throws {
        let operations = try OpenAPIDocumentReader.operations(Self.yaml, source: "shop.yml")
        #expect(
            operations.map { "\($0.method) \($0.path)" } == [
                "GET /v1/health", "GET /v1/orders", "POST /v1/orders", "GET /v1/orders/summary",
                "DELETE /v1/orders/{id}", "GET /v1/orders/{id}",
            ]
        )
        #expect(operations.first { $0.path == "/v1/orders" && $0.method == "POST" }?.summary == "Create an order")
    }

    @Test func jsonAndSwaggerTwoAreReadToo() throws {
        let json = #"{"swagger": "2.0", "basePath": "/api", "paths": {"/pets/{petId}": {"get": {"summary": "A pet"}}}}"#
        let operations = try OpenAPIDocumentReader.operations(json, source: "pets.json")
        #expect(operations == [APIOperation(method: "GET", path: "/api/pets/{petId}", summary: "A pet")])
        let relative = #"{"openapi": "3.1.0", "servers": [{"url": "/"}], "paths": {"/a": {"put": {}}}}"#
        #expect(try OpenAPIDocumentReader.operations(relative, source: "a.json").map(\.path) == ["/a"])
    }

    @Test func whatIsNotAnOpenAPIDocumentIsRefusedWithTheReason() {
        for (text, reason) in [
            ("[1, 2]", "expected a mapping"), ("title: x\n", "no 'openapi' or 'swagger' field"),
            ("openapi: 3.0.0\n", "has no 'paths' mapping"), ("{ nope", "is not JSON or YAML"),
        ] {
            #expect {
                try OpenAPIDocumentReader.operations(text, source: "doc")
            } throws: { error in
                (error as? OpenAPIError)?.message.contains(reason) == true
            }
        }
    }

    @Test func requestURLsAreReducedToTheirShape() {
        #expect(EndpointShape.path(ofURL: "http://shop:8080/v1/orders/17?expand=items#x") == "/v1/orders/{}")
        #expect(
            EndpointShape.path(ofURL: "https://h/v1/orders/3f2b8c1e-9d4a-4b7e-8f00-123456789abc") == "/v1/orders/{}"
        )
        #expect(EndpointShape.path(ofURL: "https://h/v1/customers/cus_9fK2mQ81zP4x") == "/v1/customers/{}")
        #expect(EndpointShape.path(ofURL: "https://h/v1/orders/summary/") == "/v1/orders/summary")
        #expect(EndpointShape.path(ofURL: "https://h") == "/")
        #expect(EndpointShape.path(ofURL: "/relative/v2/items") == "/relative/v2/items")
        #expect(EndpointShape.path(ofURL: "https://h/api/v1/health") == "/api/v1/health")
    }

    @Test func callsMatchTheMostSpecificOperationAndTheRestAreStrays() throws {
        let operations = try OpenAPIDocumentReader.operations(Self.yaml, source: "shop.yml")
        let calls = [
            EndpointCall(method: "GET", path: "/v1/orders/{}", calls: 3, failures: 1, lastCalled: "2026-12-01T10:00"),
            EndpointCall(method: "GET", path: "/v1/orders/summary", calls: 2, lastCalled: "2026-12-02T10:00"),
            EndpointCall(method: "post", path: "/v1/orders", calls: 1),
            EndpointCall(method: "PATCH", path: "/v1/orders/{}", calls: 4),  // no PATCH declared
            EndpointCall(method: "GET", path: "/v1/admin/debug", calls: 5),
        ]
        let coverage = EndpointCoverage(operations: operations, calls: calls)
        let byKey = Dictionary(
            uniqueKeysWithValues: coverage.operations.map { ("\($0.operation.method) \($0.operation.path)", $0) }
        )
        #expect(byKey["GET /v1/orders/{id}"]?.calls == 3)
        #expect(byKey["GET /v1/orders/{id}"]?.failures == 1)
        #expect(byKey["GET /v1/orders/summary"]?.calls == 2)  // the literal segment wins over {id}
        #expect(byKey["POST /v1/orders"]?.calls == 1)
        #expect(byKey["DELETE /v1/orders/{id}"]?.calls == 0)
        #expect(coverage.covered == 3)
        #expect(coverage.ratio == 0.5)
        #expect(
            coverage.strays.map { "\($0.method) \($0.path) \($0.calls)" } == [
                "GET /v1/admin/debug 5", "PATCH /v1/orders/{} 4",
            ]
        )
        #expect(EndpointCoverage(operations: [], calls: calls).ratio == nil)
    }
}
