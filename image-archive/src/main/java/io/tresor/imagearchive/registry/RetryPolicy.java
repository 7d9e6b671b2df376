package io.tresor.imagearchive.registry;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Bounded retries with exponential back-off and jitter, for 429, 5xx and broken connections.
 *
 * @param maxAttempts  attempts in total, at least 1
 * @param initialDelay delay before the second attempt
 * @param maxDelay     upper bound of one delay
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay) {
    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
    }

    /** 6 attempts, 200 ms doubling up to 5 s: about 10 s of patience for a registry that restarts. */
    public static RetryPolicy standard() {
        return new RetryPolicy(6, Duration.ofMillis(200), Duration.ofSeconds(5));
    }

    public static boolean isRetryableStatus(int status) {
        return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
    }

    /** Delay before attempt {@code attempt + 1} (attempt counts from 1); full jitter over the upper half. */
    public Duration delayAfter(int attempt) {
        long base = initialDelay.toMillis() << Math.min(attempt - 1, 20);
        long capped = Math.min(base, maxDelay.toMillis());
        return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
    }

    /** Sleeps the delay after an attempt; an interrupt ends the retries. */
    void sleepAfter(int attempt) throws java.io.InterruptedIOException {
        try {
            Thread.sleep(delayAfter(attempt).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting to retry");
        }
    }
}
