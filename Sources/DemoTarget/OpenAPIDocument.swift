import Foundation
import Hummingbird

/// The demo target's OpenAPI 3.1 document (`GET /openapi.json`) and a small HTML page listing
/// every operation (`GET /docs`).
///
/// The document merges `CafeteriaOpenAPI.paths` and `OpticaOpenAPI.paths`. Each is a
/// `[String: Any]` of OpenAPI path items (`"/api/v1/orders": ["post": operation, …]`), built as a
/// computed property so no non-`Sendable` value is stored; `operation(…)` builds one operation.
enum OpenAPIDocument {
    /// The whole document.
    static func document() -> [String: Any] {
        [
            "openapi": "3.1.0",
            "info": [
                "title": "Ronda demo target",
                "version": "1.0.0",
                "description":
                    "The sample SaaS Ronda tests: a cafeteria platform API (bearer JWT) and an optica (form login, session cookie).",
            ] as [String: Any],
            "paths": merge(CafeteriaOpenAPI.paths, OpticaOpenAPI.paths),
            "components": [
                "securitySchemes": [
                    "bearer": ["type": "http", "scheme": "bearer", "bearerFormat": "JWT"],
                    "session": ["type": "apiKey", "in": "cookie", "name": "sessionid"],
                    "mercadopago": ["type": "apiKey", "in": "header", "name": "x-signature"],
                ] as [String: Any],
                "schemas": CafeteriaOpenAPI.schemas,
            ] as [String: Any],
        ]
    }

    /// Path items of `a` and `b`; operations of a path both describe are merged (`b` wins a clash).
    static func merge(_ a: [String: Any], _ b: [String: Any]) -> [String: Any] {
        var out = a
        for (path, item) in b {
            if let left = out[path] as? [String: Any], let right = item as? [String: Any] {
                out[path] = left.merging(right) { _, new in new }
            } else {
                out[path] = item
            }
        }
        return out
    }

    static let methods = ["get", "post", "put", "patch", "delete"]

    /// Every operation as (method, path, summary, tag), sorted by path then method.
    static func operations() -> [(method: String, path: String, summary: String, tag: String)] {
        let paths = document()["paths"] as? [String: Any] ?? [:]
        var out: [(method: String, path: String, summary: String, tag: String)] = []
        for path in paths.keys.sorted() {
            guard let item = paths[path] as? [String: Any] else { continue }
            for method in methods {
                guard let operation = item[method] as? [String: Any] else { continue }
                let tag = (operation["tags"] as? [String])?.first ?? ""
                out.append((method.uppercased(), path, operation["summary"] as? String ?? "", tag))
            }
        }
        return out
    }

    /// One operation. `body` is a JSON Schema for a JSON request body; `responses` maps status
    /// codes to descriptions; `auth` names a security scheme (`bearer`, `session`, `mercadopago`).
    static func operation(
        _ summary: String,
        tag: String,
        auth: String? = nil,
        parameters: [String] = [],
        query: [String] = [],
        body: [String: Any]? = nil,
        form: [String: Any]? = nil,
        responses: [Int: String]
    ) -> [String: Any] {
        var operation: [String: Any] = ["summary": summary, "tags": [tag], "operationId": operationID(summary)]
        var params: [[String: Any]] = parameters.map {
            ["name": $0, "in": "path", "required": true, "schema": ["type": "string"]]
        }
        params += query.map { ["name": $0, "in": "query", "required": false, "schema": ["type": "string"]] }
        if !params.isEmpty { operation["parameters"] = params }
        var content: [String: Any] = [:]
        if let body { content["application/json"] = ["schema": body] }
        if let form { content["application/x-www-form-urlencoded"] = ["schema": form] }
        if !content.isEmpty { operation["requestBody"] = ["required": true, "content": content] as [String: Any] }
        if let auth { operation["security"] = [[auth: [String]()]] }
        var answers: [String: Any] = [:]
        for (code, description) in responses { answers[String(code)] = ["description": description] }
        operation["responses"] = answers
        return operation
    }

    /// `camelCase` of a summary's words: "Create an order" → "createAnOrder".
    static func operationID(_ summary: String) -> String {
        let words = summary.split { !$0.isLetter && !$0.isNumber }.map(String.init)
        return words.enumerated().map {
            $0.offset == 0
                ? $0.element.lowercased() : $0.element.prefix(1).uppercased() + $0.element.dropFirst().lowercased()
        }.joined()
    }

    /// An object schema with these properties (`name: type`), all listed in `required`.
    static func object(_ properties: [String: Any], required: [String] = []) -> [String: Any] {
        var schema: [String: Any] = ["type": "object", "properties": properties]
        if !required.isEmpty { schema["required"] = required }
        return schema
    }

    /// Serves `/openapi.json` and `/docs`.
    static func register(on router: Router<BasicRequestContext>) {
        router.get("/openapi.json") { _, _ in
            let data =
                (try? JSONSerialization.data(
                    withJSONObject: document(),
                    options: [.sortedKeys, .withoutEscapingSlashes]
                )) ?? Data("{}".utf8)
            return Response(
                status: .ok,
                headers: [.contentType: "application/json; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: data))
            )
        }
        router.get("/docs") { _, _ in HTTPReply.html(.ok, docsPage()) }
    }

    /// The `/docs` page: every operation in a table, grouped by tag.
    static func docsPage() -> String {
        let rows = operations().sorted { ($0.tag, $0.path, $0.method) < ($1.tag, $1.path, $1.method) }.map { op in
            "<tr><td>\(HTTPReply.escape(op.tag))</td><td><code>\(op.method)</code></td><td><code>\(HTTPReply.escape(op.path))</code></td><td>\(HTTPReply.escape(op.summary))</td></tr>"
        }
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Ronda demo target — API docs</title>
            <style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}</style>
            </head><body>
            <h1>Ronda demo target — API</h1>
            <p>\(rows.count) operations. The machine-readable OpenAPI 3.1 document is at <a href="/openapi.json">/openapi.json</a>.</p>
            <table><thead><tr><th>tag</th><th>method</th><th>path</th><th>summary</th></tr></thead><tbody>
            \(rows.joined(separator: "\n"))
            </tbody></table></body></html>
            """
    }
}
