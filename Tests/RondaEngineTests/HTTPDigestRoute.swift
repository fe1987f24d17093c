import Foundation
import HTTPTypes
import Hummingbird
import RondaTestSupport

/// A route that demands HTTP Digest authentication (RFC 7616, qop=auth) for user `ana` with
/// password `s3cr3t-pw`, hashing with `openssl dgst` so the test checks libcurl against an
/// independent implementation.
enum HTTPDigestRoute {
    static let realm = "ronda-test"
    static let nonce = "dcd98b7102dd2f0e8b11d0f600bfb0c093"

    static func install(_ router: Router<BasicRequestContext>, algorithm: String) {
        router.get("/digest/area") { request, _ -> Response in
            let challenge = "Digest realm=\"\(realm)\", qop=\"auth\", nonce=\"\(nonce)\", algorithm=\(algorithm)"
            let unauthorized = Response(status: .unauthorized, headers: [.wwwAuthenticate: challenge])
            guard let header = request.headers[.authorization], header.hasPrefix("Digest ") else { return unauthorized }
            let fields = parse(String(header.dropFirst(7)))
            guard let user = fields["username"], let uri = fields["uri"], let response = fields["response"],
                let nc = fields["nc"], let cnonce = fields["cnonce"], fields["nonce"] == nonce
            else { return unauthorized }
            let hash = { (text: String) throws -> String in try digest(text, algorithm: algorithm) }
            let ha1 = try hash("\(user):\(realm):s3cr3t-pw")
            let ha2 = try hash("GET:\(uri)")
            let expected = try hash("\(ha1):\(nonce):\(nc):\(cnonce):auth:\(ha2)")
            guard user == "ana", response == expected else { return unauthorized }
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "welcome ana")))
        }
    }

    /// `key="value", key=value` pairs.
    static func parse(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        var rest = Substring(text)
        while let eq = rest.firstIndex(of: "=") {
            let key = rest[..<eq].trimmingCharacters(in: CharacterSet(charactersIn: " ,"))
            rest = rest[rest.index(after: eq)...]
            let value: Substring
            if rest.first == "\"", let close = rest.dropFirst().firstIndex(of: "\"") {
                value = rest[rest.index(after: rest.startIndex)..<close]
                rest = rest[rest.index(after: close)...]
            } else {
                let end = rest.firstIndex(of: ",") ?? rest.endIndex
                value = rest[..<end]
                rest = rest[end...]
            }
            out[key] = value.trimmingCharacters(in: .whitespaces)
        }
        return out
    }

    static func digest(_ text: String, algorithm: String) throws -> String {
        let (status, output) = try runProgram(
            "/usr/bin/openssl",
            ["dgst", algorithm == "MD5" ? "-md5" : "-sha256", "-r"],
            input: Array(text.utf8)
        )
        guard status == 0 else { throw ProgramFailure(description: "openssl dgst exited with \(status)") }
        return String(decoding: output, as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
    }
}
