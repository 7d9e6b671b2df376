package io.tresor.imagearchive.index;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tresor.imagearchive.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * An index document reduced to what the GC needs: its key fingerprint, when it was written, and the digests it
 * references. Read as a token stream, so a document (even a legacy whole-backup {@code images.json} of tens of MB) is
 * never held parsed; {@code intern} lets the caller share one {@link Digest} object across documents.
 *
 * @param keyFingerprint fingerprint of the key the referenced blobs were stored with
 * @param createdAt      the document's {@code createdAt} as written (RFC 3339), null when absent
 * @param digests        every stored digest its images need (root, platform manifests, configs, layers)
 */
public record ImageIndexReferences(String keyFingerprint, String createdAt, Set<Digest> digests) {
    private static final ObjectMapper JSON = ImageIndexCodec.mapper();

    /**
     * @param where the object key, for error messages
     * @throws IllegalArgumentException when it is not an index document or has a schema this plugin does not read
     */
    public static ImageIndexReferences read(InputStream json, String where, UnaryOperator<Digest> intern) throws IOException {
        Set<Digest> digests = new HashSet<>();
        String fingerprint = null;
        String createdAt = null;
        int schema = -1;
        try (JsonParser p = JSON.createParser(json)) {
            expect(p.nextToken(), JsonToken.START_OBJECT, where);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "schemaVersion" -> schema = p.getValueAsInt(-1);
                    case "keyFingerprint" -> fingerprint = p.getValueAsString();
                    case "createdAt" -> createdAt = p.getValueAsString();
                    case "images" -> readImages(p, value, digests, intern, where);
                    default -> p.skipChildren();
                }
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(where + " is not a valid image index document: " + e.getOriginalMessage(), e);
        }
        ImageIndexCodec.checkSchema(schema, where);
        if (fingerprint == null) {
            throw new IllegalArgumentException(where + " has no keyFingerprint: which blobs it references is unknown");
        }
        return new ImageIndexReferences(fingerprint, createdAt, digests);
    }

    // images: [{digest, manifests: [{digest, ...}], blobs: [{digest, ...}], ...}]
    private static void readImages(JsonParser p, JsonToken start, Set<Digest> out, UnaryOperator<Digest> intern, String where)
            throws IOException {
        expect(start, JsonToken.START_ARRAY, where);
        while (p.nextToken() == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("digest")) {
                    out.add(digest(p, intern, where));
                } else if (field.equals("manifests") || field.equals("blobs")) {
                    readDescriptors(p, value, out, intern, where);
                } else {
                    p.skipChildren();
                }
            }
        }
    }

    private static void readDescriptors(JsonParser p, JsonToken start, Set<Digest> out, UnaryOperator<Digest> intern, String where)
            throws IOException {
        expect(start, JsonToken.START_ARRAY, where);
        while (p.nextToken() == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                if (field.equals("digest")) {
                    out.add(digest(p, intern, where));
                } else {
                    p.skipChildren();
                }
            }
        }
    }

    private static Digest digest(JsonParser p, UnaryOperator<Digest> intern, String where) throws IOException {
        try {
            return intern.apply(Digest.parse(p.getValueAsString()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    private static void expect(JsonToken actual, JsonToken expected, String where) {
        if (actual != expected) {
            throw new IllegalArgumentException(where + " is not a valid image index document: expected " + expected + ", found " + actual);
        }
    }
}
