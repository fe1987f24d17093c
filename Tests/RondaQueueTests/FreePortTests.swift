import Foundation
import RondaTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The ports the tests start their servers on (`freePort()`, used by `TestRedis`, `TestPostgres`
/// and the receivers): free, different for each caller, and outside the kernel's ephemeral
/// range, where an outgoing connection could take one before the server binds it.
@Suite struct FreePortTests {
    @Test func portsAreFreeDistinctAndBelowTheEphemeralRange() throws {
        let ports = try (0..<50).map { _ in try freePort() }
        #expect(Set(ports).count == ports.count)
        let text = try String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)
        let ephemeral = try #require(text.split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) })
        if ephemeral >= 12_000 {
            #expect(ports.allSatisfy { $0 >= 10_000 && $0 < ephemeral })
        }
        for port in ports {
            let (fd, bound) = try SilentServer.bindLoopback(port: port, listen: true)
            #expect(bound == port)
            close(fd)
        }
    }

}
