import Foundation

/// `Tests/Servers/echo_server.py`, started for a test: it answers every request with everything it
/// was sent, in every encoding a target may use (percent, JSON `\u`, base64, HTML, as a string of
/// JSON), computed by Python's own libraries.
public struct EchoServer: Sendable {
    public let process: ChildProcess
    /// `http://127.0.0.1:PORT`.
    public let baseURL: String

    /// Starts the server and returns once it listens (it prints its port).
    public static func start() async throws -> EchoServer {
        let directory = try Checkout.temporaryDirectory("ronda-echo")
        let log = directory + "/echo.log"
        let process = try ChildProcess(
            "/usr/bin/env",
            ["python3", Checkout.root + "/Tests/Servers/echo_server.py"],
            environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"],
            logPath: log
        )
        // Generous: a whole test run starts dozens of servers at once on a small machine.
        let deadline = ContinuousClock.now.advanced(by: .seconds(120))
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOfFile: log, encoding: .utf8),
                let line = text.split(separator: "\n").first(where: { $0.hasPrefix("PORT ") }),
                let port = Int(line.dropFirst(5))
            {
                return EchoServer(process: process, baseURL: "http://127.0.0.1:\(port)")
            }
            if process.poll() != nil { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        await process.kill9()
        throw ChildProcess.Failure(
            description: "the echo server did not start: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")"
        )
    }

    /// Starts a server, runs `body` with it, and stops it afterwards, also when `body` throws.
    public static func with<T: Sendable>(_ body: (EchoServer) async throws -> T) async throws -> T {
        let server = try await start()
        do {
            let value = try await body(server)
            await server.stop()
            return value
        } catch {
            await server.stop()
            throw error
        }
    }

    /// What the server printed: `PORT n`, and `COOKIE value` for every session cookie it set.
    public var output: String { (try? String(contentsOfFile: process.logPath, encoding: .utf8)) ?? "" }

    /// The session cookies it set, in order.
    public var sessionCookies: [String] {
        output.split(separator: "\n").filter { $0.hasPrefix("COOKIE ") }.map { String($0.dropFirst(7)) }
    }

    public func stop() async {
        process.signal(SIGTERM)
        if await process.wait(timeout: .seconds(5)) == nil { await process.kill9() }
    }
}

/// The forms in which a target may echo a secret back — each computed here independently of the
/// redactor — for tests that search outputs for leaks.
public enum SecretForms {
    public static func all(_ secret: String) -> [String: String] {
        let raw = Array(secret.utf8)
        var forms: [String: String] = ["raw": secret]
        forms["percent-upper"] = percent(raw, upper: true, keep: "")
        forms["percent-lower"] = percent(raw, upper: false, keep: "")
        forms["percent-plus"] = percent(raw, upper: true, keep: "", plus: true)
        forms["percent-reserved-raw"] = percent(raw, upper: true, keep: "!#$&'()*+,/:;=?@[]~")
        forms["json-ascii"] = jsonASCII(secret, upper: false)
        forms["json-ascii-upper"] = jsonASCII(secret, upper: true)
        forms["base64"] = Data(raw).base64EncodedString()
        forms["base64url"] = String(
            Data(raw).base64EncodedString().map { $0 == "+" ? "-" : $0 == "/" ? "_" : $0 }.filter { $0 != "=" }
        )
        forms["base64-user"] = Data(Array("user:".utf8) + raw).base64EncodedString()
        forms["html"] = secret.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&#x27;")
        return forms
    }

    static func percent(_ bytes: [UInt8], upper: Bool, keep: String, plus: Bool = false) -> String {
        let keepSet = Set(keep.utf8).union(
            Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)
        )
        return bytes.map { b -> String in
            if plus && b == 0x20 { return "+" }
            if keepSet.contains(b) { return String(UnicodeScalar(b)) }
            return "%" + String(format: upper ? "%02X" : "%02x", b)
        }.joined()
    }

    static func jsonASCII(_ text: String, upper: Bool) -> String {
        text.utf16.map { unit -> String in
            switch unit {
            case 0x22: return "\\\""
            case 0x5C: return "\\\\"
            case 0x20..<0x7F: return String(UnicodeScalar(UInt8(unit)))
            default: return "\\u" + String(format: upper ? "%04X" : "%04x", unit)
            }
        }.joined()
    }

    /// Which forms of `secret` occur in `text`.
    public static func leaks(of secret: String, in text: String) -> [String] {
        all(secret).filter { text.contains($0.value) }.map(\.key).sorted()
    }

    /// Which forms of `secret` occur in `bytes` (a database file, a dump).
    public static func leaks(of secret: String, in bytes: [UInt8]) -> [String] {
        all(secret).filter { contains(bytes, Array($0.value.utf8)) }.map(\.key).sorted()
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        return (0...(haystack.count - needle.count)).contains { i in
            haystack[i] == needle[0] && haystack[i..<(i + needle.count)].elementsEqual(needle)
        }
    }
}
