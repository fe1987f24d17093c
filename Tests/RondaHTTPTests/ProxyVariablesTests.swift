import Testing

@testable import RondaHTTP

/// Which environments leave proxies to libcurl: any `*_proxy` variable with a value, in any case.
@Suite struct ProxyVariablesTests {
    @Test(arguments: [
        ["http_proxy": "http://proxy:3128"], ["HTTPS_PROXY": "http://proxy:3128"], ["all_proxy": "socks5://p:1080"],
        ["NO_PROXY": "localhost"], ["no_proxy": "*"], ["Https_Proxy": "http://p"],
    ])
    func aProxyVariableLeavesProxiesToCurl(environment: [String: String]) {
        #expect(ProxyVariables.present(in: environment))
    }

    @Test(arguments: [
        [:], ["http_proxy": ""], ["PROXY": "http://p"], ["MY_PROXY_HOST": "p"], ["PATH": "/usr/bin", "HOME": "/root"],
    ])
    func withoutOneHandlesSayNoProxyOnce(environment: [String: String]) {
        #expect(!ProxyVariables.present(in: environment))
    }
}
