import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The whole text of a /proc file, read until end of file: `String(contentsOfFile:)` trusts the
/// size /proc reports (0) and may stop after the first page of a long table.
public func readProcFile(_ path: String) -> String? {
    guard let file = fopen(path, "r") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
        let count = fread(&buffer, 1, buffer.count, file)
        if count <= 0 { break }
        bytes += buffer[0..<count]
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// This process's descriptors that are IPv4 TCP sockets connected to port `port` (the client
/// side of connections to a local server), from /proc/self/fd and /proc/net/tcp.
public func tcpSocketDescriptors(connectedToPort port: Int) -> [Int32] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
    var byInode: [String: Int32] = [:]
    for name in names {
        guard let fd = Int32(name),
            let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(name)"),
            target.hasPrefix("socket:[")
        else { continue }
        byInode[String(target.dropFirst("socket:[".count).dropLast())] = fd
    }
    guard let table = readProcFile("/proc/net/tcp") else { return [] }
    let remotePort = String(format: ":%04X", port)
    return table.split(separator: "\n").dropFirst().compactMap { line in
        let fields = line.split(separator: " ")
        guard fields.count > 9, fields[2].hasSuffix(remotePort) else { return nil }
        return byInode[String(fields[9])]
    }
}
