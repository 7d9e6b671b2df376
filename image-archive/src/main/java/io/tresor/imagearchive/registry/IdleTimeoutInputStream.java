package io.tresor.imagearchive.registry;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A response body that fails when a read waits longer than the idle timeout for the next byte. The HTTP client's
 * request timeout ends when the headers arrive; a registry that then stalls (hung storage, a peer gone without a
 * reset, a black-holing proxy) would block the read forever. A shared daemon watchdog closes the stream instead, which
 * cancels the exchange (the connection is not reused) and makes the blocked read fail with an {@link IOException}.
 * Only time spent inside a read counts: a consumer that is slow between reads does not trip it.
 */
final class IdleTimeoutInputStream extends FilterInputStream {
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tresor-registry-idle-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final long idleNanos;
    private final String what;
    private final ScheduledFuture<?> check;
    /** {@link System#nanoTime()} when the read in progress started or last received bytes; 0 when not reading. */
    private volatile long waitingSince;
    private volatile boolean timedOut;
    private volatile boolean closed;

    /** @param what names the content for the error, e.g. "registry r: blob sha256:… of ns/name" */
    IdleTimeoutInputStream(InputStream in, Duration idle, String what) {
        super(in);
        this.idleNanos = idle.toNanos();
        this.what = what;
        long period = Math.max(50, Math.min(1000, idle.toMillis() / 4));
        this.check = WATCHDOG.scheduleWithFixedDelay(this::checkIdle, period, period, TimeUnit.MILLISECONDS);
    }

    private void checkIdle() {
        long since = waitingSince;
        if (since != 0 && System.nanoTime() - since > idleNanos && !closed) {
            timedOut = true;
            closeQuietly();
        }
    }

    @Override
    public int read() throws IOException {
        enter();
        try {
            return atEnd(super.read());
        } catch (IOException e) {
            throw translate(e);
        } finally {
            waitingSince = 0;
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        enter();
        try {
            return atEnd(super.read(b, off, len));
        } catch (IOException e) {
            throw translate(e);
        } finally {
            waitingSince = 0;
        }
    }

    @Override
    public long skip(long n) throws IOException {
        enter();
        try {
            return super.skip(n);
        } catch (IOException e) {
            throw translate(e);
        } finally {
            waitingSince = 0;
        }
    }

    /** Stops the watchdog at the end of the body (the caller still closes the stream). */
    private int atEnd(int n) {
        if (n < 0) {
            check.cancel(false);
        }
        return n;
    }

    private void enter() throws IOException {
        if (timedOut) {
            throw stalled(null);
        }
        waitingSince = System.nanoTime();
    }

    private IOException translate(IOException e) {
        return timedOut ? stalled(e) : e;
    }

    private IOException stalled(IOException cause) {
        long seconds = Math.max(1, Math.round(idleNanos / 1e9));
        return new IOException(what + ": no data from the registry for " + seconds + " s (TRESOR_REGISTRY_IDLE_TIMEOUT_SECONDS):"
                + " the registry or its storage stalled; the connection was closed", cause);
    }

    private void closeQuietly() {
        try {
            close();
        } catch (IOException ignored) {
            // the exchange is cancelled either way
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        check.cancel(false);
        super.close();
    }
}
