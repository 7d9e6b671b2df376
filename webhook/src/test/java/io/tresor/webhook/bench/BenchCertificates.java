package io.tresor.webhook.bench;

import io.tresor.tls.testing.TestCertificates;
import java.nio.file.Path;

/** Writes a throw-away serving pair (tls.crt, tls.key) for the load benchmark; the client trusts tls.crt's CA. */
public final class BenchCertificates {

    private BenchCertificates() {
    }

    public static void main(String[] args) throws Exception {
        new TestCertificates().issue(Path.of(args[0]), TestCertificates.KeyFormat.EC_SEC1);
    }
}
