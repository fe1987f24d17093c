import Foundation
import Testing

@testable import RondaWeb

/// The parts without I/O: escaping, safe links, the login throttle, credentials.
struct PureTests {
    @Test func textIsEscapedAndHiddenControlsAreShown() {
        #expect(HTML.text("<a href='x'>&\"").description == "&lt;a href=&#39;x&#39;&gt;&amp;&quot;")
        #expect(HTML.text("abc\u{202E}fed\u{200B}").description == "abc[U+202E]fed[U+200B]")
        #expect(HTML.text("línea\nnueva\ttab").description == "línea\nnueva\ttab")
        let element = HTML.element("a", ["href": "/x\"onmouseover=\"y", "class": nil], .text("<b>"))
        #expect(element.description == "<a href=\"/x&quot;onmouseover=&quot;y\">&lt;b&gt;</a>")
        #expect(HTML.element("input", ["value": "v"]).description == "<input value=\"v\">")
        // Plain ASCII comes back as is; a DEL is still shown.
        #expect(HTML.text("GET /api/v1/orders?id=7").description == "GET /api/v1/orders?id=7")
        #expect(HTML.text("a\u{7F}b").description == "a[U+7F]b")
    }

    @Test func figuresAreWrittenWithFixedDecimals() {
        #expect(Format.decimal(12.34, places: 1) == "12.3")
        #expect(Format.decimal(12.36, places: 1) == "12.4")
        #expect(Format.decimal(0.04, places: 1) == "0.0")
        #expect(Format.decimal(-0.04, places: 1) == "0.0")
        #expect(Format.decimal(-2.5, places: 0) == "-3")
        #expect(Format.decimal(0.5, places: 2) == "0.50")
        #expect(Format.decimal(0.007, places: 3) == "0.007")
        #expect(Format.decimal(1_234_567.891, places: 2) == "1234567.89")
        #expect(Format.decimal(1e20, places: 1) == String(format: "%.1f", 1e20))
        #expect(Format.decimal(.nan, places: 1) == "nan")
        #expect(Format.percent(0.999) == "99.9%")
        #expect(Format.seconds(0.0421) == "42 ms")
        #expect(Format.seconds(7.25) == "7.3 s")
        #expect(Format.seconds(600) == "10 min")
        #expect(Format.milliseconds(0.01234) == "12.3 ms")
    }

    @Test func onlyPathsAndHTTPLinksAreKept() {
        #expect(HTML.safeURL("/runs/1") == "/runs/1")
        #expect(HTML.safeURL("https://example.com/a") == "https://example.com/a")
        #expect(HTML.safeURL("javascript:alert(1)") == "#")
        #expect(HTML.safeURL("JavaScript:alert(1)") == "#")
        #expect(HTML.safeURL("data:text/html,x") == "#")
        #expect(HTML.safeURL("//evil.example/x") == "#")
        #expect(HTML.safeURL("/\\evil.example") == "#")
    }

    @Test func theThrottleRefusesTheTenthAttemptAndForgetsAfterAMinute() {
        var throttle = LoginThrottle(limit: 10, window: 60)
        let start = Date(timeIntervalSince1970: 1_000)
        for second in 0..<9 {
            let now = start.addingTimeInterval(Double(second))
            #expect(throttle.admit(address: "1.2.3.4", user: "ana", now: now).allowed)
            throttle.fail(address: "1.2.3.4", user: "ana", now: now)
        }
        let refused = throttle.admit(address: "1.2.3.4", user: "ana", now: start.addingTimeInterval(10))
        #expect(!refused.allowed)
        #expect(refused.retryAfter == 50)
        // Per user from another address, and per address for another user.
        #expect(!throttle.admit(address: "5.6.7.8", user: "ANA", now: start.addingTimeInterval(10)).allowed)
        #expect(!throttle.admit(address: "1.2.3.4", user: "bob", now: start.addingTimeInterval(10)).allowed)
        #expect(throttle.admit(address: "5.6.7.8", user: "bob", now: start.addingTimeInterval(10)).allowed)
        // A minute after the first failure, one more attempt is allowed.
        #expect(throttle.admit(address: "1.2.3.4", user: "ana", now: start.addingTimeInterval(60.5)).allowed)
        // A success clears both counters.
        throttle.succeed(address: "1.2.3.4", user: "ana")
        #expect(throttle.admit(address: "1.2.3.4", user: "ana", now: start.addingTimeInterval(11)).allowed)
    }

    @Test func credentials() {
        let hash = Credentials.hash("correct horse battery", cost: 4)
        #expect(hash.hasPrefix("$2"))
        #expect(Credentials.verify("correct horse battery", hash: hash))
        #expect(!Credentials.verify("correct horse batterY", hash: hash))
        #expect(Credentials.weakness(of: "short") != nil)
        #expect(Credentials.weakness(of: String(repeating: "x", count: 73)) != nil)
        #expect(Credentials.weakness(of: "twelve chars") == nil)
        let a = Credentials.token()
        #expect(a.count == 43 && a != Credentials.token())
        #expect(Credentials.tokenHash("x").count == 64)
        #expect(Credentials.constantTimeEqual("abc", "abc"))
        #expect(!Credentials.constantTimeEqual("abc", "abd"))
        #expect(!Credentials.constantTimeEqual("abc", "ab"))
    }

    @Test func formsAreDecoded() {
        #expect(Reply.decodeForm("a=1&b=x+y&c=%3Cz%3E&d") == ["a": "1", "b": "x y", "c": "<z>", "d": ""])
    }
}
