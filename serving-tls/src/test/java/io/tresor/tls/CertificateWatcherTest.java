package io.tresor.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tresor.tls.CertificateWatcher.Check;
import io.tresor.tls.testing.LogCapture;
import io.tresor.tls.testing.SecretVolume;
import io.tresor.tls.testing.TestCertificates;
import io.tresor.tls.testing.TestCertificates.KeyFormat;
import io.tresor.tls.testing.TestCertificates.Pair;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which pair is served after each look at the files, and what is logged about it (no timing but in the last test). */
class CertificateWatcherTest {
    private static Pair a;
    private static Pair b;
    private static Pair c;
    private final AtomicReference<PemCredentials> installed = new AtomicReference<>();

    @BeforeAll
    static void certificates() throws Exception {
        TestCertificates ca = TestCertificates.shared();
        a = ca.pair("agent-a", KeyFormat.EC_PKCS8);
        b = ca.pair("agent-b", KeyFormat.EC_PKCS8);
        c = ca.pair("agent-c", KeyFormat.EC_PKCS8);
    }

    @Test
    void aRotatedPairIsServedAndABrokenOneNeverIs(@TempDir Path dir) throws Exception {
        SecretVolume secret = new SecretVolume(dir, a.certPem(), a.keyPem());
        try (LogCapture log = new LogCapture(); CertificateWatcher watcher = watcher(secret.cert(), secret.key())) {
            assertServes(watcher, a);
            assertThat(log.lines("serving certificate from", hex(a), "CN=agent-a", "valid until")).isEqualTo(1);
            assertThat(watcher.check()).isEqualTo(Check.UNCHANGED);

            secret.publish(b.certPem(), b.keyPem());
            assertThat(watcher.check()).isEqualTo(Check.RELOADED);
            assertServes(watcher, b);
            assertThat(log.lines("serving certificate reloaded", hex(b), "CN=agent-b", "valid until")).isEqualTo(1);

            // a new certificate with the old key: a rotation caught half-way
            secret.publish(c.certPem(), b.keyPem());
            assertThat(watcher.check()).isEqualTo(Check.REJECTED);
            assertServes(watcher, b);
            assertThat(watcher.check()).isEqualTo(Check.UNCHANGED);
            assertThat(watcher.check()).isEqualTo(Check.UNCHANGED);
            assertThat(log.lines("WARN", "not reloaded", "still serving", "CN=agent-b", "is not the key of"))
                    .isEqualTo(1);

            // another failure is a new warning, once
            secret.publish(c.certPem(), "-----BEGIN PRIVATE KEY-----\nnot base64 at all\n"
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(watcher.check()).isEqualTo(Check.REJECTED);
            assertThat(watcher.check()).isEqualTo(Check.UNCHANGED);
            assertServes(watcher, b);
            assertThat(log.lines("WARN", "not reloaded")).isEqualTo(2);

            secret.publish(c.certPem(), c.keyPem());
            assertThat(watcher.check()).isEqualTo(Check.RELOADED);
            assertServes(watcher, c);
            assertThat(watcher.reloads()).isEqualTo(2);
            assertThat(log.text()).doesNotContain(keyBody(b)).doesNotContain(keyBody(c)).doesNotContain("not base64");
        }
    }

    @Test
    void filesThatDisappearAreWarnedAboutOnceAndServedAgainWhenBack(@TempDir Path dir) throws Exception {
        Path cert = Files.write(dir.resolve("tls.crt"), a.certPem());
        Path key = Files.write(dir.resolve("tls.key"), a.keyPem());
        try (LogCapture log = new LogCapture(); CertificateWatcher watcher = watcher(cert, key)) {
            Files.delete(key);
            assertThat(watcher.check()).isEqualTo(Check.REJECTED);
            assertThat(watcher.check()).isEqualTo(Check.UNCHANGED);
            assertServes(watcher, a);
            assertThat(log.lines("WARN", "cannot read the key file " + key, "NoSuchFileException")).isEqualTo(1);

            Files.write(key, a.keyPem());
            assertThat(watcher.check()).isEqualTo(Check.RELOADED);
            assertServes(watcher, a);
        }
    }

    @Test
    void aPairThatCannotBeServedFailsTheStartNamingFileAndProblem(@TempDir Path dir) throws Exception {
        Path cert = Files.write(dir.resolve("tls.crt"), b.certPem());
        Path key = Files.write(dir.resolve("tls.key"), b.keyPem());
        Path otherKey = Files.write(dir.resolve("other.key"), a.keyPem());
        Path garbage = Files.writeString(dir.resolve("garbage"), "half a certific");
        Path brokenSec1 = Files.writeString(dir.resolve("ec.key"), "-----BEGIN EC PRIVATE KEY-----\nAAAA\n"
                + "-----END EC PRIVATE KEY-----\n");

        assertThatThrownBy(() -> watcher(dir.resolve("missing.crt"), key))
                .isInstanceOf(UnusableCertificateException.class)
                .hasMessage("cannot read the certificate file " + dir.resolve("missing.crt")
                        + " (NoSuchFileException)");
        assertThatThrownBy(() -> watcher(garbage, key))
                .hasMessageStartingWith("the certificate file " + garbage + " holds no readable PEM certificate");
        assertThatThrownBy(() -> watcher(key, cert))
                .hasMessage("the certificate file " + key
                        + " holds a private key: are --tls-cert and --tls-key swapped?");
        assertThatThrownBy(() -> watcher(cert, garbage))
                .hasMessage("the key file " + garbage + " holds no PEM private key (PRIVATE KEY, RSA PRIVATE KEY or EC "
                        + "PRIVATE KEY)");
        assertThatThrownBy(() -> watcher(cert, brokenSec1))
                .hasMessageStartingWith("the key file " + brokenSec1 + " is not valid PEM (");
        assertThatThrownBy(() -> watcher(cert, otherKey))
                .hasMessage("the key in " + otherKey + " is not the key of the first certificate in " + cert
                        + " (CN=agent-b, serial " + hex(b) + ")")
                .hasMessageNotContaining(keyBody(a));
    }

    @Test
    void keysInEveryFormTheServiceCaOrOpensslWritesAreServed(@TempDir Path dir) throws Exception {
        TestCertificates ca = TestCertificates.shared();
        SecretVolume secret = new SecretVolume(dir, a.certPem(), a.keyPem());
        try (CertificateWatcher watcher = watcher(secret.cert(), secret.key())) {
            for (KeyFormat format : KeyFormat.values()) {
                Pair next = ca.pair("agent-" + format, format);
                secret.publish(next.certPem(), next.keyPem());
                assertThat(watcher.check()).as(format.name()).isEqualTo(Check.RELOADED);
                assertServes(watcher, next);
            }
            // PKCS#1 of another RSA key is a key of another certificate, not a key that cannot be read
            Pair rsa = ca.pair("agent-rsa", KeyFormat.RSA_PKCS1);
            secret.publish(rsa.certPem(), ca.pair("other", KeyFormat.RSA_PKCS1).keyPem());
            try (LogCapture log = new LogCapture()) {
                assertThat(watcher.check()).isEqualTo(Check.REJECTED);
                assertThat(log.lines("WARN", "is not the key of")).isEqualTo(1);
            }
        }
    }

    @Test
    void aPairTheServerRefusesIsNotCountedAsServed(@TempDir Path dir) throws Exception {
        SecretVolume secret = new SecretVolume(dir, a.certPem(), a.keyPem());
        try (LogCapture log = new LogCapture(); CertificateWatcher watcher = new CertificateWatcher(secret.cert(),
                secret.key(), "tls-test", credentials -> {
                    throw new IllegalStateException("server refused");
                })) {
            secret.publish(b.certPem(), b.keyPem());
            assertThat(watcher.check()).isEqualTo(Check.REJECTED);
            assertThat(watcher.check()).isEqualTo(Check.UNCHANGED);
            assertThat(watcher.current().leaf()).isEqualTo(a.certificate());
            assertThat(watcher.reloads()).isZero();
            assertThat(log.lines("WARN", "the server did not take it", "IllegalStateException", "CN=agent-a"))
                    .isEqualTo(1);
        }
    }

    @Test
    void watchingLooksOnItsOwnNamedDaemonThreadUntilClosed(@TempDir Path dir) throws Exception {
        SecretVolume secret = new SecretVolume(dir, a.certPem(), a.keyPem());
        try (CertificateWatcher watcher = watcher(secret.cert(), secret.key()).watch(Duration.ofMillis(20))) {
            secret.publish(b.certPem(), b.keyPem());
            await(() -> watcher.reloads() == 1);
            assertServes(watcher, b);
            assertThat(threadNamed("tls-test")).isTrue();
        }
        await(() -> !threadNamed("tls-test"));
    }

    private CertificateWatcher watcher(Path cert, Path key) throws UnusableCertificateException {
        return new CertificateWatcher(cert, key, "tls-test", installed::set);
    }

    /** The watcher serves {@code pair}, and the server was given it unless it is still the first one. */
    private void assertServes(CertificateWatcher watcher, Pair pair) throws Exception {
        PemCredentials expected = PemCredentials.parse(Path.of("tls.crt"), pair.certPem(), Path.of("tls.key"),
                pair.keyPem());
        assertThat(watcher.current().chain()).isEqualTo(expected.chain());
        assertThat(watcher.current().key()).isEqualTo(expected.key());
        assertThat(installed.get()).isSameAs(watcher.reloads() == 0 ? null : watcher.current());
    }

    private static boolean threadNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isDaemon());
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 20 s").isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    private static String hex(Pair pair) {
        return pair.certificate().getSerialNumber().toString(16).toUpperCase(Locale.ROOT);
    }

    /** The base64 of the key, which must appear in no log line and no message. */
    private static String keyBody(Pair pair) {
        return new String(pair.keyPem(), StandardCharsets.US_ASCII).split("\n")[1];
    }
}
