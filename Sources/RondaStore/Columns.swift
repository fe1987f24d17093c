import Foundation
import PostgresNIO
import RondaCore
import SQLiteNIO

/// One column's value as the store reads it, whichever database it came from.
enum ColumnValue {
    case null
    case text(String)
    case integer(Int64)
    case real(Double)
    /// A type the store never writes (e.g. a BLOB or a PostgreSQL `numeric`), described for the error.
    case unsupported(String)
}

/// A result row whose columns can be read by name: implemented by SQLite's and PostgreSQL's
/// rows, so `Columns` (and the record decoders below) are written once for both stores.
protocol ColumnReading {
    /// The column's value, or `nil` when the row has no such column.
    func columnValue(_ name: String) -> ColumnValue?
}

extension SQLiteRow: ColumnReading {
    func columnValue(_ name: String) -> ColumnValue? {
        guard let data = column(name) else { return nil }
        switch data {
        case .null: return .null
        case .text(let text): return .text(text)
        case .integer(let number): return .integer(Int64(number))
        case .float(let number): return .real(number)
        case .blob: return .unsupported(data.description)
        }
    }
}

extension PostgresRandomAccessRow: ColumnReading {
    func columnValue(_ name: String) -> ColumnValue? {
        guard contains(name) else { return nil }
        let cell = self[name]
        guard cell.bytes != nil else { return .null }
        do {
            switch cell.dataType {
            case .text, .varchar, .name, .bpchar: return .text(try cell.decode(String.self))
            case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
            case .float4, .float8: return .real(try cell.decode(Double.self))
            default: return .unsupported("a value of type \(cell.dataType)")
            }
        } catch {
            return .unsupported("an undecodable \(cell.dataType)")
        }
    }
}

/// Typed reads of one row's columns. A missing or malformed value is a `.decoding` error
/// that names the table and column, never a crash.
struct Columns {
    let row: any ColumnReading
    let table: String

    init(_ row: SQLiteRow, table: String) {
        self.row = row
        self.table = table
    }

    init(_ row: PostgresRow, table: String) {
        self.row = row.makeRandomAccess()
        self.table = table
    }

    private func value(_ name: String) -> ColumnValue? {
        guard let value = row.columnValue(name) else { return nil }
        if case .null = value { return nil }
        return value
    }

    private func invalid(_ name: String, _ expected: String) -> StoreError {
        let found: String
        switch row.columnValue(name) {
        case nil: found = "no such column"
        case .null: found = "null"
        case .text(let text): found = "'\(text.prefix(80))'"
        case .integer(let number): found = String(number)
        case .real(let number): found = String(number)
        case .unsupported(let description): found = description
        }
        return StoreError(.decoding, "column \(table).\(name) should hold \(expected), found \(found)")
    }

    func optionalString(_ name: String) throws -> String? {
        guard let data = value(name) else { return nil }
        guard case .text(let text) = data else { throw invalid(name, "text") }
        return text
    }

    func string(_ name: String) throws -> String {
        guard let text = try optionalString(name) else { throw invalid(name, "text") }
        return text
    }

    func optionalInt(_ name: String) throws -> Int? {
        guard let data = value(name) else { return nil }
        guard case .integer(let number) = data else { throw invalid(name, "an integer") }
        return Int(number)
    }

    func int(_ name: String) throws -> Int {
        guard let number = try optionalInt(name) else { throw invalid(name, "an integer") }
        return number
    }

    func optionalDouble(_ name: String) throws -> Double? {
        switch value(name) {
        case nil: return nil
        case .real(let number): return number
        case .integer(let number): return Double(number)
        default: throw invalid(name, "a number")
        }
    }

    func double(_ name: String) throws -> Double {
        guard let number = try optionalDouble(name) else { throw invalid(name, "a number") }
        return number
    }

    func optionalDate(_ name: String) throws -> Date? {
        guard let text = try optionalString(name) else { return nil }
        guard let date = Timestamp.date(text) else { throw invalid(name, "an ISO-8601 UTC time") }
        return date
    }

    func date(_ name: String) throws -> Date {
        guard let date = try optionalDate(name) else { throw invalid(name, "an ISO-8601 UTC time") }
        return date
    }

    func enumeration<T: RawRepresentable>(_ name: String, as type: T.Type = T.self) throws -> T
    where T.RawValue == String {
        guard let value = T(rawValue: try string(name)) else { throw invalid(name, "a \(T.self)") }
        return value
    }

    func json<T: Decodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        let text = try string(name)
        do {
            return try JSONDecoder().decode(T.self, from: Data(text.utf8))
        } catch {
            throw invalid(name, "JSON for \(T.self)")
        }
    }
}

/// JSON columns are written with sorted keys so equal values store equal text.
enum JSONColumn {
    static func text<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

// MARK: - Records

extension RunRecord {
    init(_ columns: Columns) throws {
        self.init(
            id: try columns.string("id"),
            trigger: try columns.enumeration("trigger"),
            schedule: try columns.optionalString("schedule"),
            slot: try columns.optionalDate("slot"),
            status: try columns.enumeration("status"),
            totals: RunTotals(
                scenarios: try columns.int("scenarios"),
                passed: try columns.int("passed"),
                failed: try columns.int("failed"),
                errored: try columns.int("errored"),
                skipped: try columns.int("skipped")
            ),
            errorsFound: try columns.int("errors_found"),
            startedAt: try columns.date("started_at"),
            completedAt: try columns.optionalDate("completed_at"),
            executionTime: try columns.optionalDouble("execution_time"),
            deadline: try columns.date("deadline"),
            variables: try columns.optionalString("variables").map { _ in try columns.json("variables") } ?? [:],
            enqueuedAt: try columns.optionalDate("enqueued_at"),
            release: try columns.optionalString("release")
        )
    }
}

extension ScenarioResult {
    /// The result without its steps.
    init(_ columns: Columns) throws {
        self.init(
            runID: try columns.string("run_id"),
            scenario: try columns.string("scenario"),
            module: try columns.string("module"),
            priority: try columns.enumeration("priority"),
            tags: try columns.json("tags"),
            status: try columns.enumeration("status"),
            attempt: try columns.int("attempt"),
            worker: try columns.string("worker"),
            stepsExecuted: try columns.int("steps_executed"),
            stepsPassed: try columns.int("steps_passed"),
            failingStep: try columns.optionalString("failing_step"),
            errorKind: try columns.optionalString("error_kind").map(ErrorKind.init(rawValue:)),
            errorMessage: try columns.optionalString("error_message"),
            trace: try columns.optionalString("trace"),
            startedAt: try columns.date("started_at"),
            completedAt: try columns.date("completed_at"),
            duration: try columns.double("duration"),
            responseTime: try columns.double("response_time")
        )
    }
}

extension PlannedScenario {
    init(_ columns: Columns) throws {
        self.init(
            scenario: try columns.string("scenario"),
            file: try columns.string("file"),
            source: try columns.string("source"),
            module: try columns.string("module"),
            priority: try columns.enumeration("priority")
        )
    }
}

extension AppliedMigration {
    init(_ columns: Columns) throws {
        self.init(
            version: try columns.int("version"),
            name: try columns.string("name"),
            appliedAt: try columns.date("applied_at")
        )
    }
}

extension StoreSummary {
    /// From the one row of `StoreSQL.summaryRuns` and of `StoreSQL.summaryResults` (none: zero).
    init(runs: Columns?, results: Columns?) throws {
        self.init(
            runs: try runs?.int("runs") ?? 0,
            running: try runs?.int("running") ?? 0,
            results: try results?.int("results") ?? 0,
            passed: try results?.int("passed") ?? 0
        )
    }
}

extension ScenarioResult {
    /// A run's results with their steps, from its `scenario_results` and `step_results` rows
    /// (steps ordered by result and `seq`), in the order of `results`.
    static func assemble(results: [Columns], steps stepRows: [Columns]) throws -> [ScenarioResult] {
        var steps: [String: [StepResult]] = [:]
        for columns in stepRows {
            steps[try columns.string("scenario_result_id"), default: []].append(try StepResult(columns))
        }
        return try results.map { columns in
            var result = try ScenarioResult(columns)
            result.steps = steps[try columns.string("id")] ?? []
            return result
        }
    }
}

extension StepResult {
    init(_ columns: Columns) throws {
        var timings: Timings?
        if let total = try columns.optionalDouble("total") {
            timings = Timings(
                dns: try columns.optionalDouble("dns") ?? 0,
                connect: try columns.optionalDouble("connect") ?? 0,
                tls: try columns.optionalDouble("tls") ?? 0,
                firstByte: try columns.optionalDouble("first_byte") ?? 0,
                total: total
            )
        }
        self.init(
            index: try columns.int("idx"),
            name: try columns.string("name"),
            phase: try columns.enumeration("phase"),
            caseLabel: try columns.optionalString("case_label"),
            outcome: try columns.enumeration("outcome"),
            method: try columns.string("method"),
            url: try columns.string("url"),
            status: try columns.optionalInt("status"),
            timings: timings,
            attempts: try columns.int("attempts"),
            assertions: try columns.json("assertions"),
            captures: try columns.json("captures"),
            requestExcerpt: try columns.optionalString("request_excerpt"),
            responseExcerpt: try columns.optionalString("response_excerpt"),
            error: try columns.optionalString("error"),
            startedAt: try columns.date("started_at")
        )
    }
}
