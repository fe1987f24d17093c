import Foundation
import RondaHTTP
import RondaTestSupport

// Hummingbird re-exports HTTPTypes' HTTPRequest/HTTPResponse; these names keep
// test files that import both modules unambiguous.
typealias ClientRequest = RondaHTTP.HTTPRequest
typealias ClientResponse = RondaHTTP.HTTPResponse

/// Resident set size of this process in bytes (from /proc/self/statm).
func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}
