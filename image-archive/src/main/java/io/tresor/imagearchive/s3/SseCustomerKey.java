package io.tresor.imagearchive.s3;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An S3 SSE-C customer key: exactly 32 raw bytes (AES-256). Its text forms never show the key, only its fingerprint.
 */
public final class SseCustomerKey {
    /** Domain label of the fingerprint HMAC, so the fingerprint is useless as a hash of the key anywhere else. */
    private static final byte[] FINGERPRINT_LABEL = "tresor.io/sse-c-key-fingerprint/v1".getBytes(StandardCharsets.US_ASCII);

    private final byte[] key;
    private final String fingerprint;

    private SseCustomerKey(byte[] key) {
        this.key = key;
        this.fingerprint = computeFingerprint(key);
    }

    /**
     * @param raw    the raw key bytes (a Secret value or the content of a {@code customerKeyEncryptionFile})
     * @param origin where the bytes came from, for error messages (e.g. {@code secret tenant-a/creds key customer-key})
     */
    public static SseCustomerKey of(byte[] raw, String origin) {
        if (raw == null || raw.length == 0) {
            throw new IllegalArgumentException("SSE-C key from " + origin + " is missing or empty: "
                    + "provide exactly 32 raw bytes (dd if=/dev/urandom bs=1 count=32)");
        }
        if (raw.length != 32) {
            String hint = raw.length == 44 ? " (44 bytes looks like base64 text: store the decoded 32 raw bytes)" : "";
            throw new IllegalArgumentException("SSE-C key from " + origin + " has " + raw.length
                    + " bytes, expected exactly 32 raw bytes" + hint);
        }
        return new SseCustomerKey(raw.clone());
    }

    /** Base64 of the key, the value of {@code x-amz-server-side-encryption-customer-key}. */
    public String base64() {
        return Base64.getEncoder().encodeToString(key);
    }

    /** Base64 of MD5 of the key, the value of {@code x-amz-server-side-encryption-customer-key-MD5}. */
    public String md5Base64() {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(key));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has MD5", e);
        }
    }

    /** HMAC-SHA256 of a fixed label keyed with the key, first 16 bytes as hex: names the key's blob directory. */
    public String fingerprint() {
        return fingerprint;
    }

    private static String computeFingerprint(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(Arrays.copyOf(mac.doFinal(FINGERPRINT_LABEL), 16));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has HmacSHA256", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SseCustomerKey other && MessageDigest.isEqual(key, other.key);
    }

    @Override
    public int hashCode() {
        return fingerprint.hashCode();
    }

    @Override
    public String toString() {
        return "SseCustomerKey[fingerprint=" + fingerprint + "]";
    }
}
