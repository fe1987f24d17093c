import Foundation
import RondaHTTP
import RondaTestSupport
import Testing

@Suite struct FailureTests {
    @Test func serverThatNeverAnswersTimesOut() async throws {
        let server = try SilentServer()
        defer { server.stop() }
        let session = HTTPSession()
        defer { session.close() }
        let url = server.baseURL + "/slow"
        let request = ClientRequest(url: url, options: .init(totalTimeout: .milliseconds(500)))
        let error = await #expect(throws: HTTPClientError.self) { try await session.send(request) }
        #expect(error?.code == .timeout)
        #expect(error?.curlCode == 28)
        #expect(
            error?.message
                == "timed out after 0.5 s waiting for \(url) (the request timeout: the step's timeout or defaults.request_timeout)"
        )
    }

    @Test func refusedConnectionIsConnectFailed() async throws {
        // Bound but not listening: the kernel refuses connections to this port.
        let (fd, port) = try SilentServer.bindLoopback(listen: false)
        defer { close(fd) }
        let session = HTTPSession()
        defer { session.close() }
        let url = "http://127.0.0.1:\(port)/"
        let error = await #expect(throws: HTTPClientError.self) { try await session.send(ClientRequest(url: url)) }
        #expect(error?.code == .connectFailed)
        #expect(error?.curlCode == 7)
        #expect(error?.message.contains(url) == true)
    }

    @Test(arguments: ["http://[::1", "ftp://127.0.0.1/file", "http://exa mple.com/"])
    func malformedOrNonHTTPURLIsInvalidURL(url: String) async throws {
        let session = HTTPSession()
        defer { session.close() }
        let error = await #expect(throws: HTTPClientError.self) { try await session.send(ClientRequest(url: url)) }
        #expect(error?.code == .invalidURL)
    }

    @Test func headerWithLineBreakIsRejectedBeforeSending() async throws {
        let session = HTTPSession()
        defer { session.close() }
        let request = ClientRequest(url: "http://127.0.0.1:1/", headers: [HTTPHeader("X-Evil", "a\r\nInjected: 1")])
        let error = await #expect(throws: HTTPClientError.self) { try await session.send(request) }
        #expect(error?.code == .invalidRequest)
    }

    @Test func cancellingTheCallingTaskAbortsAHangingRequest() async throws {
        let server = try SilentServer()
        defer { server.stop() }
        let session = HTTPSession()
        defer { session.close() }
        let request = ClientRequest(url: server.baseURL + "/hang", options: .init(totalTimeout: .seconds(60)))
        let task = Task { () async -> Result<ClientResponse, HTTPClientError> in
            do throws(HTTPClientError) {
                return .success(try await session.send(request))
            } catch {
                return .failure(error)
            }
        }
        await server.waitForConnection()  // the request is in flight
        task.cancel()
        guard case .failure(let error) = await task.value else {
            Issue.record("a cancelled request returned a response")
            return
        }
        #expect(error.code == .cancelled)
        #expect(error.message.contains(server.baseURL))
    }

    @Test func sendAfterCloseFailsAndCloseIsIdempotent() async throws {
        let session = HTTPSession()
        session.close()
        session.close()
        let error = await #expect(throws: HTTPClientError.self) {
            try await session.send(ClientRequest(url: "http://127.0.0.1:1/"))
        }
        #expect(error?.code == .cancelled)
        #expect(error?.message.contains("closed") == true)
    }
}
