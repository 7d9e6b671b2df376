package io.tresor.imagearchive.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Sends one registry request with auth (answering 401 challenges once) and bounded retries on 429/5xx/broken connections. */
final class RegistryTransport {
    /** A request; {@code body} is null for none and is opened afresh per attempt. */
    record Call(String method, URI uri, Map<String, String> headers, BlobSource body, long contentLength,
                List<String> scopes, boolean retryable) {
    }

    private final String registry;
    private final HttpClient http;
    private final RetryPolicy retry;
    private final RegistryAuthenticator auth;

    RegistryTransport(String registry, HttpClient http, RetryPolicy retry, RegistryCredentials credentials) {
        this.registry = registry;
        this.http = http;
        this.retry = retry;
        this.auth = new RegistryAuthenticator(registry, credentials, http);
    }

    String registry() {
        return registry;
    }

    HttpClient http() {
        return http;
    }

    <T> HttpResponse<T> send(Call call, HttpResponse.BodyHandler<T> handler) {
        int attempts = call.retryable() ? retry.maxAttempts() : 1;
        boolean reauthenticated = false;
        int attempt = 0;
        while (true) {
            attempt++;
            HttpResponse<T> response;
            try {
                response = http.send(request(call), handler);
            } catch (IOException | UncheckedIOException e) {
                if (attempt >= attempts) {
                    throw new RegistryException("registry " + registry + ": " + call.method() + " " + call.uri().getRawPath()
                            + " failed after " + attempt + " attempt(s): " + e, 0, e);
                }
                pause(attempt);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegistryException("registry " + registry + ": interrupted during " + call.method() + " "
                        + call.uri().getRawPath(), 0, e);
            }
            int status = response.statusCode();
            if (status == 401 && !reauthenticated) {
                var challenge = AuthChallenge.parse(response.headers().firstValue("WWW-Authenticate").orElse(null));
                if (challenge.isPresent()) {
                    discard(response);
                    try {
                        auth.authenticate(challenge.get(), call.scopes());
                    } catch (IOException e) {
                        throw new RegistryException("registry " + registry + ": authentication failed: " + e, 0, e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new RegistryException("registry " + registry + ": interrupted during authentication", 0, e);
                    }
                    reauthenticated = true;
                    attempt--; // answering the challenge is not a failed attempt
                    continue;
                }
            }
            if (RetryPolicy.isRetryableStatus(status) && attempt < attempts) {
                discard(response);
                pause(attempt);
                continue;
            }
            return response;
        }
    }

    private HttpRequest request(Call call) {
        HttpRequest.Builder b = HttpRequest.newBuilder(call.uri()).timeout(Duration.ofSeconds(120));
        call.headers().forEach(b::header);
        String authorization = auth.headerFor(call.scopes());
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        if (call.body() == null) {
            b.method(call.method(), HttpRequest.BodyPublishers.noBody());
        } else {
            BlobSource source = call.body();
            var stream = HttpRequest.BodyPublishers.ofInputStream(() -> {
                try {
                    return source.open();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            b.method(call.method(), HttpRequest.BodyPublishers.fromPublisher(stream, call.contentLength()));
        }
        return b.build();
    }

    private void pause(int attempt) {
        try {
            retry.sleepAfter(attempt);
        } catch (InterruptedIOException e) {
            throw new RegistryException("registry " + registry + ": interrupted while waiting to retry", 0, e);
        }
    }

    /** Closes a response body that will not be read, so its connection can be reused or dropped. */
    static void discard(HttpResponse<?> response) {
        if (response.body() instanceof InputStream in) {
            try {
                in.close();
            } catch (IOException ignored) {
                // nothing to recover: the connection is dropped
            }
        }
    }
}
