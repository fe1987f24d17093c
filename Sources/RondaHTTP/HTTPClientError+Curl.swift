import RondaCore

/// Translation of a failed `curl_easy_perform` into an ``HTTPClientError``.
extension HTTPClientError {
    /// Builds the error for `curlCode` returned while sending `request`.
    /// - Parameters:
    ///   - detail: curl's CURLOPT_ERRORBUFFER text (may be empty).
    static func fromCurl(_ curlCode: Int, detail: String, request: HTTPRequest) -> HTTPClientError {
        let url = request.url
        let options = request.options
        let why = detail.isEmpty ? "" : " (\(detail))"
        let code: ErrorCode<HTTPClientError>
        let message: String
        switch curlCode {
        case 28:
            code = .timeout
            let phase = detail.lowercased()
            let connecting = ["connection timed out", "failed to connect", "resolving timed out"].contains {
                phase.hasPrefix($0)
            }
            // curl stops connecting at whichever limit comes first.
            let connectLimitApplies =
                options.connectTimeout > .zero
                && (options.totalTimeout <= .zero || options.connectTimeout <= options.totalTimeout)
            if connecting && connectLimitApplies {
                message =
                    "timed out after \(seconds(options.connectTimeout)) connecting to \(url) (the connect timeout, defaults.connect_timeout)"
            } else if connecting {
                message =
                    "timed out after \(seconds(options.totalTimeout)) connecting to \(url) (the request timeout: the step's timeout or defaults.request_timeout)"
            } else {
                message =
                    "timed out after \(seconds(options.totalTimeout)) waiting for \(url) (the request timeout: the step's timeout or defaults.request_timeout)"
            }
        case 7:
            code = .connectFailed
            message = "could not connect to \(url)\(why); is the server running and listening on that port?"
        case 6:
            code = .dns
            message = "could not resolve the host of \(url)\(why); check the host name and DNS"
        case 47:
            code = .tooManyRedirects
            message =
                "more than \(options.maxRedirects) redirects starting at \(url); the server is probably redirecting in a loop"
        case 1 where detail.contains("HTTP/0.9"), 8:
            code = .notHTTP
            message =
                curlCode == 8
                ? "the server at \(url) sent a malformed HTTP response\(why)"
                : "the server at \(url) answered with something that is not HTTP; is another protocol (SSH, SMTP, a database) listening on that port?"
        case 1, 3:
            let lower = url.lowercased()
            if curlCode == 1, lower.hasPrefix("http://") || lower.hasPrefix("https://") {
                // A valid http(s) URL that libcurl still refused: never call it invalid.
                code = .transport
                message = "request to \(url) failed\(why) (curl error \(curlCode))"
            } else {
                code = .invalidURL
                message = "\(url) is not a valid http(s) URL\(why)"
            }
        case 27, 100:
            // 7.x reports a header block past CURL_MAX_HTTP_HEADER (100 KB) as "out of memory".
            code = .headerTooLarge
            message = "the response from \(url) has a header block larger than libcurl accepts (100 KB)\(why)"
        case 61:
            code = .decoding
            message = "could not decode the Content-Encoding of the body from \(url)\(why)"
        case 35 where detail.lowercased().contains("wrong version number"):
            code = .tls
            message =
                "TLS with \(url) failed: the server did not answer in TLS, so that port probably serves plain HTTP; use http:// or the TLS port\(why)"
        case 35, 51, 58, 60, 77, 83, 90, 91:
            code = .tls
            let hint =
                options.verifyTLS
                ? "; for a private CA set target.ca_bundle, or for a test server with a self-signed certificate set target.verify_tls: false"
                : ""
            message = "TLS with \(url) failed\(why)\(hint)"
        case 42:
            code = .cancelled
            message = "request to \(url) was cancelled"
        default:
            code = .transport
            message = "request to \(url) failed\(why) (curl error \(curlCode))"
        }
        return HTTPClientError(code: code, message: message, curlCode: curlCode)
    }

    /// The error for a request whose task was cancelled (or whose session closed) before it finished.
    static func cancelled(_ request: HTTPRequest, curlCode: Int = 42) -> HTTPClientError {
        HTTPClientError(code: .cancelled, message: "request to \(request.url) was cancelled", curlCode: curlCode)
    }

    /// `2.0 s`, `0.5 s`.
    private static func seconds(_ duration: Duration) -> String {
        let tenths = (duration.inSeconds * 10).rounded() / 10
        return "\(tenths) s"
    }
}
