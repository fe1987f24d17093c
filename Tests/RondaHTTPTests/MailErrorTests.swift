import Testing

@testable import RondaHTTP

/// How a failed SMTP exchange is reported (the exchange itself is tested against aiosmtpd in
/// RondaIntegrationTests/Notify).
struct MailErrorTests {
    let server = MailServer(
        url: "smtp://mailer:s3cr3t-pass@mail.example.com:587",
        credentials: HTTPCredentials(user: "mailer", password: "s3cr3t-pass"),
        timeout: .seconds(2)
    )

    @Test func messagesNameTheServerWithoutCredentials() {
        #expect(server.displayName == "smtp://mail.example.com:587")
        let error = MailError.fromCurl(67, detail: "Login denied", smtpStatus: 535, server: server, cancelled: false)
        #expect(error.code == .authentication)
        #expect(
            error.message
                == "smtp://mail.example.com:587 refused the login (SMTP 535) (Login denied); check the channel's username and password"
        )
        #expect(!error.message.contains("s3cr3t"))
        #expect(error.smtpStatus == 535)
    }

    @Test(arguments: [
        (28, 0, "timeout"), (7, 0, "connectFailed"), (6, 0, "dns"), (64, 0, "tls"), (60, 0, "tls"),
        (55, 550, "rejected"), (8, 554, "rejected"), (55, 0, "transport"), (56, 0, "transport"),
    ])
    func curlCodesMapToMailErrorCodes(_ curlCode: Int, _ status: Int, _ code: String) {
        let error = MailError.fromCurl(curlCode, detail: "", smtpStatus: status, server: server, cancelled: false)
        #expect("\(error.code)" == code)
        #expect(error.curlCode == curlCode)
    }

    @Test func aCancelledExchangeIsCancelledWhateverCurlSaid() {
        let error = MailError.fromCurl(28, detail: "", smtpStatus: 0, server: server, cancelled: true)
        #expect(error.code == .cancelled)
    }
}
