package io.tresor.imagearchive.s3;

import io.tresor.imagearchive.Digest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * One blob written so that it is visible only with the right content: a blob that fits one part is hashed before a
 * single PUT; a larger one goes up as a multipart upload that is completed only when the digest computed while
 * streaming matches, and aborted otherwise. (Ceph RGW refuses server-side copies from SSE-C sources, so "upload to a
 * temporary key, verify, copy" is not possible.)
 */
final class VerifiedBlobUpload {
    private static final Logger LOG = LoggerFactory.getLogger(VerifiedBlobUpload.class);
    private static final int MAX_PARTS = 10_000;

    private final S3Client s3;
    private final StorageLocation location;
    private final SseCustomerKey key;
    private final String objectKey;
    private final int partSize;

    VerifiedBlobUpload(S3Client s3, StorageLocation location, SseCustomerKey key, String objectKey, int partSize) {
        this.s3 = s3;
        this.location = location;
        this.key = key;
        this.objectKey = objectKey;
        this.partSize = partSize;
    }

    long upload(Digest expected, long expectedSize, InputStream content) {
        // a blob larger than MAX_PARTS * partSize needs larger parts; round up to whole MiB
        int size = partSize;
        if (expectedSize > (long) MAX_PARTS * partSize) {
            long needed = (expectedSize + MAX_PARTS - 1) / MAX_PARTS;
            size = (int) Math.min(Integer.MAX_VALUE - 8, ((needed >> 20) + 1) << 20);
        }
        MessageDigest sha = Digest.newSha256();
        byte[] buffer = new byte[size];
        int n = read(content, buffer);
        if (n < buffer.length) {
            sha.update(buffer, 0, n);
            verify(expected, expectedSize, Digest.fromRaw(sha.digest()), n);
            putSingle(buffer, n);
            return n;
        }
        return multipart(expected, expectedSize, content, sha, buffer, n);
    }

    private void putSingle(byte[] buffer, int n) {
        try {
            s3.putObject(PutObjectRequest.builder().bucket(location.bucket()).key(objectKey)
                            .contentType("application/octet-stream")
                            .sseCustomerAlgorithm("AES256").sseCustomerKey(key.base64()).sseCustomerKeyMD5(key.md5Base64()).build(),
                    RequestBody.fromInputStream(new ByteArrayInputStream(buffer, 0, n), n));
        } catch (SdkException e) {
            throw failed("PUT", e);
        }
    }

    private long multipart(Digest expected, long expectedSize, InputStream content, MessageDigest sha, byte[] buffer, int first) {
        String uploadId;
        try {
            uploadId = s3.createMultipartUpload(b -> b.bucket(location.bucket()).key(objectKey)
                    .contentType("application/octet-stream")
                    .sseCustomerAlgorithm("AES256").sseCustomerKey(key.base64()).sseCustomerKeyMD5(key.md5Base64())).uploadId();
        } catch (SdkException e) {
            throw failed("CreateMultipartUpload", e);
        }
        boolean completed = false;
        try {
            List<CompletedPart> parts = new ArrayList<>();
            long total = 0;
            int n = first;
            while (n > 0) {
                sha.update(buffer, 0, n);
                total += n;
                int partNumber = parts.size() + 1;
                if (partNumber > MAX_PARTS) {
                    throw new ArchiveStoreException("storage location " + location.name() + ": " + objectKey
                            + " is larger than announced (" + expectedSize + " bytes): more than " + MAX_PARTS + " parts");
                }
                int length = n;
                String etag = s3.uploadPart(b -> b.bucket(location.bucket()).key(objectKey).uploadId(uploadId)
                                .partNumber(partNumber).contentLength((long) length)
                                .sseCustomerAlgorithm("AES256").sseCustomerKey(key.base64()).sseCustomerKeyMD5(key.md5Base64()),
                        RequestBody.fromInputStream(new ByteArrayInputStream(buffer, 0, length), length)).eTag();
                parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
                n = read(content, buffer);
            }
            verify(expected, expectedSize, Digest.fromRaw(sha.digest()), total);
            // S3Proxy wants the SSE-C headers on CompleteMultipartUpload too; AWS ignores them there
            s3.completeMultipartUpload(b -> b.bucket(location.bucket()).key(objectKey).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts))
                    .sseCustomerAlgorithm("AES256").sseCustomerKey(key.base64()).sseCustomerKeyMD5(key.md5Base64()));
            completed = true;
            return total;
        } catch (SdkException e) {
            throw failed("multipart upload", e);
        } finally {
            if (!completed) {
                abort(uploadId);
            }
        }
    }

    private void abort(String uploadId) {
        try {
            s3.abortMultipartUpload(b -> b.bucket(location.bucket()).key(objectKey).uploadId(uploadId));
        } catch (SdkException e) {
            // the bucket's lifecycle rule for incomplete uploads is the backstop; the blob itself never became visible
            LOG.warn("storage location {}: aborting the multipart upload of {} failed: {}", location.name(), objectKey, e.getMessage());
        }
    }

    private void verify(Digest expected, long expectedSize, Digest actual, long actualSize) {
        if (!expected.equals(actual) || (expectedSize >= 0 && expectedSize != actualSize)) {
            throw new BlobDigestMismatchException(location.name(), expected, actual, expectedSize, actualSize);
        }
    }

    private int read(InputStream content, byte[] buffer) {
        try {
            return content.readNBytes(buffer, 0, buffer.length);
        } catch (IOException e) {
            throw new UncheckedIOException("storage location " + location.name() + ": reading the source of " + objectKey
                    + " failed: " + e.getMessage(), e);
        }
    }

    private ArchiveStoreException failed(String operation, SdkException e) {
        return new ArchiveStoreException("storage location " + location.name() + ": " + operation + " of " + objectKey
                + " failed: " + e.getMessage(), e);
    }
}
