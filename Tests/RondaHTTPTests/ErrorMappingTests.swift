import RondaCore
import RondaTestSupport
import Testing

@testable import RondaHTTP

/// Pure checks of how curl's results become Ronda's types; no sockets.
@Suite struct ErrorMappingTests {
    static let table: [(Int, HTTPClientError.Code)] = [
        (28, .timeout), (7, .connectFailed), (6, .dns), (47, .tooManyRedirects), (3, .invalidURL),
        (61, .decoding), (35, .tls), (51, .tls), (58, .tls), (60, .tls), (77, .tls), (83, .tls),
        (90, .tls), (91, .tls), (42, .cancelled), (56, .transport), (52, .transport),
    ]

    @Test(arguments: table)
    func curlCodeMapsToCode(curlCode: Int, expected: HTTPClientError.Code) {
        let request = HTTPRequest(url: "http://127.0.0.1:5000/x")
        let error = HTTPClientError.fromCurl(curlCode, detail: "detail", request: request)
        #expect(error.code == expected)
        #expect(error.curlCode == curlCode)
        #expect(error.message.contains("http://127.0.0.1:5000/x"))
    }

    @Test func timeoutMessagesNameTheLimitThatRanOut() {
        let request = HTTPRequest(
            url: "http://10.0.0.1/slow",
            options: .init(connectTimeout: .seconds(2), totalTimeout: .seconds(30))
        )
        let connect = HTTPClientError.fromCurl(
            28,
            detail: "Connection timed out after 2001 milliseconds",
            request: request
        )
        #expect(
            connect.message
                == "timed out after 2.0 s connecting to http://10.0.0.1/slow (the connect timeout, defaults.connect_timeout)"
        )
        let total = HTTPClientError.fromCurl(
            28,
            detail: "Operation timed out after 30000 milliseconds with 0 bytes received",
            request: request
        )
        #expect(
            total.message
                == "timed out after 30.0 s waiting for http://10.0.0.1/slow (the request timeout: the step's timeout or defaults.request_timeout)"
        )
        #expect(total.description.hasPrefix("timeout: "))
    }

    @Test func aValidURLThatLibcurlRefusesIsNeverCalledInvalid() {
        let valid = HTTPClientError.fromCurl(
            1,
            detail: "Protocol \"http\" not supported",
            request: HTTPRequest(url: "http://127.0.0.1:5000/x")
        )
        #expect(valid.code == .transport)
        #expect(!valid.message.contains("not a valid"), "\(valid.message)")
        #expect(valid.message.contains("curl error 1"))
        let other = HTTPClientError.fromCurl(
            1,
            detail: "Protocol \"ftp\" not supported",
            request: HTTPRequest(url: "ftp://127.0.0.1/file")
        )
        #expect(other.code == .invalidURL)
        #expect(other.message.hasPrefix("ftp://127.0.0.1/file is not a valid http(s) URL"))
    }

    @Test func timingsAreMadeCumulative() {
        let plainHTTP = HTTPTimings(dns: 0.001, connect: 0.002, tls: 0, firstByte: 0.010, total: 0.011).ordered()
        #expect(plainHTTP.tls == 0.002)
        let reused = HTTPTimings(dns: 0, connect: 0, tls: 0, firstByte: 0.004, total: 0.005).ordered()
        #expect(reused == HTTPTimings(dns: 0, connect: 0, tls: 0, firstByte: 0.004, total: 0.005))
    }

    @Test func secondsBecomeCurlMilliseconds() {
        #expect(Transfer.milliseconds(.milliseconds(500)) == 500)
        #expect(Transfer.milliseconds(.microseconds(100)) == 1)
        #expect(Transfer.milliseconds(.zero) == 0)
        #expect(Transfer.milliseconds(.seconds(-3)) == 0)
        #expect(Transfer.milliseconds(.seconds(Int64.max)) == Int(Int32.max))
        #expect(Transfer.milliseconds(.seconds(2_147_482)) == 2_147_482_000)
    }

    @Test func headerLookupIsCaseInsensitiveAndTakesTheLast() {
        let response = HTTPResponse(
            status: 200,
            headers: [HTTPHeader("Set-Cookie", "a=1"), HTTPHeader("set-cookie", "b=2"), HTTPHeader("X", "y")],
            effectiveURL: "http://h/"
        )
        #expect(response.header("SET-COOKIE") == "b=2")
        #expect(response.headers(named: "Set-Cookie") == ["a=1", "b=2"])
        #expect(response.header("missing") == nil)
    }
}
