import Foundation
import RondaHTTP
import RondaTestSupport
import Testing

@Suite struct TLSTests {
    @Test func selfSignedCertificateFailsVerificationByDefault() async throws {
        let server = try await TLSServer.started()
        defer { server.stop() }
        let session = HTTPSession()
        defer { session.close() }
        let error = await #expect(throws: HTTPClientError.self) {
            try await session.send(ClientRequest(url: server.baseURL + "/"))
        }
        #expect(error?.code == .tls)
        #expect(error?.message.contains(server.baseURL) == true)
    }

    @Test func verificationOffAcceptsTheSelfSignedCertificate() async throws {
        let server = try await TLSServer.started()
        defer { server.stop() }
        let session = HTTPSession()
        defer { session.close() }
        let response = try await session.send(
            ClientRequest(url: server.baseURL + "/", options: .init(verifyTLS: false))
        )
        #expect(response.status == 200)
        #expect(response.timings.tls >= response.timings.connect)
    }

    @Test func caBundleTrustsTheCertificateWithVerificationOn() async throws {
        let server = try await TLSServer.started()
        defer { server.stop() }
        let session = HTTPSession()
        defer { session.close() }
        let options = HTTPRequestOptions(caBundlePath: server.certificatePath)
        let response = try await session.send(ClientRequest(url: server.baseURL + "/", options: options))
        #expect(response.status == 200)
    }
}
