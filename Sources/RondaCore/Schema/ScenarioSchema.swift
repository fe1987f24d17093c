import Foundation

/// The JSON Schema of scenario files, as shipped in `schema/scenario.schema.json` for editors
/// (a test keeps the two equal). `ronda schema` prints it.
public enum ScenarioSchema {
    /// Compact JSON; the shipped file is the same schema, pretty-printed.
    public static let text = """
        {"$defs":{"step":{"additionalProperties":false,"oneOf":[{"required":["get"]},{"required":["post"]},{"required":["put"]},\
        {"required":["patch"]},{"required":["delete"]},{"required":["head"]},{"required":["options"]},{"required":["trace"]},\
        {"required":["method","path"]}],"properties":{"auth":{"additionalProperties":false,"description":"Credentials: basic,\
         digest (MD5 or SHA-256, as the server asks) or bearer; secrets from {{ env.NAME }} only.","maxProperties":1,\
        "minProperties":1,"properties":{"basic":{"additionalProperties":false,"properties":{"password":{"pattern":"\\\\{\\\\{\\\\s*env\\\\.",\
        "type":"string"},"user":{"type":"string"}},"required":["user","password"],"type":"object"},"bearer":{"pattern":"\\\\{\\\\{\\\\s*env\\\\.",\
        "type":"string"},"digest":{"additionalProperties":false,"properties":{"password":{"pattern":"\\\\{\\\\{\\\\s*env\\\\.",\
        "type":"string"},"user":{"type":"string"}},"required":["user","password"],"type":"object"}},"type":"object"},\
        "body":{"type":"string"},"capture":{"additionalProperties":{"oneOf":[{"description":"A JSON path, e.g. $.results[0].id",\
        "pattern":"^\\\\$","type":"string"},{"additionalProperties":false,"minProperties":1,"properties":{"all":{"description":"With header: every value of the header,\
         as a list.","type":"boolean"},"body":{},"cookie":{"type":"string"},"group":{"maximum":99,"minimum":0,"type":"integer"},\
        "header":{"type":"string"},"json":{"pattern":"^\\\\$","type":"string"},"optional":{"type":"boolean"},"regex":{"type":"string"},\
        "status":{}},"type":"object"}]},"propertyNames":{"pattern":"^[A-Za-z_][A-Za-z0-9_]*$"},"type":"object"},"content_type":{"type":"string"},\
        "continue_on_failure":{"description":"After a failed check, go on with the next step; the scenario still fails at its first failure. Default: defaults.continue_on_failure in ronda.yml (false).",\
        "type":"boolean"},"delete":{"description":"DELETE this path (joined to the target's base URL) or absolute URL",\
        "type":"string"},"expect":{"additionalProperties":false,"properties":{"body":{"description":"An expected value,\
         or a mapping of operators to expected values: {'>': 0}, {'===': 3}, {length: 3}, {type: string}, {exists: true},\
         {matches: '^a'}, {in: [a, b]}, {schema: {...}}, with an optional name: shown in failures."},"headers":{"additionalProperties":{"description":"An expected value,\
         or a mapping of operators to expected values: {'>': 0}, {'===': 3}, {length: 3}, {type: string}, {exists: true},\
         {matches: '^a'}, {in: [a, b]}, {schema: {...}}, with an optional name: shown in failures."},"type":"object"},\
        "json":{"additionalProperties":{"description":"An expected value, or a mapping of operators to expected values: {'>': 0},\
         {'===': 3}, {length: 3}, {type: string}, {exists: true}, {matches: '^a'}, {in: [a, b]}, {schema: {...}}, with an optional name: shown in failures."},\
        "propertyNames":{"pattern":"^\\\\$"},"type":"object"},"response_time":{"description":"An expected value, or a mapping of operators to expected values: {'>': 0},\
         {'===': 3}, {length: 3}, {type: string}, {exists: true}, {matches: '^a'}, {in: [a, b]}, {schema: {...}}, with an optional name: shown in failures."},\
        "schema":{"type":"object"},"status":{"oneOf":[{"maximum":599,"minimum":100,"type":"integer"},{"items":{"maximum":599,\
        "minimum":100,"type":"integer"},"minItems":1,"type":"array"}]},"that":{"description":"Expressions that must hold,\
         over status, body, json, headers, duration, the variables and this step's captures.","oneOf":[{"type":"string"},\
        {"additionalProperties":{"type":"string"},"description":"Named checks: {NAME: EXPRESSION}; the name is shown in failures and reports.",\
        "type":"object"},{"items":{"oneOf":[{"type":"string"},{"additionalProperties":{"type":"string"},"description":"Named checks: {NAME: EXPRESSION}; the name is shown in failures and reports.",\
        "type":"object"}]},"type":"array"}]},"tls":{"additionalProperties":false,"description":"Checks on the server certificate of an https response.",\
        "properties":{"expires_in":{"description":"Days until the certificate expires, as operators to durations: {'>': 14d}.",\
        "type":"object"},"issuer":{"description":"An expected value, or a mapping of operators to expected values: {'>': 0},\
         {length: 3}, {type: string}, {exists: true}, {matches: '^a'}, {in: [a, b]}, {schema: {...}}."},"subject":{"description":"An expected value,\
         or a mapping of operators to expected values: {'>': 0}, {length: 3}, {type: string}, {exists: true}, {matches: '^a'},\
         {in: [a, b]}, {schema: {...}}."}},"type":"object"}},"type":"object"},"follow_redirects":{"type":"boolean"},\
        "form":{"type":["object","string"]},"get":{"description":"GET this path (joined to the target's base URL) or absolute URL",\
        "type":"string"},"head":{"description":"HEAD this path (joined to the target's base URL) or absolute URL","type":"string"},\
        "headers":{"additionalProperties":{"type":["string","number","boolean","null"]},"type":"object"},"if":{"description":"Run the step only when this expression holds.",\
        "type":"string"},"json":{"description":"A JSON body (any value; strings may be templates)."},"max_redirects":{"maximum":100,\
        "minimum":0,"type":"integer"},"method":{"description":"Any HTTP method by name (PROPFIND, MKCOL, PURGE, ...),\
         sent as written; goes with path:","pattern":"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$","type":"string"},"multipart":{"type":"object"},\
        "name":{"minLength":1,"type":"string"},"options":{"description":"OPTIONS this path (joined to the target's base URL) or absolute URL",\
        "type":"string"},"patch":{"description":"PATCH this path (joined to the target's base URL) or absolute URL",\
        "type":"string"},"path":{"description":"The path (joined to the target's base URL) or absolute URL for method:",\
        "type":"string"},"post":{"description":"POST this path (joined to the target's base URL) or absolute URL","type":"string"},\
        "put":{"description":"PUT this path (joined to the target's base URL) or absolute URL","type":"string"},"query":{"type":"object"},\
        "retry":{"additionalProperties":false,"properties":{"interval":{"oneOf":[{"pattern":"^\\\\s*[0-9]+(\\\\.[0-9]+)?\\\\s*(ms|s|m|h|d)?\\\\s*$",\
        "type":"string"},{"minimum":0,"type":"number"}]},"max_attempts":{"minimum":1,"type":"integer"},"timeout":{"oneOf":[{"pattern":"^\\\\s*[0-9]+(\\\\.[0-9]+)?\\\\s*(ms|s|m|h|d)?\\\\s*$",\
        "type":"string"},{"minimum":0,"type":"number"}]},"until":{"type":"string"}},"required":["until"],"type":"object"},\
        "timeout":{"oneOf":[{"pattern":"^\\\\s*[0-9]+(\\\\.[0-9]+)?\\\\s*(ms|s|m|h|d)?\\\\s*$","type":"string"},{"minimum":0,\
        "type":"number"}]},"trace":{"description":"TRACE this path (joined to the target's base URL) or absolute URL",\
        "type":"string"},"webhook":{"additionalProperties":false,"properties":{"data_id":{"type":"string"},"header":{"type":"string"},\
        "properties":{"items":{"type":"string"},"type":"array"},"provider":{"enum":["stripe","wompi","mercadopago","hmac"]},\
        "request_id":{"type":"string"},"secret":{"pattern":"\\\\{\\\\{\\\\s*env\\\\.","type":"string"},"timestamp":{"type":["string",\
        "integer"]}},"required":["provider","secret"],"type":"object"}},"required":["name"],"type":"object"}},"$id":"https://ronda.dev/schema/scenario.schema.json",\
        "$schema":"https://json-schema.org/draft/2020-12/schema","additionalProperties":false,"description":"One scenario per file. See docs/scenarios.md.",\
        "properties":{"as":{"description":"Log in first as this role (roles are in ronda.yml).","type":"string"},"cases":{"items":{"type":"object"},\
        "minItems":1,"type":"array"},"description":{"type":"string"},"module":{"minLength":1,"type":"string"},"priority":{"enum":["P0",\
        "P1","P2","P3","p0","p1","p2","p3"]},"scenario":{"description":"Unique name in the suite.","minLength":1,"type":"string"},\
        "steps":{"items":{"$ref":"#/$defs/step"},"minItems":1,"type":"array"},"tags":{"oneOf":[{"type":"string"},{"items":{"type":"string"},\
        "type":"array"}]},"teardown":{"items":{"$ref":"#/$defs/step"},"type":"array"},"timeout":{"oneOf":[{"pattern":"^\\\\s*[0-9]+(\\\\.[0-9]+)?\\\\s*(ms|s|m|h|d)?\\\\s*$",\
        "type":"string"},{"minimum":0,"type":"number"}]},"vars":{"type":"object"}},"required":["scenario","steps"],"title":"Ronda scenario",\
        "type":"object"}
        """

    /// The schema as a value.
    public static var value: JSONValue { JSONValue.parse(text) ?? .object([:]) }

    /// Problems the schema finds in a loaded file, placed at the nodes they concern.
    public static func check(_ root: SourceNode) -> [SourceIssue] {
        guard let validator = try? JSONSchemaValidator(schema: value) else { return [] }
        return validator.validate(root.plainValue).map { issue in
            SourceIssue(
                root.node(at: issue.path)?.location ?? root.location,
                "schema: \(issue.path.isEmpty ? "/" : issue.path): \(issue.message)"
            )
        }
    }
}

extension SourceNode {
    /// The node at a JSON pointer (`/steps/0/name`), or `nil`.
    func node(at pointer: String) -> SourceNode? {
        var node = self
        for raw in pointer.split(separator: "/", omittingEmptySubsequences: true) {
            let token = raw.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            if let items = node.items, let i = Int(token), i >= 0, i < items.count {
                node = items[i]
                continue
            }
            if let pairs = node.pairs, let pair = pairs.first(where: { $0.key.scalarText == token }) {
                node = pair.value
                continue
            }
            return node
        }
        return node
    }
}
