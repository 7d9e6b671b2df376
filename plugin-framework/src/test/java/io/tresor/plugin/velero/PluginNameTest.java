package io.tresor.plugin.velero;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PluginNameTest {

    @ParameterizedTest
    @ValueSource(strings = {"tresor.io/imagestream-capture", "tresor.io/volumesnapshot-thaw", "example.io/x",
            "a/b", "my-org.example.com/restore-pluginv2"})
    void acceptsWhatVeleroAccepts(String name) {
        assertThat(PluginName.validate(name)).isEqualTo(name);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "imagestream-capture          | exactly one '/'",
            "tresor.io/a/b                | exactly one '/'",
            "tresor.io/                   | nothing after",
            "Tresor.io/x                  | DNS-1123",
            "-tresor.io/x                 | DNS-1123",
            "tresor_io/x                  | DNS-1123",
            "/x                           | DNS-1123",
            "velero.io/pod                | Velero's own prefix",
            "''                           | empty",
    })
    void refusesWhatWouldStopVeleroAtStart(String name, String reason) {
        assertThatThrownBy(() -> PluginName.validate(name)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(reason);
    }

    /** Kubernetes' own expression for a DNS-1123 subdomain (k8s.io/apimachinery validation), as the oracle. */
    private static final Pattern KUBERNETES_DNS1123_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    @ParameterizedTest
    @ValueSource(strings = {"a", "0", "a-b", "a--b", "tresor.io", "a.b.c", "1.2.3", "x-1.y-2", "", ".", "a.", ".a",
            "a..b", "-a", "a-", "a.-b", "a-.b", "A", "a_b", "a b", "é", "a/b", "--", "a.b-", "9-9"})
    void subdomainCheckAgreesWithKubernetesExpression(String s) {
        assertThat(PluginName.isDns1123Subdomain(s)).as(s).isEqualTo(KUBERNETES_DNS1123_SUBDOMAIN.matcher(s).matches());
    }

    @Test
    void subdomainCheckAgreesWithKubernetesExpressionOnRandomStrings() {
        Random random = new Random(1123);
        String alphabet = "ab09-.A_";
        for (int n = 0; n < 50_000; n++) {
            StringBuilder s = new StringBuilder();
            for (int i = random.nextInt(9); i > 0; i--) {
                s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String text = s.toString();
            assertThat(PluginName.isDns1123Subdomain(text)).as("'%s'", text)
                    .isEqualTo(KUBERNETES_DNS1123_SUBDOMAIN.matcher(text).matches());
        }
    }
}
