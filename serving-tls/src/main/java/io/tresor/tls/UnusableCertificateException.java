package io.tresor.tls;

import java.io.IOException;

/**
 * A certificate file and key file that cannot be served: unreadable, not PEM, or a key that is not the
 * certificate's. The message names the file and the problem and never quotes key material, so it may be logged.
 */
public final class UnusableCertificateException extends IOException {
    UnusableCertificateException(String message) {
        super(message);
    }
}
