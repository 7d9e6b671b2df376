package io.tresor.imagearchive.s3;

import io.tresor.imagearchive.Digest;
import io.tresor.imagearchive.layout.ArchiveLayout;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The image archive of one storage location in S3: content-addressed blobs and JSON documents, all SSE-C encrypted
 * with the location's key. Thread-safe.
 *
 * <p>Only HTTP 404 means "absent": a 400/403 to an SSE-C request means another key wrote the object and is reported as
 * {@link SseKeyMismatchException}, never answered with an upload over it.
 */
public final class S3BlobStore implements AutoCloseable {
    /** Part size of multipart uploads: the memory one upload holds at a time; it bounds a blob at 10,000 parts. */
    public static final int DEFAULT_PART_SIZE = 8 * 1024 * 1024;
    /**
     * Part buffers in memory at once in the whole process, whatever the number of stores and parallel uploads (all
     * stores share one pool per part size; see {@link PartBuffers#shared}): bounds the direct memory uploads need.
     */
    public static final int DEFAULT_PART_BUFFERS = 4;

    private final S3Client s3;
    private final StorageLocation location;
    private final SseCustomerKey key;
    private final ArchiveLayout layout;
    private final int partSize;
    private final PartBuffers partBuffers;

    /**
     * @param s3          client for the location (see {@link S3ClientFactory}); closed with this store
     * @param partSize    multipart part size in bytes, at least 5 MiB (S3's minimum for all but the last part)
     * @param partBuffers how many uploads of the whole process may hold a full part buffer at once (others wait); the
     *                    first store of a part size sizes the shared pool, capped at half the maximum heap
     */
    public S3BlobStore(S3Client s3, StorageLocation location, SseCustomerKey key, int partSize, int partBuffers) {
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.location = Objects.requireNonNull(location, "location");
        this.key = Objects.requireNonNull(key, "key: the image archive writes SSE-C encrypted blobs only");
        if (partSize < 5 * 1024 * 1024) {
            throw new IllegalArgumentException("part size " + partSize + " is below S3's minimum of 5 MiB");
        }
        this.partSize = partSize;
        this.partBuffers = PartBuffers.shared(partSize, Math.max(1, partBuffers));
        this.layout = new ArchiveLayout(location.prefix());
    }

    /** Opens the store of a location: reads its key and builds the client ({@code credentialsFile} may be null). */
    public static S3BlobStore open(StorageLocation location, SseCustomerKeySource keySource, byte[] credentialsFile) {
        return open(location, keySource, credentialsFile, S3Network.direct());
    }

    /** As {@link #open(StorageLocation, SseCustomerKeySource, byte[])}, reaching the endpoint through {@code network}. */
    public static S3BlobStore open(StorageLocation location, SseCustomerKeySource keySource, byte[] credentialsFile,
                                   S3Network network) {
        location.requireCustomerKey();
        SseCustomerKey key;
        try {
            key = keySource.read();
        } catch (java.io.IOException e) {
            throw new ArchiveStoreException("storage location " + location.name() + ": cannot read its SSE-C key: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new ArchiveStoreException("storage location " + location.name() + ": " + e.getMessage(), e);
        }
        return new S3BlobStore(S3ClientFactory.create(location, credentialsFile, network), location, key, DEFAULT_PART_SIZE, DEFAULT_PART_BUFFERS);
    }

    public ArchiveLayout layout() {
        return layout;
    }

    public StorageLocation location() {
        return location;
    }

    /** Fingerprint of this store's key: the {@code k-<fingerprint>} directory its blobs go to. */
    public String keyFingerprint() {
        return key.fingerprint();
    }

    public String blobKey(Digest digest) {
        return layout.blob(key.fingerprint(), digest);
    }

    /** Size of the blob if it is stored under this key's directory; empty only on 404. */
    public Optional<Long> blobSize(Digest digest) {
        return objectSize(blobKey(digest));
    }

    /** Size of any SSE-C object of this location; empty only on 404. */
    public Optional<Long> objectSize(String objectKey) {
        try {
            var head = s3.headObject(HeadObjectRequest.builder().bucket(location.bucket()).key(objectKey)
                    .sseCustomerAlgorithm("AES256").sseCustomerKey(key.base64()).sseCustomerKeyMD5(key.md5Base64()).build());
            return Optional.of(head.contentLength());
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw translate("HEAD", objectKey, e);
        } catch (SdkException e) {
            throw translate("HEAD", objectKey, e);
        }
    }

    /** Streams a blob; the caller closes the stream. Absent blobs fail with a message naming the digest. */
    public InputStream openBlob(Digest digest) {
        return openObject(blobKey(digest))
                .orElseThrow(() -> new ArchiveStoreException("storage location " + location.name() + ": blob " + digest
                        + " is missing from " + blobKey(digest) + ": the backup is incomplete or was written with another key"));
    }

    /** Streams an SSE-C object, empty on 404. */
    public Optional<InputStream> openObject(String objectKey) {
        try {
            ResponseInputStream<GetObjectResponse> in = s3.getObject(GetObjectRequest.builder().bucket(location.bucket())
                    .key(objectKey).sseCustomerAlgorithm("AES256").sseCustomerKey(key.base64())
                    .sseCustomerKeyMD5(key.md5Base64()).build());
            return Optional.of(in);
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw translate("GET", objectKey, e);
        } catch (SdkException e) {
            throw translate("GET", objectKey, e);
        }
    }

    /** Reads a small SSE-C object (a manifest or index document) whole, at most {@code maxBytes}; empty on 404. */
    public Optional<byte[]> readObject(String objectKey, int maxBytes) {
        Optional<InputStream> in = openObject(objectKey);
        if (in.isEmpty()) {
            return Optional.empty();
        }
        try (InputStream s = in.get()) {
            byte[] bytes = s.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw new ArchiveStoreException("storage location " + location.name() + ": " + objectKey + " is larger than "
                        + maxBytes + " bytes; refusing to load it into memory");
            }
            return Optional.of(bytes);
        } catch (java.io.IOException e) {
            throw new UncheckedIOException("storage location " + location.name() + ": reading " + objectKey + " failed", e);
        }
    }

    /** Writes a small SSE-C object (index, in-progress root, sweep state) in one PUT. */
    public void writeObject(String objectKey, byte[] content, String contentType) {
        try {
            s3.putObject(PutObjectRequest.builder().bucket(location.bucket()).key(objectKey).contentType(contentType)
                    .sseCustomerAlgorithm("AES256").sseCustomerKey(key.base64()).sseCustomerKeyMD5(key.md5Base64()).build(),
                    RequestBody.fromBytes(content));
        } catch (SdkException e) {
            throw translate("PUT", objectKey, e);
        }
    }

    /**
     * Stores a blob from a stream, verified: the content is hashed while it streams and becomes visible only if it
     * matches {@code digest} and {@code expectedSize}. Returns the bytes uploaded.
     *
     * <p>{@code expectedSize} usually comes from a manifest, i.e. from whoever pushed the image, so it never sizes more
     * than a 1 MiB buffer: it is checked against {@link BlobSizeLimits} before anything is read or allocated, and every
     * larger blob streams through the shared part buffer pool.
     *
     * @throws ArchiveStoreException       when {@code expectedSize} is negative or larger than this store can hold
     *                                     (S3's limits at this store's part size); nothing was read
     * @throws BlobDigestMismatchException when the content differs; nothing was stored
     */
    public long putBlob(Digest digest, long expectedSize, InputStream content) {
        BlobSizeLimits.problem(expectedSize, partSize).ifPresent(problem -> {
            throw new ArchiveStoreException("storage location " + location.name() + ": blob " + digest + " was not stored: its "
                    + "declared size " + expectedSize + " " + problem);
        });
        VerifiedBlobUpload upload = new VerifiedBlobUpload(s3, location, key, blobKey(digest));
        if (BlobSizeLimits.buffering(expectedSize) == BlobSizeLimits.Buffering.OWN_HEAP_BUFFER) {
            // configs, manifests and small layers: a buffer of their own size (one byte more to notice a longer stream)
            return upload.upload(digest, expectedSize, content, ByteBuffer.allocate((int) expectedSize + 1));
        }
        ByteBuffer buffer;
        try {
            buffer = partBuffers.borrow("storage location " + location.name() + ": uploading blob " + digest);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ArchiveStoreException("storage location " + location.name() + ": interrupted waiting to upload " + digest);
        }
        try {
            return upload.upload(digest, expectedSize, content, buffer);
        } finally {
            partBuffers.giveBack(buffer);
        }
    }

    /**
     * Why this store cannot hold a blob declaring {@code declaredSize} bytes (see {@link BlobSizeLimits#problem}), empty
     * when it can: lets a caller refuse an image before copying any of its blobs.
     */
    public Optional<String> declaredSizeProblem(long declaredSize) {
        return BlobSizeLimits.problem(declaredSize, partSize);
    }

    /** The process-wide part buffer pool this store uploads through. */
    PartBuffers partBuffers() {
        return partBuffers;
    }

    /** Deletes an object (no SSE-C needed); absent objects are fine. */
    public void delete(String objectKey) {
        try {
            s3.deleteObject(b -> b.bucket(location.bucket()).key(objectKey));
        } catch (SdkException e) {
            throw translate("DELETE", objectKey, e);
        }
    }

    /** Every object key under a key prefix (listing sends no SSE-C headers). */
    public List<String> listKeys(String keyPrefix) {
        return listObjects(keyPrefix).stream().map(S3Object::key).toList();
    }

    /**
     * Hands every key under a prefix to {@code action}, one listing page (1,000 keys) in memory at a time: the blob
     * directory of a location may hold more keys than the plugin's heap holds as {@code S3Object}s.
     */
    public void forEachKey(String keyPrefix, java.util.function.Consumer<String> action) {
        forEachObject(keyPrefix, o -> action.accept(o.key()));
    }

    /** Hands every object under a prefix to {@code action}, one listing page at a time (see {@link #forEachKey}). */
    public void forEachObject(String keyPrefix, java.util.function.Consumer<S3Object> action) {
        try {
            s3.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(location.bucket()).prefix(keyPrefix).build())
                    .contents().forEach(action);
        } catch (SdkException e) {
            throw translate("LIST", keyPrefix, e);
        }
    }

    /** Every object under a key prefix with its last-modified time. */
    public List<S3Object> listObjects(String keyPrefix) {
        List<S3Object> out = new ArrayList<>();
        forEachObject(keyPrefix, out::add);
        return out;
    }

    /** The names of the "directories" directly under a key prefix ending in {@code /}. */
    public List<String> listDirectoryNames(String keyPrefix) {
        List<String> names = new ArrayList<>();
        try {
            for (CommonPrefix p : s3.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(location.bucket())
                    .prefix(keyPrefix).delimiter("/").build()).commonPrefixes()) {
                String name = p.prefix().substring(keyPrefix.length());
                names.add(name.endsWith("/") ? name.substring(0, name.length() - 1) : name);
            }
        } catch (SdkException e) {
            throw translate("LIST", keyPrefix, e);
        }
        return names;
    }

    private RuntimeException translate(String operation, String objectKey, SdkException e) {
        int status = e instanceof S3Exception s3e ? s3e.statusCode() : 0;
        if (("HEAD".equals(operation) || "GET".equals(operation)) && (status == 400 || status == 403)) {
            return new SseKeyMismatchException(location.name(), objectKey, status, e);
        }
        // the SDK's messages carry no header values, so the key cannot leak through them
        return new ArchiveStoreException("storage location " + location.name() + ": " + operation + " " + objectKey + " failed"
                + (status > 0 ? " (HTTP " + status + ")" : "") + ": " + e.getMessage(), e);
    }

    @Override
    public void close() {
        s3.close();
    }

    @Override
    public String toString() {
        return "S3BlobStore[" + location + " key " + key.fingerprint() + "]";
    }
}
