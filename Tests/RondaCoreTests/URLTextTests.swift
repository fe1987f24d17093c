import Testing

@testable import RondaCore

struct URLTextTests {
    @Test(arguments: [
        ("http://127.0.0.1:8080/path?q=1", "http", "127.0.0.1"),
        ("HTTPS://user:p%40ss@Shop.Example.com/a#frag", "https", "Shop.Example.com"),
        ("redis://:secret@redis:6379/0", "redis", "redis"),
        ("http://[::1]:9000/", "http", "::1"),
        ("https://example.com", "https", "example.com"),
        ("https://example.com?x=1", "https", "example.com"),
    ])
    func schemeAndHostAreReadAsWritten(url: String, scheme: String, host: String) {
        #expect(URLText.scheme(url) == scheme)
        #expect(URLText.host(url) == host)
    }

    @Test(arguments: ["example.com/path", "://nohost", "http://", "http://:8080/", "1http://x", "http://[::1/"])
    func urlsWithoutASchemeOrHostHaveNoHost(url: String) {
        #expect(URLText.host(url) == nil)
    }
}
