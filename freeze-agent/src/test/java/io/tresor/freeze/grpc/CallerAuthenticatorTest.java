package io.tresor.freeze.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CallerAuthenticatorTest {
  private static final String VELERO = "system:serviceaccount:openshift-adp:velero";
  private final AtomicInteger reviews = new AtomicInteger();
  private final Map<String, String> users = Map.of("good-token", VELERO, "tenant-token",
      "system:serviceaccount:tenant:default");
  private final CallerAuthenticator auth = new CallerAuthenticator(token -> {
    reviews.incrementAndGet();
    return Optional.ofNullable(users.get(token));
  }, Set.of(VELERO), Duration.ofSeconds(10), Clock.systemUTC());

  @Test
  void anAllowedServiceAccountPassesAndIsCached() {
    assertThat(auth.check("Bearer good-token").allowed()).isTrue();
    assertThat(auth.check("bearer good-token").caller()).isEqualTo(VELERO);
    assertThat(reviews).hasValue(1);
  }

  @Test
  void everythingElseIsRefusedWithoutEchoingTheToken() {
    CallerAuthenticator.Verdict unknownSa = auth.check("Bearer tenant-token");
    assertThat(unknownSa.authenticated()).isTrue();
    assertThat(unknownSa.allowed()).isFalse();
    assertThat(unknownSa.reason()).contains("not in the allow-list").doesNotContain("tenant-token");
    for (String header : new String[] {null, "", "Basic dXNlcjpwYXNz", "Bearer ", "Bearer wrong-token"}) {
      CallerAuthenticator.Verdict v = auth.check(header);
      assertThat(v.authenticated()).as(String.valueOf(header)).isFalse();
      assertThat(v.reason()).doesNotContain("wrong-token").doesNotContain("dXNlcjpwYXNz");
    }
  }

  @Test
  void aFailingTokenReviewRefuses() {
    CallerAuthenticator broken = new CallerAuthenticator(token -> {
      throw new IllegalStateException("apiserver down: " + token);
    }, Set.of(VELERO), Duration.ofSeconds(10), Clock.systemUTC());
    CallerAuthenticator.Verdict v = broken.check("Bearer secret-value");
    assertThat(v.allowed()).isFalse();
    assertThat(v.reason()).doesNotContain("secret-value");
  }
}
