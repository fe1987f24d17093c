import Foundation
import RondaEngine
import Testing

/// Each form in which a target echoes a secret back, one at a time (the fuzz test mixes them).
@Suite struct RedactorEncodingTests {
    static let mask = Redactor.mask

    @Test func aNonASCIISecretEchoedJSONEscapedIsMasked() {
        let redactor = Redactor(secrets: ["contraseña-ñandú"])
        #expect(redactor.text(#"{"v":"contrase\u00f1a-\u00f1and\u00fa"}"#) == #"{"v":"\#(Self.mask)"}"#)
        #expect(redactor.text(#"{"v":"contrase\u00F1a-\u00F1and\u00FA"}"#) == #"{"v":"\#(Self.mask)"}"#)
        // JSON carried in a JSON string: one more backslash.
        #expect(
            redactor.text(#"{"data":"{\"v\":\"contrase\\u00f1a-\\u00f1and\\u00fa\"}"}"#)
                == #"{"data":"{\"v\":\"\#(Self.mask)\"}"}"#
        )
    }

    @Test func aSecretAboveTheBasicPlaneEchoedAsASurrogatePairIsMasked() {
        let redactor = Redactor(secrets: ["key-😀-value"])
        #expect(redactor.text(#"["key-\ud83d\ude00-value"]"#) == #"["\#(Self.mask)"]"#)
    }

    @Test(arguments: [
        "p%40ss%2Fw%3Ard%20x%26y",  // every reserved character encoded, upper-case hex
        "p%40ss%2fw%3ard%20x%26y",  // lower-case hex
        "p%40ss%2Fw%3Ard+x%26y",  // '+' for the space (forms)
        "p@ss/w:rd%20x&y",  // reserved characters left raw
        "p@ss/w:rd x&y",  // as written
        "p&#64;ss&#x2F;w:rd x&amp;y",  // HTML
    ])
    func aSecretEchoedPercentEncodedAnyWayIsMasked(echo: String) {
        let redactor = Redactor(secrets: ["p@ss/w:rd x&y"])
        #expect(redactor.text("q=\(echo)&next=1") == "q=\(Self.mask)&next=1")
    }

    @Test func base64OfASecretAndOfUserColonSecretAreMaskedInAnyHeader() {
        let secret = "s3cr3t-Value+/=more"
        let redactor = Redactor(secrets: [secret])
        let b64 = Data(secret.utf8).base64EncodedString()
        let b64url = b64.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        for prefix in ["", "u:", "ana:", "maria:"] {
            let basic = Data((prefix + secret).utf8).base64EncodedString()
            let masked = redactor.text("X-Echo-Auth: Basic \(basic)")
            #expect(!masked.contains(basic) && masked.contains(Self.mask), "\(prefix): \(masked)")
        }
        #expect(!redactor.text("X-Token-B64: \(b64)").contains(b64))
        #expect(!redactor.text("X-Token-B64URL: \(b64url)").contains(b64url))
        // Ordinary base64 of something else is left alone.
        let other = Data("an ordinary value".utf8).base64EncodedString()
        #expect(redactor.text("X-Other: \(other)") == "X-Other: \(other)")
    }

    @Test func credentialFieldsInsideJSONCarriedAsAStringAreMasked() {
        let redactor = Redactor()
        let echo =
            #"{"data": "{\"username\": \"ana\", \"password\": \"hunter2\", \"new_password\": \"a\\\"b\"}", "json": {"password": "hunter2"}}"#
        let out = redactor.text(echo)
        #expect(!out.contains("hunter2"), "\(out)")
        #expect(!out.contains(#"a\\\"b"#), "\(out)")
        #expect(out.contains(#"\"username\": \"ana\""#), "\(out)")
        #expect(out.contains(#"\"password\": \"\#(Self.mask)\""#), "\(out)")
        // Twice embedded.
        let twice = #"{"outer": "{\"inner\": \"{\\\"password\\\": \\\"hunter2\\\"}\"}"}"#
        #expect(!redactor.text(twice).contains("hunter2"), "\(redactor.text(twice))")
    }

    @Test(arguments: ["token_type", "expires_in", "card_brand", "session_expires", "tokens_left", "secretary_name"])
    func fieldsThatOnlyLookLikeCredentialsAreKept(name: String) {
        let isSecretary = name == "secretary_name"  // contains "secret": masked, documented
        let out = Redactor().text(#"{"\#(name)": "bearer"}"#)
        #expect(out.contains("bearer") != isSecretary, "\(name): \(out)")
    }

    @Test func aMaskKeepsTheQuotesAndCommasOfAMessage() {
        let redactor = Redactor()
        #expect(
            redactor.text("expected 'sessionid=abc123', got nothing")
                == "expected 'sessionid=\(Self.mask)', got nothing"
        )
        #expect(
            redactor.text("contains 'sessionid=abc123' got nothing") == "contains 'sessionid=\(Self.mask)' got nothing"
        )
        #expect(redactor.text("(token=xyz), next") == "(token=\(Self.mask)), next")
    }

    @Test func aShortSecretIsMaskedOnlyAsAWholeValue() {
        var redactor = Redactor()
        redactor.addCredentials(header: "Cookie", value: "consent=yes")
        #expect(redactor.text("step 'Say yes': expected 200") == "step 'Say yes': expected 200")
        #expect(redactor.text(#"{"consent": "yes"}"#) == #"{"consent": "\#(Self.mask)"}"#)
        #expect(redactor.text("X-Consent: yes\nnext") == "X-Consent: \(Self.mask)\nnext")
        #expect(!redactor.text("a=1&consent=yes").contains("yes"))
    }

    @Test func aPasswordWrittenInAScenarioMasksItsValuesNotTheWord() {
        var redactor = Redactor()
        redactor.addWholeValues(["password"])
        #expect(
            redactor.text(#"{"password": "password", "hint": "type your password"}"#)
                == #"{"password": "\#(Self.mask)", "hint": "type your password"}"#
        )
        // The same value from the environment is a secret wherever it occurs.
        redactor.add(["password"])
        #expect(redactor.text("type your password") == "type your \(Self.mask)")
    }

    @Test func aBasicAuthorizationHeaderTeachesItsPassword() {
        var redactor = Redactor()
        redactor.addCredentials(
            header: "Authorization",
            value: "Basic " + Data("ana:Open-Sesame-42".utf8).base64EncodedString()
        )
        #expect(redactor.text(#"{"password":"x","echo":"Open-Sesame-42"}"#).contains("Open-Sesame-42") == false)
    }
}
