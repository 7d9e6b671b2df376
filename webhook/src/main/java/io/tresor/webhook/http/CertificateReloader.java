package io.tresor.webhook.http;

import io.tresor.tls.CertificateWatcher;
import io.tresor.tls.PemCredentials;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Serves {@code tls.crt}/{@code tls.key} from a directory through Jetty and swaps them in when they change (the
 * reading, checking and polling is serving-tls's {@link CertificateWatcher}). Open connections keep their session,
 * new handshakes get the new certificate, so no request is dropped.
 */
public final class CertificateReloader implements AutoCloseable {

    /** In-memory only; the key store never touches disk. */
    private static final char[] STORE_PASSWORD = "tresor-in-memory".toCharArray();

    private final SslContextFactory.Server factory = new SslContextFactory.Server();
    private final CertificateWatcher watcher;

    /** Loads the pair now; fails when it cannot be served. */
    public CertificateReloader(Path directory) throws IOException, GeneralSecurityException {
        watcher = new CertificateWatcher(directory.resolve("tls.crt"), directory.resolve("tls.key"),
                "tresor-cert-reloader", this::reload);
        factory.setKeyStore(watcher.current().keyStore(STORE_PASSWORD));
        factory.setKeyStorePassword(new String(STORE_PASSWORD));
        factory.setKeyManagerPassword(new String(STORE_PASSWORD));
        factory.setSniRequired(false);
    }

    public SslContextFactory.Server sslContextFactory() {
        return factory;
    }

    /** Starts polling the files every {@code interval}. */
    public void watch(Duration interval) {
        watcher.watch(interval);
    }

    public Instant notAfter() {
        return watcher.current().notAfter();
    }

    public int reloads() {
        return watcher.reloads();
    }

    /** Reloads when the files changed and hold a valid, matching pair; a half-written pair is never served. */
    void checkOnce() {
        watcher.check();
    }

    private void reload(PemCredentials credentials) throws Exception {
        KeyStore store = credentials.keyStore(STORE_PASSWORD);
        factory.reload(f -> f.setKeyStore(store));
    }

    @Override
    public void close() {
        watcher.close();
    }
}
