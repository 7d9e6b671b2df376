package io.tresor.imagearchive.registry;

import io.tresor.imagearchive.Digest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A client of the OCI distribution API (Docker registry v2) for one registry: manifests of every supported media type,
 * streamed blobs, monolithic and chunked uploads, cross-repository mounts. Thread-safe; share one per registry.
 */
public final class OciRegistryClient {
    /** Blobs larger than this are uploaded in chunks of this size (PATCH with Content-Range). */
    public static final long DEFAULT_CHUNK_SIZE = 16L * 1024 * 1024;
    /** A blob or manifest read that gets no byte for this long fails (the connection is closed) and is retried. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    private static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
    private static final Pattern REPOSITORY = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");

    private final URI base;
    private final RegistryTransport transport;
    private final RetryPolicy retry;
    private final long chunkSize;
    private final Duration idleTimeout;

    /**
     * @param base      {@code https://host[:port]} (or {@code http://} for a plain-HTTP registry)
     * @param http      an HTTP client; it must not follow redirects (blob redirects are followed without credentials)
     * @param chunkSize blobs above this size are pushed in chunks of it
     */
    public OciRegistryClient(URI base, RegistryCredentials credentials, RetryPolicy retry, HttpClient http, long chunkSize) {
        this(base, credentials, retry, http, chunkSize, DEFAULT_IDLE_TIMEOUT);
    }

    /**
     * @param idleTimeout a blob or manifest body that sends no byte for this long fails with "no data from the
     *                    registry" (the HTTP request timeout only covers the wait for the response headers)
     */
    public OciRegistryClient(URI base, RegistryCredentials credentials, RetryPolicy retry, HttpClient http, long chunkSize,
                             Duration idleTimeout) {
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("registry idle timeout " + idleTimeout + " must be positive");
        }
        this.idleTimeout = idleTimeout;
        this.base = URI.create(base.toString().replaceAll("/+$", ""));
        this.retry = retry;
        this.chunkSize = chunkSize;
        this.transport = new RegistryTransport(this.base.getRawAuthority(), http, retry, credentials);
    }

    /** A client with a default HTTP client (HTTP/1.1, no redirects, system trust store) and the standard retry policy. */
    public static OciRegistryClient create(URI base, RegistryCredentials credentials) {
        return new OciRegistryClient(base, credentials, RetryPolicy.standard(), defaultHttpClient(), DEFAULT_CHUNK_SIZE);
    }

    public static HttpClient defaultHttpClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    /**
     * An HTTP client trusting the JDK's roots plus a PEM bundle, e.g. the cluster's service CA
     * ({@code /var/run/secrets/kubernetes.io/serviceaccount/service-ca.crt}) for the internal registry.
     */
    public static HttpClient httpClientTrusting(byte[] caPem, String where) {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10)).sslContext(io.tresor.imagearchive.PemTrust.sslContext(caPem, where)).build();
    }

    /** {@code host[:port]} of the registry. */
    public String registry() {
        return transport.registry();
    }

    /** {@code GET /v2/}: checks that the registry speaks the API and that the credentials are accepted. */
    public void ping() {
        var response = transport.send(call("GET", "/v2/", Map.of(), List.of()), BodyHandlers.discarding());
        if (response.statusCode() != 200) {
            throw failure("GET /v2/", response.statusCode(), "the registry does not accept these credentials or is not a v2 registry");
        }
    }

    /** Fetches a manifest by tag or digest with every supported media type accepted; empty on 404. */
    public Optional<Manifest> manifest(String repository, String reference) {
        String path = "/v2/" + repo(repository) + "/manifests/" + reference;
        var response = transport.send(call("GET", path, Map.of("Accept", MediaTypes.ACCEPT), pull(repository)), BodyHandlers.ofInputStream());
        if (response.statusCode() == 404) {
            RegistryTransport.discard(response);
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            RegistryTransport.discard(response);
            throw failure("GET " + path, response.statusCode(), null);
        }
        byte[] bytes;
        try (InputStream in = idleGuarded(response.body(), "manifest " + repository + ":" + reference)) {
            bytes = in.readNBytes(MAX_MANIFEST_BYTES + 1);
        } catch (IOException e) {
            throw new RegistryException("registry " + registry() + ": reading manifest " + repository + ":" + reference + " failed: " + e, 0, e);
        }
        String where = registry() + "/" + repository + "@" + reference;
        if (bytes.length > MAX_MANIFEST_BYTES) {
            throw new RegistryException(where + ": manifest larger than 4 MiB", response.statusCode());
        }
        Manifest manifest = Manifest.parse(bytes, response.headers().firstValue("Content-Type").orElse(null), where);
        if (reference.startsWith("sha256:") && !manifest.digest().toString().equals(reference)) {
            throw new RegistryException(where + ": the registry served a manifest whose digest is " + manifest.digest(), 200);
        }
        return Optional.of(manifest);
    }

    /** {@code HEAD} of a blob: true on 200, false on 404. */
    public boolean hasBlob(String repository, Digest digest) {
        String path = "/v2/" + repo(repository) + "/blobs/" + digest;
        int status = transport.send(call("HEAD", path, Map.of(), pull(repository)), BodyHandlers.discarding()).statusCode();
        if (status == 200) {
            return true;
        }
        if (status == 404) {
            return false;
        }
        throw failure("HEAD " + path, status, null);
    }

    /**
     * Streams a blob; the caller closes the stream. A redirect (storage backends such as S3) is followed without the
     * registry's credentials. 404 fails with {@link RegistryNotFoundException}.
     */
    public InputStream openBlob(String repository, Digest digest) {
        String path = "/v2/" + repo(repository) + "/blobs/" + digest;
        var response = transport.send(call("GET", path, Map.of(), pull(repository)), BodyHandlers.ofInputStream());
        int status = response.statusCode();
        if (status == 307 || status == 302 || status == 303 || status == 301) {
            RegistryTransport.discard(response);
            URI target = base.resolve(response.headers().firstValue("Location").orElseThrow(
                    () -> failure("GET " + path, status, "redirect without Location")));
            var redirected = transport.send(new RegistryTransport.Call("GET", target, Map.of(), null, 0, List.of(), true),
                    BodyHandlers.ofInputStream());
            if (redirected.statusCode() != 200) {
                RegistryTransport.discard(redirected);
                throw failure("GET " + path + " (redirected)", redirected.statusCode(), null);
            }
            return idleGuarded(redirected.body(), "blob " + digest + " of " + repository + " (redirected)");
        }
        if (status == 404) {
            RegistryTransport.discard(response);
            throw new RegistryNotFoundException("registry " + registry() + ": blob " + digest + " of " + repository
                    + " is gone (404): it was pruned or never pushed");
        }
        if (status != 200) {
            RegistryTransport.discard(response);
            throw failure("GET " + path, status, null);
        }
        return idleGuarded(response.body(), "blob " + digest + " of " + repository);
    }

    private InputStream idleGuarded(InputStream body, String what) {
        return new IdleTimeoutInputStream(body, idleTimeout, "registry " + registry() + ": " + what);
    }

    /**
     * Pushes a blob from a source that is reopened for each attempt: one PUT when it is at most the chunk size, chunked
     * PATCHes otherwise. The registry verifies the digest. Transient failures retry the whole blob (bounded).
     */
    public void pushBlob(String repository, Digest digest, long size, BlobSource source) {
        for (int attempt = 1; ; attempt++) {
            try {
                URI upload = startUpload(repository);
                if (size <= chunkSize) {
                    finishUpload(repository, upload, digest, source, size);
                } else {
                    pushChunked(repository, upload, digest, size, source);
                }
                return;
            } catch (RegistryException e) {
                if (!e.isTransient() || attempt >= retry.maxAttempts()) {
                    throw e;
                }
            } catch (IOException e) {
                if (attempt >= retry.maxAttempts()) {
                    throw new RegistryException("registry " + registry() + ": pushing blob " + digest + " to " + repository
                            + " failed after " + attempt + " attempts: " + e, 0, e);
                }
            }
            try {
                retry.sleepAfter(attempt);
            } catch (java.io.InterruptedIOException e) {
                throw new RegistryException("registry " + registry() + ": interrupted pushing " + digest, 0, e);
            }
        }
    }

    /**
     * Mounts a blob from another repository of this registry ({@code POST ?mount=&from=}); true when the registry
     * mounted it (201), false when it does not have it there (the upload it opened instead is cancelled).
     */
    public boolean mountBlob(String repository, Digest digest, String fromRepository) {
        String path = "/v2/" + repo(repository) + "/blobs/uploads/?mount=" + digest + "&from=" + repo(fromRepository);
        List<String> scopes = List.of(push(repository).get(0), "repository:" + fromRepository + ":pull");
        var response = transport.send(call("POST", path, Map.of(), scopes), BodyHandlers.discarding());
        if (response.statusCode() == 201) {
            return true;
        }
        if (response.statusCode() != 202) {
            throw failure("POST " + path, response.statusCode(), null);
        }
        response.headers().firstValue("Location").ifPresent(location -> transport.send(new RegistryTransport.Call("DELETE",
                base.resolve(location), Map.of(), null, 0, push(repository), true), BodyHandlers.discarding()));
        return false;
    }

    /** Pushes a manifest under a tag or its digest; returns the digest the registry computed. */
    public Digest putManifest(String repository, String reference, String mediaType, byte[] bytes) {
        String path = "/v2/" + repo(repository) + "/manifests/" + reference;
        byte[] body = bytes.clone();
        var response = transport.send(new RegistryTransport.Call("PUT", uri(path), Map.of("Content-Type", mediaType),
                () -> new java.io.ByteArrayInputStream(body), body.length, push(repository), true), BodyHandlers.discarding());
        if (response.statusCode() != 201 && response.statusCode() != 200) {
            throw failure("PUT " + path, response.statusCode(), null);
        }
        return response.headers().firstValue("Docker-Content-Digest").map(Digest::parse).orElse(Digest.of(body));
    }

    /** POSTs a new upload session and returns its URL. */
    private URI startUpload(String repository) {
        String path = "/v2/" + repo(repository) + "/blobs/uploads/";
        var response = transport.send(call("POST", path, Map.of(), push(repository)), BodyHandlers.discarding());
        if (response.statusCode() != 202) {
            throw failure("POST " + path, response.statusCode(), null);
        }
        return base.resolve(response.headers().firstValue("Location").orElseThrow(
                () -> failure("POST " + path, 202, "no Location header for the upload")));
    }

    private void pushChunked(String repository, URI upload, Digest digest, long size, BlobSource source) throws IOException {
        try (InputStream in = source.open()) {
            long offset = 0;
            while (offset < size) {
                long length = Math.min(chunkSize, size - offset);
                InputStream chunk = new BoundedStream(in, length);
                var response = transport.send(new RegistryTransport.Call("PATCH", upload,
                        Map.of("Content-Type", "application/octet-stream", "Content-Range", offset + "-" + (offset + length - 1)),
                        () -> chunk, length, push(repository), false), BodyHandlers.discarding());
                if (response.statusCode() != 202) {
                    throw failure("PATCH upload of " + digest, response.statusCode(), null);
                }
                upload = base.resolve(response.headers().firstValue("Location").orElse(upload.toString()));
                offset += length;
            }
        }
        finishUpload(repository, upload, digest, null, 0);
    }

    /** Completes an upload session with a final PUT carrying the rest of the content (or none after chunks). */
    private void finishUpload(String repository, URI upload, Digest digest, BlobSource source, long size) {
        String sep = upload.getRawQuery() == null ? "?" : "&";
        URI put = URI.create(upload + sep + "digest=" + digest);
        var response = transport.send(new RegistryTransport.Call("PUT", put, Map.of("Content-Type", "application/octet-stream"),
                source, size, push(repository), false), BodyHandlers.discarding());
        if (response.statusCode() != 201) {
            throw failure("PUT upload of " + digest, response.statusCode(),
                    response.statusCode() == 400 ? "the registry rejected the content (digest mismatch?)" : null);
        }
    }

    private RegistryTransport.Call call(String method, String path, Map<String, String> headers, List<String> scopes) {
        return new RegistryTransport.Call(method, uri(path), headers, null, 0, scopes, true);
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }

    private static List<String> pull(String repository) {
        return List.of("repository:" + repository + ":pull");
    }

    private static List<String> push(String repository) {
        return List.of("repository:" + repository + ":pull,push");
    }

    private static String repo(String repository) {
        if (repository == null || !REPOSITORY.matcher(repository).matches()) {
            throw new IllegalArgumentException("not a repository name: '" + repository + "' (lower-case path components such as namespace/name)");
        }
        return repository;
    }

    private RegistryException failure(String request, int status, String hint) {
        if (status == 404) {
            return new RegistryNotFoundException("registry " + registry() + ": " + request + " answered 404" + (hint == null ? "" : ": " + hint));
        }
        String fix = hint != null ? hint : switch (status) {
            case 401 -> "the credentials were not accepted: check the service-account token or user/password";
            case 403 -> "the credentials lack access to this repository: grant the needed registry role";
            default -> "see the registry's log";
        };
        return new RegistryException("registry " + registry() + ": " + request + " answered HTTP " + status + ": " + fix, status);
    }

    /** A view of the next {@code length} bytes of a stream that leaves the rest of it open. */
    private static final class BoundedStream extends FilterInputStream {
        private long remaining;

        BoundedStream(InputStream in, long length) {
            super(in);
            this.remaining = length;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = super.read(b, off, (int) Math.min(len, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }

        @Override
        public void close() {
            // the underlying stream continues with the next chunk
        }
    }
}
