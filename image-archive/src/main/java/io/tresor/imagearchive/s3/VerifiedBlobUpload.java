package io.tresor.imagearchive.s3;

import io.tresor.imagearchive.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
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
    /** Read (and hash) size: small enough to stay in the CPU cache between the hash and the copy into the part. */
    private static final int CHUNK = 64 * 1024;

    private final S3Client s3;
    private final StorageLocation location;
    private final SseCustomerKey key;
    private final String objectKey;

    VerifiedBlobUpload(S3Client s3, StorageLocation location, SseCustomerKey key, String objectKey) {
        this.s3 = s3;
        this.location = location;
        this.key = key;
        this.objectKey = objectKey;
    }

    /**
     * Uploads through {@code buffer}: its capacity is the part size (at least 5 MiB unless the whole blob fits in it).
     * The content is hashed while it is read into the buffer, in small chunks that are still in the CPU cache. Never
     * more than {@code expectedSize} plus one buffer is read: a longer stream fails as soon as it passes the size.
     *
     * @param expectedSize the declared size, at least 0 (checked by the store against {@link BlobSizeLimits})
     */
    long upload(Digest expected, long expectedSize, InputStream content, ByteBuffer buffer) {
        MessageDigest sha = Digest.newSha256();
        byte[] chunk = new byte[CHUNK];
        int n = fill(content, buffer, chunk, sha);
        if (n > expectedSize) {
            throw longer(expected, expectedSize, n);
        }
        if (n < buffer.capacity()) {
            verify(expected, expectedSize, Digest.fromRaw(sha.digest()), n);
            putSingle(buffer, n);
            return n;
        }
        return multipart(expected, expectedSize, content, sha, buffer, chunk, n);
    }

    private void putSingle(ByteBuffer buffer, int n) {
        try {
            s3.putObject(PutObjectRequest.builder().bucket(location.bucket()).key(objectKey)
                            .contentType("application/octet-stream")
                            .sseCustomerAlgorithm("AES256").sseCustomerKey(key.base64()).sseCustomerKeyMD5(key.md5Base64()).build(),
                    body(buffer, n));
        } catch (SdkException e) {
            throw failed("PUT", e);
        }
    }

    private long multipart(Digest expected, long expectedSize, InputStream content, MessageDigest sha, ByteBuffer buffer,
                           byte[] chunk, int first) {
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
                total += n;
                if (total > expectedSize) {
                    throw longer(expected, expectedSize, total);
                }
                int partNumber = parts.size() + 1;
                if (partNumber > BlobSizeLimits.S3_MAX_PARTS) {
                    // unreachable while the store refuses declared sizes above 10,000 parts: kept so that S3 never sees it
                    throw new ArchiveStoreException("storage location " + location.name() + ": " + objectKey + " needs more than "
                            + BlobSizeLimits.S3_MAX_PARTS + " parts of " + buffer.capacity() + " bytes");
                }
                int length = n;
                String etag = s3.uploadPart(b -> b.bucket(location.bucket()).key(objectKey).uploadId(uploadId)
                                .partNumber(partNumber).contentLength((long) length)
                                .sseCustomerAlgorithm("AES256").sseCustomerKey(key.base64()).sseCustomerKeyMD5(key.md5Base64()),
                        body(buffer, length)).eTag();
                parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
                n = fill(content, buffer, chunk, sha);
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

    /** A body the SDK can reopen (the SigV4 payload hash over plain HTTP, retries) without copying the buffer. */
    private static RequestBody body(ByteBuffer buffer, int length) {
        return RequestBody.fromContentProvider(() -> new ByteBufferInputStream(buffer.duplicate().position(0).limit(length)),
                length, "application/octet-stream");
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
        if (!expected.equals(actual) || expectedSize != actualSize) {
            throw new BlobDigestMismatchException(location.name(), expected, actual, expectedSize, actualSize);
        }
    }

    private BlobDigestMismatchException longer(Digest expected, long expectedSize, long readSoFar) {
        return new BlobDigestMismatchException(location.name(), expected, null, expectedSize, readSoFar);
    }

    /**
     * Refills {@code buffer} from the start with up to its capacity of content (fewer only at the end of the stream),
     * hashing what it reads; returns the byte count.
     */
    private int fill(InputStream content, ByteBuffer buffer, byte[] chunk, MessageDigest sha) {
        buffer.clear();
        try {
            while (buffer.hasRemaining()) {
                int n = content.read(chunk, 0, Math.min(chunk.length, buffer.remaining()));
                if (n < 0) {
                    break;
                }
                sha.update(chunk, 0, n);
                buffer.put(chunk, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("storage location " + location.name() + ": reading the source of " + objectKey
                    + " failed: " + e.getMessage(), e);
        }
        return buffer.position();
    }

    private ArchiveStoreException failed(String operation, SdkException e) {
        return new ArchiveStoreException("storage location " + location.name() + ": " + operation + " of " + objectKey
                + " failed: " + e.getMessage(), e);
    }
}
