package io.tresor.imagearchive.testing;

import io.tresor.imagearchive.s3.S3BlobStore;
import io.tresor.imagearchive.s3.SseCustomerKey;
import io.tresor.imagearchive.s3.StorageLocation;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * The S3 requests one store made, as {@code "GET <key>"}, {@code "PUT <key>"}, {@code "HEAD <key>"},
 * {@code "DELETE <key>"} or {@code "LIST <prefix>"}, and an optional action after each (to interleave another party).
 */
public final class S3Requests implements ExecutionInterceptor {
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private volatile Consumer<String> after = r -> { };

    /** A store of {@code location} on {@code server} whose requests this records. */
    public S3BlobStore store(S3Server server, StorageLocation location, byte[] key) {
        return store(server.endpoint(), location, key);
    }

    /** A store of {@code location} on an {@link S3Server} at {@code endpoint} (perhaps in another JVM). */
    public S3BlobStore store(java.net.URI endpoint, StorageLocation location, byte[] key) {
        S3Client client = S3Client.builder().endpointOverride(endpoint).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(S3Server.ACCESS_KEY, S3Server.SECRET_KEY)))
                .httpClient(Apache5HttpClient.builder().build())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(c -> c.addExecutionInterceptor(this)).build();
        return new S3BlobStore(client, location, SseCustomerKey.of(key, "test"), S3BlobStore.DEFAULT_PART_SIZE,
                S3BlobStore.DEFAULT_PART_BUFFERS);
    }

    public List<String> seen() {
        return List.copyOf(seen);
    }

    public void clear() {
        seen.clear();
    }

    /** Runs {@code action} with each recorded request's text after the request completed. */
    public void after(Consumer<String> action) {
        after = action;
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        String request = describe(context.request());
        seen.add(request);
        after.accept(request);
    }

    private static String describe(SdkRequest r) {
        if (r instanceof GetObjectRequest g) {
            return "GET " + g.key();
        } else if (r instanceof PutObjectRequest p) {
            return "PUT " + p.key();
        } else if (r instanceof HeadObjectRequest h) {
            return "HEAD " + h.key();
        } else if (r instanceof DeleteObjectRequest d) {
            return "DELETE " + d.key();
        } else if (r instanceof ListObjectsV2Request l) {
            return "LIST " + l.prefix();
        }
        return r.getClass().getSimpleName();
    }
}
