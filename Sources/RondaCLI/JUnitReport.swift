import Foundation
import RondaCore

extension Reports {
    /// JUnit XML that validates against the Jenkins JUnit schema (Tests/Fixtures/junit/jenkins-junit.xsd).
    ///
    /// One `<testsuite>` a module; one `<testcase>` a step, with `classname` `module.Scenario`
    /// (Jenkins shows module as the package and the scenario as the class; GitLab shows the
    /// classname beside each step). A failed step carries one `<failure>` whose message lists
    /// each of its failed checks and whose text adds the (redacted) request and response
    /// excerpts; an errored step an `<error>`; a skipped step `<skipped>`. A scenario that failed
    /// outside any step (a template in `vars`, a missing role, a lost job) gets a test case of
    /// its own named `(scenario)`. CI servers commonly show only the first `<failure>` of a test
    /// case, which is why a step's checks share one element instead of one each.
    static func junit(run: RunRecord, results: [ScenarioResult]) -> String {
        var suites = ""
        var totals = (tests: 0, failures: 0, errors: 0)
        for (module, items) in Dictionary(grouping: results, by: \.module).sorted(by: { $0.key < $1.key }) {
            var cases = ""
            var counts = (tests: 0, failures: 0, errors: 0, skipped: 0)
            for r in items.sorted(by: { $0.scenario < $1.scenario }) {
                for testCase in JUnitCase.cases(for: r) {
                    counts.tests += 1
                    switch testCase.verdict {
                    case .failure: counts.failures += 1
                    case .error: counts.errors += 1
                    case .skipped: counts.skipped += 1
                    case .passed: break
                    }
                    cases += testCase.xml(classname: "\(module).\(r.scenario)")
                }
            }
            let time = items.map(\.duration).reduce(0, +)
            let started = items.map(\.startedAt).min() ?? run.startedAt
            suites +=
                "  <testsuite name=\"\(escape(module))\" tests=\"\(counts.tests)\" failures=\"\(counts.failures)\" errors=\"\(counts.errors)\""
            suites +=
                " skipped=\"\(counts.skipped)\" time=\"\(seconds(time))\" timestamp=\"\(timestamp(started))\">\n\(cases)  </testsuite>\n"
            totals.tests += counts.tests
            totals.failures += counts.failures
            totals.errors += counts.errors
        }
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml +=
            "<testsuites name=\"ronda run \(escape(run.id))\" tests=\"\(totals.tests)\" failures=\"\(totals.failures)\" errors=\"\(totals.errors)\" time=\"\(seconds(run.executionTime ?? 0))\">\n"
        return xml + suites + "</testsuites>\n"
    }

    /// Seconds with milliseconds, `1.250` (the schema's SUREFIRE_TIME).
    static func seconds(_ value: Double) -> String {
        String(format: "%.3f", max(0, value.isFinite ? value : 0))
    }
}

/// One `<testcase>` of the JUnit report.
struct JUnitCase {
    enum Verdict { case passed, failure, error, skipped }

    var name: String
    var time: Double
    var verdict: Verdict
    var message: String = ""
    var type: String = ""
    var body: String = ""

    /// The test cases of one scenario: its steps, and `(scenario)` for a failure outside them.
    static func cases(for r: ScenarioResult) -> [JUnitCase] {
        var out = r.steps.map { step($0, r) }
        let failedOutside =
            (r.status == .fail || r.status == .error)
            && !out.contains { $0.verdict == .failure || $0.verdict == .error }
        if failedOutside || out.isEmpty {
            var c = JUnitCase(
                name: out.isEmpty && !failedOutside ? r.scenario : "(scenario)",
                time: out.isEmpty ? r.duration : 0,
                verdict: .passed
            )
            switch r.status {
            case .pass: break
            case .skip:
                c.verdict = .skipped
                c.message = r.errorMessage ?? "not run"
            case .fail, .error:
                let check = FailedCheck.of(r).first
                c.verdict = r.status == .fail ? .failure : .error
                c.message = check?.text ?? r.errorMessage ?? "no message"
                c.type = r.errorKind?.rawValue ?? (r.status == .fail ? "failure" : "error")
                c.body = [c.message, r.trace].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "\n\n")
            }
            out.append(c)
        }
        return out
    }

    private static func step(_ s: StepResult, _ r: ScenarioResult) -> JUnitCase {
        var name = s.phase == .main ? s.name : "[\(s.phase.rawValue)] \(s.name)"
        if let label = s.caseLabel { name += " [\(label)]" }
        var c = JUnitCase(name: name, time: s.timings?.total ?? 0, verdict: .passed)
        switch s.outcome {
        case .passed: break
        case .skipped:
            c.verdict = .skipped
            c.message = "condition false"
        case .failed, .errored:
            let checks = FailedCheck.of(s)
            c.verdict = s.outcome == .failed ? .failure : .error
            c.message = checks.map(\.message).joined(separator: "; ")
            c.type =
                s.outcome == .failed
                ? ErrorKind.assertion.rawValue : (r.failingStep == s.name ? r.errorKind?.rawValue : nil) ?? "error"
            var parts = [checks.map { "- \($0.message)" }.joined(separator: "\n")]
            if let request = s.requestExcerpt, !request.isEmpty {
                parts.append("Request:\n" + request)
            } else if !s.url.isEmpty {
                parts.append("Request:\n\(s.method) \(s.url)")
            }
            if let response = s.responseExcerpt, !response.isEmpty { parts.append("Response:\n" + response) }
            c.body = parts.joined(separator: "\n\n")
        }
        return c
    }

    func xml(classname: String) -> String {
        let e = Reports.escape
        let open = "    <testcase classname=\"\(e(classname))\" name=\"\(e(name))\" time=\"\(Reports.seconds(time))\""
        switch verdict {
        case .passed: return open + "/>\n"
        case .skipped: return open + "><skipped message=\"\(e(message))\"/></testcase>\n"
        case .failure, .error:
            let tag = verdict == .failure ? "failure" : "error"
            return open
                + ">\n      <\(tag) message=\"\(e(message))\" type=\"\(e(type))\">\(e(body))</\(tag)>\n    </testcase>\n"
        }
    }
}
