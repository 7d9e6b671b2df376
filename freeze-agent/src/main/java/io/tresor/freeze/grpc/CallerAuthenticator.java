package io.tresor.freeze.grpc;

import io.tresor.freeze.kube.TokenReviewer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides who may call the agent: a bearer token that the cluster authenticates (TokenReview)
 * as one of the allowed service accounts ({@code system:serviceaccount:<ns>:<name>}).
 *
 * <p>Accepted answers are cached briefly to keep TokenReviews off the freeze path; the cache key
 * is a SHA-256 of the token, so no token is ever kept or logged.
 */
public final class CallerAuthenticator {
  /** The verdict: the caller's name when allowed, else the reason (no token in it). */
  public record Verdict(boolean authenticated, boolean allowed, String caller, String reason) {}

  private record Cached(String username, Instant until) {}

  private final TokenReviewer reviewer;
  private final Set<String> allowedUsers;
  private final Duration cacheTtl;
  private final Clock clock;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  public CallerAuthenticator(TokenReviewer reviewer, Set<String> allowedServiceAccounts, Duration cacheTtl,
                             Clock clock) {
    this.reviewer = reviewer;
    this.allowedUsers = Set.copyOf(allowedServiceAccounts);
    this.cacheTtl = cacheTtl;
    this.clock = clock;
  }

  public Verdict check(String authorizationHeader) {
    if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return new Verdict(false, false, "", "no bearer token");
    }
    String token = authorizationHeader.substring(7).trim();
    if (token.isEmpty()) {
      return new Verdict(false, false, "", "empty bearer token");
    }
    String key = fingerprint(token);
    Instant now = clock.instant();
    Cached hit = cache.get(key);
    String username;
    if (hit != null && hit.until().isAfter(now)) {
      username = hit.username();
    } else {
      Optional<String> reviewed;
      try {
        reviewed = reviewer.username(token);
      } catch (RuntimeException e) {
        return new Verdict(false, false, "", "TokenReview failed: " + e.getClass().getSimpleName());
      }
      if (reviewed.isEmpty()) {
        return new Verdict(false, false, "", "token not authenticated by the cluster");
      }
      username = reviewed.get();
      if (cache.size() > 1000) {
        cache.clear();
      }
      cache.put(key, new Cached(username, now.plus(cacheTtl)));
    }
    if (!allowedUsers.contains(username)) {
      return new Verdict(true, false, username, "caller " + username + " is not in the allow-list");
    }
    return new Verdict(true, true, username, "");
  }

  /** A short token fingerprint for the cache key and for correlating log lines. */
  static String fingerprint(String token) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
