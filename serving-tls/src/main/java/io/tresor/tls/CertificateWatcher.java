package io.tresor.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a certificate file and key file now and re-reads them every period, handing each changed pair that can be
 * served to an {@link Installer}; a pair that cannot be served (half-written, garbage, a key of another certificate)
 * never replaces the one being served, and is warned about once per distinct content.
 *
 * <p>Polling, not file watches: the kubelet updates a Secret volume by swapping its {@code ..data} symlink, which
 * watches on the files miss. Both files are digested together, so an unchanged pair costs two reads and a hash.
 */
public final class CertificateWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CertificateWatcher.class);

    /** What one look at the files did. */
    public enum Check { UNCHANGED, RELOADED, REJECTED }

    /** Puts a new pair into the server; runs on the watcher's thread. */
    @FunctionalInterface
    public interface Installer {
        void install(PemCredentials credentials) throws Exception;
    }

    private final Path certFile;
    private final Path keyFile;
    private final Installer installer;
    private final ScheduledExecutorService poller;
    private volatile PemCredentials current;
    private volatile int reloads;
    /** The content digest (or read failure) of the last look: what was warned about is not warned about again. */
    private String lastSeen;

    /**
     * Loads the pair now, failing when it cannot be served. The first pair is {@link #current()}; the installer gets
     * only the pairs that replace it, so the caller sets up its server from {@code current()} itself.
     *
     * @param threadName the name of the polling thread, once {@link #watch} starts it
     */
    public CertificateWatcher(Path certFile, Path keyFile, String threadName, Installer installer)
            throws UnusableCertificateException {
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.installer = installer;
        byte[] cert = read(certFile, "certificate");
        byte[] key = read(keyFile, "key");
        current = PemCredentials.parse(certFile, cert, keyFile, key);
        lastSeen = digest(cert, key);
        LOG.info("serving certificate from {}: {}", certFile, current.describe());
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, threadName);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts looking at the files every {@code period} on a daemon thread. */
    public CertificateWatcher watch(Duration period) {
        poller.scheduleWithFixedDelay(this::checkQuietly, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** The pair being served: the first one, or the last one installed. */
    public PemCredentials current() {
        return current;
    }

    /** How many pairs replaced the first one. */
    public int reloads() {
        return reloads;
    }

    /** Looks at the files once: installs them if they changed and can be served, else warns once per change. */
    public synchronized Check check() {
        byte[] cert = null;
        byte[] key = null;
        String seen;
        UnusableCertificateException unreadable = null;
        try {
            cert = read(certFile, "certificate");
            key = read(keyFile, "key");
            seen = digest(cert, key);
        } catch (UnusableCertificateException e) {
            unreadable = e;
            seen = e.getMessage();
        }
        if (seen.equals(lastSeen)) {
            return Check.UNCHANGED;
        }
        lastSeen = seen;
        PemCredentials next;
        try {
            if (unreadable != null) {
                throw unreadable;
            }
            next = PemCredentials.parse(certFile, cert, keyFile, key);
        } catch (UnusableCertificateException e) {
            warn(e.getMessage());
            return Check.REJECTED;
        } catch (RuntimeException e) {
            // the class only: a parser's message might quote what it choked on
            warn("unexpected " + e.getClass().getName());
            return Check.REJECTED;
        }
        try {
            installer.install(next);
        } catch (Exception e) {
            warn("the server did not take it (" + e.getClass().getName() + ")");
            return Check.REJECTED;
        }
        current = next;
        reloads++;
        LOG.info("serving certificate reloaded from {}: {}", certFile, next.describe());
        return Check.RELOADED;
    }

    private void checkQuietly() {
        try {
            check();
        } catch (RuntimeException | Error e) {
            // an exception escaping a scheduled task would end the polling for good
            LOG.warn("serving certificate check failed: {}", e.getClass().getName());
        }
    }

    private void warn(String problem) {
        LOG.warn("serving certificate not reloaded: {}; still serving {} (said once per change of the files)",
                problem, current.describe());
    }

    private static byte[] read(Path file, String what) throws UnusableCertificateException {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UnusableCertificateException("cannot read the " + what + " file " + file + " ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    private static String digest(byte[] cert, byte[] key) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(cert);
            // a separator, so that moving bytes from one file to the other is a change
            sha.update((byte) 0);
            sha.update(key);
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Stops polling; the server keeps serving what it was last given. */
    @Override
    public void close() {
        poller.shutdownNow();
    }
}
