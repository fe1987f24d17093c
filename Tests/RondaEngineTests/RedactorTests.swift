import Foundation
import RondaEngine
import Testing

@Suite struct RedactorTests {
    @Test(arguments: [
        "Authorization", "authorization", "Cookie", "Set-Cookie", "X-Api-Key", "Proxy-Authorization",
        "Stripe-Signature", "x-signature",
    ])
    func sensitiveHeadersAreMasked(name: String) {
        #expect(Redactor.isSensitiveHeader(name))
        #expect(Redactor().header(name, "Bearer abc.def.ghi") == Redactor.mask)
    }

    @Test(arguments: ["AUTHORIZATION", "cOOKIE", "X-API-KEY", "x-auth-token", "X-Event-Checksum"])
    func sensitiveHeaderNamesMatchInAnyASCIICase(name: String) {
        #expect(Redactor.isSensitiveHeader(name))
    }

    @Test(arguments: [
        "Authorizatio", "Authorizations", "Cookie2", "X-Api-Ke", "Content-Type", "", "x-api_key",
        "X-Proxy-Authorization-Forwarded-For",
    ])
    func namesThatOnlyResembleSensitiveOnesAreNot(name: String) {
        #expect(!Redactor.isSensitiveHeader(name))
    }

    @Test func aNonASCIIHeaderNameIsLowerCasedTheUnicodeWay() {
        // The Kelvin sign lower-cases to "k": "X-Api-\u{212A}ey" reads as x-api-key.
        #expect(Redactor.isSensitiveHeader("X-Api-\u{212A}ey"))
        #expect(!Redactor.isSensitiveHeader("X-Ápi-Key"))
    }

    @Test func ordinaryHeadersAreKeptButStillLoseSecrets() {
        let redactor = Redactor(secrets: ["s3cr3t-value"])
        #expect(!Redactor.isSensitiveHeader("Content-Type"))
        #expect(redactor.header("Content-Type", "application/json") == "application/json")
        #expect(redactor.header("X-Debug", "key=s3cr3t-value") == "key=\(Redactor.mask)")
    }

    @Test func sensitiveJSONFieldsAreMasked() {
        let input =
            #"{"username":"ana","password":"p4ss word","access_token":"eyJhbGci","card_number":4242424242424242,"cvc":"123","amount":4990,"is_secret":true,"nested":{"apiKey":"k-1"}}"#
        let out = Redactor().text(input)
        #expect(out.contains(#""username":"ana""#))
        #expect(out.contains(#""amount":4990"#))
        #expect(out.contains(#""password":"[REDACTED]""#))
        #expect(out.contains(#""access_token":"[REDACTED]""#))
        #expect(out.contains(#""card_number":"[REDACTED]""#))
        #expect(out.contains(#""cvc":"[REDACTED]""#))
        #expect(out.contains(#""is_secret":"[REDACTED]""#))
        #expect(out.contains(#""apiKey":"[REDACTED]""#))
        for leaked in ["p4ss word", "eyJhbGci", "4242424242424242", "k-1"] {
            #expect(!out.contains(leaked), "\(leaked) in \(out)")
        }
    }

    @Test func jsonFieldsWithEscapedQuotesAreMaskedWhole() {
        let out = Redactor().text(#"{"password":"a\"b,c","next":1}"#)
        #expect(out == #"{"password":"[REDACTED]","next":1}"#)
    }

    @Test func sensitiveFormFieldsAreMasked() {
        let redactor = Redactor()
        #expect(
            redactor.text("username=ana&password=hunter2&remember=1") == "username=ana&password=[REDACTED]&remember=1"
        )
        #expect(
            redactor.text("GET /cb?code=9&access_token=xyz&state=ok")
                == "GET /cb?code=9&access_token=[REDACTED]&state=ok"
        )
        #expect(redactor.text("password=first") == "password=[REDACTED]")
        #expect(redactor.text("POST /login\n\nuser_password=abc") == "POST /login\n\nuser_password=[REDACTED]")
    }

    @Test(arguments: [
        "4242424242424242", "4242 4242 4242 4242", "4242-4242-4242-4242", "5555555555554444", "378282246310005",
        "4000056655665556",
    ])
    func cardNumbersThatPassLuhnAreMasked(card: String) {
        let out = Redactor().text("paid with \(card) today")
        #expect(out == "paid with [REDACTED-CARD] today", "\(out)")
    }

    @Test(arguments: ["4242424242424241", "1234567890123", "20240101123456", "123456789012"])
    func numbersThatAreNotCardsAreKept(number: String) {
        #expect(Redactor().text("order \(number) done") == "order \(number) done")
    }

    @Test func aLongerDigitRunThatFailsLuhnIsKeptWhole() {
        // 17 digits that fail Luhn, containing a valid 16-digit card: the run is judged as a whole.
        let text = "id 42424242424242420 end"
        #expect(Redactor().text(text) == text)
    }

    @Test func secretsAreMaskedLongestFirst() {
        let redactor = Redactor(secrets: ["abc", "abcdef-123", "xyz"])
        #expect(redactor.text("k=abcdef-123;j=abc;l=xyz") == "k=\(Redactor.mask);j=\(Redactor.mask);l=\(Redactor.mask)")
        // Had the short one gone first, "def-123" would be left in the clear.
        #expect(!redactor.text("abcdef-123").contains("def-123"))
    }

    @Test func secretsAddedLaterAreMaskedAndShortOnesIgnored() {
        var redactor = Redactor()
        redactor.add(["ab", "longer-secret"])
        #expect(redactor.text("ab longer-secret") == "ab \(Redactor.mask)")
        redactor.add(["longer"])
        // Shorter than 8 bytes: masked as a whole value, not as a word of prose.
        #expect(redactor.text("longer-secret longer") == "\(Redactor.mask) longer")
        #expect(redactor.text(#"{"v":"longer"}"#) == #"{"v":"\#(Redactor.mask)"}"#)
    }

    @Test func aSecretInsideJSONAndAURLIsMasked() {
        let redactor = Redactor(secrets: ["Tk-991-zz"])
        #expect(redactor.text(#"{"note":"use Tk-991-zz"}"#) == #"{"note":"use [REDACTED]"}"#)
        #expect(redactor.text("https://app.test/cb?x=Tk-991-zz") == "https://app.test/cb?x=[REDACTED]")
    }

    @Test(arguments: [
        "password", "PASSWORD", "db_passwd", "refresh_token", "client_secret", "card", "cvv", "api_key", "apikey",
        "x_signature", "checksum",
    ])
    func sensitiveNames(name: String) {
        #expect(Redactor.isSensitiveName(name))
    }

    @Test(arguments: ["username", "email", "amount", "id", "status"])
    func ordinaryNames(name: String) {
        #expect(!Redactor.isSensitiveName(name))
    }
}
