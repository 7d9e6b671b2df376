package io.tresor.imagearchive.s3;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Where a storage location's SSE-C key comes from. Reading a Secret through the Kubernetes API is the caller's job:
 * it hands the Secret value's bytes over through this interface.
 */
@FunctionalInterface
public interface SseCustomerKeySource {
    /** Reads the key; errors name the source and the fix, never the key. */
    SseCustomerKey read() throws IOException;

    /** The raw bytes of a Secret value that the caller already read. */
    static SseCustomerKeySource ofSecretValue(String secretNamespace, String secretName, String key, byte[] value) {
        String origin = "secret " + secretNamespace + "/" + secretName + " key " + key;
        byte[] copy = value == null ? null : value.clone();
        return () -> SseCustomerKey.of(copy, origin);
    }

    /** {@code config.customerKeyEncryptionFile}: a file in the Velero pod holding exactly 32 raw bytes. */
    static SseCustomerKeySource ofFile(Path file) {
        return () -> {
            String origin = "customerKeyEncryptionFile " + file;
            try (InputStream in = Files.newInputStream(file)) {
                // read at most 33 bytes: enough to tell "too long" without loading an arbitrary file
                return SseCustomerKey.of(in.readNBytes(33), origin);
            } catch (NoSuchFileException e) {
                throw new IOException(origin + " does not exist: mount the key Secret there or fix config.customerKeyEncryptionFile", e);
            }
        };
    }
}
