import Foundation

/// One scenario: a user journey written as steps, loaded from one YAML file.
public struct Scenario: Sendable, Hashable {
    /// Unique name within a suite (the `scenario:` key).
    public var name: String
    public var description: String?
    public var module: String
    public var priority: Priority
    public var tags: [String]
    /// Log in first with this role's credentials and login steps from configuration (`as:`).
    public var role: String?
    /// The whole scenario's deadline (default 300 s). Teardown has its own budget after it.
    public var timeout: Duration
    /// Variables evaluated in order before the first step; each may use the ones before it.
    public var vars: [TemplateField]
    /// When present, `steps` run once per row, with the row's keys as variables.
    public var cases: [ScenarioCase]?
    public var steps: [Step]
    /// Runs after the steps, always: after a failure, an error and a timeout too.
    public var teardown: [Step]
    /// Where the file is.
    public var file: String
    public var location: SourceLocation

    public init(
        name: String,
        description: String? = nil,
        module: String = "default",
        priority: Priority = .p2,
        tags: [String] = [],
        role: String? = nil,
        timeout: Duration = .seconds(300),
        vars: [TemplateField] = [],
        cases: [ScenarioCase]? = nil,
        steps: [Step] = [],
        teardown: [Step] = [],
        file: String = "",
        location: SourceLocation? = nil
    ) {
        self.name = name
        self.description = description
        self.module = module
        self.priority = priority
        self.tags = tags
        self.role = role
        self.timeout = timeout
        self.vars = vars
        self.cases = cases
        self.steps = steps
        self.teardown = teardown
        self.file = file
        self.location = location ?? SourceLocation(file: file, line: 1, column: 1)
    }
}

/// One row of a `cases:` table.
public struct ScenarioCase: Sendable, Hashable {
    /// A label for results (`name:` in the row, or its position).
    public var label: String
    /// The row's variables (every key but `name`).
    public var values: [TemplateField]

    public init(label: String, values: [TemplateField]) {
        self.label = label
        self.values = values
    }
}
