import Testing

@testable import RondaEngine

/// The byte-level test that decides whether the credential-field expressions run at all. It may
/// say "maybe" too often (the expressions then mask nothing), never "no" where they would mask.
@Suite struct CredentialPrecheckTests {
    @Test(arguments: [
        #"{"password": "hunter2"}"#,
        #"{"PIN"   :   "1234"}"#,
        #"{"data": "{\"access_token\": \"abc\"}"}"#,
        "x-api-key=abc&page=2",
        "GET /login?session_id=42 HTTP/1.1",
        "Cookie: a=1; sid=xyz",
        "{\"\u{212A}EY\": \"v\"}",  // the Kelvin sign lower-cases to "k"
        "{\"card\"\u{00A0}: \"4242\"}",  // a non-ASCII space before the colon
    ])
    func aFieldWithACredentialNameIsLookedAt(text: String) {
        // (A name that merely contains a probe, like `spinner`, is looked at too: "maybe".)
        #expect(Redactor.mayHaveCredentialField(text))
        #expect(Redactor.maskFields(text) != text, "the expressions mask it")
    }

    @Test(arguments: [
        "http://127.0.0.1:8080/ping",
        #"{"ok": true, "status": "spun"}"#,
        "HTTP 200\nContent-Type: application/json\n\n{\"status\":\"pending\"}",
        "a token in prose, no field",
        "",
    ])
    func textWithoutSuchAFieldIsNot(text: String) {
        #expect(!Redactor.mayHaveCredentialField(text))
        #expect(Redactor.maskFields(text) == text)
    }

    @Test func cardNumberRunsAreFoundWithSingleSeparators() {
        #expect(Redactor.mayHaveCardNumber("pay 4242 4242 4242 4242 now"))
        #expect(Redactor.mayHaveCardNumber("4242-4242-4242-4"))
        #expect(!Redactor.mayHaveCardNumber("4242  4242 4242 4242"))  // a double space ends the run
        #expect(!Redactor.mayHaveCardNumber("order 123456789012 of 12"))
        #expect(!Redactor.mayHaveCardNumber(""))
    }
}
