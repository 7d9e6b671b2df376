package io.tresor.imagearchive.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthChallengeTest {
    @Test
    void parsesTheChallengesRegistriesSend() {
        assertThat(AuthChallenge.parse("Bearer realm=\"https://image-registry.openshift-image-registry.svc:5000/openshift/token\","
                + "service=\"image-registry\",scope=\"repository:shop/app:pull,push repository:shop/base:pull\""))
                .contains(new AuthChallenge("bearer", Map.of("realm", "https://image-registry.openshift-image-registry.svc:5000/openshift/token",
                        "service", "image-registry", "scope", "repository:shop/app:pull,push repository:shop/base:pull")));
        assertThat(AuthChallenge.parse("Basic realm=\"Registry Realm\"")).contains(new AuthChallenge("basic", Map.of("realm", "Registry Realm")));
        assertThat(AuthChallenge.parse("Bearer realm=https://auth/token, service=reg")).contains(
                new AuthChallenge("bearer", Map.of("realm", "https://auth/token", "service", "reg")));
        assertThat(AuthChallenge.parse("  ")).isEmpty();
        assertThat(AuthChallenge.parse(null)).isEmpty();
    }

    @Test
    void retryPolicyBacksOffWithinItsBounds() {
        RetryPolicy p = new RetryPolicy(6, java.time.Duration.ofMillis(200), java.time.Duration.ofSeconds(5));
        assertThat(p.delayAfter(1).toMillis()).isBetween(100L, 200L);
        assertThat(p.delayAfter(3).toMillis()).isBetween(400L, 800L);
        assertThat(p.delayAfter(30).toMillis()).isBetween(2500L, 5000L);
        assertThat(RetryPolicy.isRetryableStatus(429)).isTrue();
        assertThat(RetryPolicy.isRetryableStatus(503)).isTrue();
        assertThat(RetryPolicy.isRetryableStatus(404)).isFalse();
        assertThat(RetryPolicy.isRetryableStatus(401)).isFalse();
    }
}
