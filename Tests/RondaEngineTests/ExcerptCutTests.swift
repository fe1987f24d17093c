import Testing

@testable import RondaEngine

/// Excerpts are cut by characters; the byte fast path for plain ASCII must cut where the
/// character walk does.
@Suite struct ExcerptCutTests {
    @Test(arguments: [
        "", "abc", "{\"ok\":true}", "line one\nline two\ttab",
        "a\r\nb\r\nc",  // CR LF is one character
        "ca\u{301}fe\u{301} ñandú 日本語 👩‍👩‍👧",  // combining marks, CJK, a family emoji
        "mixed ASCII then é at the end",
    ])
    func theCutMatchesTheCharacterWalk(text: String) {
        for count in 0...(text.utf8.count + 1) {
            let (kept, wasCut) = Excerpt.cut(text, count)
            #expect(kept == String(text.prefix(count)), "\(count) of \(text.debugDescription)")
            #expect(wasCut == (text.count > count), "\(count) of \(text.debugDescription)")
        }
    }

    @Test func anExcerptOfPlainASCIIIsCutAtTheLimitAndMarked() {
        let body = Array(String(repeating: "0123456789", count: 10).utf8)
        let excerpt = Excerpt.text(body, limit: 25, redactor: Redactor())
        #expect(excerpt == "0123456789012345678901234… (100 bytes)")
        #expect(Excerpt.text(Array("short".utf8), limit: 25, redactor: Redactor()) == "short")
    }

    @Test func anExcerptWithCRLFCountsEachPairAsOneCharacter() {
        let body = Array("ab\r\ncd\r\nef".utf8)  // 10 bytes, 8 characters
        #expect(Excerpt.text(body, limit: 8, redactor: Redactor()) == "ab\r\ncd\r\nef")
        #expect(Excerpt.text(body, limit: 7, redactor: Redactor()) == "ab\r\ncd\r\ne… (10 bytes)")
    }
}
