package io.tresor.imagearchive.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Answers registry auth challenges: {@code Basic} with the credentials, {@code Bearer} by fetching a token for the
 * needed scopes from the challenge's realm (with the credentials as basic auth). Tokens are cached per scope set and
 * refreshed on the next 401. Thread-safe.
 */
final class RegistryAuthenticator {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String registry;
    private final RegistryCredentials credentials;
    private final HttpClient http;
    private final Map<String, String> headers = new ConcurrentHashMap<>();
    private volatile boolean basic;

    RegistryAuthenticator(String registry, RegistryCredentials credentials, HttpClient http) {
        this.registry = registry;
        this.credentials = credentials;
        this.http = http;
    }

    /** The Authorization header to send for these scopes, or null before the first challenge. */
    String headerFor(Collection<String> scopes) {
        if (basic) {
            return credentials.basicHeader();
        }
        return headers.get(key(scopes));
    }

    /** Reacts to a 401 challenge so that the next {@link #headerFor} succeeds. */
    void authenticate(AuthChallenge challenge, Collection<String> scopes) throws IOException, InterruptedException {
        if ("basic".equals(challenge.scheme())) {
            if (credentials.isAnonymous()) {
                throw new RegistryException("registry " + registry + " requires basic credentials: configure a user and password", 401);
            }
            basic = true;
            return;
        }
        if (!"bearer".equals(challenge.scheme()) || !challenge.params().containsKey("realm")) {
            throw new RegistryException("registry " + registry + " sent an unsupported auth challenge (scheme '" + challenge.scheme()
                    + "'): only Basic and Bearer token auth are supported", 401);
        }
        TreeSet<String> wanted = new TreeSet<>(scopes);
        String challengeScope = challenge.params().get("scope");
        if (challengeScope != null && !challengeScope.isBlank()) {
            wanted.addAll(java.util.List.of(challengeScope.split(" ")));
        }
        StringBuilder query = new StringBuilder();
        if (challenge.params().containsKey("service")) {
            query.append("service=").append(encode(challenge.params().get("service")));
        }
        for (String scope : wanted) {
            query.append(query.length() == 0 ? "" : "&").append("scope=").append(encode(scope));
        }
        String realm = challenge.params().get("realm");
        URI uri = URI.create(realm + (query.length() == 0 ? "" : (realm.contains("?") ? "&" : "?") + query));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET();
        if (!credentials.isAnonymous()) {
            request.header("Authorization", credentials.basicHeader());
        }
        HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new RegistryException("registry " + registry + ": token endpoint " + stripQuery(uri) + " answered HTTP "
                    + response.statusCode() + (response.statusCode() == 401 || response.statusCode() == 403
                    ? ": the credentials were refused — check the service-account token or user/password" : ""),
                    response.statusCode());
        }
        JsonNode body = JSON.readTree(response.body());
        String token = body.path("token").asText(body.path("access_token").asText(""));
        if (token.isEmpty()) {
            throw new RegistryException("registry " + registry + ": token endpoint " + stripQuery(uri) + " returned no token", 0);
        }
        headers.put(key(scopes), "Bearer " + token);
    }

    private static String key(Collection<String> scopes) {
        return String.join(" ", new TreeSet<>(scopes));
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String stripQuery(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath();
    }
}
