package io.tresor.webhook.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/** A keep-alive HTTPS client for the webhook on 127.0.0.1. */
public final class Https {

    private static final int LARGE_BODY = 1024 * 1024;

    private final HttpClient client;
    private final String base;

    public Https(SSLContext context, int port) {
        this.client = HttpClient.newBuilder().sslContext(context).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        this.base = "https://127.0.0.1:" + port;
    }

    /** @param headers more request headers, name and value in turn */
    public HttpResponse<String> post(String path, byte[] body, String contentType, String... headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                // a body the webhook refuses unread (413): without 100-continue the client may still be sending it
                // when the server closes, and the reset can beat the 413 to the client
                .expectContinue(body.length > LARGE_BODY);
        if (headers.length > 0) {
            request.headers(headers);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> review(String path, byte[] body) throws Exception {
        return post(path, body, "application/json");
    }

    public static HttpResponse<String> get(int port, String path) throws Exception {
        HttpClient plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        return plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
