import Foundation
import RondaTestSupport
import Testing

/// The operator's docs name files of this checkout; each must exist, or a newcomer copying the
/// example gets "no such file" on the first command.
struct DocsPathTests {
    static var documents: [String] {
        let docs = (try? FileManager.default.contentsOfDirectory(atPath: Checkout.root + "/docs")) ?? []
        return ["README.md"] + docs.filter { $0.hasSuffix(".md") }.sorted().map { "docs/" + $0 }
    }

    /// Paths like `scenarios/patients/search_or_create.yml` and relative Markdown links.
    static func paths(in text: String) -> [String] {
        var found: [String] = []
        let patterns = [#"(?<![\w/.-])scenarios/[\w./-]+\.ya?ml"#, #"\]\((?!https?:|#)([^)#\s]+)"#]
        for pattern in patterns {
            let regex = try! NSRegularExpression(pattern: pattern)
            let range = NSRange(text.startIndex..., in: text)
            for match in regex.matches(in: text, range: range) {
                let group = match.numberOfRanges > 1 ? match.range(at: 1) : match.range
                if let r = Range(group, in: text) { found.append(String(text[r])) }
            }
        }
        return found
    }

    @Test func theDocumentsAreFound() {
        #expect(Self.documents.contains("README.md"))
        #expect(Self.documents.contains("docs/architecture.md"))
    }

    @Test(arguments: documents)
    func everyPathADocumentNamesExists(_ document: String) throws {
        let text = try String(contentsOfFile: Checkout.root + "/" + document, encoding: .utf8)
        let base = (document as NSString).deletingLastPathComponent
        for path in Self.paths(in: text) {
            // A scenario path is relative to the checkout; a Markdown link to the document's folder.
            let candidates = [
                Checkout.root + "/" + path, Checkout.root + "/" + (base.isEmpty ? path : base + "/" + path),
            ]
            #expect(
                candidates.contains { FileManager.default.fileExists(atPath: $0) },
                "\(document) names \(path), which does not exist"
            )
        }
    }

    @Test func theCheckFindsAMissingPath() {
        let found = Self.paths(in: "run `ronda run-scenario scenarios/patients/nope.yml`, see [x](docs/none.md)")
        #expect(found == ["scenarios/patients/nope.yml", "docs/none.md"])
    }
}
