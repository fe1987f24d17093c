import Foundation
import Logging
import RondaCore
import RondaHTTP

/// Runs one step: condition, request (with retry-until), captures, checks.
struct StepExecutor {
    let step: Step
    let phase: StepPhase
    let caseLabel: String?
    let session: HTTPSession
    let configuration: EngineConfiguration
    var redactor: Redactor
    let deadline: ContinuousClock.Instant
    /// The scenario's own timeout, for messages.
    let scenarioTimeout: Duration
    /// Debug lines (a retry's wait); carries the scenario's name.
    let logger: Logger
    var record: StepResult
    let clock = ContinuousClock()

    init(
        step: Step,
        phase: StepPhase,
        caseLabel: String?,
        index: Int,
        session: HTTPSession,
        configuration: EngineConfiguration,
        redactor: Redactor,
        deadline: ContinuousClock.Instant,
        scenarioTimeout: Duration,
        logger: Logger
    ) {
        self.scenarioTimeout = scenarioTimeout
        self.step = step
        self.phase = phase
        self.caseLabel = caseLabel
        self.session = session
        self.configuration = configuration
        self.redactor = redactor
        self.deadline = deadline
        self.logger = logger
        self.record = StepResult(
            index: index,
            name: step.name,
            phase: phase,
            caseLabel: caseLabel,
            outcome: .passed,
            method: step.method
        )
    }

    /// What is left of the scenario's deadline (negative once it passed).
    var timeLeft: Duration { clock.now.duration(to: deadline) }

    /// Runs the step and fills in `record`. Returns why the step stopped the scenario (a failed
    /// check, an error), or `nil` when it passed or was skipped.
    mutating func execute(context: inout EvaluationContext) async -> Failure? {
        do throws(Failure) {
            guard try conditionHolds(&context) else {
                record.outcome = .skipped
                return nil
            }
            let request = try renderRequest(&context)
            let (response, retryExhausted) = try await sendWithRetry(request, context: &context)
            let view = await responseView(response)
            await learnCredentials(of: response, view)
            record.responseExcerpt = responseExcerpt(response)
            // Captures first, so that the step's own checks (`expect.that`, expected templates) can read them.
            let captureProblem = capture(from: view, into: &context)
            try check(response, view, retryExhausted: retryExhausted, captureProblem: captureProblem, context: &context)
            if let captureProblem { throw errored(.capture, captureProblem.message) }
            return nil
        } catch {
            return error
        }
    }

    /// The step's `if:`, evaluated leniently (a missing variable makes it false, not an error).
    mutating func conditionHolds(_ context: inout EvaluationContext) throws(Failure) -> Bool {
        guard let condition = step.condition else { return true }
        let wasStrict = context.strict
        context.strict = false
        defer { context.strict = wasStrict }
        do {
            return try context.isTrue(condition)
        } catch {
            throw errored(.template, "if: \(step.conditionSource ?? ""): \(error.message)")
        }
    }

    /// Renders the request, teaches the redactor its secrets and credentials, and records it.
    mutating func renderRequest(_ context: inout EvaluationContext) throws(Failure) -> RenderedRequest {
        let request: RenderedRequest
        do {
            request = try RequestBuilder.render(step, configuration: configuration, context: &context)
        } catch {
            redactor.add(context.secretValues)
            throw errored(.template, error.message)
        }
        redactor.add(context.secretValues)
        redactor.add(request.secrets.filter { !$0.isEmpty })
        for header in request.headers { redactor.addCredentials(header: header.name, value: header.value) }
        learnCredentials(of: request)
        record.method = request.method
        record.url = request.url
        record.requestExcerpt = requestExcerpt(request)
        return request
    }

    /// Sends the request, and under `retry:` again until its condition holds. Returns the last
    /// response and, when the retry's time or attempts ran out first, the text of its failed check.
    mutating func sendWithRetry(
        _ request: RenderedRequest,
        context: inout EvaluationContext
    ) async throws(Failure) -> (response: HTTPResponse, retryExhausted: String?) {
        let retryEnd = step.retry.map { clock.now.advanced(by: $0.timeout) }
        while true {
            let response = try await attempt(request)
            guard let retry = step.retry, let retryEnd else { return (response, nil) }
            if await retryHolds(retry, after: response, context: &context) { return (response, nil) }
            if let exhausted = try await waitToRetry(retry, until: retryEnd) { return (response, exhausted) }
        }
    }

    /// One request, within what is left of the deadline. A transport failure ends the step.
    mutating func attempt(_ request: RenderedRequest) async throws(Failure) -> HTTPResponse {
        let left = timeLeft
        if left <= .zero { throw timedOut() }
        record.attempts += 1
        let response: HTTPResponse
        do {
            response = try await send(request, timeout: min(step.timeout ?? configuration.requestTimeout, left))
        } catch {
            if let partial = error.response { recordPartial(partial) }
            if error.code == .timeout, timeLeft <= .milliseconds(1) { throw timedOut() }
            let kind: ErrorKind = error.code == .timeout ? .timeout : error.code == .cancelled ? .cancelled : .transport
            throw errored(kind, error.message, trace: "curl error \(error.curlCode) (\(error.code))")
        }
        record.status = response.status
        record.timings = Self.timings(of: response)
        return response
    }

    /// Whether `retry.until` holds for the response (evaluated leniently; an error counts as false).
    /// The response's variables are seen by the condition only.
    func retryHolds(_ retry: RetrySpec, after response: HTTPResponse, context: inout EvaluationContext) async -> Bool {
        let view = await responseView(response)
        let saved = context.variables
        context.variables.merge(view.variables) { _, new in new }
        let wasStrict = context.strict
        context.strict = false
        let satisfied = (try? context.isTrue(retry.until)) ?? false
        context.variables = saved
        context.strict = wasStrict
        return satisfied
    }

    /// Waits `retry.interval` before the next attempt. Returns the text of the failed check when
    /// the retry's own `timeout` or `max_attempts` leaves no next attempt. Ends the step with a
    /// timeout when the wait would outlast the scenario's deadline, and as `cancelled` when the
    /// task is cancelled during the wait (a worker stopping hard): that is no transport error.
    mutating func waitToRetry(
        _ retry: RetrySpec,
        until retryEnd: ContinuousClock.Instant
    ) async throws(Failure) -> String? {
        let next = clock.now.advanced(by: retry.interval)
        let attempts = "\(record.attempts) attempt\(record.attempts == 1 ? "" : "s")"
        if next > retryEnd || retry.maxAttempts.map({ record.attempts >= $0 }) == true {
            return "still false after \(attempts) in \(format(retry.timeout))"
        }
        if next > deadline { throw timedOut() }
        logger.debug(
            "waiting to retry",
            metadata: [
                "step": .string(step.name), "attempts": .stringConvertible(record.attempts),
                "interval": .string(format(retry.interval)),
            ]
        )
        do { try await Task.sleep(for: retry.interval) } catch {
            throw errored(.cancelled, "cancelled while waiting to retry (after \(attempts))")
        }
        return nil
    }

    /// Takes the step's captures into the context and the record. Returns the first capture that
    /// failed: it is reported after the checks, which may explain it.
    mutating func capture(from view: ResponseView, into context: inout EvaluationContext) -> CaptureError? {
        var problem: CaptureError?
        for capture in step.captures {
            do {
                let value = try capture.extract(from: view)
                context.variables[capture.name] = value
                switch capture.source {
                case .cookie:
                    // A cookie's value is a session credential: never recorded anywhere.
                    redactor.add([value.interpolated])
                case .header(let name) where Redactor.isSensitiveHeader(name):
                    // `Set-Cookie`, `Authorization`: masked in the excerpt, so in the capture too.
                    redactor.addCredentials(header: name, value: value.interpolated)
                    record.captures[capture.name] = Redactor.mask
                    continue
                default:
                    break
                }
                record.captures[capture.name] = value.interpolated
            } catch {
                if problem == nil { problem = error }
            }
        }
        return problem
    }

    /// Runs and records the step's checks (and a retry that never held). Any failed check fails the
    /// step; an error in a check's template errors it — as the capture error, if one came first.
    mutating func check(
        _ response: HTTPResponse,
        _ view: ResponseView,
        retryExhausted: String?,
        captureProblem: CaptureError?,
        context: inout EvaluationContext
    ) throws(Failure) {
        var assertions: [AssertionResult] = []
        if step.expect.status == nil {
            assertions.append(
                AssertionResult(
                    subject: "status",
                    op: "in",
                    expected: "200–399",
                    actual: String(response.status),
                    passed: (200...399).contains(response.status)
                )
            )
        }
        do {
            // Values are redacted before they are cut into the checks' excerpts (a secret across the cut).
            let redaction = Matcher.ExcerptRedaction(window: redactor.longestSecret + 64) { [redactor] in
                redactor.text($0)
            }
            let checked = Matcher.$excerptRedaction.withValue(redaction) {
                () -> Result<[AssertionResult], EvaluationError> in
                do throws(EvaluationError) { return .success(try step.expect.check(view, context: &context)) } catch {
                    return .failure(error)
                }
            }
            let results = try checked.get()
            if assertions.isEmpty { assertions = results } else { assertions += results }
        } catch {
            record.assertions = assertions
            if let captureProblem { throw errored(.capture, captureProblem.message) }
            throw errored(.template, "in expect: \(error.message)")
        }
        if let retryExhausted, let retry = step.retry {
            assertions.append(
                AssertionResult(
                    subject: "retry until '\(retry.untilSource)'",
                    op: "is",
                    expected: "true",
                    actual: retryExhausted,
                    passed: false
                )
            )
        }
        if response.bodyTruncated, assertions.contains(where: { !$0.passed }) {
            record.error =
                "the response body was \(response.bodyBytesTotal) bytes; checks saw the first \(response.body.count)"
        }
        record.assertions = assertions
        let failed = assertions.filter { !$0.passed }
        guard !failed.isEmpty else { return }
        record.outcome = .failed
        // Every failed check, in the order written.
        let message =
            failed.count == 1
            ? failed[0].message : "\(failed.count) checks failed: " + failed.map(\.message).joined(separator: "; ")
        throw Failure(step: step.name, kind: .assertion, message: message, outcome: .fail)
    }

    mutating func send(_ request: RenderedRequest, timeout: Duration) async throws(HTTPClientError) -> HTTPResponse {
        var options = HTTPRequestOptions()
        options.followRedirects = step.followRedirects ?? configuration.followRedirects
        options.maxRedirects = step.maxRedirects ?? configuration.maxRedirects
        options.connectTimeout = min(configuration.connectTimeout, timeout)
        options.totalTimeout = max(.milliseconds(1), timeout)
        options.verifyTLS = configuration.verifyTLS
        options.caBundlePath = configuration.caBundle
        options.bodyCap = configuration.bodyCap
        options.shareConnections = configuration.reuseConnections
        options.maxBody = configuration.maxBody
        options.digest = request.digest
        options.certificateInfo = step.expect.tls != nil
        if let beforeRequest = configuration.beforeRequest {
            // The host as written (Foundation's `host` would transcode IDNA through ICU on every request).
            await beforeRequest(URLText.host(request.url) ?? "")
        }
        return try await session.send(
            HTTPRequest(
                method: request.method,
                url: request.url,
                headers: request.headers,
                body: request.body,
                options: options
            )
        )
    }

    func responseView(_ response: HTTPResponse) async -> ResponseView {
        var cookies: [String: String] = [:]
        if step.captures.contains(where: { if case .cookie = $0.source { return true } else { return false } }) {
            for cookie in await session.cookies() { cookies[cookie.name] = cookie.value }
        }
        return ResponseView(
            status: response.status,
            headers: response.headers.map { ($0.name, $0.value) },
            body: response.body,
            duration: response.timings.total,
            cookies: cookies,
            jsonMaxDepth: configuration.jsonMaxDepth,
            certificate: response.certificate.map {
                .init(subject: $0.subject, issuer: $0.issuer, notAfter: $0.notAfter)
            }
        )
    }

    /// libcurl's cumulative times of `response`, as a result records them.
    static func timings(of response: HTTPResponse) -> Timings {
        Timings(
            dns: response.timings.dns,
            connect: response.timings.connect,
            tls: response.timings.tls,
            firstByte: response.timings.firstByte,
            total: response.timings.total
        )
    }

    /// What arrived before a transport failure (a body over `max_body`): status, timings, excerpt.
    mutating func recordPartial(_ response: HTTPResponse) {
        record.status = response.status
        record.timings = Self.timings(of: response)
        record.responseExcerpt = responseExcerpt(response)
    }

    /// Records the step as errored; the failure to throw.
    mutating func errored(_ kind: ErrorKind, _ message: String, trace: String? = nil) -> Failure {
        record.outcome = .errored
        record.error = message
        return Failure(step: step.name, kind: kind, message: message, trace: trace, outcome: .error)
    }

    mutating func timedOut() -> Failure {
        let what = phase == .teardown ? "teardown budget" : "scenario timeout"
        let limit = phase == .teardown ? configuration.teardownTimeout : scenarioTimeout
        return errored(.timeout, "timed out: the \(what) of \(format(limit)) ran out")
    }

    func format(_ duration: Duration) -> String {
        let seconds = duration.inSeconds
        return seconds >= 1 && seconds == seconds.rounded() ? "\(Int(seconds)) s" : String(format: "%.3g s", seconds)
    }
}
