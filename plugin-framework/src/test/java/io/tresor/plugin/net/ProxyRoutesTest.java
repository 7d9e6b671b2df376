package io.tresor.plugin.net;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ProxyRoutesTest {
    private static final Map<String, String> OADP_ENV = Map.of(
            "HTTPS_PROXY", "http://proxy.corp.example:3128",
            "HTTP_PROXY", "proxy.corp.example:8080",
            "NO_PROXY", ".cluster.local,.svc, 10.0.0.0/8,172.30.0.1,s3.internal.example:9000,[fd00::1],api.ocp.example");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "https://s3.amazonaws.com/bucket                         | proxy.corp.example:3128",
            "http://registry.example.com/v2/                         | proxy.corp.example:8080",
            "https://image-registry.openshift-image-registry.svc:5000 | DIRECT",
            "https://kubernetes.default.svc.cluster.local            | DIRECT",
            "https://10.12.0.7:6443                                  | DIRECT",
            "https://11.12.0.7:6443                                  | proxy.corp.example:3128",
            "https://172.30.0.1                                      | DIRECT",
            "https://s3.internal.example:9000                        | DIRECT",
            "https://s3.internal.example:443                         | proxy.corp.example:3128",
            "https://[fd00::1]:8443                                  | DIRECT",
            "https://api.ocp.example:6443                            | DIRECT",
            "https://x.api.ocp.example:6443                          | DIRECT",
            "https://notapi.ocp.example:6443                         | proxy.corp.example:3128",
            "https://127.0.0.1:9000                                  | DIRECT",
            "http://localhost:8080                                   | DIRECT",
    })
    void followsGosNoProxyRules(String target, String expected) {
        var proxy = ProxyRoutes.fromEnvironment(OADP_ENV).proxyFor(URI.create(target));
        assertThat(proxy.map(a -> a.getHostString() + ":" + a.getPort()).orElse("DIRECT")).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"* | https://anything.example", "'' | https://s3.amazonaws.com"})
    void starBypassesEverythingAndNoVariablesMeansDirect(String noProxy, String target) {
        Map<String, String> env = noProxy.isEmpty() ? Map.of() : Map.of("https_proxy", "http://p:1", "no_proxy", noProxy);
        assertThat(ProxyRoutes.fromEnvironment(env).proxyFor(URI.create(target))).isEmpty();
    }
}
