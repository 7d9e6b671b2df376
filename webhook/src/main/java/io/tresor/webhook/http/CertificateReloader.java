package io.tresor.webhook.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code tls.crt}/{@code tls.key} from a directory and swaps them in when they change. Polling (not inotify)
 * because kubelet replaces Secret volumes by swapping a symlink, which file watches miss; open connections keep
 * their session, new handshakes get the new certificate, so no request is dropped.
 */
public final class CertificateReloader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CertificateReloader.class);

    private final Path certFile;
    private final Path keyFile;
    private final SslContextFactory.Server factory = new SslContextFactory.Server();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "tresor-cert-reloader");
        thread.setDaemon(true);
        return thread;
    });
    private volatile byte[] loadedDigest = new byte[0];
    private volatile Instant notAfter = Instant.EPOCH;
    private volatile int reloads;

    /** Loads the pair now; fails when it cannot be served. */
    public CertificateReloader(Path directory) throws IOException, GeneralSecurityException {
        this.certFile = directory.resolve("tls.crt");
        this.keyFile = directory.resolve("tls.key");
        byte[] cert = Files.readAllBytes(certFile);
        byte[] key = Files.readAllBytes(keyFile);
        PemCredentials credentials = PemCredentials.parse(cert, key);
        factory.setKeyStore(credentials.keyStore());
        factory.setKeyStorePassword(new String(PemCredentials.STORE_PASSWORD));
        factory.setKeyManagerPassword(new String(PemCredentials.STORE_PASSWORD));
        factory.setSniRequired(false);
        loadedDigest = digest(cert, key);
        notAfter = credentials.notAfter();
    }

    public SslContextFactory.Server sslContextFactory() {
        return factory;
    }

    /** Starts polling the files every {@code interval}. */
    public void watch(Duration interval) {
        poller.scheduleWithFixedDelay(this::checkOnce, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    public Instant notAfter() {
        return notAfter;
    }

    public int reloads() {
        return reloads;
    }

    /** Reloads when the files changed and hold a valid, matching pair; a half-written pair is retried next time. */
    void checkOnce() {
        try {
            byte[] cert = Files.readAllBytes(certFile);
            byte[] key = Files.readAllBytes(keyFile);
            byte[] digest = digest(cert, key);
            if (Arrays.equals(digest, loadedDigest)) {
                return;
            }
            PemCredentials credentials = PemCredentials.parse(cert, key);
            KeyStore store = credentials.keyStore();
            factory.reload(f -> f.setKeyStore(store));
            loadedDigest = digest;
            notAfter = credentials.notAfter();
            reloads++;
            LOG.info("serving certificate reloaded from {}, valid until {}", certFile.getParent(), notAfter);
        } catch (IOException | GeneralSecurityException e) {
            LOG.warn("serving certificate in {} not reloaded yet: {}", certFile.getParent(), e.getMessage());
        } catch (Exception e) {
            LOG.warn("serving certificate in {} not reloaded: {}", certFile.getParent(), e.getClass().getName());
        }
    }

    private static byte[] digest(byte[] cert, byte[] key) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(cert);
            sha.update(key);
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
