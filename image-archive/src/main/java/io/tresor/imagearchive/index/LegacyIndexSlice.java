package io.tresor.imagearchive.index;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tresor.imagearchive.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One ImageStream's part of a legacy whole-backup {@code images.json} (schema 1): its record and the images its tag
 * history names, read as a token stream so that restoring one ImageStream never holds the whole backup's index.
 */
public final class LegacyIndexSlice {
    private static final ObjectMapper JSON = ImageIndexCodec.mapper();

    private LegacyIndexSlice() {
    }

    /**
     * The slice as a schema-1 {@link ImageIndex} holding one ImageStream; empty when the document has no record of it
     * (also for a schema-2 marker, which holds no ImageStreams).
     *
     * @param where the object key, for error messages
     */
    public static Optional<ImageIndex> read(InputStream json, String where, String namespace, String name) throws IOException {
        int schema = -1;
        String backup = null;
        String fingerprint = null;
        String createdAt = null;
        ImageStreamRecord record = null;
        List<ImageRecord> images = new ArrayList<>();
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException(where + " is not a valid image index document: not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "schemaVersion" -> schema = p.getValueAsInt(-1);
                    case "backup" -> backup = p.getValueAsString();
                    case "keyFingerprint" -> fingerprint = p.getValueAsString();
                    case "createdAt" -> createdAt = p.getValueAsString();
                    case "imageStreams" -> record = findRecord(p, value, namespace, name);
                    // the writer puts imageStreams first; a document ordered otherwise keeps every image (still correct)
                    case "images" -> readImages(p, value, record == null ? null : imagesOf(record), images);
                    default -> p.skipChildren();
                }
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(where + " is not a valid image index document: " + e.getOriginalMessage(), e);
        }
        ImageIndexCodec.checkSchema(schema, where);
        if (record == null) {
            return Optional.empty();
        }
        Set<Digest> wanted = imagesOf(record);
        images.removeIf(i -> !wanted.contains(i.digest()));
        return Optional.of(new ImageIndex(schema, backup, fingerprint, createdAt, List.of(record), images));
    }

    private static ImageStreamRecord findRecord(JsonParser p, JsonToken start, String namespace, String name) throws IOException {
        if (start != JsonToken.START_ARRAY) {
            p.skipChildren();
            return null;
        }
        ImageStreamRecord found = null;
        while (p.nextToken() == JsonToken.START_OBJECT) {
            ImageStreamRecord r = p.readValueAs(ImageStreamRecord.class);
            if (found == null && namespace.equals(r.namespace()) && name.equals(r.name())) {
                found = r;
            }
        }
        return found;
    }

    private static void readImages(JsonParser p, JsonToken start, Set<Digest> wanted, List<ImageRecord> out) throws IOException {
        if (start != JsonToken.START_ARRAY) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.START_OBJECT) {
            ImageRecord image = p.readValueAs(ImageRecord.class);
            if (wanted == null || wanted.contains(image.digest())) {
                out.add(image);
            }
        }
    }

    private static Set<Digest> imagesOf(ImageStreamRecord record) {
        Set<Digest> digests = new HashSet<>();
        record.tags().forEach(t -> t.items().forEach(i -> {
            if (i.image() != null) {
                digests.add(i.image());
            }
        }));
        return digests;
    }
}
