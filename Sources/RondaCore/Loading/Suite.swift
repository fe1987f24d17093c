import Foundation

/// The scenarios of a suite folder, and the problems that kept any file out.
public struct Suite: Sendable {
    /// A scenario with the exact text it was parsed and validated from: what a run's jobs carry,
    /// so an edit to the file after loading never runs unvalidated.
    public struct Entry: Sendable, Hashable {
        public var scenario: Scenario
        public var source: String

        public init(scenario: Scenario, source: String) {
            self.scenario = scenario
            self.source = source
        }
    }

    /// The scenarios that loaded and validated, with their text, in file order.
    public var entries: [Entry]
    public var issues: [SourceIssue]

    public init(entries: [Entry], issues: [SourceIssue]) {
        self.entries = entries
        self.issues = issues
    }

    /// The scenarios that loaded and validated, in file order.
    public var scenarios: [Scenario] { entries.map(\.scenario) }

    /// Loads every `*.yml` / `*.yaml` file below `directory` (or one file), skipping files and
    /// folders whose names start with `_` or `.` (login fragments, drafts). Each file is
    /// checked against the semantic rules too (`ScenarioValidator`).
    /// With `schema`, files are also checked against `ScenarioSchema` (what `ronda validate` does).
    public static func load(_ paths: [String], config: RondaConfig?, schema: Bool = false) -> Suite {
        var files: [String] = []
        var issues: [SourceIssue] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                issues.append(SourceIssue(SourceLocation(file: path, line: 1, column: 1), "no such file or folder"))
                continue
            }
            if isDirectory.boolValue { files += scenarioFiles(in: path) } else { files.append(path) }
        }
        var entries: [Entry] = []
        var seen: [String: String] = [:]
        for file in files {
            do {
                // Read once: the text parsed and validated here is the text the run carries.
                let text = try ScenarioLoader.read(file: file)
                let scenario = try ScenarioLoader.parse(text, file: file)
                var problems = ScenarioValidator.validate(scenario, config: config)
                if schema, let root = try? SourceNode.parse(yaml: text, file: file) {
                    problems += ScenarioSchema.check(root)
                }
                if !problems.isEmpty {
                    issues += problems
                    continue
                }
                if let other = seen[scenario.name] {
                    issues.append(
                        SourceIssue(
                            scenario.location,
                            "scenario name '\(scenario.name)' is used by \(other) too: names are unique in a suite"
                        )
                    )
                    continue
                }
                seen[scenario.name] = file
                entries.append(Entry(scenario: scenario, source: text))
            } catch {
                issues += error.issues
            }
        }
        return Suite(entries: entries, issues: issues)
    }

    static func scenarioFiles(in directory: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
        var out: [String] = []
        while let relative = enumerator.nextObject() as? String {
            let parts = relative.split(separator: "/")
            if parts.contains(where: { $0.hasPrefix("_") || $0.hasPrefix(".") }) { continue }
            if relative.hasSuffix(".yml") || relative.hasSuffix(".yaml") {
                out.append(URL(fileURLWithPath: directory).appendingPathComponent(relative).path)
            }
        }
        return out.sorted()
    }

    /// Scenarios matching a selection; an empty filter matches everything.
    public func select(_ selection: Selection) -> [Scenario] {
        scenarios.filter(selection.matches)
    }

    /// The entries (scenario and validated text) matching a selection.
    public func selectEntries(_ selection: Selection) -> [Entry] {
        entries.filter { selection.matches($0.scenario) }
    }
}

/// Which scenarios a run takes: by module, name, priority and tag.
public struct Selection: Sendable, Hashable {
    public var modules: Set<String> = []
    public var names: Set<String> = []
    public var priorities: Set<Priority> = []
    public var tags: Set<String> = []

    public init(
        modules: Set<String> = [],
        names: Set<String> = [],
        priorities: Set<Priority> = [],
        tags: Set<String> = []
    ) {
        self.modules = modules
        self.names = names
        self.priorities = priorities
        self.tags = tags
    }

    public func matches(_ scenario: Scenario) -> Bool {
        (modules.isEmpty || modules.contains(scenario.module))
            && (names.isEmpty || names.contains(scenario.name))
            && (priorities.isEmpty || priorities.contains(scenario.priority))
            && (tags.isEmpty || !tags.isDisjoint(with: scenario.tags))
    }
}
