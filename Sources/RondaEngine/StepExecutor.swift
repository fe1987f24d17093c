import Foundation
import RondaCore
import RondaHTTP

/// Why a step stopped the scenario.
struct StepProblem {
    var kind: ErrorKind
    var message: String
    var trace: String?
    var outcome: ScenarioOutcome
}

/// Runs one step: condition, request (with retry-until), checks, captures.
struct StepExecutor {
    let step: Step
    let phase: StepPhase
    let caseLabel: String?
    let session: HTTPSession
    let configuration: EngineConfiguration
    var redactor: Redactor
    let deadline: ContinuousClock.Instant
    /// The scenario's own timeout, for messages.
    let scenarioTimeout: Double
    var record: StepResult
    let clock = ContinuousClock()

    init(
        step: Step, phase: StepPhase, caseLabel: String?, index: Int, session: HTTPSession,
        configuration: EngineConfiguration, redactor: Redactor, deadline: ContinuousClock.Instant, scenarioTimeout: Double
    ) {
        self.scenarioTimeout = scenarioTimeout
        self.step = step
        self.phase = phase
        self.caseLabel = caseLabel
        self.session = session
        self.configuration = configuration
        self.redactor = redactor
        self.deadline = deadline
        self.record = StepResult(index: index, name: step.name, phase: phase, caseLabel: caseLabel, outcome: .passed, method: step.method)
    }

    var secondsLeft: Double {
        let d = clock.now.duration(to: deadline)
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    mutating func execute(context: inout EvaluationContext) async -> StepProblem? {
        if let condition = step.condition {
            let wasStrict = context.strict
            context.strict = false
            defer { context.strict = wasStrict }
            do {
                if try !context.isTrue(condition) {
                    record.outcome = .skipped
                    return nil
                }
            } catch {
                return errored(.template, "if: \(step.conditionSource ?? ""): \(error.message)")
            }
        }
        let request: RenderedRequest
        do {
            request = try RequestBuilder.render(step, configuration: configuration, context: &context)
        } catch {
            redactor.add(context.secretValues)
            return errored(.template, error.message)
        }
        redactor.add(context.secretValues)
        redactor.add(request.secrets.filter { !$0.isEmpty })
        for header in request.headers { redactor.addCredentials(header: header.name, value: header.value) }
        learnCredentials(of: request)
        record.method = request.method
        record.url = request.url
        record.requestExcerpt = requestExcerpt(request)

        var response: HTTPResponse
        var retryExhausted: String?
        let retryEnd = step.retry.map { clock.now.advanced(by: .seconds($0.timeout)) }
        while true {
            let left = secondsLeft
            if left <= 0 { return timedOut() }
            record.attempts += 1
            do {
                response = try await send(request, timeout: min(step.timeout ?? configuration.requestTimeout, left))
            } catch {
                if let partial = error.response { recordPartial(partial) }
                if error.code == .timeout, secondsLeft <= 0.001 { return timedOut() }
                let kind: ErrorKind = error.code == .timeout ? .timeout : .transport
                return errored(kind, error.message, trace: "curl error \(error.curlCode) (\(error.code))")
            }
            record.status = response.status
            record.timings = Timings(dns: response.timings.dns, connect: response.timings.connect, tls: response.timings.tls, firstByte: response.timings.firstByte, total: response.timings.total)
            guard let retry = step.retry, let retryEnd else { break }
            let view = await responseView(response)
            let saved = context.variables
            context.variables.merge(view.variables) { _, new in new }
            let wasStrict = context.strict
            context.strict = false
            let satisfied = (try? context.isTrue(retry.until)) ?? false
            context.variables = saved
            context.strict = wasStrict
            if satisfied { break }
            let now = clock.now
            if now.advanced(by: .seconds(retry.interval)) > retryEnd || retry.maxAttempts.map({ record.attempts >= $0 }) == true {
                retryExhausted = "still false after \(record.attempts) attempt\(record.attempts == 1 ? "" : "s") in \(format(retry.timeout))"
                break
            }
            if now.advanced(by: .seconds(retry.interval)) > deadline { return timedOut() }
            do { try await Task.sleep(for: .seconds(retry.interval)) } catch { return errored(.transport, "cancelled") }
        }
        let view = await responseView(response)
        await learnCredentials(of: response, view)
        record.responseExcerpt = responseExcerpt(response)
        // Captures first, so that the step's own checks (`expect.that`, expected templates) can read them.
        var captureProblem: CaptureError?
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
                if captureProblem == nil { captureProblem = error }
            }
        }
        var assertions: [AssertionResult] = []
        if step.expect.status == nil {
            assertions.append(AssertionResult(subject: "status", op: "in", expected: "200–399", actual: String(response.status), passed: (200...399).contains(response.status)))
        }
        do {
            // Values are redacted before they are cut into the checks' excerpts (a secret across the cut).
            let redaction = Matcher.ExcerptRedaction(window: redactor.longestSecret + 64) { [redactor] in redactor.text($0) }
            let checked = Matcher.$excerptRedaction.withValue(redaction) { () -> Result<[AssertionResult], EvaluationError> in
                do throws(EvaluationError) { return .success(try step.expect.check(view, context: &context)) } catch { return .failure(error) }
            }
            assertions += try checked.get()
        } catch {
            record.assertions = assertions
            if let captureProblem { return errored(.capture, captureProblem.description) }
            return errored(.template, "in expect: \(error.message)")
        }
        if let retryExhausted, let retry = step.retry {
            assertions.append(AssertionResult(subject: "retry until '\(retry.untilSource)'", op: "is", expected: "true", actual: retryExhausted, passed: false))
        }
        if response.bodyTruncated, assertions.contains(where: { !$0.passed }) {
            record.error = "the response body was \(response.bodyBytesTotal) bytes; checks saw the first \(response.body.count)"
        }
        record.assertions = assertions
        let failed = assertions.filter { !$0.passed }

        if !failed.isEmpty {
            record.outcome = .failed
            // Every failed check, in the order written.
            let message = failed.count == 1 ? failed[0].message : "\(failed.count) checks failed: " + failed.map(\.message).joined(separator: "; ")
            return StepProblem(kind: .assertion, message: message, outcome: .fail)
        }
        if let captureProblem {
            return errored(.capture, captureProblem.description)
        }
        return nil
    }

    mutating func send(_ request: RenderedRequest, timeout: Double) async throws(HTTPClientError) -> HTTPResponse {
        var options = HTTPRequestOptions()
        options.followRedirects = step.followRedirects ?? configuration.followRedirects
        options.maxRedirects = step.maxRedirects ?? configuration.maxRedirects
        options.connectTimeout = min(configuration.connectTimeout, timeout)
        options.totalTimeout = max(0.001, timeout)
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
        return try await session.send(HTTPRequest(method: request.method, url: request.url, headers: request.headers, body: request.body, options: options))
    }

    func responseView(_ response: HTTPResponse) async -> ResponseView {
        var cookies: [String: String] = [:]
        if step.captures.contains(where: { if case .cookie = $0.source { return true } else { return false } }) {
            for cookie in await session.cookies() { cookies[cookie.name] = cookie.value }
        }
        return ResponseView(
            status: response.status, headers: response.headers.map { ($0.name, $0.value) }, body: response.body,
            duration: response.timings.total, cookies: cookies, jsonMaxDepth: configuration.jsonMaxDepth,
            certificate: response.certificate.map { .init(subject: $0.subject, issuer: $0.issuer, notAfter: $0.notAfter) }
        )
    }

    /// What arrived before a transport failure (a body over `max_body`): status, timings, excerpt.
    mutating func recordPartial(_ response: HTTPResponse) {
        record.status = response.status
        record.timings = Timings(dns: response.timings.dns, connect: response.timings.connect, tls: response.timings.tls, firstByte: response.timings.firstByte, total: response.timings.total)
        record.responseExcerpt = responseExcerpt(response)
    }

    mutating func errored(_ kind: ErrorKind, _ message: String, trace: String? = nil) -> StepProblem {
        record.outcome = .errored
        record.error = message
        return StepProblem(kind: kind, message: message, trace: trace, outcome: .error)
    }

    mutating func timedOut() -> StepProblem {
        let what = phase == .teardown ? "teardown budget" : "scenario timeout"
        let limit = phase == .teardown ? configuration.teardownTimeout : scenarioTimeout
        return errored(.timeout, "timed out: the \(what) of \(format(limit)) ran out")
    }

    func format(_ seconds: Double) -> String {
        seconds >= 1 && seconds == seconds.rounded() ? "\(Int(seconds)) s" : String(format: "%.3g s", seconds)
    }

    func requestExcerpt(_ request: RenderedRequest) -> String {
        var lines = ["\(request.method) \(request.url)"]
        for header in request.headers { lines.append("\(header.name): \(redactor.header(header.name, header.value))") }
        if let body = request.body, !body.isEmpty {
            lines.append("")
            let type = request.headers.last { $0.name.caseInsensitiveCompare("Content-Type") == .orderedSame }?.value
            lines.append(Excerpt.text(body, limit: configuration.requestExcerptLimit, redactor: redactor, contentType: type))
        }
        return lines.joined(separator: "\n")
    }

    func responseExcerpt(_ response: HTTPResponse) -> String {
        var lines = ["HTTP \(response.status)"]
        for header in response.headers { lines.append("\(header.name): \(redactor.header(header.name, header.value))") }
        lines.append("")
        var body = Excerpt.text(response.body, limit: configuration.responseExcerptLimit, redactor: redactor, contentType: response.header("Content-Type"))
        if response.bodyTruncated { body += "\n… (\(response.bodyBytesTotal) bytes in all; \(response.body.count) kept)" }
        lines.append(body)
        return lines.joined(separator: "\n")
    }
}

/// Capped, printable excerpts of bodies.
enum Excerpt {
    /// The first `limit` characters of the body, redacted before the cut so that a secret or
    /// a card number that straddles the limit is masked whole rather than left in part.
    /// Bodies are never cut at a NUL byte nor decoded into replacement characters: a body of a
    /// binary type, or mostly not text, becomes a marked base64 excerpt with its size and type;
    /// text with a few stray bytes keeps its text and shows those bytes as `\xNN`, marked too.
    static func text(_ bytes: [UInt8], limit: Int, redactor: Redactor, contentType: String? = nil) -> String {
        let window = limit + redactor.longestSecret + 64
        let slice = bytes.prefix(window * 4)
        let (decoded, stray) = escaped(slice, cut: slice.count < bytes.count)
        if stray > 0, isBinaryType(contentType) || stray * 2 > slice.count {
            return binary(bytes, limit: limit, contentType: contentType)
        }
        var text = decoded
        if text.count > window { text = String(text.prefix(window)) }
        text = redactor.text(text)
        let cut = text.count > limit || slice.count < bytes.count
        if text.count > limit { text = String(text.prefix(limit)) }
        if stray > 0 {
            let type = contentType.map { ", \($0)" } ?? ""
            text = "[\(bytes.count) bytes\(type); control characters and bytes that are not UTF-8 shown as \\xNN]\n" + text
        }
        return cut ? text + "… (\(bytes.count) bytes)" : text
    }

    /// `[binary body: N bytes, image/png; base64 of the first K bytes]` and the base64 text.
    static func binary(_ bytes: [UInt8], limit: Int, contentType: String?) -> String {
        let kept = bytes.prefix(max(3, limit / 4 * 3))
        let type = contentType.map { ", \($0)" } ?? ""
        let what = kept.count < bytes.count ? "base64 of the first \(kept.count) bytes" : "base64"
        return "[binary body: \(bytes.count) bytes\(type); \(what)]\n" + Data(kept).base64EncodedString()
    }

    /// image/*, audio/*, video/*, font/*, application/octet-stream, pdf, zip, gzip, protobuf, …
    static func isBinaryType(_ contentType: String?) -> Bool {
        guard let type = contentType?.lowercased().split(separator: ";").first?.trimmingCharacters(in: .whitespaces) else { return false }
        return ["image/", "audio/", "video/", "font/", "application/octet-stream", "application/pdf", "application/zip",
                "application/gzip", "application/x-protobuf", "application/grpc", "application/wasm", "application/msgpack"]
            .contains { type.hasPrefix($0) } && !type.hasSuffix("+xml")
    }

    /// The bytes as text, with invalid UTF-8 and control bytes (all but tab, LF, CR) written as
    /// `\xNN`; and how many bytes were written so. A sequence cut by the end of `bytes` counts
    /// too, unless `cut` says the excerpt ends there (then it is dropped).
    static func escaped(_ bytes: ArraySlice<UInt8>, cut: Bool = false) -> (text: String, stray: Int) {
        var out = String.UnicodeScalarView()
        var stray = 0
        var i = bytes.startIndex
        func escape(_ byte: UInt8) {
            stray += 1
            out.append(contentsOf: String(format: "\\x%02X", byte).unicodeScalars)
        }
        while i < bytes.endIndex {
            let lead = bytes[i]
            if lead < 0x80 {
                if (lead < 0x20 && lead != 0x09 && lead != 0x0A && lead != 0x0D) || lead == 0x7F { escape(lead) }
                else { out.append(Unicode.Scalar(lead)) }
                i += 1
                continue
            }
            let length = lead >= 0xF0 && lead <= 0xF4 ? 4 : lead >= 0xE0 ? (lead <= 0xEF ? 3 : 0) : lead >= 0xC2 ? 2 : 0
            if cut, length > 0, i + length > bytes.endIndex { break }
            if length > 0, i + length <= bytes.endIndex,
                let scalar = String(validating: bytes[i..<(i + length)], as: UTF8.self)?.unicodeScalars.first {
                out.append(scalar)
                i += length
            } else {
                escape(lead)
                i += 1
            }
        }
        return (String(out), stray)
    }
}
